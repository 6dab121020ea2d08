import FoundationEssentials
import Git

/// An event as queries print it: plain values, ready for text, JSON or CSV.
public struct EventView: Codable, Equatable, Sendable, JSONWritable {
    public var commit: String
    public var time: String
    public var path: String
    public var item: String?
    public var section: String?
    public var action: String
    public var stateBefore: String?
    public var stateAfter: String?
    public var signerName: String
    public var signerEmail: String
    public var signerKey: String?
    public var note: String?
    public var evidence: [String]
    public var waivedUntil: String?
    public var previous: [String]
    /// The signature verdict for the event's commit.
    public var signature: String

    /// Builds the view of `event` with its signature verdict; `naming` (the definition the query
    /// reads) names item files by their items' current ids, else the file's own name is used.
    /// `people` resolves pseudonyms and sealed texts (a pseudonymous ledger); plain passes all through.
    public init(_ event: LedgerEvent, signature: String, naming: ItemNaming? = nil, people: PeopleDirectory = .plain) {
        let person = people.display(event.person)
        commit = event.commit.hex
        time = CommitTime.iso8601(event.time)
        path = event.path
        item = naming?.item(atPath: event.path) ?? event.itemID
        section = naming?.section(atPath: event.path) ?? event.sectionID
        action = event.action
        stateBefore = event.stateBefore?.rawValue
        stateAfter = event.stateAfter?.rawValue
        signerName = person.name
        signerEmail = person.email
        signerKey = person.key
        note = people.text(event.note)
        evidence = event.evidence.map { $0.replacingLabels { people.text($0) ?? $0 }.summary }
        waivedUntil = event.waivedUntil
        previous = event.previous
        self.signature = signature
    }

    /// The JSON object, keys sorted; absent optional values are written as null so every
    /// event has the same keys. Written straight into the writer (`write(to:level:)`).
    public var json: JSONWriter.Value { .written(self) }

    /// Appends the JSON object of `json` (keys sorted, every key present, null when absent),
    /// field by field: a timeline writes thousands of them.
    public func write(to writer: inout JSONWriter, level: Int) {
        writer.field("action", first: true, level: level)
        writer.write(string: action)
        writer.field("commit", level: level)
        writer.write(string: commit)
        writer.field("evidence", level: level)
        writer.write(strings: evidence, level: level + 1)
        writer.field("item", level: level)
        writer.write(optional: item)
        writer.field("note", level: level)
        writer.write(optional: note)
        writer.field("path", level: level)
        writer.write(string: path)
        writer.field("previous", level: level)
        writer.write(strings: previous, level: level + 1)
        writer.field("section", level: level)
        writer.write(optional: section)
        writer.field("signature", level: level)
        writer.write(string: signature)
        writer.field("signerEmail", level: level)
        writer.write(string: signerEmail)
        writer.field("signerKey", level: level)
        writer.write(optional: signerKey)
        writer.field("signerName", level: level)
        writer.write(string: signerName)
        writer.field("stateAfter", level: level)
        writer.write(optional: stateAfter)
        writer.field("stateBefore", level: level)
        writer.write(optional: stateBefore)
        writer.field("time", level: level)
        writer.write(string: time)
        writer.field("waivedUntil", level: level)
        writer.write(optional: waivedUntil)
        writer.endObject(level: level)
    }

    /// CSV header matching `csvRow`.
    public static let csvHeader = "time,commit,action,item,stateBefore,stateAfter,signerName,signerEmail,note,evidence,signature"

    /// One RFC 4180 row; fields with commas, quotes or newlines are quoted.
    public var csvRow: String {
        [time, commit, action, item ?? path, stateBefore ?? "", stateAfter ?? "", signerName, signerEmail,
         note ?? "", evidence.joined(separator: " "), signature].map(Self.csvField).joined(separator: ",")
    }

    static func csvField(_ value: String) -> String {
        // A leading = + - @ would be run as a formula by spreadsheets, and they skip leading
        // blanks (space, tab, CR, LF) before looking; quote-prefix the cell in both cases.
        var text = value
        if let first = text.unicodeScalars.first(where: { !" \t\r\n".unicodeScalars.contains($0) }), "=+-@".unicodeScalars.contains(first) {
            text = "'" + text
        }
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingEvery("\"", with: "\"\"") + "\""
    }
}

/// Supplies a signature verdict per commit for query output.
public protocol SignatureVerdicts {
    /// A short verdict for `commit`: "good", "bad: …", "untrusted: …", "unsigned", or "not verified".
    func verdict(for commit: ObjectID) -> String
}
