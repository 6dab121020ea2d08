import Git

/// Signature verdicts for query output, from the ledger's verified state: a commit whose whole
/// history verifies reads "good"; a commit above the verified state reads what is wrong with it,
/// or that it builds on a commit that fails verification.
public final class LedgerVerdicts: SignatureVerdicts {
    private let verifier: LedgerVerifier
    private let state: VerifiedState
    private let problems: [String: VerificationProblem]
    private var cache: [ObjectID: String] = [:]

    /// Verdicts for the history `state` describes, with `verifier` naming signature problems.
    public init(verifier: LedgerVerifier, state: VerifiedState) {
        self.verifier = verifier
        self.state = state
        var first: [String: VerificationProblem] = [:]
        for problem in state.problems where first[problem.commit] == nil { first[problem.commit] = problem }
        problems = first
    }

    /// "good", or why not ("untrusted: …", "bad: …", "unsigned: …", "unverified: …").
    public func verdict(for commit: ObjectID) -> String {
        if let cached = cache[commit] { return cached }
        let text: String
        if !state.unverified.contains(commit) {
            text = "good"
        } else if let problem = problems[commit.hex] {
            let signature = verifier.verificationStatus(of: commit)
            // A signature problem reads as its verdict ("untrusted: …"); any other as the problem.
            text = signature.problem != nil ? "\(signature.status.rawValue): \(signature.reason)"
                : "unverified: \(problem.kind.rawValue): \(problem.reason)"
        } else {
            text = "unverified: builds on a commit that fails verification" + (state.firstProblem.map { " (\($0.commit.prefix(12)))" } ?? "")
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
