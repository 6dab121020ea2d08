import Foundation
import Git

/// Every event of the ledger's history, derived from its commits and kept under the git
/// directory (`readiness/events-v1`) so queries need not walk history. Brought up to date from
/// the last indexed head; rebuilt when missing, damaged, or when the branch was rewritten.
/// Never the source of truth: deleting it loses nothing.
public struct EventIndex: Sendable {
    /// The head the index describes.
    public let head: ObjectID
    /// Every event, parents' before children's (topological order).
    public let events: [LedgerEvent]

    /// How the index was obtained.
    public enum Origin: Equatable, Sendable {
        /// Read from disk, already at the head.
        case current
        /// Read from disk and extended by this many commits.
        case extended(Int)
        /// Built from scratch, with the reason (`missing`, `damaged`, `branch rewritten`).
        case rebuilt(String)
    }

    private let positions: [String: [Int]]

    init(head: ObjectID, events: [LedgerEvent]) {
        self.head = head
        self.events = events
        var positions: [String: [Int]] = [:]
        for (position, event) in events.enumerated() { positions[event.path, default: []].append(position) }
        self.positions = positions
    }

    /// The event that introduced `blob` at `path`, searching newest first.
    public func introduction(of blob: ObjectID, at path: String) -> LedgerEvent? {
        positions[path]?.reversed().lazy.map { events[$0] }.first { $0.blob == blob }
    }

    /// Events of one path, oldest first.
    public func events(at path: String) -> [LedgerEvent] {
        (positions[path] ?? []).map { events[$0] }
    }

    /// The newest event of each path: what the small tips file keeps for status.
    var latestPerPath: [LedgerEvent] {
        positions.values.compactMap { $0.last }.sorted().map { events[$0] }
    }
}

/// Answers "which event wrote this blob?" from the tips, falling back to the full index once,
/// so a status over a long history stays one small file read in the common case.
public final class EventLookup {
    private let store: LedgerStore
    private let tips: EventTips?
    private var fullIndex: EventIndex?

    /// Loads the tips of `store` (catching the index up if they are stale).
    public init(store: LedgerStore) {
        self.store = store
        tips = try? store.tips()
    }

    /// The event that introduced `blob` at `path`, or nil when no index could be read.
    public func introduction(of blob: ObjectID, at path: String) -> LedgerEvent? {
        if let event = tips?.introduction(of: blob, at: path) { return event }
        if fullIndex == nil { fullIndex = try? store.eventIndex().index }
        return fullIndex?.introduction(of: blob, at: path)
    }
}

/// The newest event of every path at one head: a small file read by status and by writers,
/// whose cost does not grow with history. Falls back to the full index when it does not match.
public struct EventTips: Sendable {
    /// The head the tips describe.
    public let head: ObjectID
    private let latest: [String: LedgerEvent]

    init(head: ObjectID, events: [LedgerEvent]) {
        self.head = head
        latest = Dictionary(events.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The event that wrote `blob` at `path`, when it is the newest event there.
    public func introduction(of blob: ObjectID, at path: String) -> LedgerEvent? {
        guard let event = latest[path], event.blob == blob else { return nil }
        return event
    }
}

extension LedgerStore {
    static let eventIndexName = "events-v1"
    static let tipsName = "tips-v1"

    /// The commit that introduced `blob` at `path`: from the small tips file when it is current
    /// and knows the blob, else from the full event index (caught up first).
    public func introduction(of blob: ObjectID, at path: String) throws -> LedgerEvent? {
        let head = try head()
        if let data = try? Data(contentsOf: cacheDirectory().appendingPathComponent(Self.tipsName)),
           let decoded = EventIndexFile.decode(data), decoded.head == head,
           let event = EventTips(head: head, events: decoded.events).introduction(of: blob, at: path) {
            return event
        }
        return try eventIndex().index.introduction(of: blob, at: path)
    }

    /// The tips at the current head, catching the index up when they are stale.
    public func tips() throws -> EventTips {
        let head = try head()
        if let data = try? Data(contentsOf: cacheDirectory().appendingPathComponent(Self.tipsName)),
           let decoded = EventIndexFile.decode(data), decoded.head == head {
            return EventTips(head: head, events: decoded.events)
        }
        let index = try eventIndex().index
        return EventTips(head: index.head, events: index.latestPerPath)
    }

    /// The event index at the current head, caught up or rebuilt as needed, and saved.
    public func eventIndex() throws -> (index: EventIndex, origin: EventIndex.Origin) {
        let head = try head()
        let file = try cacheDirectory().appendingPathComponent(Self.eventIndexName)
        var origin = EventIndex.Origin.rebuilt("missing")
        var base: (head: ObjectID, events: [LedgerEvent])?
        if let data = try? Data(contentsOf: file, options: .alwaysMapped) {
            if let decoded = EventIndexFile.decode(data) {
                if decoded.head == head { return (EventIndex(head: head, events: decoded.events), .current) }
                if try repository.contains(decoded.head), try repository.isDescendant(head, of: decoded.head) {
                    base = decoded
                } else {
                    origin = .rebuilt("branch rewritten")
                }
            } else {
                origin = .rebuilt("damaged")
            }
        }
        var builder = EventBuilder(repository: repository, events: base?.events ?? [])
        let walk = try RevisionWalk(repository: repository, from: [head], hiding: base.map { [$0.head] } ?? [], order: .topologicalReverse)
        var added = 0
        while let id = walk.next() {
            try builder.add(commit: id)
            added += 1
        }
        if let failure = walk.failure { throw failure }
        if base != nil { origin = .extended(added) }
        let index = EventIndex(head: head, events: builder.events)
        try save(EventIndexFile.encode(head: head, events: builder.events), to: file)
        try save(EventIndexFile.encode(head: head, events: index.latestPerPath), to: cacheDirectory().appendingPathComponent(Self.tipsName))
        return (index, origin)
    }

    /// The commit that last changed `item` as of `snapshot`: the one that introduced its current file.
    func lastChangeOfItem(_ item: ChecklistItemRef, snapshot: LedgerSnapshot) throws -> ObjectID? {
        guard let blob = try snapshot.recordBlobID(of: item) else { return nil }
        return try introduction(of: blob, at: item.path)?.commit
    }

    /// Writes derived data atomically (temporary file, then rename), so a crash leaves the old
    /// file or the new one. Failing to write a cache does not fail the caller's command.
    func save(_ data: Data, to url: URL) throws {
        let temporary = url.appendingPathExtension("tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}

/// Turns commits into events, in topological order.
struct EventBuilder {
    let repository: Repository
    private(set) var events: [LedgerEvent]
    private var stateOfBlob: [ObjectID: ItemState] = [:]
    private var treeOfCommit: [ObjectID: ObjectID] = [:]

    init(repository: Repository, events: [LedgerEvent]) {
        self.repository = repository
        self.events = events
        for event in events {
            if let blob = event.blob, let state = event.stateAfter { stateOfBlob[blob] = state }
        }
    }

    mutating func add(commit id: ObjectID) throws {
        let commit = try repository.commit(id)
        treeOfCommit[id] = commit.treeID
        let parentTrees = try commit.parentIDs.map { parent in try treeOfCommit[parent] ?? repository.commit(parent).treeID }
        let trailerAction = LedgerCommitMessage.trailerValues("Action", in: commit.message).first
        let committer = Person(name: commit.committer.name, email: commit.committer.email, key: nil)
        for change in try repository.changedFiles(tree: commit.treeID, parentTrees: parentTrees) {
            let isItem = change.path.hasPrefix("\(LedgerLayout.itemsFolder)/") && change.path.hasSuffix(".json")
            var record: ItemRecord?
            if isItem, let blob = change.blob {
                record = try? ItemRecord.decode(repository.blob(blob), path: change.path)
            }
            if let blob = change.blob, let state = record?.state { stateOfBlob[blob] = state }
            let action = record?.action.rawValue ?? (change.blob == nil ? "remove" : trailerAction ?? "edit")
            events.append(LedgerEvent(
                commit: id, sequence: events.count, time: commit.committer.time, path: change.path, blob: change.blob,
                action: action,
                stateBefore: isItem ? change.previousBlob.flatMap { stateOfBlob[$0] } : nil,
                stateAfter: record?.state,
                person: record?.by ?? committer, note: record?.note, evidence: record?.evidence ?? [],
                waivedUntil: record?.waivedUntil, previous: record?.previous ?? []))
        }
    }
}
