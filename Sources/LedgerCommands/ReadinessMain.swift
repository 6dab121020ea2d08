import ArgumentParser
import FoundationEssentials
import Ledger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry point: parses, runs, and reports every failure in one style, the parser's own
/// included (`readiness: error: …` on stderr, then a hint), with "did you mean" for a mistyped
/// subcommand. Help and `--version` print as argument-parser prints them.
public enum ReadinessMain {
    /// Runs `readiness` with `arguments` and exits with its code.
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // Answered before argument-parser is set up: its first use reflects over every
        // subcommand (the runtime scans all protocol conformance records), which is most of
        // this command's start-up. Only the exact argument list; anything else is parsed.
        if arguments == ["--version"] {
            print(ReadinessCommand.version)
            exit(0)
        }
        do {
            var command = try parseLeaf(arguments) ?? ReadinessCommand.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let code as ExitCode {
            // Errors people act on were already printed by `reportingErrors`.
            exit(code.rawValue)
        } catch {
            let code = ReadinessCommand.exitCode(for: error)
            if code == .success { ReadinessCommand.exit(withError: error) }
            printError(UsageErrorText.message(for: error, arguments: arguments))
            exit(code.rawValue)
        }
    }
}

extension ReadinessMain {
    /// The command for `arguments` when they name a top-level leaf command (`status`, `check`,
    /// …) and parse as its own; nil for anything else, and for any parse error or help request,
    /// which the whole tree then parses again so that its answer and message stay the tree's.
    ///
    /// Why: parsing from the root makes argument-parser reflect over the command tree and try
    /// the completion-script options first, which was a third of an everyday command (callgrind,
    /// `status` on the shipped checklist: 36.1 M → 32.6 M instructions). A leaf names
    /// `readiness` as its super-command, so argument-parser skips the completion check when it
    /// is the root here; in the tree, where `readiness` is the root, the name changes nothing.
    static func parseLeaf(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let word = arguments.first,
              let leaf = ReadinessCommand.configuration.subcommands.first(where: { $0.configuration.commandName == word }),
              leaf.configuration.subcommands.isEmpty,
              leaf.configuration._superCommandName == ReadinessCommand.name else { return nil }
        // A help request comes back as argument-parser's own help command, not as a throw.
        guard let command = try? leaf.parseAsRoot(Array(arguments.dropFirst())), type(of: command) == leaf else { return nil }
        return command
    }
}

/// The one-line message for a command-line error, with a suggestion for a mistyped subcommand.
enum UsageErrorText {
    static func message(for error: Error, arguments: [String]) -> String {
        var message = ReadinessCommand.message(for: error).trimming(.whitespacesAndNewlines)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        if let suggestion = suggestion(for: arguments) {
            message += " (did you mean `\(suggestion)`?)"
        } else {
            message += " (see `\(([ReadinessCommand.name] + commandPath(arguments)).joined(separator: " ")) --help`)"
        }
        return message
    }

    /// The subcommand words at the start of `arguments` that name commands.
    static func commandPath(_ arguments: [String]) -> [String] {
        var level = ReadinessCommand.configuration.subcommands
        var path: [String] = []
        for word in arguments where !word.hasPrefix("-") {
            guard let next = level.first(where: { $0.configuration.commandName == word }) else { break }
            path.append(word)
            level = next.configuration.subcommands
        }
        return path
    }

    /// The closest subcommand to the first word that names none, at any level of nesting.
    static func suggestion(for arguments: [String]) -> String? {
        let words = arguments.filter { !$0.hasPrefix("-") }
        return suggestion(words: words[...], level: ReadinessCommand.configuration.subcommands, path: [ReadinessCommand.name])
    }

    private static func suggestion(words: ArraySlice<String>, level: [any ParsableCommand.Type], path: [String]) -> String? {
        guard let word = words.first, !level.isEmpty else { return nil }
        let names = level.map { $0.configuration.commandName ?? "" }
        if let index = names.firstIndex(of: word) {
            return suggestion(words: words.dropFirst(), level: level[index].configuration.subcommands, path: path + [word])
        }
        let candidates = names + (path.count == 1 ? ["help"] : [])
        let scores = candidates.map { EditDistance.between(Array(word), Array($0)) }
        guard let best = scores.indices.min(by: { scores[$0] < scores[$1] }), scores[best] <= max(2, word.count / 3) else { return nil }
        return (path + [candidates[best]]).joined(separator: " ")
    }
}
