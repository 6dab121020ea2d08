/// Where a path a commit changes sits in the ledger's layout (format version 1).
enum LedgerPath: Equatable {
    case settings
    case checklist
    case allowedSigners
    case openPGPSigners
    case policy
    /// `items/<section>/<item>.json`, by the item's full id; whether the definition lists it is checked separately.
    case item(fullID: String)
    /// `erasures/<pseudonym>.json`: an erasure record (pseudonymous ledgers).
    case erasure(Pseudonym)
    /// Anything else.
    case outside

    init(_ path: String) {
        switch path {
        case LedgerLayout.settingsPath: self = .settings
        case LedgerLayout.checklistPath: self = .checklist
        case LedgerLayout.allowedSignersPath: self = .allowedSigners
        case LedgerLayout.openPGPSignersPath: self = .openPGPSigners
        case LedgerLayout.policyPath: self = .policy
        default:
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if let pseudonym = ErasureRecord.pseudonym(atPath: path) {
                self = .erasure(pseudonym)
            } else if parts.count == 3, parts[0] == Substring(LedgerLayout.itemsFolder), !parts[1].isEmpty,
               parts[2].hasSuffix(".json"), parts[2].count > 5 {
                self = .item(fullID: "\(parts[1])/\(parts[2].dropLast(5))")
            } else {
                self = .outside
            }
        }
    }

    /// True for the two trust files.
    var isTrust: Bool { self == .allowedSigners || self == .openPGPSigners }

    /// True for what only admins may change: trust, policy, settings, the definition and erasures.
    var isAdministrative: Bool { self != .outside && !isItem }

    private var isItem: Bool {
        if case .item = self { return true }
        return false
    }
}
