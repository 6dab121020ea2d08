import FoundationEssentials

/// The contents of `policy.json`: who may do what in the ledger. It lives in the ledger, changes
/// only by signed commits of admins, and a commit is always judged by the policy of its parent,
/// so no commit can loosen a rule and use the loosened rule itself.
///
/// Keys of `owners`, `approvals` and `recertifyDays` are a section id (`sikkerhet`) or an item's
/// full id (`sikkerhet/ssl-…`); an item's own entry wins over its section's. Principals are
/// e-mails or OpenSSH patterns (`*@example.no`).
public struct LedgerPolicy: Codable, Equatable, Sendable {
    /// How waivers are granted.
    public struct Waivers: Codable, Equatable, Sendable {
        /// True: a `waive` records a request that another owner must `approve`.
        public var approvalRequired: Bool
        /// The longest a waiver may run, in days from the day it is requested; nil: no cap.
        public var maxDays: Int?

        /// Waiver rules; the default requires nothing.
        public init(approvalRequired: Bool = false, maxDays: Int? = nil) {
            self.approvalRequired = approvalRequired
            self.maxDays = maxDays
        }
    }

    /// The policy format version (1).
    public var version: Int
    /// Who may change trust, the policy and the definition.
    public var admins: [String]
    /// Section or item → who may check, uncheck, waive or approve its items. A section without
    /// an entry may be signed by every trusted signer.
    public var owners: [String: [String]]
    /// Section or item → how many distinct signers a sign-off needs (four-eyes: 2).
    public var approvals: [String: Int]
    /// Section or item → how many days a sign-off holds before it must be re-certified.
    public var recertifyDays: [String: Int]
    /// Waiver rules.
    public var waivers: Waivers

    /// A policy with `admins` and no other rule.
    public init(admins: [String]) {
        version = 1
        self.admins = admins
        owners = [:]
        approvals = [:]
        recertifyDays = [:]
        waivers = Waivers()
    }

    private enum CodingKeys: String, CodingKey {
        case version, admins, owners, approvals, recertifyDays, waivers
    }

    /// Reads a policy; rules left out (an admin writing the file by hand) mean "no rule".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        admins = try container.decode([String].self, forKey: .admins)
        owners = try container.decodeIfPresent([String: [String]].self, forKey: .owners) ?? [:]
        approvals = try container.decodeIfPresent([String: Int].self, forKey: .approvals) ?? [:]
        recertifyDays = try container.decodeIfPresent([String: Int].self, forKey: .recertifyDays) ?? [:]
        waivers = try container.decodeIfPresent(Waivers.self, forKey: .waivers) ?? Waivers()
    }

    /// Whether `email` matches one of `admins`.
    public func isAdmin(_ email: String) -> Bool {
        SSHPatternList.matches(email, patterns: admins)
    }

    /// Who owns `item` (its own entry, else its section's); nil: every trusted signer.
    public func owners(ofItem fullID: String) -> [String]? {
        // Most ledgers name no owners: no lookup then, not even of the item's section.
        owners.isEmpty ? nil : owners[fullID] ?? owners[Self.section(of: fullID)]
    }

    /// Whether `email` may sign events of `item`.
    public func isOwner(_ email: String, ofItem fullID: String) -> Bool {
        guard let listed = owners(ofItem: fullID) else { return true }
        return SSHPatternList.matches(email, patterns: listed)
    }

    /// How many distinct signers a sign-off of `item` needs (at least 1).
    public func requiredSignoffs(ofItem fullID: String) -> Int {
        approvals.isEmpty ? 1 : max(1, approvals[fullID] ?? approvals[Self.section(of: fullID)] ?? 1)
    }

    /// How many days a sign-off of `item` holds; nil: forever.
    public func recertifyDays(ofItem fullID: String) -> Int? {
        recertifyDays.isEmpty ? nil : recertifyDays[fullID] ?? recertifyDays[Self.section(of: fullID)]
    }

    static func section(of fullID: String) -> String {
        String(fullID.split(separator: "/", maxSplits: 1).first ?? Substring(fullID))
    }

    /// Canonical bytes for `policy.json`.
    public func encoded() -> Data { CanonicalJSON.encode(self) }

    /// Parses `policy.json` read from the ledger (untrusted input).
    public static func decode(_ data: Data) throws -> LedgerPolicy {
        let policy: LedgerPolicy
        do {
            policy = try PolicyScanner.policy(from: data) ?? JSONDecoder().decode(LedgerPolicy.self, from: data)
        } catch {
            throw LedgerError(.invalidInput, "\(LedgerLayout.policyPath) is not a valid policy: \(ErrorText.oneLine(error))",
                              hint: "run `readiness verify` to find the commit that wrote it")
        }
        guard policy.version == 1 else {
            throw LedgerError(.unsupportedFormat, "\(LedgerLayout.policyPath) has version \(policy.version), newer than this tool's 1",
                              hint: "upgrade readiness to read it")
        }
        // An empty admin list would lock the ledger for good: nobody could change trust or policy again.
        guard !policy.admins.isEmpty else {
            throw LedgerError(.invalidInput, "\(LedgerLayout.policyPath) names no admin, so nobody could change trust or policy again",
                              hint: "name at least one admin")
        }
        guard policy.approvals.values.allSatisfy({ $0 >= 1 }), policy.recertifyDays.values.allSatisfy({ $0 >= 1 }),
              (policy.waivers.maxDays ?? 0) >= 0 else {
            throw LedgerError(.invalidInput, "\(LedgerLayout.policyPath) has a count or a number of days below what makes sense",
                              hint: "approvals and recertifyDays are at least 1, maxDays at least 0")
        }
        return policy
    }
}
