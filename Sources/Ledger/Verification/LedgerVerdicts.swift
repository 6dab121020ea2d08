import Git

/// Signature verdicts for query output. Commits covered by the last clean `readiness verify`
/// (ancestors of the recorded verified head) are reported as good without checking them again;
/// other commits are verified on demand, once, exactly as `verify` would, up to `budget` of
/// them per command (a whole-history query on a never-verified ledger would otherwise cost a
/// full verification): past it the verdict says to run `readiness verify`.
public final class LedgerVerdicts: SignatureVerdicts {
    private let verifier: LedgerVerifier
    private let verifiedHead: ObjectID?
    private let unverified: Set<ObjectID>
    private var cache: [ObjectID: String] = [:]
    private var budget: Int

    /// The verdict of commits past the on-demand budget.
    public static let overBudget = "unverified: run `readiness verify`"

    /// Prepares verdicts for `store`'s history up to its head.
    public init(store: LedgerStore, programs: VerificationPrograms, budget: Int = 2_000) throws {
        self.budget = budget
        verifier = LedgerVerifier(store: store, programs: programs)
        let head = try store.head()
        let recorded = VerifiedHead.read(store)
        if let recorded, try store.repository.contains(recorded) {
            verifiedHead = recorded
            unverified = Set(try RevisionWalk(repository: store.repository, from: [head], hiding: [recorded], order: .time).collect())
        } else {
            verifiedHead = nil
            unverified = []
        }
    }

    /// "good", or the verdict and its reason ("untrusted: …", "bad: …", "unsigned").
    public func verdict(for commit: ObjectID) -> String {
        if let cached = cache[commit] { return cached }
        let text: String
        if verifiedHead != nil, !unverified.contains(commit) {
            text = "good"
        } else if budget <= 0 {
            return Self.overBudget
        } else {
            budget -= 1
            let verdict = verifier.verificationStatus(of: commit)
            // An acceptable verdict is one word; a problem carries its reason (an unsigned commit in a
            // ledger that requires signatures reads "unsigned: the commit is not signed").
            text = verdict.problem == nil ? verdict.status.rawValue : "\(verdict.status.rawValue): \(verdict.reason)"
        }
        cache[commit] = text
        return text
    }
}

/// Verdicts for callers that asked not to check signatures (`--skip-signatures`).
public struct SkippedSignatures: SignatureVerdicts {
    /// Creates the source.
    public init() {}

    /// Always "not checked".
    public func verdict(for commit: ObjectID) -> String { "not checked" }
}
