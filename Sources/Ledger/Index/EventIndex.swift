import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every event of the ledger's history, derived from its commits and kept under the git
/// directory (`readiness/events-v2`) so queries need not walk history. Brought up to date from
/// the last indexed head; rebuilt when missing, damaged, or when the branch was rewritten.
/// Never the source of truth: deleting it loses nothing.
public struct EventIndex: Sendable {
    let storage: EventIndexStorage

    /// How the index was obtained.
    public enum Origin: Equatable, Sendable {
        /// Read from disk, already at the head.
        case current
        /// Read from disk and extended by this many commits.
        case extended(Int)
        /// Built from scratch, with the reason (`missing`, `damaged`, `branch rewritten`).
        case rebuilt(String)
    }

    /// The head the index describes.
    public var head: ObjectID { storage.head }
    /// How many events it holds.
    public var count: Int { storage.count }

    /// Event `index`, in topological order (parents' events first).
    public func event(at index: Int) -> LedgerEvent { storage.event(index) }

    /// Every event, decoded; for whole-history queries.
    public var events: [LedgerEvent] { events(at: Array(0..<count)) }

    /// The events at `positions`, decoded with shared recurring strings.
    public func events(at positions: [Int]) -> [LedgerEvent] {
        var cache: [UInt32: String] = [:]
        return positions.map { storage.event($0, recurring: &cache) }
    }

    /// Positions of the events of one path, oldest first, found by comparing path numbers.
    public func positions(at path: String) -> [Int] {
        var matches: [UInt32: Bool] = [:]
        return (0..<count).filter { index in
            let id = storage.pathID(index)
            if let known = matches[id] { return known }
            let match = storage.string(id) == path
            matches[id] = match
            return match
        }
    }

    /// Events of one path, oldest first.
    public func events(at path: String) -> [LedgerEvent] {
        events(at: positions(at: path))
    }

    /// The event that introduced `blob` at `path`, searching newest first.
    public func introduction(of blob: ObjectID, at path: String) -> LedgerEvent? {
        var matches: [UInt32: Bool] = [:]
        for index in stride(from: count - 1, through: 0, by: -1) where storage.wrote(blob, at: index) {
            let id = storage.pathID(index)
            let match = matches[id] ?? (storage.string(id) == path)
            matches[id] = match
            if match { return storage.event(index) }
        }
        return nil
    }

    /// The newest event of each blob, by the blob's first 8 bytes: one pass over the index
    /// for callers that look up many blobs (a status of an old commit asks for every item's).
    func blobDirectory() -> [UInt64: Int] {
        var newest: [UInt64: Int] = [:]
        newest.reserveCapacity(count)
        for index in 0..<count {
            if let prefix = storage.blobPrefix(index) { newest[prefix] = index }
        }
        return newest
    }

    /// `introduction(of:at:)` answered from `directory` (from `blobDirectory()`) when the newest
    /// event with the blob's first 8 bytes wrote that blob at that path: no newer event can
    /// have, so it is the one the scan would find. Otherwise (another blob with those bytes, or
    /// the blob written at another path since) the scan decides.
    func introduction(of blob: ObjectID, at path: String, directory: [UInt64: Int]) -> LedgerEvent? {
        if let index = directory[blob.prefixWord], storage.wrote(blob, at: index), storage.string(storage.pathID(index)) == path {
            return storage.event(index)
        }
        return introduction(of: blob, at: path)
    }

    /// Every action word that occurs.
    public var actions: Set<String> {
        Set(Set((0..<count).map(storage.actionID)).compactMap(storage.string))
    }

    /// Committer time of event `index`, without decoding it.
    public func time(at index: Int) -> Int64 { storage.time(index) }

    /// The newest event of each path: what the small tips file keeps for status.
    var latestPerPath: [LedgerEvent] {
        var latest: [UInt32: Int] = [:]
        for index in 0..<count { latest[storage.pathID(index)] = index }
        return latest.values.sorted().map(storage.event)
    }
}

/// Answers "which event wrote this blob?" from the tips, falling back to the full index once,
/// so a status over a long history stays one small file read in the common case.
public final class EventLookup {
    private let store: LedgerStore
    private let tips: EventIndex?
    private var fullIndex: EventIndex?
    private var fullDirectory: [UInt64: Int] = [:]

    /// Loads the tips of `store` (catching the index up if they are stale).
    public init(store: LedgerStore) {
        self.store = store
        tips = try? store.tips()
    }

    /// The event that introduced `blob` at `path`, or nil when no index could be read.
    public func introduction(of blob: ObjectID, at path: String) -> LedgerEvent? {
        if let event = tips?.introduction(of: blob, at: path) { return event }
        if fullIndex == nil {
            // A miss in the tips is a status of an older commit, which misses for most items:
            // scanning the whole index newest-first for each was half of `status --as-of`.
            fullIndex = try? store.eventIndex().index
            fullDirectory = fullIndex?.blobDirectory() ?? [:]
        }
        return fullIndex?.introduction(of: blob, at: path, directory: fullDirectory)
    }
}

extension LedgerStore {
    static let eventIndexName = "events-v2"
    static let tipsName = "tips-v2"

    /// The event that introduced `blob` at `path`: from the small tips file when it is current
    /// and knows the blob, else from the full event index (caught up first).
    public func introduction(of blob: ObjectID, at path: String) throws -> LedgerEvent? {
        if let event = try tips().introduction(of: blob, at: path) { return event }
        return try eventIndex().index.introduction(of: blob, at: path)
    }

    /// The newest event of every path at the current head (a small file), caught up as needed.
    public func tips() throws -> EventIndex {
        removeStaleTemporaryFiles()
        let head = try head()
        if let storage = EventIndexStorage.load(path: try cacheFile(Self.tipsName)), storage.head == head {
            return EventIndex(storage: storage)
        }
        // Stale or missing (a writer may have been killed between the two files). Catching the
        // full index up writes fresh tips; only an index that was already current needs them derived.
        let (index, origin) = try eventIndex()
        if origin != .current, let written = EventIndexStorage.load(path: try cacheFile(Self.tipsName)),
           written.head == index.head {
            return EventIndex(storage: written)
        }
        return try saveTips(of: index)
    }

    /// After this process moved the branch from `parent` to `commit` with one event, moves the
    /// tips along too, so the next write finds its back-link without touching the full index.
    /// Does nothing when the tips were not at `parent` (they are then rebuilt when next needed).
    func advanceTips(from parent: ObjectID, to commit: ObjectID, with event: LedgerEvent) {
        guard let file = try? cacheFile(Self.tipsName),
              let storage = EventIndexStorage.load(path: file), storage.head == parent else { return }
        let events = EventIndex(storage: storage).latestPerPath.filter { $0.path != event.path } + [event]
        save(EventIndexFile.encode(head: commit, base: nil, newEvents: events), to: file)
    }

    @discardableResult
    private func saveTips(of index: EventIndex) throws -> EventIndex {
        let data = EventIndexFile.encode(head: index.head, base: nil, newEvents: index.latestPerPath)
        guard let storage = EventIndexStorage.from(data) else {
            throw LedgerError(.storage, "the event tips could not be encoded", hint: "report this as a bug")
        }
        save(data, to: try cacheFile(Self.tipsName))
        return EventIndex(storage: storage)
    }

    /// The event index at the current head, caught up or rebuilt as needed, and saved.
    public func eventIndex() throws -> (index: EventIndex, origin: EventIndex.Origin) {
        removeStaleTemporaryFiles()
        let head = try head()
        if let loaded = loadedEventIndex, loaded.head == head { return (loaded, .current) }
        let file = try cacheFile(Self.eventIndexName)
        var origin = EventIndex.Origin.rebuilt(FileManager.default.fileExists(atPath: file) ? "damaged" : "missing")
        var base: EventIndexStorage?
        if let stored = EventIndexStorage.load(path: file), stored.hasGraph {
            if stored.head == head {
                loadedEventIndex = EventIndex(storage: stored)
                return (EventIndex(storage: stored), .current)
            }
            if try repository.contains(stored.head), try repository.isDescendant(head, of: stored.head) {
                base = stored
            } else {
                origin = .rebuilt("branch rewritten")
            }
        }
        // The index is derived data in the git directory, as writable as the objects it is
        // read from, and never trusted beyond them: the verifier reads every object it judges
        // with libgit2's hash check on. Re-hashing each object here (SHA-1DC) was a sixth of a
        // cold build, work git itself does only in fsck.
        let (data, added) = try Library.withoutObjectHashChecks {
            // A line of history (no merges: what one writer leaves) has one topological order,
            // read here newest first, each commit once. Otherwise libgit2's sorted walk decides
            // the order; it reads every commit before yielding the first, and each is read
            // again as it is indexed. Reading each commit twice was a third of a cold build.
            let line = repository.linearHistory(from: head, back: base?.head)
            let ids = try line.map { $0.map(\.id) }
                ?? RevisionWalk(repository: repository, from: [head], hiding: base.map { [$0.head] } ?? [], order: .topologicalReverse).collect()
            let progress = ProgressReport(base == nil ? "indexing the ledger's history, commits" : "updating the event index, commits", total: ids.count)
            defer { progress.finish() }
            var builder = EventBuilder(repository: repository, writer: EventIndexWriter(base: base, recordingGraph: true))
            for (done, id) in ids.enumerated() {
                progress.update(done)
                try builder.add(line?[done] ?? repository.commit(id, includingSignature: false))
            }
            return (builder.writer.finish(head: head), ids.count)
        }
        if base != nil { origin = .extended(added) }
        guard let storage = EventIndexStorage.from(data) else {
            throw LedgerError(.storage, "the event index could not be encoded", hint: "report this as a bug")
        }
        let index = EventIndex(storage: storage)
        save(data, to: file)
        try saveTips(of: index)
        loadedEventIndex = index
        return (index, origin)
    }

    /// Removes temporary files (`<name>.tmp-<pid>`, see `save`) that a process killed between
    /// writing and renaming left in the cache directory. Only files of processes that no longer
    /// exist are touched: a live writer's file is about to be renamed. One directory listing,
    /// run by the entry points every command that reads the index passes through.
    func removeStaleTemporaryFiles() {
        guard let directory = try? cacheFile(""),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names {
            guard let marker = name.ranges(of: DerivedFile.temporarySuffix).last,
                  let pid = pid_t(name[marker.upperBound...]), ProcessLiveness.isDead(pid) else { continue }
            unlink(directory + name)
        }
    }

    /// Writes derived data whole (`DerivedFile`: a temporary file, then a rename), so a crash
    /// leaves the old file or the new one. Failing to write a cache does not fail the command.
    func save(_ data: Data, to path: String) {
        DerivedFile.store(data, at: path)
    }
}

/// Turns commits into events, in topological order, written into an index file as they come.
struct EventBuilder {
    let repository: Repository
    private(set) var writer: EventIndexWriter
    private let trees: TreeWindow
    private var stateOfBlob: [ObjectID: ItemState] = [:]
    private var treeOfCommit: [ObjectID: ObjectID] = [:]

    init(repository: Repository, writer: EventIndexWriter) {
        self.repository = repository
        self.writer = writer
        trees = TreeWindow(repository: repository)
    }

    /// Appends the events of `commit`, whose parents were added before it.
    mutating func add(_ commit: Commit) throws {
        let id = commit.id
        let number = writer.add(commit: id, parents: commit.parentIDs)
        treeOfCommit[id] = commit.treeID
        let parentTrees = try commit.parentIDs.map { parent in try treeOfCommit[parent] ?? repository.commit(parent, includingSignature: false).treeID }
        let trailerAction = CommitTrailers.first("Action", in: commit.message)
        let committer = Person(name: commit.committer.name, email: commit.committer.email, key: nil)
        defer { trees.advance() }
        for change in try repository.changedFiles(tree: commit.treeID, parentTrees: parentTrees, window: trees) {
            var before: ItemState?
            if let previous = change.previousBlob, change.path.hasPrefix(Self.itemsPrefix) {
                before = try state(of: previous)
            }
            let isItem = change.path.hasPrefix(Self.itemsPrefix) && change.path.hasSuffix(".json")
            var record: ItemRecord?
            if isItem, let blob = change.blob {
                record = try? ItemRecord.decode(repository.blob(blob), path: change.path)
            }
            if let blob = change.blob, let state = record?.state { stateOfBlob[blob] = state }
            // A merge's resolution of an item changed on both sides is recorded as a merge event.
            let action = trailerAction == LedgerMerge.action && record != nil ? LedgerMerge.action
                : record?.action.rawValue ?? (change.blob == nil ? "remove" : trailerAction ?? "edit")
            writer.append(LedgerEvent(
                commit: id, sequence: writer.nextSequence, time: commit.committer.time, path: change.path, blob: change.blob,
                action: action,
                stateBefore: isItem ? before : nil,
                stateAfter: record?.state,
                person: record?.by ?? committer, note: record?.note ?? definitionNote(change.path, action: trailerAction, message: commit.message),
                evidence: record?.evidence ?? [],
                waivedUntil: record?.waivedUntil, previous: record?.previous ?? []), commit: number)
        }
    }

    private static let itemsPrefix = "\(LedgerLayout.itemsFolder)/"

    /// A definition change's event carries its list of changes (the commit body), so the
    /// timeline shows it as one event saying what changed.
    private func definitionNote(_ path: String, action: String?, message: String) -> String? {
        guard path == LedgerLayout.checklistPath, action == DefinitionAction.define else { return nil }
        let body = LedgerCommitMessage.body(of: message)
        return body.isEmpty ? nil : body
    }

    /// The state an item blob records: remembered from this batch, else read from the repository.
    private mutating func state(of blob: ObjectID) throws -> ItemState? {
        if let known = stateOfBlob[blob] { return known }
        let state = try? ItemRecord.decode(repository.blob(blob), path: "").state
        stateOfBlob[blob] = state
        return state
    }
}
