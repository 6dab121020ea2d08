import Foundation
import Git

/// Who signed what and when, rebuilt from the ledger alone through the event index.
public struct LedgerQueries {
    /// The ledger queried.
    public let store: LedgerStore
    /// Its events at the head.
    public let index: EventIndex
    /// The definition at the head, for resolving item references.
    public let snapshot: LedgerSnapshot

    /// Opens the queries on `store`, catching the event index up first.
    public init(store: LedgerStore) throws {
        self.store = store
        index = try store.eventIndex().index
        snapshot = try store.snapshot(at: index.head)
    }

    /// The path of the item `query` names: resolved against the current definition, or, for an
    /// item since retired, its full id as it appears in the history.
    public func itemPath(_ query: String) throws -> String {
        do {
            return try snapshot.checklist.resolve(query).path
        } catch let error as LedgerError where error.kind == .unknownItem {
            let path = "\(LedgerLayout.itemsFolder)/\(query).json"
            if Slug.isValidFullID(query), !index.events(at: path).isEmpty { return path }
            throw error
        }
    }

    /// Every event of one item, newest first.
    public func history(of query: String) throws -> [LedgerEvent] {
        try index.events(at: itemPath(query)).reversed()
    }

    /// One line of blame: an item, its current state, and the event that made it so.
    public struct BlameLine: Sendable {
        public let item: ChecklistItemRef
        public let record: ItemRecord
        public let event: LedgerEvent?
    }

    /// For every item of the current definition (optionally one section), the event that made
    /// its current state.
    public func blame(section: String?) throws -> [BlameLine] {
        let sectionID = try section.map { try snapshot.checklist.resolveSection($0).id }
        return try snapshot.checklist.allItems.filter { sectionID == nil || $0.section.id == sectionID }.map { item in
            let file = try snapshot.itemFile(of: item)
            return BlameLine(item: item, record: file.record, event: index.introduction(of: file.blob, at: item.path))
        }
    }

    /// What to keep in a timeline.
    public struct TimelineFilter: Sendable {
        public var since: Int64?
        public var until: Int64?
        public var person: String?
        public var sectionID: String?
        public var itemPath: String?
        public var action: String?
        public var tag: String?

        /// An empty filter keeps everything.
        public init() {}
    }

    /// Builds a filter from the words a person typed, resolving sections, items and dates.
    public func filter(since: String?, until: String?, person: String?, section: String?, item: String?, action: String?,
                       tag: String? = nil) throws -> TimelineFilter {
        var filter = TimelineFilter()
        filter.since = try since.map { try LedgerPoint.time(for: $0, in: store, upperBound: false) }
        filter.until = try until.map { try LedgerPoint.time(for: $0, in: store, upperBound: true) }
        if let since = filter.since, let until = filter.until, since > until {
            throw LedgerError(.invalidInput, "--since \(since) is later than --until \(until)", hint: "swap them, or widen the range")
        }
        filter.person = try person.map { try nonEmpty($0, option: "--by").lowercased() }
        filter.sectionID = try section.map { try snapshot.checklist.resolveSection($0).id }
        filter.itemPath = try item.map(itemPath)
        if let tag {
            let wanted = try nonEmpty(tag, option: "--tag").lowercased()
            let name = wanted.hasPrefix("#") ? String(wanted.dropFirst()) : wanted
            let known = Set(snapshot.checklist.allItems.flatMap(\.item.tags))
            guard known.contains(name) else {
                throw LedgerError(.invalidInput, "no item carries the tag '\(name)'",
                                  hint: known.isEmpty ? "this checklist has no tags" : "tags are: \(known.sorted().joined(separator: ", "))")
            }
            filter.tag = name
        }
        if let action {
            let known = index.actions
            guard known.contains(action) || ItemAction(rawValue: action) != nil else {
                throw LedgerError(.invalidInput, "unknown action '\(action)'",
                                  hint: "one of: \(known.union(ItemAction.allCases.map(\.rawValue)).sorted().joined(separator: ", "))")
            }
            filter.action = action
        }
        return filter
    }

    private func nonEmpty(_ value: String, option: String) throws -> String {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError(.invalidInput, "\(option) is empty", hint: "give a value, or leave the option out")
        }
        return value
    }

    /// Every event across the ledger in time order (oldest first; ties in history order),
    /// definition, trust and settings changes included.
    public func timeline(_ filter: TimelineFilter) -> [LedgerEvent] {
        // Tags come from the definition at the head: an item's events count under its current tags.
        let taggedPaths = filter.tag.map { tag in Set(snapshot.checklist.allItems.filter { $0.item.tags.contains(tag) }.map(\.path)) }
        // Time is read without decoding the event, so date ranges stay cheap on long histories.
        let inRange = (0..<index.count).filter { position in
            let time = index.time(at: position)
            if let since = filter.since, time < since { return false }
            if let until = filter.until, time > until { return false }
            return true
        }
        return index.events(at: inRange).filter { event in
            if let person = filter.person {
                let fields = [event.person.name, event.person.email, event.person.key ?? ""].map { $0.lowercased() }
                if !fields.contains(where: { $0.contains(person) }) { return false }
            }
            if let sectionID = filter.sectionID, event.sectionID != sectionID { return false }
            if let path = filter.itemPath, event.path != path { return false }
            if let action = filter.action, event.action != action { return false }
            if let taggedPaths, !taggedPaths.contains(event.path) { return false }
            return true
        }.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
    }

    /// One item whose state differs between two points.
    public struct Difference: Codable, Sendable {
        public var item: String
        public var number: String?
        public var title: String?
        /// `added`, `removed`, or `changed`.
        public var kind: String
        public var before: ItemState?
        public var after: ItemState?
        public var signerName: String?
        public var time: String?
    }

    /// What changed between two points of history, item by item, definition changes included.
    public func diff(from: ObjectID, to: ObjectID) throws -> [Difference] {
        let old = try store.snapshot(at: from), new = try store.snapshot(at: to)
        let oldItems = Dictionary(old.checklist.allItems.map { ($0.fullID, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [Difference] = []
        for item in new.checklist.allItems {
            let (after, afterBlob) = try new.itemFile(of: item)
            guard let previous = oldItems[item.fullID] else {
                out.append(Difference(item: item.fullID, number: item.item.number, title: item.item.title, kind: "added",
                                      before: nil, after: after.state, signerName: after.by?.name, time: after.at))
                continue
            }
            // Comparing blob ids first: an unchanged item costs no read of its old record.
            if try old.recordBlobID(of: previous) != afterBlob {
                let before = try old.record(of: previous)
                out.append(Difference(item: item.fullID, number: item.item.number, title: item.item.title, kind: "changed",
                                      before: before.state, after: after.state, signerName: after.by?.name, time: after.at))
            }
        }
        let newIDs = Set(new.checklist.allItems.map(\.fullID))
        for item in old.checklist.allItems where !newIDs.contains(item.fullID) {
            out.append(Difference(item: item.fullID, number: item.item.number, title: item.item.title, kind: "removed",
                                  before: try old.record(of: item).state, after: nil, signerName: nil, time: nil))
        }
        return out
    }
}
