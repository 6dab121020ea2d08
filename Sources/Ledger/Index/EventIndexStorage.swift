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
    /// True when `buffer` is a read-only mapping of the file (unmapped at the end), false when
    /// it was allocated (deallocated at the end). Nothing ever writes to it.
    private let mapped: Bool
    let head: ObjectID
    let count: Int
    private let commitCount: Int
    /// Commits whose parents are recorded: all of them (the full index) or none (the tips).
    private let graphCount: Int
    private let parentLinkCount: Int
    private let stringCount: Int
    private let eventsOffset: Int
    private let commitsOffset: Int
    private let parentStartsOffset: Int
    private let parentNumbersOffset: Int
    private let commitOrderOffset: Int
    private let stringOffsetsOffset: Int
    private let stringBytesOffset: Int
    private let stringBytesCount: Int

    /// Loads and validates `path`; nil when it is missing, damaged or of another version.
    /// The file is mapped, not copied: reading 18 MB of a 100k-event index into fresh memory
    /// was a quarter of `status --as-of`. Writers replace the file by renaming a new one over
    /// it (`LedgerStore.save`), so the mapped one never changes underneath.
    static func load(path: String) -> EventIndexStorage? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > EventIndexFile.headerSize + 8 else { return nil }
        let size = Int(info.st_size)
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let address = mmap(nil, size, PROT_READ, flags, descriptor, 0), address != MAP_FAILED else { return nil }
        return EventIndexStorage(buffer: UnsafeMutableRawBufferPointer(start: address, count: size), mapped: true)
    }

    /// Validates an index held in `data` (as just encoded); nil when it is not one.
    static func from(_ data: Data) -> EventIndexStorage? {
        guard data.count > EventIndexFile.headerSize + 8 else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 8)
        data.copyBytes(to: buffer)
        return EventIndexStorage(buffer: buffer, mapped: false)
    }

    /// Gives `buffer` back: unmapped or deallocated.
    private static func release(_ buffer: UnsafeMutableRawBufferPointer, mapped: Bool) {
        if mapped {
            munmap(buffer.baseAddress, buffer.count)
        } else {
            buffer.deallocate()
        }
    }

    /// Takes ownership of `buffer` (mapped from a file, or allocated), and gives it back when
    /// it does not hold a valid index: here before every field is set, else in `deinit`, which
    /// Swift runs when a class's initializer fails after that point.
    private init?(buffer: UnsafeMutableRawBufferPointer, mapped: Bool) {
        let body = UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - 8)])
        guard UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: buffer.count - 8, as: UInt64.self)) == indexChecksum(body) else {
            Self.release(buffer, mapped: mapped)
            return nil
        }
        var reader = BinaryReader(body)
        guard reader.bytes(4) == EventIndexFile.magic, reader.integer(UInt32.self) == EventIndexFile.version,
              let headBytes = reader.bytes(20), let head = ObjectID(bytes: headBytes),
              let events = reader.integer(UInt32.self), let commits = reader.integer(UInt32.self),
              let graphCommits = reader.integer(UInt32.self), let parentLinks = reader.integer(UInt32.self),
              let strings = reader.integer(UInt32.self), let stringBytes = reader.integer(UInt32.self),
              graphCommits == 0 || graphCommits == commits, graphCommits > 0 || parentLinks == 0 else {
            Self.release(buffer, mapped: mapped)
            return nil
        }
        let eventsOffset = reader.offset
        let commitsOffset = eventsOffset + Int(events) * EventRecordLayout.size
        let parentStartsOffset = commitsOffset + Int(commits) * 20
        let parentNumbersOffset = parentStartsOffset + (graphCommits == 0 ? 0 : (Int(graphCommits) + 1) * 4)
        let commitOrderOffset = parentNumbersOffset + Int(parentLinks) * 4
        let stringOffsetsOffset = commitOrderOffset + Int(graphCommits) * 4
        let stringBytesOffset = stringOffsetsOffset + (Int(strings) + 1) * 4
        guard stringBytesOffset + Int(stringBytes) == body.count else {
            Self.release(buffer, mapped: mapped)
            return nil
        }
        self.buffer = buffer
        self.mapped = mapped
        self.head = head
        count = Int(events)
        commitCount = Int(commits)
        graphCount = Int(graphCommits)
        parentLinkCount = Int(parentLinks)
        stringCount = Int(strings)
        self.eventsOffset = eventsOffset
        self.commitsOffset = commitsOffset
        self.parentStartsOffset = parentStartsOffset
        self.parentNumbersOffset = parentNumbersOffset
        self.commitOrderOffset = commitOrderOffset
        self.stringOffsetsOffset = stringOffsetsOffset
        self.stringBytesOffset = stringBytesOffset
        stringBytesCount = Int(stringBytes)
        guard validate() else {
            return nil
        }
    }

    deinit {
        Self.release(buffer, mapped: mapped)
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
        return validateGraph()
    }

    /// Parents point at earlier commits (the order of a topological walk, so following them
    /// always ends), and the sorted order is a strictly increasing run of ids, so a binary
    /// search in it finds each commit.
    private func validateGraph() -> Bool {
        guard graphCount > 0 else { return true }
        var previousStart: UInt32 = 0
        for number in 0...graphCount {
            let start = u32(parentStartsOffset + number * 4)
            if start < previousStart || Int(start) > parentLinkCount || (number == 0 && start != 0) { return false }
            previousStart = start
            guard number < graphCount else { break }
            let end = u32(parentStartsOffset + number * 4 + 4)
            guard start <= end, Int(end) <= parentLinkCount else { return false }
            for link in Int(start)..<Int(end) {
                let parent = u32(parentNumbersOffset + link * 4)
                if parent != EventIndexFile.none && Int(parent) >= number { return false }
            }
        }
        if Int(previousStart) != parentLinkCount { return false }
        var previous: Int?
        for position in 0..<graphCount {
            let number = Int(u32(commitOrderOffset + position * 4))
            guard number < graphCount else { return false }
            if let previous, memcmp(commitPointer(previous), commitPointer(number), 20) >= 0 { return false }
            previous = number
        }
        return true
    }

    private func commitPointer(_ number: Int) -> UnsafeRawPointer {
        UnsafeRawPointer(buffer.baseAddress! + commitsOffset + number * 20)
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

    /// The first 8 bytes of the blob event `index` wrote (as `ObjectID.prefixWord`), nil when
    /// it removed a file.
    func blobPrefix(_ index: Int) -> UInt64? {
        let offset = record(index)
        guard buffer[offset + EventRecordLayout.hasBlob] == 1 else { return nil }
        return buffer.loadUnaligned(fromByteOffset: offset + EventRecordLayout.blob, as: UInt64.self)
    }

    /// True when event `index` wrote exactly `blob`.
    func wrote(_ blob: ObjectID, at index: Int) -> Bool {
        let offset = record(index)
        guard buffer[offset + EventRecordLayout.hasBlob] == 1 else { return false }
        return blob.withUnsafeBytes { memcmp($0.baseAddress!, buffer.baseAddress! + offset + EventRecordLayout.blob, 20) == 0 }
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
        let commit = commitID(commitIndex)
        let blob = buffer[offset + EventRecordLayout.hasBlob] == 1
            ? ObjectID(copying: UnsafeRawPointer(buffer.baseAddress! + offset + EventRecordLayout.blob)) : nil
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

    /// True when the file records every commit's parents (the full index, not the tips).
    var hasGraph: Bool { graphCount > 0 }

    /// The id of commit number `number`.
    func commitID(_ number: Int) -> ObjectID {
        ObjectID(copying: commitPointer(number))
    }

    /// The number of commit `id`, by binary search in the sorted order; nil when the file has
    /// no graph or does not hold `id`.
    func commitNumber(of id: ObjectID) -> Int? {
        var low = 0
        var high = graphCount
        return id.withUnsafeBytes { wanted in
            while low < high {
                let middle = (low + high) / 2
                let number = Int(u32(commitOrderOffset + middle * 4))
                let order = memcmp(commitPointer(number), wanted.baseAddress!, 20)
                if order == 0 { return number }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The parents of commit number `number` in header order, as commit numbers (`none` for a
    /// parent the index does not hold); nil when the file has no graph.
    func parentNumbers(of number: Int) -> [UInt32]? {
        guard number < graphCount else { return nil }
        let start = Int(u32(parentStartsOffset + number * 4))
        let end = Int(u32(parentStartsOffset + number * 4 + 4))
        return (start..<end).map { u32(parentNumbersOffset + $0 * 4) }
    }

    // Raw sections, copied when an index is extended.
    func rawEventRecords() -> [UInt8] { Array(buffer[eventsOffset..<commitsOffset]) }
    func rawStringOffsets() -> [UInt32] { (0...stringCount).map { u32(stringOffsetsOffset + $0 * 4) } }
    func rawStringBytes() -> [UInt8] { Array(buffer[stringBytesOffset..<(stringBytesOffset + stringBytesCount)]) }
    func rawCommitBytes() -> [UInt8] { Array(buffer[commitsOffset..<(commitsOffset + commitCount * 20)]) }
    func rawParentStarts() -> [UInt32] { graphCount == 0 ? [0] : (0...graphCount).map { u32(parentStartsOffset + $0 * 4) } }
    func rawParentNumbers() -> [UInt32] { (0..<parentLinkCount).map { u32(parentNumbersOffset + $0 * 4) } }
    func rawCommitOrder() -> [UInt32] { (0..<graphCount).map { u32(commitOrderOffset + $0 * 4) } }

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
