import FoundationEssentials
import Git

/// Who signed what and when, rebuilt from the ledger alone through the event index.
public struct LedgerQueries {
    /// The ledger queried.
    public let store: LedgerStore
    /// Its events at the head.
    public let index: EventIndex
    /// The definition at the head, for resolving item references.
    public let snapshot: LedgerSnapshot
    /// The head definition's names for item files.
    public let naming: ItemNaming

    /// Opens the queries on `store`, catching the event index up first.
    public init(store: LedgerStore) throws {
        self.store = store
        index = try store.eventIndex().index
        snapshot = try store.snapshot(at: index.head)
        naming = ItemNaming(snapshot.checklist)
    }

    /// The path of the item `query` names: an active or retired item of the current definition,
    /// or a file's own name (the full id an item was created under, also after it moved) as it
    /// appears in the history.
    public func itemPath(_ query: String) throws -> String {
        do {
            return try snapshot.checklist.resolveIncludingRetired(query).ref.path
        } catch let error as LedgerError where error.kind == .unknownItem {
            let path = "\(LedgerLayout.itemsFolder)/\(query).json"
            if Slug.isValidFullID(query), !index.events(at: path).isEmpty { return path }
            throw error
        }
    }

    /// Every event of one item, newest first, like `git log --follow`: its own events and the
    /// definition changes that moved, retitled, renumbered, retagged, retired or restored it.
    public func history(of query: String) throws -> [LedgerEvent] {
        let path = try itemPath(query)
        return try Self.inHistoryOrder(index.events(at: path) + definitionEvents(affecting: path)).reversed()
    }

    /// Events in history order; those of one commit keep the order they were listed in.
    private static func inHistoryOrder(_ events: [LedgerEvent]) -> [LedgerEvent] {
        events.enumerated().sorted { ($0.element.sequence, $0.offset) < ($1.element.sequence, $1.offset) }.map(\.element)
    }

    /// One event per change a definition change made to the item whose file is `path` (its
    /// creation is the item file's own event), from the definitions before and after.
    public func definitionEvents(affecting path: String) throws -> [LedgerEvent] {
        var out: [LedgerEvent] = []
        for event in index.events(at: LedgerLayout.checklistPath) where event.action == DefinitionAction.define {
            guard let parent = try store.repository.commit(event.commit).parentIDs.first else { continue }
            let before = try store.snapshot(at: parent).checklist, after = try store.snapshot(at: event.commit).checklist
            for change in DefinitionDiff.changes(from: before, to: after) where change.kind != .added {
                guard let key = change.fileKey, "\(LedgerLayout.itemsFolder)/\(key).json" == path else { continue }
                out.append(LedgerEvent(commit: event.commit, sequence: event.sequence, time: event.time, path: path, blob: nil,
                                       action: change.kind.rawValue, stateBefore: nil, stateAfter: nil, person: event.person,
                                       note: change.description, evidence: [], waivedUntil: nil, previous: []))
            }
        }
        return out
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
        guard !value.trimming(.whitespaces).isEmpty else {
            throw LedgerError(.invalidInput, "\(option) is empty", hint: "give a value, or leave the option out")
        }
        return value
    }

    /// Every event across the ledger in time order (oldest first; ties in history order),
    /// definition, trust and settings changes included. A definition change is one event (its
    /// note lists what changed), not one per item it creates; for one item (`itemPath`), the
    /// definition changes that touched it are its events too. The events are decoded as they
    /// are read, so a whole-history timeline can be written out without holding it.
    public func timeline(_ filter: TimelineFilter) throws -> TimelineEvents {
        let positions = timelinePositions(filter)
        guard let path = filter.itemPath else { return TimelineEvents(index: index, positions: positions) }
        let collapsed = positions.map { index.event(at: $0) }
        let definition = try definitionEvents(affecting: path).filter { event in
            if let since = filter.since, event.time < since { return false }
            if let until = filter.until, event.time > until { return false }
            if let person = filter.person, ![event.person.name, event.person.email].contains(where: { $0.lowercased().contains(person) }) { return false }
            return filter.action == nil || filter.action == event.action
        }
        return TimelineEvents(Self.inHistoryOrder(collapsed + definition).enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element))
    }

    /// The index positions of the events `filter` keeps, in time order (ties in history
    /// order). Judged on the events' fields without decoding them: each distinct path, action
    /// or person string once.
    private func timelinePositions(_ filter: TimelineFilter) -> [Int] {
        // Time is read without decoding the event, so date ranges stay cheap on long histories.
        let inRange = (0..<index.count).filter { position in
            let time = index.time(at: position)
            if let since = filter.since, time < since { return false }
            if let until = filter.until, time > until { return false }
            return true
        }
        var paths = TimelinePathJudge(filter: filter, naming: naming, snapshot: snapshot, index: index)
        var isDefine: [UInt32: Bool] = [:]
        func defines(_ position: Int) -> Bool {
            guard paths.facts(position).isChecklist else { return false }
            let action = index.actionNumber(at: position)
            if let known = isDefine[action] { return known }
            let answer = index.string(number: action) == DefinitionAction.define
            isDefine[action] = answer
            return answer
        }
        let definitionCommits = Set(inRange.filter(defines).map(index.commitNumber(at:)))
        var personMatches: [UInt32: Bool] = [:]
        func matches(_ number: UInt32, _ person: String) -> Bool {
            if let known = personMatches[number] { return known }
            let answer = (index.string(number: number) ?? "").lowercased().contains(person)
            personMatches[number] = answer
            return answer
        }
        var actionMatches: [UInt32: Bool] = [:]
        let kept = inRange.filter { position in
            let facts = paths.facts(position)
            // A definition change is one event: its checklist event, whose note lists every change.
            if filter.itemPath == nil, !facts.isChecklist, definitionCommits.contains(index.commitNumber(at: position)) { return false }
            if let person = filter.person {
                let numbers = index.personNumbers(at: position)
                if !(matches(numbers.name, person) || matches(numbers.email, person) || matches(numbers.key, person)) { return false }
            }
            if !facts.kept { return false }
            if let action = filter.action {
                let number = index.actionNumber(at: position)
                let answer = actionMatches[number] ?? (index.string(number: number) == action)
                actionMatches[number] = answer
                if !answer { return false }
            }
            return true
        }
        return kept.sorted { (index.time(at: $0), $0) < (index.time(at: $1), $1) }
    }

    /// One difference between two points: an item whose state changed, or a definition change.
    public struct Difference: Codable, Sendable {
        public var item: String
        public var number: String?
        public var title: String?
        /// `added` or `changed` (state), or a definition change's kind (`moved`, `retitled`,
        /// `renumbered`, `retagged`, `retired`, `restored`, `section-added`, …).
        public var kind: String
        public var stateBefore: ItemState?
        public var stateAfter: ItemState?
        public var signerName: String?
        public var time: String?
        /// For a definition change: what changed, in one line (`moved drift/x -> sikkerhet/x`).
        public var change: String?
    }

    /// What changed between two points of history: item states (items matched by their files,
    /// so a moved item is the same item) and, beside them, every definition change.
    public func diff(from: ObjectID, to: ObjectID) throws -> [Difference] {
        let old = try store.snapshot(at: from), new = try store.snapshot(at: to)
        var oldItems: [String: ChecklistItemRef] = [:]
        for ref in old.checklist.everyItem { oldItems[ref.fileKey] = oldItems[ref.fileKey] ?? ref }
        var out: [Difference] = []
        for item in new.checklist.allItems {
            let (after, afterBlob) = try new.itemFile(of: item)
            guard let previous = oldItems[item.fileKey] else {
                out.append(Difference(item: item.fullID, number: item.item.number, title: item.item.title, kind: "added",
                                      stateBefore: nil, stateAfter: after.state, signerName: after.by?.name, time: after.at))
                continue
            }
            // Comparing blob ids first: an unchanged item costs no read of its old record.
            if try old.recordBlobID(of: previous) != afterBlob {
                let before = try old.record(of: previous)
                out.append(Difference(item: item.fullID, number: item.item.number, title: item.item.title, kind: "changed",
                                      stateBefore: before.state, stateAfter: after.state, signerName: after.by?.name, time: after.at))
            }
        }
        let newItems = Dictionary(new.checklist.everyItem.map { ($0.fileKey, $0) }, uniquingKeysWith: { first, _ in first })
        for change in DefinitionDiff.changes(from: old.checklist, to: new.checklist) where change.kind != .added {
            let ref = change.fileKey.flatMap { newItems[$0] ?? oldItems[$0] }
            var difference = Difference(item: change.subject, number: ref?.item.number, title: ref?.item.title, kind: change.kind.rawValue,
                                        stateBefore: nil, stateAfter: nil, signerName: nil, time: nil, change: change.description)
            if change.kind == .retired || change.kind == .dropped, let previous = change.fileKey.flatMap({ oldItems[$0] }) {
                difference.stateBefore = try? old.record(of: previous).state
            }
            out.append(difference)
        }
        return out
    }
}
