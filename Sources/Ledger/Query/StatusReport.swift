import FoundationEssentials
import Git

/// Every item's state as one commit's tree has it, with per-section progress.
/// Reads one tree and the small event-tips file: its cost does not grow with history.
public struct StatusReport: Codable, Sendable {
    /// One item's line in the report.
    public struct Item: Codable, Sendable {
        /// The item's full id (`section/item`).
        public var item: String
        public var number: String
        public var title: String
        public var section: String
        public var sectionTitle: String
        public var state: ItemState
        public var signerName: String?
        public var signerEmail: String?
        public var time: String?
        public var note: String?
        /// Evidence as one line each: a URL, or `sha256:<hex> <file>`.
        public var evidence: [String]
        public var waivedUntil: String?
        /// The commit that made the current state (nil for items untouched since they were created).
        public var commit: String?
        /// True when that commit fails verification or builds on one that does: the state is
        /// shown as recorded, but nobody trusted vouches for it.
        public var unverified = false
        /// Under a four-eyes policy: who has signed the current sign-off so far (e-mails).
        public var signoffs: [String]?
        /// How many distinct signers the policy requires for this item's sign-off (above 1 only).
        public var requiredSignoffs: Int?
        /// For an approved waiver: who requested it.
        public var requestedBy: String?
        /// The last day the current sign-off or waiver counts (re-certification, waiver end).
        public var validThrough: String?
        /// True when it no longer counts on the report's day: a sign-off due for re-certification
        /// or a waiver past its end.
        public var expired = false
    }

    /// One section's progress.
    public struct Section: Codable, Sendable {
        /// The section's id.
        public var section: String
        public var number: String
        public var title: String
        public var total: Int
        public var done: Int
        public var waived: Int
        public var open: Int
        /// Sign-offs waiting for more signers and waivers waiting for approval.
        public var pending: Int
    }

    /// The ledger's name.
    public var ledger: String
    /// The commit read.
    public var head: String
    /// Sections in definition order.
    public var sections: [Section]
    /// Items in definition order.
    public var items: [Item]
    /// The newest commit whose whole history verifies, when that is not the head (nil: the
    /// head verifies, or the report is of an earlier point).
    public var verified: String?

    /// The day expiry was judged against (`YYYY-MM-DD`, UTC).
    public var today: String
    /// Retired items with their last state, when asked for (`status --all`); they do not count.
    public var retired: [Item]?

    /// Builds the report for `snapshot`; `lookup` supplies the commit behind each state when
    /// given; `today` is the day re-certification and waivers are judged against.
    /// `includeRetired` lists retired items too, apart from the counted ones.
    /// `people` resolves pseudonyms and sealed notes (a pseudonymous ledger).
    public init(snapshot: LedgerSnapshot, lookup: EventLookup?, today: String = Gate.currentDay(), includeRetired: Bool = false,
                people: PeopleDirectory = .plain) throws {
        self.today = today
        let policy = try snapshot.policy() ?? PolicyJudge.legacy
        ledger = snapshot.settings.name
        head = snapshot.commit.id.hex
        var sections: [Section] = []
        var items: [Item] = []
        for section in snapshot.checklist.sections {
            var summary = Section(section: section.id, number: section.number, title: section.title, total: 0, done: 0, waived: 0, open: 0, pending: 0)
            let info = ChecklistSectionInfo(section)
            for item in section.items.map({ ChecklistItemRef(section: info, item: $0) }) {
                let (record, blob) = try snapshot.itemFile(of: item)
                summary.total += 1
                switch record.state {
                case .done: summary.done += 1
                case .waived: summary.waived += 1
                case .open: summary.open += 1
                case .pending: summary.pending += 1
                }
                items.append(Item(item, record: record, blob: blob, policy: policy, lookup: lookup, people: people, today: today))
            }
            sections.append(summary)
        }
        self.sections = sections
        self.items = items
        if includeRetired {
            retired = try snapshot.checklist.retiredItems.map { item in
                let (record, blob) = try snapshot.itemFile(of: item)
                return Item(item, record: record, blob: blob, policy: policy, lookup: lookup, people: people, today: today)
            }
        }
    }

    /// The line of one item (active or retired) of `snapshot`, exactly as the whole report would
    /// have it, from that item's file alone; marked unverified under `verified` as `mark` would.
    public static func line(of item: ChecklistItemRef, in snapshot: LedgerSnapshot, lookup: EventLookup?, today: String = Gate.currentDay(),
                            people: PeopleDirectory = .plain, verified: VerifiedState? = nil) throws -> Item {
        let (record, blob) = try snapshot.itemFile(of: item)
        var line = Item(item, record: record, blob: blob, policy: try snapshot.policy() ?? PolicyJudge.legacy, lookup: lookup, people: people, today: today)
        if let verified, !verified.isVerified, let commit = line.commit {
            line.unverified = verified.unverified.contains { $0.hex == commit }
        }
        return line
    }

    /// Marks the items whose state comes from a commit above the verified state.
    public mutating func mark(_ state: VerifiedState) {
        guard !state.isVerified else { return }
        verified = state.verified?.hex ?? "none"
        let unverified = Set(state.unverified.map(\.hex))
        for index in items.indices where items[index].commit.map(unverified.contains) == true {
            items[index].unverified = true
        }
    }
}

extension StatusReport: JSONConvertible {
    /// Written by hand like its items: reflecting the report cast each of 10,000 items at run
    /// time to find its JSON (9 % of `status --json`).
    public var json: JSONWriter.Value {
        .object((fieldsBesideItems + [("items", .array(items.map(\.json)))]).sorted { $0.0 < $1.0 })
    }

    /// Every field of `json` but `items`, keys sorted: a long report streams its items
    /// (`JSONWritable`) after these instead of building a value for each.
    public var fieldsBesideItems: [(String, JSONWriter.Value)] {
        [
            ("head", .string(head)),
            ("ledger", .string(ledger)),
            ("retired", retired.map { .array($0.map(\.json)) } ?? .null),
            ("sections", .array(sections.map(\.json))),
            ("today", .string(today)),
            ("verified", .optional(verified)),
        ]
    }
}

extension StatusReport.Section: JSONConvertible {
    /// Written by hand, as the report that holds it.
    public var json: JSONWriter.Value {
        .object([
            ("done", .int(Int64(done))),
            ("number", .string(number)),
            ("open", .int(Int64(open))),
            ("pending", .int(Int64(pending))),
            ("section", .string(section)),
            ("title", .string(title)),
            ("total", .int(Int64(total))),
            ("waived", .int(Int64(waived))),
        ])
    }
}

extension StatusReport.Item: JSONConvertible, JSONWritable {
    /// Written by hand: a status of 10,000 items spent most of its time reflecting them. Kept
    /// as fields for `show`, which adds its own; a long list writes `write(to:level:)` instead,
    /// and a test holds the two, and reflection, to the same text.
    public var json: JSONWriter.Value {
        func optional(_ number: Int?) -> JSONWriter.Value { number.map { .int(Int64($0)) } ?? .null }
        return .object([
            ("commit", .optional(commit)),
            ("evidence", .array(evidence.map { .string($0) })),
            ("expired", .bool(expired)),
            ("item", .string(item)),
            ("note", .optional(note)),
            ("number", .string(number)),
            ("requestedBy", .optional(requestedBy)),
            ("requiredSignoffs", optional(requiredSignoffs)),
            ("section", .string(section)),
            ("sectionTitle", .string(sectionTitle)),
            ("signerEmail", .optional(signerEmail)),
            ("signerName", .optional(signerName)),
            ("signoffs", signoffs.map { .array($0.map { .string($0) }) } ?? .null),
            ("state", .string(state.rawValue)),
            ("time", .optional(time)),
            ("title", .string(title)),
            ("unverified", .bool(unverified)),
            ("validThrough", .optional(validThrough)),
            ("waivedUntil", .optional(waivedUntil)),
        ])
    }

    /// Appends the JSON object of `json` field by field, building no value for it: a status
    /// streams 10,000 of them.
    public func write(to writer: inout JSONWriter, level: Int) {
        writer.field("commit", first: true, level: level)
        writer.write(optional: commit)
        writer.field("evidence", level: level)
        writer.write(strings: evidence, level: level + 1)
        writer.field("expired", level: level)
        writer.write(.bool(expired))
        writer.field("item", level: level)
        writer.write(string: item)
        writer.field("note", level: level)
        writer.write(optional: note)
        writer.field("number", level: level)
        writer.write(string: number)
        writer.field("requestedBy", level: level)
        writer.write(optional: requestedBy)
        writer.field("requiredSignoffs", level: level)
        writer.write(requiredSignoffs.map { .int(Int64($0)) } ?? .null)
        writer.field("section", level: level)
        writer.write(string: section)
        writer.field("sectionTitle", level: level)
        writer.write(string: sectionTitle)
        writer.field("signerEmail", level: level)
        writer.write(optional: signerEmail)
        writer.field("signerName", level: level)
        writer.write(optional: signerName)
        writer.field("signoffs", level: level)
        if let signoffs { writer.write(strings: signoffs, level: level + 1) } else { writer.write(.null) }
        writer.field("state", level: level)
        writer.write(string: state.rawValue)
        writer.field("time", level: level)
        writer.write(optional: time)
        writer.field("title", level: level)
        writer.write(string: title)
        writer.field("unverified", level: level)
        writer.write(.bool(unverified))
        writer.field("validThrough", level: level)
        writer.write(optional: validThrough)
        writer.field("waivedUntil", level: level)
        writer.write(optional: waivedUntil)
        writer.endObject(level: level)
    }
}

extension StatusReport.Item {
    /// One item's line: its record (and the blob holding it, which names the event behind the
    /// state), the policy's sign-offs, approval and re-certification judged on `today`.
    init(_ ref: ChecklistItemRef, record: ItemRecord, blob: ObjectID, policy: LedgerPolicy, lookup: EventLookup?,
         people: PeopleDirectory, today: String) {
        let by = record.by.map(people.display)
        self.init(item: ref.fullID, number: ref.item.number, title: ref.item.title, section: ref.section.id,
                  sectionTitle: ref.section.title, state: record.state, signerName: by?.name, signerEmail: by?.email, time: record.at,
                  note: people.text(record.note), evidence: record.evidence.map { $0.replacingLabels { people.text($0) ?? $0 }.summary }, waivedUntil: record.waivedUntil,
                  commit: record.action == .create ? nil : lookup?.introduction(of: blob, at: ref.path)?.commit.hex)
        let required = policy.requiredSignoffs(ofItem: ref.fullID)
        if required > 1 { requiredSignoffs = required }
        signoffs = record.signoffs?.map { people.display($0).email }
        requestedBy = record.requestedBy.map { people.display($0).email }
        if let last = policy.lastValidDay(of: record) {
            validThrough = last
            expired = !policy.counts(record, today: today)
        }
    }
}
