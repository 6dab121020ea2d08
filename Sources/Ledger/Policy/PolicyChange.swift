import FoundationEssentials

/// The action word of policy commits, shared by the writer and the verifier.
public enum PolicyAction {
    /// `Readiness-Action: policy`.
    public static let change = "policy"
}

/// One change to `policy.json`, as the `readiness policy` commands ask for it.
public enum PolicyChange: Equatable, Sendable {
    /// Replace the admins.
    case admins([String])
    /// Set the owners of a section or item (`target` as typed; resolved against the definition).
    case owners(target: String, principals: [String])
    /// Require `count` distinct signers for a section's or item's sign-offs (1: no four-eyes).
    case approvals(target: String, count: Int)
    /// Sign-offs of a section or item hold `days` days (0: forever).
    case recertify(target: String, days: Int)
    /// Waiver rules: approval required or not, and the longest waiver (0: no cap); nil keeps the current value.
    case waivers(approvalRequired: Bool?, maxDays: Int?)

    /// The rule's name, for the commit subject and the `Readiness-Rule` trailer.
    public var rule: String {
        switch self {
        case .admins: return "admins"
        case .owners: return "owners"
        case .approvals: return "approvals"
        case .recertify: return "recertify"
        case .waivers: return "waivers"
        }
    }

    /// `policy` with this change applied; `checklist` resolves targets to section or item ids.
    /// Returns the new policy and a one-line summary of the change.
    func apply(to policy: LedgerPolicy, checklist: Checklist) throws -> (LedgerPolicy, String) {
        var next = policy
        let summary: String
        switch self {
        case let .admins(principals):
            next.admins = try Self.validated(principals)
            summary = next.admins.joined(separator: ", ")
        case let .owners(target, principals):
            let key = try Self.resolve(target, in: checklist)
            next.owners[key] = try Self.validated(principals)
            summary = "\(key): \(principals.joined(separator: ", "))"
        case let .approvals(target, count):
            guard (1...9).contains(count) else {
                throw LedgerError(.invalidInput, "approvals \(count) is not between 1 and 9", hint: "give the number of distinct signers, e.g. 2 for four-eyes")
            }
            let key = try Self.resolve(target, in: checklist)
            next.approvals[key] = count == 1 ? nil : count
            summary = "\(key): \(count)"
        case let .recertify(target, days):
            guard (0...3650).contains(days) else {
                throw LedgerError(.invalidInput, "recertify \(days) is not between 0 and 3650 days", hint: "give days, 0 to remove the rule")
            }
            let key = try Self.resolve(target, in: checklist)
            next.recertifyDays[key] = days == 0 ? nil : days
            summary = "\(key): \(days == 0 ? "never" : "\(days) days")"
        case let .waivers(approvalRequired, maxDays):
            if let approvalRequired { next.waivers.approvalRequired = approvalRequired }
            if let maxDays {
                guard (0...3650).contains(maxDays) else {
                    throw LedgerError(.invalidInput, "--max-days \(maxDays) is not between 0 and 3650", hint: "give days, 0 for no cap")
                }
                next.waivers.maxDays = maxDays == 0 ? nil : maxDays
            }
            summary = "approval \(next.waivers.approvalRequired ? "required" : "none"), max \(next.waivers.maxDays.map { "\($0) days" } ?? "unlimited")"
        }
        guard next != policy else {
            throw LedgerError(.conflict, "the policy already says that (\(rule) \(summary))", hint: "see it with `readiness policy show`")
        }
        return (next, summary)
    }

    /// Principals are e-mails or OpenSSH patterns (`*@example.no`): one line, no spaces or commas.
    private static func validated(_ principals: [String]) throws -> [String] {
        guard !principals.isEmpty else {
            throw LedgerError(.invalidInput, "no principal given", hint: "give e-mails or patterns such as *@example.no")
        }
        for principal in principals {
            _ = try FreeText.validateLine(principal, field: "principal")
            guard !principal.isEmpty, !principal.contains(where: { $0 == " " || $0 == "," || $0 == "\"" }) else {
                throw LedgerError(.invalidInput, "principal '\(principal)' is not an e-mail or a pattern",
                                  hint: "give e-mails or patterns such as *@example.no, one per argument")
            }
        }
        return principals
    }

    /// A section (its id) or an item (its full id) of the definition.
    private static func resolve(_ target: String, in checklist: Checklist) throws -> String {
        if let section = try? checklist.resolveSection(target) { return section.id }
        return try checklist.resolve(target).fullID
    }
}
