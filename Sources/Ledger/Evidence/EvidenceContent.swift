import FoundationEssentials
import Git

/// The facts an evidence pack reports, computed once and shared by events.json and the reports.
struct EvidenceContent {
    /// One selected item as it stands at the end of the range.
    struct ItemLine {
        let item: ChecklistItemRef
        let record: ItemRecord
        /// The event that made the current state, with its verdict, when known.
        let event: EventView?
        /// The item's events in range, oldest first.
        let events: [EventView]
    }

    /// Percent done per section on one day.
    struct ReadinessPoint {
        let day: String
        let time: Int64
        /// Section id → percent done (0…100).
        let percent: [String: Int]
    }

    let ledgerName: String
    let endCommit: String
    let endTime: String
    let since: String?
    let request: EvidenceRequest
    let checklist: Checklist
    let sections: [ChecklistSectionInfo]
    let events: [EventView]
    let rawEvents: [LedgerEvent]
    let lines: [ItemLine]
    let readiness: [ReadinessPoint]
    let rangeStart: Int64
    let rangeEnd: Int64
    /// The policy in force at the end of the range; nil for a ledger without one.
    let policy: LedgerPolicy?
    /// Whether the pack holds identities, and the directory's part when it does.
    var identityMode: EvidenceIdentityMode = .plainLedger
    var identities: EvidenceIdentities?

    init(selection: EvidenceSelection, verdicts: (ObjectID) -> String) throws {
        ledgerName = selection.endSnapshot.settings.name
        policy = try selection.endSnapshot.policy()
        endCommit = selection.endCommit.hex
        endTime = CommitTime.iso8601(selection.endTime)
        since = selection.since.map(CommitTime.iso8601)
        request = selection.request
        checklist = selection.endSnapshot.checklist
        sections = selection.sections
        rawEvents = selection.events
        // Items are named as the definition at the end of the range names them.
        let naming = ItemNaming(selection.endSnapshot.checklist)
        events = selection.events.map { EventView($0, signature: verdicts($0.commit), naming: naming) }
        var byPath: [String: [EventView]] = [:]
        for view in events { byPath[view.path, default: []].append(view) }
        var lines: [ItemLine] = []
        for item in selection.items {
            let record = try selection.endSnapshot.record(of: item)
            let blob = try selection.endSnapshot.recordBlobID(of: item)
            let event = blob.flatMap { selection.queries.index.introduction(of: $0, at: item.path) }
            lines.append(ItemLine(item: item, record: record, event: event.map { EventView($0, signature: verdicts($0.commit), naming: naming) },
                                  events: byPath[item.path] ?? []))
        }
        self.lines = lines
        rangeStart = selection.since ?? selection.itemEventsToEnd.first?.time ?? selection.endTime
        rangeEnd = max(selection.endTime, selection.events.last?.time ?? selection.endTime, selection.itemEventsToEnd.last?.time ?? selection.endTime)
        let span = rangeEnd - rangeStart
        readiness = Self.readiness(selection: selection, from: rangeStart, bucket: span >= 2 * 86_400 ? 10 : span >= 600 ? 16 : 19)
    }

    /// Replays item states up to the end and samples percent done per section at the end of
    /// every day on which a selected item changed within the range (and at the range's start).
    /// `bucket` is how many characters of the ISO time name a sample: 10 for days; for a range
    /// shorter than two days, where days would give one step, 16 for minutes, or 19 for
    /// seconds when it is shorter than ten minutes (as the chart's axis labels are).
    private static func readiness(selection: EvidenceSelection, from start: Int64, bucket: Int) -> [ReadinessPoint] {
        let sectionItems = Dictionary(grouping: selection.items, by: { $0.section.id })
        var states: [String: ItemState] = [:]
        func sample(day: String, time: Int64) -> ReadinessPoint {
            var percent: [String: Int] = [:]
            for (section, items) in sectionItems {
                let done = items.filter { states[$0.path] == .done }.count
                percent[section] = items.isEmpty ? 0 : done * 100 / items.count
            }
            return ReadinessPoint(day: day, time: time, percent: percent)
        }
        var points: [ReadinessPoint] = []
        var startSampled = false
        for event in selection.itemEventsToEnd {
            if event.time >= start, !startSampled {
                points.append(sample(day: CommitTime.iso8601(start) + " (start)", time: start))
                startSampled = true
            }
            if let after = event.stateAfter { states[event.path] = after } else { states[event.path] = nil }
            guard event.time >= start else { continue }
            let day = String(CommitTime.iso8601(event.time).prefix(bucket))
            let point = sample(day: day, time: event.time)
            if points.last?.day == day { points[points.count - 1] = point } else { points.append(point) }
        }
        if !startSampled { points.append(sample(day: CommitTime.iso8601(start) + " (start)", time: start)) }
        return points
    }

    /// The definition as plain JSON values.
    var checklistJSON: JSONWriter.Value {
        .object([
            ("sections", .array(checklist.sections.map { section in
                .object([
                    ("id", .string(section.id)),
                    ("items", .array(section.items.map { item in
                        .object([("id", .string(item.id)), ("number", .string(item.number)),
                                 ("tags", .array(item.tags.map { .string($0) })), ("title", .string(item.title))])
                    })),
                    ("number", .string(section.number)),
                    ("title", .string(section.title)),
                ])
            })),
            ("title", .string(checklist.title)),
        ])
    }

    /// events.json: the range, the filters, every event with its verdict, the definition at the end.
    var eventsJSON: Data {
        var writer = JSONWriter()
        writer.write(.object([
            ("checklist", checklistJSON),
            ("events", .array(events.map(\.json))),
            ("filters", .object([
                ("items", .array(request.items.map { .string($0) })),
                ("sections", .array(request.sections.map { .string($0) })),
                ("tags", .array(request.tags.map { .string($0) })),
            ])),
            ("ledger", .string(ledgerName)),
            ("range", .object([
                ("endCommit", .string(endCommit)),
                ("since", .optional(since)),
                ("until", .string(endTime)),
            ])),
        ]))
        writer.raw("\n")
        return Data(writer.bytes)
    }

    /// `person` as the reports show it: resolved through the pack's identities when it holds
    /// them, else as the signed history names them.
    func show(_ person: Person) -> String { identities?.label(person) ?? "\(person.name) <\(person.email)>" }

    /// `person` where a report lists principals: the e-mail (a pseudonym's address), or the
    /// resolved identity when the pack holds it.
    func principal(_ person: Person) -> String { identities?.label(person) ?? person.email }

    /// An event's signer as the reports show it.
    func signer(_ view: EventView) -> String { show(Person(name: view.signerName, email: view.signerEmail, key: view.signerKey)) }

    /// A text field as the reports show it: opened (or "[erased]") when the pack holds
    /// identities, else as stored (a sealed field stays sealed).
    func text(_ field: String?) -> String? { identities?.opened(field) ?? field }

    /// Evidence as the reports show it, one summary per piece: sealed links and file names
    /// opened like every text (`text`).
    func evidence(_ evidence: [Evidence]) -> String {
        evidence.map { $0.replacingLabels { text($0) ?? $0 }.summary }.joined(separator: "; ")
    }

    /// Items still open (or pending under the policy) at the end of the range.
    var openLines: [ItemLine] { lines.filter { $0.record.state == .open || $0.record.state == .pending } }
}
