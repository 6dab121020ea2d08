import Git

/// Signature verdicts for query output. Commits covered by the last clean `readiness verify`
/// (ancestors of the recorded verified head) are reported as verified without checking them
/// again; every other commit is verified on demand, once, exactly as `verify` would.
public final class LedgerVerdicts: SignatureVerdicts {
    private let verifier: LedgerVerifier
    private let verifiedHead: ObjectID?
    private let unverified: Set<ObjectID>
    private var cache: [ObjectID: String] = [:]

    /// Prepares verdicts for `store`'s history up to its head.
    public init(store: LedgerStore, programs: VerificationPrograms) throws {
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
        } else {
            let verdict = verifier.verificationStatus(of: commit)
            text = verdict.status == .good || verdict.status == .unsigned ? verdict.status.rawValue : "\(verdict.status.rawValue): \(verdict.reason)"
        }
        cache[commit] = text
        return text
    }
}
