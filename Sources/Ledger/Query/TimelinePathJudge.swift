/// What a timeline filter says about the events of one path (its section, item and tags),
/// judged once per distinct path of the index instead of once per event.
struct TimelinePathJudge {
    /// The facts about one path.
    struct Facts {
        /// The path is `checklist.json`, whose events are the definition changes.
        let isChecklist: Bool
        /// The filter's section, item and tag rules keep the path's events.
        let kept: Bool
    }

    private let filter: LedgerQueries.TimelineFilter
    private let naming: ItemNaming
    private let index: EventIndex
    /// Tags come from the definition at the head: an item's events count under its current tags.
    private let taggedPaths: Set<String>?
    private var known: [UInt32: Facts] = [:]

    init(filter: LedgerQueries.TimelineFilter, naming: ItemNaming, snapshot: LedgerSnapshot, index: EventIndex) {
        self.filter = filter
        self.naming = naming
        self.index = index
        taggedPaths = filter.tag.map { tag in Set(snapshot.checklist.allItems.filter { $0.item.tags.contains(tag) }.map(\.path)) }
    }

    /// The facts about the path of event `position`.
    mutating func facts(_ position: Int) -> Facts {
        let number = index.pathNumber(at: position)
        if let facts = known[number] { return facts }
        let path = index.string(number: number) ?? ""
        var kept = true
        if let sectionID = filter.sectionID, (naming.section(atPath: path) ?? LedgerEvent.sectionID(ofPath: path)) != sectionID { kept = false }
        if let itemPath = filter.itemPath, path != itemPath { kept = false }
        if let taggedPaths, !taggedPaths.contains(path) { kept = false }
        let facts = Facts(isChecklist: path == LedgerLayout.checklistPath, kept: kept)
        known[number] = facts
        return facts
    }
}
