import FoundationEssentials
import Git

/// The outcome of one policy change.
public struct RecordedPolicyChange: Sendable {
    /// The new commit.
    public let commit: ObjectID
    /// The policy as it now stands.
    public let policy: LedgerPolicy
    /// What changed, in one line.
    public let summary: String
}

extension LedgerStore {
    /// Changes `policy.json` in one signed commit through the one signed-write sequence
    /// (`writeSigned`). Only an admin of the head's policy may (in a ledger made before
    /// policies: every trusted signer, and the first policy names the signer its admin unless
    /// the change names the admins). Refused before any object is written.
    public func changePolicy(_ change: PolicyChange, by author: LedgerAuthor) throws -> RecordedPolicyChange {
        let written = try writeSigned(by: author, action: "change the policy") { head, snapshot, _ in
            let current = try snapshot.policy()
            if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: LedgerLayout.policyPath, under: current) {
                throw violation.refusal
            }
            let (next, summary) = try change.apply(to: current ?? LedgerPolicy(admins: [author.identity.email]), checklist: snapshot.checklist)
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: LedgerLayout.policyPath, contents: next.encoded())])
            let message = LedgerCommitMessage(action: PolicyAction.change, subjectID: change.rule, title: summary, body: "",
                                              trailers: [("Action", PolicyAction.change), ("Rule", change.rule)])
            return PlannedCommit(tree: tree, parents: [head], message: message, value: (next, summary))
        }
        return RecordedPolicyChange(commit: written.commit, policy: written.value.0, summary: written.value.1)
    }

    /// The policy in force at the head; nil in a ledger made before policies.
    public func policy() throws -> LedgerPolicy? {
        try snapshot().policy()
    }
}
