import FoundationEssentials

/// Sign-offs and waivers that stop counting soon (`readiness due`): those whose last valid day
/// (re-certification or waiver end, `LedgerPolicy.lastValidDay`) falls within a window from
/// today, and those already past it. Reads one tree, like status.
public struct DueReport: Codable, Sendable {
    /// One sign-off or waiver that is due.
    public struct Entry: Codable, Sendable {
        /// The item's full id.
        public var item: String
        public var number: String
        public var title: String
        /// `done` (a sign-off to re-certify) or `waived`.
        public var state: ItemState
        /// The last day it counts.
        public var validThrough: String
        /// True when that day is already past.
        public var expired: Bool
        /// Who signed it off or waived it.
        public var signerEmail: String?
    }

    /// `readiness/due/v1`.
    /// The day judged from (UTC).
    public var today: String
    /// The window in days.
    public var within: Int
    /// Due entries, soonest first (then in checklist order).
    public var items: [Entry]

    /// Everything in `snapshot` that stops counting within `within` days of `today`, or has already.
    /// `people` resolves pseudonyms (a pseudonymous ledger).
    public init(snapshot: LedgerSnapshot, today: String, within: Int, people: PeopleDirectory = .plain) throws {
        self.today = today
        self.within = within
        let policy = try snapshot.policy() ?? PolicyJudge.legacy
        let horizon = DayArithmetic.adding(within, to: today) ?? today
        var items: [Entry] = []
        for item in snapshot.checklist.allItems {
            let record = try snapshot.record(of: item)
            guard let last = policy.lastValidDay(of: record), last <= horizon else { continue }
            items.append(Entry(item: item.fullID, number: item.item.number, title: item.item.title, state: record.state,
                               validThrough: last, expired: last < today, signerEmail: record.by.map { people.display($0).email }))
        }
        // Stable: equal days keep checklist order.
        self.items = items.enumerated().sorted { ($0.element.validThrough, $0.offset) < ($1.element.validThrough, $1.offset) }.map(\.element)
    }
}
