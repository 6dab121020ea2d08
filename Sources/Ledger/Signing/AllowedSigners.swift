import FoundationEssentials

/// git's / ssh-keygen's allowed_signers file (ssh-keygen(1) "ALLOWED SIGNERS"): one key per
/// line as `principals [options] key`, `#` comments and blank lines ignored.
///
/// Parsing is as strict as ssh-keygen's, because every ledger commit must also pass stock
/// `git verify-commit` with this file: option values must be double-quoted, unknown or
/// repeated options are errors, option names are case-insensitive.
public struct AllowedSigners: Sendable, Equatable {
    /// One line of the file.
    public struct Entry: Sendable, Equatable {
        /// Principal patterns (e.g. "alice@example.com", "*@example.com", "!bob@example.com").
        public var principals: [String]
        /// Options by lower-cased name, values unquoted; a flag such as `cert-authority` maps to "".
        public var options: [String: String]
        /// The key.
        public var key: SSHPublicKey
        /// The order options were written in, so serialization keeps the author's order.
        var optionOrder: [String]

        /// Creates an entry; the convenience properties below read and write `options`.
        public init(principals: [String], options: [String: String] = [:], key: SSHPublicKey) {
            self.principals = principals
            self.options = options
            self.key = key
            self.optionOrder = options.keys.sorted()
        }

        /// `valid-after`: the key is valid at or after this time. Setting it writes a UTC timestamp.
        public var validAfter: Date? {
            get { options["valid-after"].flatMap { try? AllowedSigners.parseTimestamp($0) } }
            set { setOption("valid-after", newValue.map(AllowedSigners.formatTimestamp)) }
        }

        /// `valid-before`: the key is valid before this time. Setting it writes a UTC timestamp.
        public var validBefore: Date? {
            get { options["valid-before"].flatMap { try? AllowedSigners.parseTimestamp($0) } }
            set { setOption("valid-before", newValue.map(AllowedSigners.formatTimestamp)) }
        }

        /// `namespaces`: the namespace patterns this key may sign in; nil means any.
        public var namespaces: [String]? {
            get { options["namespaces"].map { $0.split(separator: ",").map(String.init) } }
            set { setOption("namespaces", newValue.map { $0.joined(separator: ",") }) }
        }

        /// `cert-authority`: the key is a CA whose certificates are trusted, not a signing key itself.
        public var isCertificateAuthority: Bool { options["cert-authority"] != nil }

        /// True when `principal` matches the principal patterns (wildcards, negation), as `-I` does.
        public func matches(principal: String) -> Bool {
            SSHPatternList.matches(principal, patterns: principals)
        }

        /// True when signing in `namespace` is allowed by the `namespaces` option (or there is none).
        public func allows(namespace: String) -> Bool {
            guard let namespaces else { return true }
            return SSHPatternList.matches(namespace, patterns: namespaces)
        }

        /// True for a plain signing key allowed in git's namespace: what both the writer's trust
        /// check and verification require before looking at principals and validity.
        public var signsGitCommits: Bool { allows(namespace: "git") && !isCertificateAuthority }

        /// True when `date` lies within valid-after (inclusive) and valid-before (exclusive).
        public func isValid(at date: Date) -> Bool {
            if let validAfter, date < validAfter { return false }
            if let validBefore, date >= validBefore { return false }
            return true
        }

        private mutating func setOption(_ name: String, _ value: String?) {
            options[name] = value
            if value != nil, !optionOrder.contains(name) { optionOrder.append(name) }
        }

        /// The entry as one line (no newline): principals, options (values quoted), key and comment.
        func serialized() -> String {
            var fields = [principals.joined(separator: ",")]
            let ordered = optionOrder.filter { options[$0] != nil } + options.keys.filter { !optionOrder.contains($0) }.sorted()
            if !ordered.isEmpty {
                fields.append(ordered.map { name in
                    let value = options[name] ?? ""
                    if name == "cert-authority" && value.isEmpty { return name }
                    return "\(name)=\"\(value.replacingEvery("\"", with: "\\\""))\""
                }.joined(separator: ","))
            }
            fields.append(key.description)
            return fields.joined(separator: " ")
        }
    }

    /// The entries, in file order.
    public var entries: [Entry]

    /// Creates a file from entries.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses the file text.
    /// - Throws: `.invalidInput` naming the (1-based) line number of the first bad line.
    public static func parse(_ text: String) throws -> AllowedSigners {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimming(.whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                entries.append(try parseEntry(line))
            } catch let error as LedgerError {
                throw LedgerError(.invalidInput, "allowed signers line \(index + 1): \(error.message)", hint: error.hint)
            }
        }
        return AllowedSigners(entries: entries)
    }

    /// One line per entry, each "\n"-terminated; comments and blank lines are not kept.
    public func serialized() -> String {
        entries.map { $0.serialized() + "\n" }.joined()
    }

    /// The entries for `key` (compared by key, not comment), in file order.
    public func entries(for key: SSHPublicKey) -> [Entry] {
        entries.filter { $0.key == key }
    }

    // MARK: - Parsing

    private static let knownOptions: Set<String> = ["cert-authority", "namespaces", "valid-after", "valid-before"]

    private static func parseEntry(_ line: String) throws -> Entry {
        var rest = Substring(line)
        // Principals may be double-quoted (ssh-keygen accepts that); otherwise up to whitespace.
        let principalsField = try takeField(&rest)
        let principals = principalsField.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !principals.isEmpty, !principals.contains(where: \.isEmpty) else {
            throw LedgerError(.invalidInput, "empty principal")
        }
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        guard !rest.isEmpty else {
            throw LedgerError(.invalidInput, "missing key after principals")
        }
        // Like ssh-keygen: if the rest reads as a key there are no options, otherwise the next
        // field is the options.
        if let key = try? SSHPublicKey(authorizedKeysLine: String(rest)) {
            return Entry(principals: principals, key: key, options: [:], order: [])
        }
        let optionsField = try takeOptionsField(&rest)
        let (options, order) = try parseOptions(optionsField)
        rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        guard !rest.isEmpty else {
            throw LedgerError(.invalidInput, "missing key")
        }
        let key: SSHPublicKey
        do {
            key = try SSHPublicKey(authorizedKeysLine: String(rest))
        } catch let error as LedgerError {
            throw LedgerError(.invalidInput, "bad key: \(error.message)")
        }
        var entry = Entry(principals: principals, key: key, options: options, order: order)
        if let after = entry.validAfter, let before = entry.validBefore, before <= after {
            throw LedgerError(.invalidInput, "valid-before is not after valid-after")
        }
        entry.optionOrder = order
        return entry
    }

    /// Takes the first whitespace-delimited field, unquoting it if it starts with a quote.
    private static func takeField(_ rest: inout Substring) throws -> String {
        if rest.first == "\"" {
            let body = rest.dropFirst()
            guard let close = body.firstIndex(of: "\"") else {
                throw LedgerError(.invalidInput, "unterminated quoted principals")
            }
            let field = String(body[body.startIndex..<close])
            rest = body[body.index(after: close)...]
            guard rest.isEmpty || rest.first == " " || rest.first == "\t" else {
                throw LedgerError(.invalidInput, "text directly after quoted principals")
            }
            return field
        }
        let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
        defer { rest = rest[end...] }
        return String(rest[rest.startIndex..<end])
    }

    /// Takes the options field: up to the first whitespace outside double quotes (`\"` escapes).
    private static func takeOptionsField(_ rest: inout Substring) throws -> Substring {
        var quoted = false
        var index = rest.startIndex
        while index < rest.endIndex {
            let c = rest[index]
            if !quoted, c == " " || c == "\t" { break }
            if c == "\\", rest.index(after: index) < rest.endIndex, rest[rest.index(after: index)] == "\"" {
                index = rest.index(after: index)
            } else if c == "\"" {
                quoted.toggle()
            }
            index = rest.index(after: index)
        }
        guard !quoted else { throw LedgerError(.invalidInput, "unterminated quote in options") }
        defer { rest = rest[index...] }
        return rest[rest.startIndex..<index]
    }

    /// Splits `a,b="x,y",c` into options, unquoting values; rejects what ssh-keygen rejects.
    private static func parseOptions(_ field: Substring) throws -> ([String: String], [String]) {
        var options: [String: String] = [:]
        var order: [String] = []
        var remaining = field
        while !remaining.isEmpty {
            let nameEnd = remaining.firstIndex(where: { $0 == "=" || $0 == "," }) ?? remaining.endIndex
            let name = remaining[remaining.startIndex..<nameEnd].lowercased()
            remaining = remaining[nameEnd...]
            var value = ""
            if remaining.first == "=" {
                remaining = remaining.dropFirst()
                guard remaining.first == "\"" else {
                    throw LedgerError(.invalidInput, "option \(name) needs a double-quoted value")
                }
                remaining = remaining.dropFirst()
                var closed = false
                while let c = remaining.first {
                    remaining = remaining.dropFirst()
                    if c == "\\", remaining.first == "\"" {
                        value.append("\""); remaining = remaining.dropFirst()
                    } else if c == "\"" {
                        closed = true; break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw LedgerError(.invalidInput, "option \(name): missing end quote") }
            }
            guard knownOptions.contains(name) else {
                throw LedgerError(.invalidInput, "unknown option \"\(name)\"")
            }
            guard options[name] == nil else {
                throw LedgerError(.invalidInput, "option \(name) given more than once")
            }
            if name == "cert-authority" {
                guard value.isEmpty else { throw LedgerError(.invalidInput, "cert-authority takes no value") }
            } else if value.isEmpty {
                throw LedgerError(.invalidInput, "option \(name) needs a value")
            }
            if name == "valid-after" || name == "valid-before" {
                _ = try parseTimestamp(value)
            }
            options[name] = value
            order.append(name)
            if let next = remaining.first {
                guard next == "," else { throw LedgerError(.invalidInput, "unexpected \"\(next)\" after option \(name)") }
                remaining = remaining.dropFirst()
                guard !remaining.isEmpty else { throw LedgerError(.invalidInput, "trailing comma in options") }
            }
        }
        return (options, order)
    }

    // MARK: - Timestamps

    /// Parses an allowed_signers timestamp as ssh-keygen does: YYYYMMDD, YYYYMMDDHHMM or
    /// YYYYMMDDHHMMSS, with an optional trailing "Z" meaning UTC. Without "Z" the time is read
    /// in `timeZone`, which defaults to the current time zone because that is what ssh-keygen
    /// (and so `git verify-commit`) does; write "Z" timestamps for results that do not depend
    /// on the machine.
    /// - Throws: `.invalidInput` for any other shape or an impossible date.
    public static func parseTimestamp(_ text: String, timeZone: WallClockZone = .local) throws -> Date {
        var digits = Substring(text)
        var zone = timeZone
        if digits.last == "Z" || digits.last == "z" {
            digits = digits.dropLast()
            zone = .utc
        }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw LedgerError(.invalidInput, "bad timestamp \"\(text)\": expected YYYYMMDD[Z], YYYYMMDDHHMM[Z] or YYYYMMDDHHMMSS[Z]")
        }
        let numbers = Array(digits).map { Int(String($0))! }
        func number(_ from: Int, _ count: Int) -> Int { numbers[from..<from + count].reduce(0) { $0 * 10 + $1 } }
        // No such day or time (20230231, hour 25) is rejected instead of rolled over.
        guard let seconds = CommitTime.seconds(year: number(0, 4), month: number(4, 2), day: number(6, 2),
                                               hour: digits.count >= 12 ? number(8, 2) : 0,
                                               minute: digits.count >= 12 ? number(10, 2) : 0,
                                               second: digits.count == 14 ? number(12, 2) : 0, in: zone) else {
            throw LedgerError(.invalidInput, "bad timestamp \"\(text)\": no such date or time")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Formats `date` as "YYYYMMDDHHMMSSZ" (UTC), a form every ssh-keygen version reads the same.
    public static func formatTimestamp(_ date: Date) -> String {
        let utc = CommitTime.iso8601(Int64(date.timeIntervalSince1970.rounded(.down)))
        return String(utc.filter { $0.isNumber }) + "Z"
    }
}

extension AllowedSigners.Entry {
    /// Internal initializer used by the parser, which knows the written option order.
    init(principals: [String], key: SSHPublicKey, options: [String: String], order: [String]) {
        self.principals = principals
        self.options = options
        self.key = key
        self.optionOrder = order
    }
}
