import Git

/// Everything about one item in one place: what it is, its state and who made it so (with
/// sign-offs, approval and expiry under the policy), note and evidence, the signature verdict
/// of the commit behind the state, and its last events.
public struct ItemReport: Sendable {
    /// The item as the head's definition has it (retired items included).
    public let item: ChecklistItemRef
    /// True for a retired item: it keeps history and last state, and no longer counts.
    public let retired: Bool
    /// The file holding its state: `items/<file key>.json`.
    public let path: String
    /// Its current state and who made it so, as `status` reports it (policy, expiry included).
    public let status: StatusReport.Item
    /// The signature verdict of the commit behind the current state (nil: never changed).
    public let signature: String?
    /// Its newest events first (its own and the definition changes that touched it), at most `limit`.
    public let events: [EventView]
    /// How many events it has in all.
    public let totalEvents: Int

    /// The report of the item `query` names (active or retired) at the head of `queries`.
    /// `people` resolves pseudonyms and sealed notes (a pseudonymous ledger).
    public init(query: String, queries: LedgerQueries, verdicts: any SignatureVerdicts, verified: VerifiedState?,
                limit: Int = 10, today: String = Gate.currentDay(), people: PeopleDirectory = .plain) throws {
        let (ref, retired) = try queries.snapshot.checklist.resolveIncludingRetired(query)
        item = ref
        self.retired = retired
        path = ref.path
        let line = try StatusReport.line(of: ref, in: queries.snapshot, lookup: EventLookup(store: queries.store), today: today,
                                         people: people, verified: verified)
        status = line
        signature = line.commit.flatMap(ObjectID.init(hex:)).map(verdicts.verdict(for:))
        let history = try queries.history(of: ref.fullID)
        totalEvents = history.count
        events = history.prefix(limit).map { EventView($0, signature: verdicts.verdict(for: $0.commit), naming: queries.naming, people: people) }
    }
}
