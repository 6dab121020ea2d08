import FoundationEssentials
import Git

/// A ledger's identity is its root commit. A product repository (`readiness hook install`) and
/// a clone (`readiness clone`) record it as `readiness.ledgerRoot`; the gate then refuses any
/// ledger with another root, so a ledger replaced by one its replacer made passes nothing.
public enum LedgerPin {
    /// The git config key that pins a ledger.
    public static let configKey = "readiness.ledgerRoot"

    /// Throws `.verificationFailed` (exit 21) unless `roots` is exactly the pinned root;
    /// `pinned` is a full id or an unambiguous prefix of at least 7 hex digits.
    public static func check(roots: [ObjectID], pinned: String?, source: String) throws {
        guard let pinned = pinned?.trimming(.whitespaces), !pinned.isEmpty else { return }
        let prefix = pinned.lowercased()
        guard prefix.count >= 7, prefix.count <= 40, prefix.allSatisfy(\.isHexDigit) else {
            throw LedgerError(.invalidInput, "the pinned ledger root '\(pinned)' is not a commit id",
                              hint: "give the ledger's root commit id (git rev-list --max-parents=0 main), 7 to 40 hex digits")
        }
        guard roots.count == 1, roots[0].hex.hasPrefix(prefix) else {
            let found = roots.map { $0.abbreviated() }.joined(separator: ", ")
            throw LedgerError(.verificationFailed, "\(source) is not the pinned ledger: its root commit is \(found.isEmpty ? "unknown" : found), but \(configKey) pins \(pinned)",
                              hint: "someone may have replaced the ledger; if the change is intended, run `git config \(configKey) NEW-ROOT` after checking it")
        }
    }
}
