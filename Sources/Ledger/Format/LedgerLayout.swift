/// Where things live in a ledger repository's tree (format version 1).
public enum LedgerLayout {
    /// The newest format version this tool reads and writes.
    public static let formatVersion = 3
    /// The format that can express moved and retired items (`checklist update` raises a ledger
    /// to it when its definition first needs it; until then a ledger stays at format 1, which
    /// older tools still read).
    public static let lifecycleFormat = 2
    /// The format of pseudonymous ledgers (`init --pseudonymous`): sealed texts and erasure records.
    public static let privacyFormat = 3
    /// The rewritable side store of a pseudonymous ledger: pseudonym → person, and sealed texts.
    /// Outside the signed history on purpose: `forget` rewrites it.
    public static let directoryReference = "refs/readiness/directory"
    /// Format version, ledger name and settings.
    public static let settingsPath = "ledger.json"
    /// The checklist definition: sections and items with their stable ids.
    public static let checklistPath = "checklist.json"
    /// The folder holding one file per item: `items/<section>/<item>.json`.
    public static let itemsFolder = "items"
    /// Who may sign, in git's allowed-signers format.
    public static let allowedSignersPath = "trust/allowed_signers"
    /// Who may sign with OpenPGP keys: `<e-mail> <fingerprint>` per line.
    public static let openPGPSignersPath = "trust/openpgp_signers"
    /// Who may do what: admins, owners, approvals, waivers, re-certification (`LedgerPolicy`).
    public static let policyPath = "policy.json"
    /// The branch that carries the ledger.
    public static let defaultBranch = "main"
    /// The folder under the git directory holding derived, rebuildable data (never the truth).
    public static let cacheFolder = "readiness"
}
