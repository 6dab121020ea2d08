/// What verification concluded about one commit's signature, judged by the trust files of the
/// commit's parent(s) (the root commit: by its own tree, trust on first use).
public struct SignatureVerdict: Equatable, Sendable, Codable {
    /// The four outcomes, as history, blame and the gate show them.
    public enum Status: String, Equatable, Sendable, Codable {
        /// Signed by a key trusted for the committer's e-mail at the commit's time.
        case good
        /// The signature does not verify: the commit was altered after signing, or the signature is malformed.
        case bad
        /// A valid signature by a key that was not trusted for this committer at this point.
        case untrusted
        /// No signature at all.
        case unsigned
    }

    /// The outcome.
    public let status: Status
    /// One line saying why (for good: who signed with which key).
    public let reason: String
    /// The principal the signature was accepted for (good only).
    public let signer: String?
    /// The signing key as item files record it (`SHA256:…`, `openpgp:<FPR>`), when known.
    public let key: String?
    /// The kind of problem `verify` reports for this verdict; nil when there is none (good, or
    /// unsigned in a ledger that allows unsigned commits).
    public let problem: VerificationProblem.Kind?

    /// Creates a verdict.
    public init(status: Status, reason: String, signer: String? = nil, key: String? = nil, problem: VerificationProblem.Kind? = nil) {
        self.status = status
        self.reason = reason
        self.signer = signer
        self.key = key
        self.problem = problem
    }

    /// True for a good signature.
    public var isGood: Bool { status == .good }
}
