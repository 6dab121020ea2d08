/// One thing wrong with one commit of a ledger's history.
public struct VerificationProblem: Equatable, Sendable, Codable {
    /// What kind of problem, stable for scripts (`--json`) and tests.
    public enum Kind: String, Equatable, Sendable, Codable, CaseIterable {
        /// The commit carries no signature and the ledger does not allow unsigned commits.
        case unsigned
        /// The signature does not verify (or cannot be read).
        case badSignature
        /// The signing key is not in the trust files of the commit's parent(s).
        case untrustedKey
        /// The key is trusted, but not for the committer's e-mail.
        case principalMismatch
        /// The key is trusted for this e-mail, but not at the commit's committer time (valid-after/valid-before).
        case keyNotValidAtTime
        /// The committer time is earlier than a parent's by more than the allowed clock skew.
        case timeWentBackwards
        /// The committer time lies in the future of the verifier's clock by more than the allowed
        /// skew: every honest commit after it would look as if time went backwards.
        case futureDated
        /// The commit changes a path that is not part of the ledger's layout.
        case pathOutsideLayout
        /// The commit's trailers disagree with what its tree changes.
        case trailerMismatch
        /// An item's `previous` back-link does not name the commit that last changed the item.
        case brokenBackLink
        /// The branch no longer descends from the head verified last time.
        case branchRewritten
        /// The commit breaks a rule of the policy in force in its parent (admins, owners,
        /// approvals, waiver approval or length); the reason names the rule.
        case policyViolation
        /// A definition change breaks the lifecycle rules: it drops an item or its file, rewrites
        /// an item's file or a retired item, re-uses a retired item's id or file for another
        /// item, or changes an item file the definition does not allow it to.
        case definitionRule
        /// Something in the commit cannot be read as ledger data at all.
        case unreadable
        /// The directory of a pseudonymous ledger (`refs/readiness/directory`) is missing, not
        /// signed by a trusted pseudonym, outside its layout, or still holds an erased person.
        case directory
        /// A text in the directory does not match its commitment: the text or its salt changed.
        case textMismatch
        /// A sealed text of the history is missing from the directory and no erasure record covers it.
        case textMissing
    }

    /// The commit (full hex id).
    public let commit: String
    /// The kind.
    public let kind: Kind
    /// One line, for a person.
    public let reason: String

    /// Creates a problem record.
    public init(commit: String, kind: Kind, reason: String) {
        self.commit = commit
        self.kind = kind
        self.reason = reason
    }
}
