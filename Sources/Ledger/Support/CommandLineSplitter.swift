/// Splits a command string into arguments the way git's `split_cmdline` does for
/// gpg.ssh.defaultKeyCommand: whitespace separates, '…' and "…" group, backslash escapes
/// (except inside single quotes). No shell is involved, so no expansion happens.
enum CommandLineSplitter {
    /// Returns the arguments, or nil for an unclosed quote or a trailing backslash.
    static func split(_ command: String) -> [String]? {
        var arguments: [String] = []
        var current = ""
        var inArgument = false
        var quote: Character?
        var iterator = command.makeIterator()
        while let c = iterator.next() {
            if quote == nil, c.isWhitespace {
                if inArgument { arguments.append(current); current = ""; inArgument = false }
            } else if quote == nil, c == "'" || c == "\"" {
                quote = c
                inArgument = true
            } else if c == quote {
                quote = nil
            } else if c == "\\", quote != "'" {
                guard let escaped = iterator.next() else { return nil }
                current.append(escaped)
                inArgument = true
            } else {
                current.append(c)
                inArgument = true
            }
        }
        guard quote == nil else { return nil }
        if inArgument { arguments.append(current) }
        return arguments
    }
}
