/// What an evidence pack says about the policy: the rules in force at the end of the range, and
/// for each item its sign-offs, approval and re-certification date, shared by report.md and report.html.
enum EvidencePolicy {
    /// The policy in force at the end of the range, one rule per line.
    static func lines(_ content: EvidenceContent) -> [String] {
        let policy = content.policy ?? PolicyJudge.legacy
        var lines: [String] = []
        if content.policy == nil { lines.append("No policy set: every trusted signer is admin and owner.") }
        lines.append("Admins: \(policy.admins.joined(separator: ", "))")
        for (key, owners) in policy.owners.sorted(by: { $0.key < $1.key }) { lines.append("Owners of \(key): \(owners.joined(separator: ", "))") }
        for (key, count) in policy.approvals.sorted(by: { $0.key < $1.key }) { lines.append("Sign-offs of \(key) need \(count) distinct signers") }
        for (key, days) in policy.recertifyDays.sorted(by: { $0.key < $1.key }) { lines.append("Sign-offs of \(key) must be re-certified every \(days) days") }
        lines.append("Waivers: approval \(policy.waivers.approvalRequired ? "by another owner required" : "not required"), longest \(policy.waivers.maxDays.map { "\($0) days" } ?? "unlimited")")
        return lines
    }

    /// An item's state with what the policy adds: who signed a four-eyes sign-off, who requested
    /// an approved waiver, and until when a sign-off holds before re-certification.
    static func state(_ line: EvidenceContent.ItemLine, _ content: EvidenceContent) -> String {
        let record = line.record
        var text = record.state.rawValue + (record.waivedUntil.map { " until \($0)" } ?? "")
        if let signoffs = record.signoffs {
            let required = (content.policy ?? PolicyJudge.legacy).requiredSignoffs(ofItem: record.item)
            text += " (\(signoffs.count) of \(required) sign-offs: \(signoffs.map(content.principal).joined(separator: ", ")))"
        }
        if let requester = record.requestedBy { text +=  " (requested by \(content.principal(requester)), approved by \(record.by.map(content.principal) ?? "?"))" }
        if record.isWaiverRequest { text += " (waiver awaiting approval)" }
        if record.state == .done, let last = (content.policy ?? PolicyJudge.legacy).lastValidDay(of: record) {
            text += " (re-certify after \(last))"
        }
        return text
    }
}
