import FoundationEssentials

/// The message of a ledger commit: `<action> <id>: <title>`, the note, then `Readiness-*` trailers,
/// so plain `git log` tells the story. The tree stays the truth; verification checks they agree.
public struct LedgerCommitMessage: Equatable, Sendable {
    /// The action word of the subject (`check`, `uncheck`, `waive`, `init`, …).
    public var action: String
    /// The item id or other subject of the event.
    public var subjectID: String
    /// The human title after the colon.
    public var title: String
    /// Free text: the note or reason; may be empty.
    public var body: String
    /// Trailers in order, as (key without the `Readiness-` prefix, value).
    public var trailers: [(String, String)]

    /// Creates a message.
    public init(action: String, subjectID: String, title: String, body: String, trailers: [(String, String)]) {
        self.action = action
        self.subjectID = subjectID
        self.title = title
        self.body = body
        self.trailers = trailers
    }

    /// The full message, already in the form git's default cleanup would leave it
    /// (no trailing spaces, one final newline), so `git commit -F` reproduces it byte for byte.
    public var text: String {
        var parts = ["\(action) \(subjectID): \(title)"]
        let note = Self.clean(body)
        if !note.isEmpty { parts.append(note) }
        if !trailers.isEmpty {
            parts.append(trailers.map { "Readiness-\($0.0): \($0.1)" }.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// The value of every `Readiness-<key>` trailer in the message's last paragraph, read as
    /// the verifier reads trailers (`CommitTrailers`, byte-wise: a Character-wise split of the
    /// message cost as much as the rest of indexing a commit).
    public static func trailerValues(_ key: String, in message: String) -> [String] {
        CommitTrailers(message)[key]
    }

    /// The body of `message`: what follows the subject, without the trailer paragraph.
    public static func body(of message: String) -> String {
        var paragraphs = message.components(separatedBy: "\n\n").filter { !$0.trimming(.newlines).isEmpty }
        guard !paragraphs.isEmpty else { return "" }
        paragraphs.removeFirst()
        if let last = paragraphs.last, last.split(separator: "\n").allSatisfy({ $0.hasPrefix("Readiness-") }) { paragraphs.removeLast() }
        return paragraphs.joined(separator: "\n\n").trimming(.newlines)
    }

    /// Strips trailing white space from each line and blank lines at both ends, as git does.
    static func clean(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var line = line
            while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
            return line
        }
        var trimmed = Array(lines)
        while let first = trimmed.first, first.isEmpty { trimmed.removeFirst() }
        while let last = trimmed.last, last.isEmpty { trimmed.removeLast() }
        // Runs of blank lines collapse to one, as git's cleanup does.
        var out: [Substring] = []
        for line in trimmed where !(line.isEmpty && out.last?.isEmpty == true) { out.append(line) }
        return out.joined(separator: "\n")
    }
}

extension LedgerCommitMessage {
    public static func == (lhs: LedgerCommitMessage, rhs: LedgerCommitMessage) -> Bool { lhs.text == rhs.text }
}
