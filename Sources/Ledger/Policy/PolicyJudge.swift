/// The policy's rules, in one place. The writers call them before anything is written (a clear
/// refusal, exit 7) and the verifier calls them for every commit (a `policyViolation`), both
/// with the policy of the commit's PARENT, so the two always agree and no commit can loosen a
/// rule and use the loosened rule itself.
///
/// A ledger without `policy.json` (made before policies) is judged by `legacy`: every trusted
/// signer is admin and owner; trust itself is judged by `TrustJudge`.
public enum PolicyJudge {
    /// The policy of a ledger made before policies existed: anyone the trust files accept.
    public static let legacy = LedgerPolicy(admins: ["*"])

    /// Rule `admins`: only an admin changes trust, the policy, the settings or the definition.
    /// `what` names the change for the message.
    public static func judgeAdministrative(by email: String, changing what: String, under policy: LedgerPolicy?) -> PolicyViolation? {
        let policy = policy ?? legacy
        guard !policy.isAdmin(email) else { return nil }
        return PolicyViolation(rule: "admins", reason: "\(email) is not an admin, and only admins change \(what)",
                               whoMay: "admins: \(policy.admins.joined(separator: ", "))")
    }

    /// The sign-offs a `check` by `signer` makes of `before` under `policy`, and the state they
    /// give: a sign-off that already has signers waiting (pending) gains one; otherwise it starts
    /// anew. Nil signoffs when one signer suffices, so such records keep their old form.
    public static func signoffs(after before: ItemRecord, by signer: Person, under policy: LedgerPolicy?) -> (signoffs: [Person]?, state: ItemState) {
        let required = (policy ?? legacy).requiredSignoffs(ofItem: before.item)
        let prior = before.isPendingSignoff ? (before.signoffs ?? before.by.map { [$0] } ?? []) : []
        let all = prior + [signer]
        let state: ItemState = all.count >= required ? .done : .pending
        return (prior.isEmpty && required == 1 ? nil : all, state)
    }

    /// Every rule an item event must keep: `before` is the item's record in the parent, `after`
    /// the record the event writes, `email` its signer (the committer).
    public static func judgeItemEvent(by email: String, before: ItemRecord, after: ItemRecord, under policy: LedgerPolicy?) -> PolicyViolation? {
        let policy = policy ?? legacy
        let item = after.item
        if !policy.isOwner(email, ofItem: item) {
            return PolicyViolation(rule: "owners", reason: "\(email) is not an owner of \(item)",
                                   whoMay: "owners: \(policy.owners(ofItem: item)?.joined(separator: ", ") ?? "every trusted signer")")
        }
        switch after.action {
        case .check:
            return judgeCheck(by: email, before: before, after: after, under: policy)
        case .waive:
            return judgeWaive(before: before, after: after, under: policy)
        case .approve:
            return judgeApproval(by: email, before: before, after: after, under: policy)
        case .uncheck:
            // Withdrawing resets everything: a later sign-off starts with no signers.
            guard after.state == .open, after.signoffs == nil, after.requestedBy == nil else {
                return PolicyViolation(rule: "approvals", reason: "an uncheck of \(item) must leave it open with no sign-offs",
                                       whoMay: "an owner may uncheck it")
            }
            return nil
        case .create:
            return nil
        }
    }

    /// Rule `approvals` (four-eyes): the item is done only when the required number of distinct
    /// owners have signed; a second sign-off by the same signer is refused.
    private static func judgeCheck(by email: String, before: ItemRecord, after: ItemRecord, under policy: LedgerPolicy) -> PolicyViolation? {
        let required = policy.requiredSignoffs(ofItem: after.item)
        if before.isPendingSignoff, (before.signoffs ?? []).contains(where: { $0.email == email }) {
            let signed = (before.signoffs ?? []).count
            return PolicyViolation(rule: "approvals", reason: "\(email) has already signed \(after.item) (\(signed) of \(required)); the same signer cannot sign it twice",
                                   whoMay: "another owner must sign it: owners: \(policy.owners(ofItem: after.item)?.joined(separator: ", ") ?? "every trusted signer")")
        }
        guard let by = after.by else {
            return PolicyViolation(rule: "approvals", reason: "the sign-off of \(after.item) names no signer", whoMay: "an owner must sign it")
        }
        let expected = signoffs(after: before, by: by, under: policy)
        guard after.state == expected.state, after.signoffs == expected.signoffs, after.requestedBy == nil else {
            let signers = (expected.signoffs ?? [by]).map(\.email).joined(separator: ", ")
            return PolicyViolation(rule: "approvals", reason: "\(after.item) needs \(required) distinct signer(s), so this sign-off leaves it \(expected.state.rawValue) signed by \(signers), but the record says \(after.state.rawValue) signed by \((after.signoffs ?? [by]).map(\.email).joined(separator: ", "))",
                                   whoMay: "owners sign it one after another with `readiness check`")
        }
        return nil
    }

    /// Rules `waiver-approval` and `waiver-max-days` for a waiver request.
    private static func judgeWaive(before: ItemRecord, after: ItemRecord, under policy: LedgerPolicy) -> PolicyViolation? {
        let wanted: ItemState = policy.waivers.approvalRequired ? .pending : .waived
        guard after.state == wanted, after.signoffs == nil, after.requestedBy == nil else {
            return PolicyViolation(rule: "waiver-approval",
                                   reason: policy.waivers.approvalRequired
                                       ? "a waiver of \(after.item) must wait for another owner's approval, but the record makes it \(after.state.rawValue)"
                                       : "a waiver of \(after.item) takes effect at once, but the record makes it \(after.state.rawValue)",
                                   whoMay: "an owner requests it with `readiness waive`, another owner approves it with `readiness approve`")
        }
        if let maxDays = policy.waivers.maxDays {
            guard let until = after.waivedUntil, let day = after.at.map({ String($0.prefix(10)) }),
                  let days = DayArithmetic.days(from: day, to: until) else {
                return PolicyViolation(rule: "waiver-max-days", reason: "the waiver of \(after.item) has no valid dates", whoMay: "give --until YYYY-MM-DD")
            }
            if days > maxDays {
                return PolicyViolation(rule: "waiver-max-days", reason: "the waiver of \(after.item) runs \(days) days, through \(until); the policy allows at most \(maxDays)",
                                       whoMay: "waive it through \(DayArithmetic.adding(maxDays, to: day) ?? "?") at the latest; admins may change the cap")
            }
        }
        return nil
    }

    /// Rule `waiver-approval`: a waiver request becomes a waiver when an owner other than the
    /// requester approves it, unchanged.
    private static func judgeApproval(by email: String, before: ItemRecord, after: ItemRecord, under policy: LedgerPolicy) -> PolicyViolation? {
        let whoMay = "another owner of \(after.item) than the requester must approve it: owners: \(policy.owners(ofItem: after.item)?.joined(separator: ", ") ?? "every trusted signer")"
        guard before.isWaiverRequest, let requester = before.by else {
            return PolicyViolation(rule: "waiver-approval", reason: "\(after.item) has no waiver request to approve", whoMay: whoMay)
        }
        if requester.email == email {
            return PolicyViolation(rule: "waiver-approval", reason: "\(email) requested the waiver of \(after.item) and cannot approve it", whoMay: whoMay)
        }
        guard after.state == .waived, after.requestedBy == requester, after.waivedUntil == before.waivedUntil,
              after.note == before.note, after.signoffs == nil, after.evidence.isEmpty else {
            return PolicyViolation(rule: "waiver-approval", reason: "the approval of \(after.item) must make the request a waiver unchanged", whoMay: whoMay)
        }
        return nil
    }
}
