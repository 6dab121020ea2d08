import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An event index file held in memory, read field by field without decoding whole events.
/// Immutable after it is loaded; every offset is checked once, at load.
final class EventIndexStorage: @unchecked Sendable {
    private let buffer: UnsafeMutableRawBufferPointer
    let head: ObjectID
    let count: Int
    private let commitCount: Int
    private let stringCount: Int
    private let eventsOffset: Int
    private let commitsOffset: Int
    private let stringOffsetsOffset: Int
    private let stringBytesOffset: Int
    private let stringBytesCount: Int

    /// Loads and validates `path`; nil when it is missing, damaged or of another version.
    static func load(path: String) -> EventIndexStorage? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > EventIndexFile.headerSize + 8 else { return nil }
        let size = Int(info.st_size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        var done = 0
        while done < size {
            let got = read(descriptor, buffer.baseAddress! + done, size - done)
            if got <= 0 { break }
            done += got
        }
        guard done == size, let storage = EventIndexStorage(buffer: buffer) else {
            buffer.deallocate()
            return nil
        }
        return storage
    }

    /// Validates an index held in `data` (as just encoded); nil when it is not one.
    static func from(_ data: Data) -> EventIndexStorage? {
        guard data.count > EventIndexFile.headerSize + 8 else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 8)
        data.copyBytes(to: buffer)
        guard let storage = EventIndexStorage(buffer: buffer) else {
            buffer.deallocate()
            return nil
        }
        return storage
    }

    /// Takes ownership of `buffer` if it holds a valid index.
    private init?(buffer: UnsafeMutableRawBufferPointer) {
        let body = UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - 8)])
        guard UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: buffer.count - 8, as: UInt64.self)) == indexChecksum(body) else {
            return nil
        }
        var reader = BinaryReader(body)
        guard reader.bytes(4) == EventIndexFile.magic, reader.integer(UInt32.self) == EventIndexFile.version,
              let headBytes = reader.bytes(20), let head = ObjectID(bytes: headBytes),
              let events = reader.integer(UInt32.self), let commits = reader.integer(UInt32.self),
              let strings = reader.integer(UInt32.self), let stringBytes = reader.integer(UInt32.self) else { return nil }
        let eventsOffset = reader.offset
        let commitsOffset = eventsOffset + Int(events) * EventRecordLayout.size
        let stringOffsetsOffset = commitsOffset + Int(commits) * 20
        let stringBytesOffset = stringOffsetsOffset + (Int(strings) + 1) * 4
        guard stringBytesOffset + Int(stringBytes) == body.count else { return nil }
        self.buffer = buffer
        self.head = head
        count = Int(events)
        commitCount = Int(commits)
        stringCount = Int(strings)
        self.eventsOffset = eventsOffset
        self.commitsOffset = commitsOffset
        self.stringOffsetsOffset = stringOffsetsOffset
        self.stringBytesOffset = stringBytesOffset
        stringBytesCount = Int(stringBytes)
        guard validate() else {
            return nil
        }
    }

    deinit {
        buffer.deallocate()
    }

    /// Every reference inside the file points inside it; checked once so accessors need not.
    private func validate() -> Bool {
        var previous: UInt32 = 0
        for id in 0...stringCount {
            let offset = u32(stringOffsetsOffset + id * 4)
            if offset < previous || Int(offset) > stringBytesCount || (id == 0 && offset != 0) { return false }
            previous = offset
        }
        if Int(previous) != stringBytesCount { return false }
        let stringFields = [EventRecordLayout.path, EventRecordLayout.action, EventRecordLayout.name, EventRecordLayout.email,
                            EventRecordLayout.key, EventRecordLayout.note, EventRecordLayout.evidence, EventRecordLayout.waivedUntil,
                            EventRecordLayout.previous]
        for index in 0..<count {
            let record = eventsOffset + index * EventRecordLayout.size
            if Int(u32(record + EventRecordLayout.commit)) >= commitCount { return false }
            for field in stringFields {
                let id = u32(record + field)
                if id != EventIndexFile.none && Int(id) >= stringCount { return false }
            }
        }
        return true
    }

    private func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    private func record(_ index: Int) -> Int { eventsOffset + index * EventRecordLayout.size }

    /// A string of the table, nil for the "none" marker.
    func string(_ id: UInt32) -> String? {
        guard id != EventIndexFile.none else { return nil }
        let start = stringBytesOffset + Int(u32(stringOffsetsOffset + Int(id) * 4))
        let end = stringBytesOffset + Int(u32(stringOffsetsOffset + Int(id) * 4 + 4))
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
    }

    func pathID(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.path) }
    func actionID(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.action) }
    func nameID(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.name) }
    func emailID(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.email) }
    func keyID(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.key) }
    /// The number of event `index`'s commit in the commit table: equal numbers, equal commits.
    func commitNumber(_ index: Int) -> UInt32 { u32(record(index) + EventRecordLayout.commit) }

    func time(_ index: Int) -> Int64 {
        Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: record(index) + EventRecordLayout.time, as: Int64.self))
    }

    /// True when event `index` wrote exactly `blob`.
    func wrote(_ blob: ObjectID, at index: Int) -> Bool {
        let offset = record(index)
        guard buffer[offset + EventRecordLayout.hasBlob] == 1 else { return false }
        return blob.bytes.withUnsafeBytes { memcmp($0.baseAddress!, buffer.baseAddress! + offset + EventRecordLayout.blob, 20) == 0 }
    }

    /// Decodes event `index` whole.
    func event(_ index: Int) -> LedgerEvent {
        var cache: [UInt32: String] = [:]
        return event(index, recurring: &cache)
    }

    /// Decodes event `index`, reusing the recurring strings (paths, actions, people) already
    /// decoded into `recurring`: a whole-history query then decodes each of them once.
    func event(_ index: Int, recurring cache: inout [UInt32: String]) -> LedgerEvent {
        func cached(_ id: UInt32) -> String? {
            guard id != EventIndexFile.none else { return nil }
            if let known = cache[id] { return known }
            let value = string(id)
            cache[id] = value
            return value
        }
        let offset = record(index)
        let commitIndex = Int(u32(offset + EventRecordLayout.commit))
        let commit = ObjectID(bytes: Array(buffer[(commitsOffset + commitIndex * 20)..<(commitsOffset + commitIndex * 20 + 20)]))!
        let blob = buffer[offset + EventRecordLayout.hasBlob] == 1
            ? ObjectID(bytes: Array(buffer[(offset + EventRecordLayout.blob)..<(offset + EventRecordLayout.blob + 20)])) : nil
        return LedgerEvent(
            commit: commit, sequence: index, time: time(index), path: cached(pathID(index)) ?? "",
            blob: blob, action: cached(actionID(index)) ?? "",
            stateBefore: EventIndexFile.state(buffer[offset + EventRecordLayout.before]),
            stateAfter: EventIndexFile.state(buffer[offset + EventRecordLayout.after]),
            person: Person(name: cached(nameID(index)) ?? "", email: cached(emailID(index)) ?? "", key: cached(keyID(index))),
            note: string(u32(offset + EventRecordLayout.note)),
            evidence: string(u32(offset + EventRecordLayout.evidence)).map(EvidenceText.decode) ?? [],
            waivedUntil: string(u32(offset + EventRecordLayout.waivedUntil)),
            previous: string(u32(offset + EventRecordLayout.previous)).map(BackLinkText.decode) ?? [])
    }

    // Raw sections, copied when an index is extended.
    func rawEventRecords() -> [UInt8] { Array(buffer[eventsOffset..<commitsOffset]) }
    func rawStringOffsets() -> [UInt32] { (0...stringCount).map { u32(stringOffsetsOffset + $0 * 4) } }
    func rawStringBytes() -> [UInt8] { Array(buffer[stringBytesOffset..<(stringBytesOffset + stringBytesCount)]) }
    func commitIDs() -> [ObjectID] {
        (0..<commitCount).map { ObjectID(bytes: Array(buffer[(commitsOffset + $0 * 20)..<(commitsOffset + $0 * 20 + 20)]))! }
    }

    /// Ids of the short strings that recur across events (paths, actions, people), worth
    /// reusing when the index is extended.
    func repeatedStringIDs() -> Set<UInt32> {
        var ids = Set<UInt32>()
        for index in 0..<count {
            ids.insert(pathID(index))
            ids.insert(actionID(index))
            ids.insert(nameID(index))
            ids.insert(emailID(index))
            ids.insert(keyID(index))
        }
        ids.remove(EventIndexFile.none)
        return ids
    }
}
