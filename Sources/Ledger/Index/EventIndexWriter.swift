import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds an event index file (`EventIndexFile`) while history is walked: each commit and each
/// event goes straight into the file's tables, so a cold build of 100k events never holds an
/// array of every event and then encodes it a second time.
struct EventIndexWriter {
    private var strings: StringTable
    private var commits: CommitTable
    private var records = BinaryWriter()
    private var graph: CommitGraphTable?
    private let baseOrder: [UInt32]
    private let baseEventCount: Int
    /// How many events were appended to the base's.
    private(set) var addedEvents = 0

    /// Starts from `base`'s tables (copied); `recordingGraph` keeps every commit's parents (the
    /// full index), otherwise only the commits events name are kept (the tips).
    init(base: EventIndexStorage?, recordingGraph: Bool) {
        strings = StringTable(base: base)
        commits = CommitTable(base: base)
        baseEventCount = base?.count ?? 0
        if let base {
            records.append(bytes: base.rawEventRecords())
        }
        if recordingGraph {
            graph = CommitGraphTable(base: base)
            baseOrder = base?.rawCommitOrder() ?? []
        } else {
            baseOrder = []
        }
    }

    /// The number the next appended event will have (its position in the whole index).
    var nextSequence: Int { baseEventCount + addedEvents }

    /// Records commit `id` of the walk and its parents (header order); returns its number.
    /// Commits come parents first, each once, none already in the base: a parent the index
    /// does not hold (a shallow history) is recorded as unknown.
    mutating func add(commit id: ObjectID, parents: [ObjectID]) -> UInt32 {
        let parentNumbers = parents.map { commits.number(of: $0) ?? EventIndexFile.none }
        let number = commits.append(id)
        graph?.append(parents: parentNumbers)
        return number
    }

    /// Appends `event`. `commit` is its commit's number from `add(commit:parents:)`; without
    /// one (the tips) the commit is numbered at first use.
    mutating func append(_ event: LedgerEvent, commit: UInt32? = nil) {
        precondition(graph == nil || commit != nil, "an index with a commit graph numbers commits as they are walked")
        records.append(commit ?? commits.numberAddingIfNeeded(event.commit))
        records.append(event.time)
        records.append(strings.id(for: event.path))
        records.append(strings.id(for: event.action))
        records.append(strings.id(for: event.person.name))
        records.append(strings.id(for: event.person.email))
        records.append(strings.id(for: event.person.key))
        records.append(strings.id(for: event.note, unique: true))
        records.append(strings.id(for: event.evidence.isEmpty ? nil : EvidenceText.encode(event.evidence), unique: true))
        records.append(strings.id(for: event.waivedUntil))
        records.append(strings.id(for: event.previous.isEmpty ? nil : event.previous.joined(separator: ","), unique: true))
        if let blob = event.blob {
            blob.withUnsafeBytes { records.append(bytes: $0) }
        } else {
            records.append(bytes: Self.zeroID)
        }
        records.append(UInt8(event.blob == nil ? 0 : 1))
        records.append(EventIndexFile.stateCode(event.stateBefore))
        records.append(EventIndexFile.stateCode(event.stateAfter))
        records.append(UInt8(0))
        addedEvents += 1
    }

    private static let zeroID = [UInt8](repeating: 0, count: 20)

    /// The whole file, describing history up to `head`, with its checksum.
    func finish(head: ObjectID) -> Data {
        let order = graph.map { _ in commits.sortedOrder(mergingWith: baseOrder) } ?? []
        var out = BinaryWriter()
        out.reserve(EventIndexFile.headerSize + records.bytes.count + commits.bytes.count
                    + 4 * ((graph?.parentStarts.count ?? 0) + (graph?.parents.count ?? 0) + order.count)
                    + 4 * (strings.count + 1) + strings.byteCount + 8)
        out.append(bytes: EventIndexFile.magic)
        out.append(EventIndexFile.version)
        head.withUnsafeBytes { out.append(bytes: $0) }
        out.append(UInt32(baseEventCount + addedEvents))
        out.append(UInt32(commits.count))
        out.append(UInt32(graph == nil ? 0 : commits.count))
        out.append(UInt32(graph?.parents.count ?? 0))
        out.append(UInt32(strings.count))
        out.append(UInt32(strings.byteCount))
        out.append(bytes: records.bytes)
        out.append(bytes: commits.bytes)
        if let graph {
            precondition(graph.parentStarts.count == commits.count + 1, "every commit of an index with a graph has its parents")
            out.append(integers: graph.parentStarts)
            out.append(integers: graph.parents)
            out.append(integers: order)
        }
        strings.write(to: &out)
        let checksum = out.bytes.withUnsafeBytes(indexChecksum)
        out.append(checksum)
        return out.data
    }
}

/// Commit ids of a new index file (the base's, then new ones) as one run of 20-byte ids.
private struct CommitTable {
    private(set) var bytes: [UInt8] = []
    private var known: [ObjectID: UInt32] = [:]
    private let base: EventIndexStorage?
    private let baseCount: Int

    init(base: EventIndexStorage?) {
        self.base = base
        bytes = base?.rawCommitBytes() ?? []
        baseCount = bytes.count / 20
    }

    var count: Int { bytes.count / 20 }

    /// Appends `id` as a new commit and returns its number.
    mutating func append(_ id: ObjectID) -> UInt32 {
        let number = UInt32(count)
        id.withUnsafeBytes { bytes.append(contentsOf: $0) }
        known[id] = number
        return number
    }

    /// The number of `id` among the new commits or the base's (when the base has a graph to
    /// search); nil when the table does not hold it.
    func number(of id: ObjectID) -> UInt32? {
        if let number = known[id] { return number }
        return base?.commitNumber(of: id).map(UInt32.init)
    }

    /// The number of `id`, appending it at first use.
    mutating func numberAddingIfNeeded(_ id: ObjectID) -> UInt32 {
        number(of: id) ?? append(id)
    }

    /// Every commit number in the order of its id: the new commits sorted, merged into
    /// `baseOrder` (the base's commits, already in that order).
    func sortedOrder(mergingWith baseOrder: [UInt32]) -> [UInt32] {
        bytes.withUnsafeBytes { table in
            func less(_ a: UInt32, _ b: UInt32) -> Bool {
                memcmp(table.baseAddress! + Int(a) * 20, table.baseAddress! + Int(b) * 20, 20) < 0
            }
            let added = (UInt32(baseCount)..<UInt32(count)).sorted(by: less)
            var merged: [UInt32] = []
            merged.reserveCapacity(count)
            var i = 0
            var j = 0
            while i < baseOrder.count || j < added.count {
                if j == added.count || (i < baseOrder.count && less(baseOrder[i], added[j])) {
                    merged.append(baseOrder[i])
                    i += 1
                } else {
                    merged.append(added[j])
                    j += 1
                }
            }
            return merged
        }
    }
}

/// The parents of every commit of a new index file, as compressed rows: commit `n`'s parents
/// are `parents[parentStarts[n]..<parentStarts[n + 1]]`.
private struct CommitGraphTable {
    private(set) var parentStarts: [UInt32] = [0]
    private(set) var parents: [UInt32] = []

    init(base: EventIndexStorage?) {
        guard let base, base.hasGraph else { return }
        parentStarts = base.rawParentStarts()
        parents = base.rawParentNumbers()
    }

    mutating func append(parents numbers: [UInt32]) {
        parents.append(contentsOf: numbers)
        parentStarts.append(UInt32(parents.count))
    }
}
