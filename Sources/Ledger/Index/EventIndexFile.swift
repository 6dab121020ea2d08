import FoundationEssentials
import Git

/// The on-disk form of the event index, version 3: fixed-size event records, so a query can
/// look at one field of every event (its path, its time) without decoding the rest, and the
/// parents of every commit of history, so a revision such as `main~50000` is walked in memory.
///
///     "RLEV" u32:version head[20] u32:events u32:commits u32:graphCommits u32:parentLinks
///            u32:strings u32:stringBytes
///     events  × 72 bytes   (see `EventRecordLayout`)
///     commits × 20 bytes
///     parent starts × u32 (graphCommits + 1), parent numbers × u32 (parentLinks),
///     commit numbers sorted by id × u32 (graphCommits)
///     string offsets × u32 (strings + 1), then the string bytes (UTF-8)
///     u64 checksum of everything before it
///
/// Strings (paths, people, notes, evidence) are stored once per batch and referred to by
/// number. The full index lists every commit of history in topological order (parents first)
/// with its parents (`graphCommits` = `commits`); the small tips file lists only its events'
/// commits and no graph (`graphCommits` = 0). A parent the index does not hold (a shallow
/// history) is `none`. The file names (`events-v2`, `tips-v2`) are older than version 3; a
/// file of another version fails the check below like a damaged one and is rebuilt.
enum EventIndexFile {
    static let magic = Array("RLEV".utf8)
    static let version: UInt32 = 3
    static let headerSize = 4 + 4 + 20 + 24
    static let none = UInt32.max

    /// Encodes `base`'s events (copied record by record) followed by `newEvents`, without a
    /// commit graph: the form of the small tips file.
    static func encode(head: ObjectID, base: EventIndexStorage?, newEvents: [LedgerEvent]) -> Data {
        var writer = EventIndexWriter(base: base, recordingGraph: false)
        for event in newEvents { writer.append(event) }
        return writer.finish(head: head)
    }

    static func stateCode(_ state: ItemState?) -> UInt8 {
        switch state {
        case nil: return 0
        case .open: return 1
        case .done: return 2
        case .waived: return 3
        case .pending: return 4
        }
    }

    static func state(_ code: UInt8) -> ItemState? {
        switch code {
        case 1: return .open
        case 2: return .done
        case 3: return .waived
        case 4: return .pending
        default: return nil
        }
    }
}

/// Byte offsets of the fields of one 72-byte event record.
enum EventRecordLayout {
    static let size = 72
    static let commit = 0, time = 4, path = 12, action = 16, name = 20, email = 24, key = 28, note = 32
    static let evidence = 36, waivedUntil = 40, previous = 44, blob = 48, hasBlob = 68, before = 69, after = 70
}

/// Evidence lists as one string: entries separated by U+001E, fields by U+001F (url, file,
/// sha256, size), characters that cannot occur in validated evidence.
enum EvidenceText {
    static func encode(_ evidence: [Evidence]) -> String {
        evidence.map { [$0.url ?? "", $0.file ?? "", $0.sha256 ?? "", $0.size.map(String.init) ?? ""].joined(separator: "\u{1F}") }
            .joined(separator: "\u{1E}")
    }

    static func decode(_ text: String) -> [Evidence] {
        // Split on the UTF-8 bytes, not the characters: U+001E and U+001F are one byte never
        // found inside another character's bytes, and as controls always a character of their
        // own, so the pieces are the same, found without the cost of grapheme breaking.
        text.utf8.split(separator: 0x1E, omittingEmptySubsequences: false).map { entry in
            let fields = entry.split(separator: 0x1F, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
            return Evidence(url: field(0), file: field(1), sha256: field(2), size: field(3).flatMap { Int($0) })
        }
    }
}

/// Back-links as one string: commit ids separated by commas.
enum BackLinkText {
    static func decode(_ text: String) -> [String] {
        // Commit ids are ASCII, where splitting the bytes equals splitting the characters and
        // costs no grapheme breaking; anything else keeps the character split.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.split(separator: ",").map(String.init) }
        // Most events have one back-link: the string itself, not a copy.
        guard text.utf8.contains(UInt8(ascii: ",")) else { return text.isEmpty ? [] : [text] }
        return text.utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Strings of a new index file: the base's, then new ones, deduplicated within what is added
/// (and against the base's short, repeated strings: paths, actions, people).
struct StringTable {
    private var offsets: [UInt32] = [0]
    private var bytes: [UInt8] = []
    private var known: [String: UInt32] = [:]

    init(base: EventIndexStorage?) {
        guard let base else { return }
        offsets = base.rawStringOffsets()
        bytes = base.rawStringBytes()
        for id in base.repeatedStringIDs() {
            if let value = base.string(id) { known[value] = id }
        }
    }

    var count: Int { offsets.count - 1 }
    var byteCount: Int { bytes.count }

    /// The number of `value`, added at first use. A string that is `unique` to its event (a
    /// note, evidence, back-links) is added without looking for an equal one: hashing each of
    /// them into the table made most of its 5 % of a cold build, for strings that never recur.
    mutating func id(for value: String?, unique: Bool = false) -> UInt32 {
        guard let value else { return EventIndexFile.none }
        if !unique, let id = known[value] { return id }
        let id = UInt32(count)
        bytes.append(contentsOf: value.utf8)
        offsets.append(UInt32(bytes.count))
        if !unique { known[value] = id }
        return id
    }

    func write(to out: inout BinaryWriter) {
        out.append(integers: offsets)
        out.append(bytes: bytes)
    }
}
