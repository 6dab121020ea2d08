/// One rule of the policy that a change breaks: which rule, what is wrong, and who may do it.
/// The writer turns it into a refusal (exit 7) and the verifier into a `policyViolation`.
public struct PolicyViolation: Equatable, Sendable {
    /// The rule's name as the README lists it: `admins`, `owners`, `approvals`,
    /// `waiver-approval`, `waiver-max-days`.
    public let rule: String
    /// What is wrong, in one line.
    public let reason: String
    /// Who may do it instead, in one line.
    public let whoMay: String

    /// The line printed by a refusing writer and by `verify`.
    public var description: String { "policy rule '\(rule)': \(reason); \(whoMay)" }

    /// The writer's refusal: exit 7, nothing written.
    var refusal: LedgerError {
        LedgerError(.untrustedKey, "refused by the ledger's policy (rule '\(rule)'): \(reason)", hint: whoMay)
    }
}
