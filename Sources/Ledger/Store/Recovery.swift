import FoundationEssentials
import Git

/// Where `readiness recover` keeps the commits it takes off the ledger branch: one reference
/// per recovery, so the refused commits stay in the repository for the audit trail.
public enum Quarantine {
    /// The prefix of quarantine references.
    public static let refPrefix = "refs/readiness/quarantine/"
}

/// What `readiness recover` did.
public struct RecoveryReport: Sendable {
    /// The head the branch had: the newest refused commit.
    public let refusedHead: ObjectID
    /// The newest verified commit, where the branch now points.
    public let recoveredHead: ObjectID
    /// The quarantine reference that keeps the refused commits.
    public let quarantineReference: String
    /// How many commits left the branch.
    public let commitsRemoved: Int
    /// Why: the problems of the refused commits, parents first.
    public let problems: [VerificationProblem]
    /// The branch name (`refs/heads/main`), for the publishing hint.
    public let branch: String
}

extension LedgerStore {
    /// Keeps `head` under a new quarantine reference and moves the branch from it to `target`
    /// (compare-and-swap). Returns the reference and how many commits left the branch.
    @discardableResult
    func quarantine(_ head: ObjectID, moving target: ObjectID, reason: String, clock: () -> Date = Date.init) throws -> (reference: String, removed: Int) {
        let stamp = CommitTime.iso8601(Int64(clock().timeIntervalSince1970)).replacingEvery(":", with: "")
        let reference = "\(Quarantine.refPrefix)\(stamp)-\(head.abbreviated())"
        try repository.compareAndSwapReference(reference, to: head, expecting: nil, message: "readiness: \(reason)")
        let removed = try RevisionWalk(repository: repository, from: [head], hiding: [target], order: .time).collect().count
        do {
            try repository.compareAndSwapReference(branch, to: target, expecting: head, message: "readiness: \(reason), back to \(target.abbreviated())")
        } catch let error as GitError where error.isModified {
            throw LedgerError(.conflict, "the ledger branch moved meanwhile; nothing was changed on it", hint: "run the command again")
        }
        return (reference, removed)
    }
}

extension LedgerSession {
    /// Moves the ledger branch back to its newest verified commit, keeping the commits above it
    /// under a quarantine reference. Only commits that fail verification (or build on one) leave
    /// the branch; so the next `verify` finds a history that descends from every commit it ever
    /// accepted. Throws `.conflict` when there is nothing to recover, `.verificationFailed` when
    /// no commit of the ledger verifies.
    public func recover(clock: () -> Date = Date.init) throws -> RecoveryReport {
        let state = try verifiedState()
        guard !state.isVerified else {
            throw LedgerError(.conflict, "nothing to recover: the whole history of \(path) verifies",
                              hint: state.rewritten ? "the branch was rewritten; if that was intended, run `readiness verify --accept-rewrite`" : nil)
        }
        guard let verified = state.verified else {
            throw LedgerError(.verificationFailed, "no commit of \(path) verifies, so there is nothing to go back to",
                              hint: "clone a good copy of the ledger")
        }
        let moved = try store.quarantine(state.head, moving: verified, reason: "refused commits", clock: clock)
        verifier.recordVerified(verified, roots: state.roots)
        let (reference, removed) = (moved.reference, moved.removed)
        return RecoveryReport(refusedHead: state.head, recoveredHead: verified, quarantineReference: reference,
                              commitsRemoved: removed, problems: state.problems, branch: store.branch)
    }
}
