import FoundationEssentials
import Git

/// The on-disk form of the event index, version 2: fixed-size event records, so a query can
/// look at one field of every event (its path, its time) without decoding the rest.
///
///     "RLEV" u32:version head[20] u32:events u32:commits u32:strings u32:stringBytes
///     events  × 72 bytes   (see `EventRecordLayout`)
///     commits × 20 bytes
///     string offsets × u32 (strings + 1), then the string bytes (UTF-8)
///     u64 checksum of everything before it
///
/// Strings (paths, people, notes, evidence) are stored once per batch and referred to by
/// number. A file failing any check is treated as absent and rebuilt.
enum EventIndexFile {
    static let magic = Array("RLEV".utf8)
    static let version: UInt32 = 2
    static let headerSize = 4 + 4 + 20 + 16
    static let none = UInt32.max

    /// Encodes `base`'s events (copied record by record) followed by `newEvents`.
    static func encode(head: ObjectID, base: EventIndexStorage?, newEvents: [LedgerEvent]) -> Data {
        var strings = StringTable(base: base)
        var commits = CommitTable(base: base)
        var records = BinaryWriter()
        if let base {
            records.append(bytes: base.rawEventRecords())
        }
        for event in newEvents {
            records.append(commits.id(for: event.commit))
            records.append(event.time)
            records.append(strings.id(for: event.path))
            records.append(strings.id(for: event.action))
            records.append(strings.id(for: event.person.name))
            records.append(strings.id(for: event.person.email))
            records.append(strings.id(for: event.person.key))
            records.append(strings.id(for: event.note))
            records.append(strings.id(for: event.evidence.isEmpty ? nil : EvidenceText.encode(event.evidence)))
            records.append(strings.id(for: event.waivedUntil))
            records.append(strings.id(for: event.previous.isEmpty ? nil : event.previous.joined(separator: ",")))
            records.append(bytes: event.blob?.bytes ?? [UInt8](repeating: 0, count: 20))
            records.append(UInt8(event.blob == nil ? 0 : 1))
            records.append(stateCode(event.stateBefore))
            records.append(stateCode(event.stateAfter))
            records.append(UInt8(0))
        }
        var out = BinaryWriter()
        out.append(bytes: magic)
        out.append(version)
        out.append(bytes: head.bytes)
        out.append(UInt32((base?.count ?? 0) + newEvents.count))
        out.append(UInt32(commits.count))
        out.append(UInt32(strings.count))
        out.append(UInt32(strings.byteCount))
        out.append(bytes: Array(records.data))
        commits.write(to: &out)
        strings.write(to: &out)
        var data = out.data
        let checksum = data.withUnsafeBytes(indexChecksum)
        withUnsafeBytes(of: checksum.littleEndian) { data.append(contentsOf: $0) }
        return data
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
private struct StringTable {
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

    mutating func id(for value: String?) -> UInt32 {
        guard let value else { return EventIndexFile.none }
        if let id = known[value] { return id }
        let id = UInt32(count)
        bytes.append(contentsOf: value.utf8)
        offsets.append(UInt32(bytes.count))
        known[value] = id
        return id
    }

    func write(to out: inout BinaryWriter) {
        offsets.forEach { out.append($0) }
        out.append(bytes: bytes)
    }
}

/// Commit ids of a new index file, numbered in order of first use.
private struct CommitTable {
    private var ids: [ObjectID] = []
    private var known: [ObjectID: UInt32] = [:]

    init(base: EventIndexStorage?) {
        guard let base else { return }
        ids = base.commitIDs()
        // New events are always newer than the base's; only the base's last commit can recur.
        if let last = ids.last { known[last] = UInt32(ids.count - 1) }
    }

    var count: Int { ids.count }

    mutating func id(for commit: ObjectID) -> UInt32 {
        if let id = known[commit] { return id }
        ids.append(commit)
        known[commit] = UInt32(ids.count - 1)
        return UInt32(ids.count - 1)
    }

    func write(to out: inout BinaryWriter) {
        ids.forEach { out.append(bytes: $0.bytes) }
    }
}
