/// The result of verifying a ledger's history.
public struct VerificationReport: Equatable, Sendable, Codable {
    /// The branch head verified (full hex id).
    public let head: String
    /// The head verified last time, which an incremental run started from (nil: none, or --full).
    public let since: String?
    /// Whether every commit was checked (`--full`, or no usable earlier verification).
    public let full: Bool
    /// How many commits were checked.
    public let commitsChecked: Int
    /// Every problem found, parents' problems before their children's.
    public let problems: [VerificationProblem]
    /// The deliberate rollbacks an admin accepted in this copy (`--accept-rollback`), oldest first.
    public var acceptedRollbacks: [AcceptedRollback] = []
    /// In a pseudonymous ledger: how many sealed texts of the history were erased (absent otherwise).
    public var erasedTexts: Int?

    /// True when nothing is wrong.
    public var isClean: Bool { problems.isEmpty }

    /// Creates a report.
    public init(head: String, since: String?, full: Bool, commitsChecked: Int, problems: [VerificationProblem]) {
        self.head = head
        self.since = since
        self.full = full
        self.commitsChecked = commitsChecked
        self.problems = problems
    }
}
