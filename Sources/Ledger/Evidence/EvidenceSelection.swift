import FoundationEssentials
import Git

/// What an evidence pack covers: a time range and, optionally, sections, items and tags.
public struct EvidenceRequest: Sendable {
    /// From this date, date-time or commit (nil: from the start).
    public var since: String?
    /// Up to this date (inclusive), date-time or commit (nil: up to the head).
    public var until: String?
    /// Sections (id, number or prefix); empty: all.
    public var sections: [String]
    /// Items (id, number or prefix); empty: all.
    public var items: [String]
    /// Tags; empty: all.
    public var tags: [String]

    /// Creates a request.
    public init(since: String? = nil, until: String? = nil, sections: [String] = [], items: [String] = [], tags: [String] = []) {
        self.since = since
        self.until = until
        self.sections = sections
        self.items = items
        self.tags = tags
    }

    /// True when the pack covers only part of the checklist.
    var narrowed: Bool { !sections.isEmpty || !items.isEmpty || !tags.isEmpty }
}

/// The ledger as an evidence pack sees it: the range resolved to times and an end commit,
/// the definition at that commit, the items selected, and every event in range.
struct EvidenceSelection {
    let store: LedgerStore
    let queries: LedgerQueries
    let request: EvidenceRequest
    /// Start of the range (seconds), nil for the beginning.
    let since: Int64?
    /// The commit the range ends at: the newest at or before `until`, else the head.
    let endCommit: ObjectID
    /// That commit's committer time: the pack's only notion of "now".
    let endTime: Int64
    /// The definition and states at the end of the range.
    let endSnapshot: LedgerSnapshot
    /// The items selected, in definition order.
    let items: [ChecklistItemRef]
    /// Selected events in range, oldest first.
    let events: [LedgerEvent]
    /// Every item event up to the end, oldest first (for readiness over time).
    let itemEventsToEnd: [LedgerEvent]

    init(store: LedgerStore, request: EvidenceRequest) throws {
        self.store = store
        self.request = request
        queries = try LedgerQueries(store: store)
        since = try request.since.map { try LedgerPoint.time(for: $0, in: store, upperBound: false) }
        endCommit = try request.until.map { try LedgerPoint.commit(for: $0, in: store) } ?? store.head()
        endTime = try store.repository.commit(endCommit).committer.time
        endSnapshot = try store.snapshot(at: endCommit)
        let checklist = endSnapshot.checklist
        let sectionIDs = Set(try request.sections.map { try checklist.resolveSection($0).id })
        let itemIDs = Set(try request.items.map { try checklist.resolve($0).fullID })
        let tags = Set(request.tags.map { $0.lowercased().hasPrefix("#") ? String($0.lowercased().dropFirst()) : $0.lowercased() })
        items = checklist.allItems.filter { item in
            (sectionIDs.isEmpty || sectionIDs.contains(item.section.id))
                && (itemIDs.isEmpty || itemIDs.contains(item.fullID))
                && (tags.isEmpty || !tags.isDisjoint(with: item.item.tags))
        }
        // Without --until the range ends at the head whatever the commit times say (a clock may
        // have been wrong); with it, at the bound the person gave.
        var filter = LedgerQueries.TimelineFilter()
        filter.until = try request.until.map { try LedgerPoint.time(for: $0, in: store, upperBound: true) }
        let toEnd = try queries.timeline(filter)
        let paths = Set(items.map(\.path))
        let narrowed = request.narrowed
        let since = since
        events = toEnd.filter { event in
            if let since, event.time < since { return false }
            return narrowed ? paths.contains(event.path) : true
        }
        itemEventsToEnd = toEnd.filter { paths.contains($0.path) }
    }

    /// The sections that have selected items, in definition order.
    var sections: [ChecklistSectionInfo] {
        var seen = Set<String>()
        return items.map(\.section).filter { seen.insert($0.id).inserted }
    }
}
