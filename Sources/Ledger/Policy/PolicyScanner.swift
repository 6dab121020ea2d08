import FoundationEssentials

/// Reads `policy.json` in one pass over its bytes, for the form this tool writes: every key
/// known and present at most once (in the policy and in each of its tables), strings without
/// escapes, counts as plain digits. It answers nil for anything else, and
/// ``LedgerPolicy/decode(_:)`` then asks `JSONDecoder`: a policy read here is the one
/// `JSONDecoder` would read, every file declined is judged by `JSONDecoder` alone, and both go
/// through the same checks afterwards. The gate and every command that judges read it.
enum PolicyScanner {
    /// The policy in `data`, not yet checked, or nil when it is not in the form read here.
    static func policy(from data: Data) -> LedgerPolicy? {
        PlainJSONScanner.read(data) { $0.policy() }
    }
}

extension PlainJSONScanner {
    fileprivate mutating func policy() -> LedgerPolicy? {
        var version: Int?, admins: [String]?
        var owners: [String: [String]]??, approvals: [String: Int]??, recertifyDays: [String: Int]??
        var waivers: LedgerPolicy.Waivers??
        let complete = object { scanner, key in
            switch key {
            case "version": return once(&version, scanner.integer())
            case "admins": return once(&admins, scanner.array { $0.string() })
            case "owners": return once(&owners, scanner.nullable { $0.dictionary { $0.array { $0.string() } } })
            case "approvals": return once(&approvals, scanner.nullable { $0.dictionary { $0.integer() } })
            case "recertifyDays": return once(&recertifyDays, scanner.nullable { $0.dictionary { $0.integer() } })
            case "waivers": return once(&waivers, scanner.nullable { $0.waivers() })
            default: return false
            }
        }
        guard complete, let version, let admins else { return nil }
        var policy = LedgerPolicy(admins: admins)
        policy.version = version
        // Absent or null: no rule, as `init(from:)` reads them.
        policy.owners = (owners ?? nil) ?? [:]
        policy.approvals = (approvals ?? nil) ?? [:]
        policy.recertifyDays = (recertifyDays ?? nil) ?? [:]
        policy.waivers = (waivers ?? nil) ?? LedgerPolicy.Waivers()
        return policy
    }

    private mutating func waivers() -> LedgerPolicy.Waivers? {
        var approvalRequired: Bool?, maxDays: Int??
        let complete = object { scanner, key in
            switch key {
            case "approvalRequired": return once(&approvalRequired, scanner.boolean())
            case "maxDays": return once(&maxDays, scanner.nullable { $0.integer() })
            default: return false
            }
        }
        guard complete, let approvalRequired else { return nil }
        return LedgerPolicy.Waivers(approvalRequired: approvalRequired, maxDays: maxDays ?? nil)
    }
}
