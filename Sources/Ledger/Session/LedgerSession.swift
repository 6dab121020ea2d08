import FoundationEssentials
import Git

/// The front door of the Ledger module for one command: the ledger found once (one
/// repository discovery, one config), with everything a command needs from it: the store,
/// the configuration, the verification programs, the verifier and its verified state, and
/// the author (identity and signer, built only when a command writes).
public final class LedgerSession {
    /// The opened ledger.
    public let store: LedgerStore
    /// Where the ledger path came from.
    public let source: LedgerLocator.Source
    /// The environment the command runs in (`GIT_COMMITTER_DATE`, `GIT_COMMITTER_NAME`, …).
    public let environment: [String: String]
    /// ssh-keygen and gpg as git would run them for this ledger.
    public let programs: VerificationPrograms
    /// The one judge of this ledger's history.
    public let verifier: LedgerVerifier
    private let config: Config
    private var state: VerifiedState?
    private var author: LedgerAuthor?
    private var directory: PeopleDirectory?

    /// Finds and opens the ledger as every command does: `--ledger`, `$READINESS_LEDGER`,
    /// `git config readiness.ledger`, the ledger you stand in.
    public static func open(ledger option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> LedgerSession {
        let location = try LedgerLocator.locate(option: option, environment: environment, currentDirectory: currentDirectory)
        return try LedgerSession(store: LedgerStore.open(at: location.path), source: location.source, environment: environment)
    }

    /// A session on an already opened store (a gate's mirror, a fresh clone).
    public init(store: LedgerStore, source: LedgerLocator.Source = .option,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.store = store
        self.source = source
        self.environment = environment
        config = try store.repository.config()
        programs = try VerificationPrograms(config: config)
        verifier = LedgerVerifier(store: store, programs: programs)
        if let formatError = store.headFormatError, try verifier.formatRaiseIsSigned() {
            throw formatError
        }
    }

    /// The people directory of the ledger as it stands (plain for a ledger that is not
    /// pseudonymous): what every report resolves people and texts through.
    public func people() throws -> PeopleDirectory {
        if let directory { return directory }
        let loaded = try PeopleDirectory.load(store, programs: programs)
        directory = loaded
        return loaded
    }

    /// The ledger's path as opened.
    public var path: String { store.path }

    /// A git config value of the ledger repository (its own config over the global one).
    public func configValue(_ key: String) throws -> String? {
        try config.string(key)
    }

    /// Sets a git config value in the ledger repository's own config.
    public func setConfigValue(_ key: String, _ value: String) throws {
        try config.set(key, value)
    }

    /// The verified state of the ledger, computed once per session (and again after a write).
    public func verifiedState() throws -> VerifiedState {
        if let state, try state.head == store.head() { return state }
        let computed = try verifier.verifiedState()
        state = computed
        return computed
    }

    /// Throws `.verificationFailed` (exit 21) unless the ledger's whole history verifies.
    public func requireVerified(before action: String) throws {
        try verifiedState().requireVerified(before: action, ledger: path)
    }

    /// Signature verdicts for query output: from the verified state, or none when skipped.
    public func verdicts(skipSignatures: Bool) throws -> any SignatureVerdicts {
        if skipSignatures { return SkippedSignatures() }
        return LedgerVerdicts(verifier: verifier, state: try verifiedState())
    }

    /// Records the ledger's root commit as `readiness.ledgerRoot` in its own config (a clone
    /// pins the ledger it verified) and returns it; refuses a history with more than one root.
    @discardableResult
    public func pinRoot() throws -> String {
        let roots = try verifiedState().roots
        guard roots.count == 1 else {
            throw LedgerError(.verificationFailed, "\(path) has \(roots.count) root commits, so it has no single identity to pin",
                              hint: "a ledger made by `readiness init` has exactly one")
        }
        try setConfigValue(LedgerPin.configKey, roots[0].hex)
        return roots[0].hex
    }

    /// Records the verified head as the newest this copy has seen (`refs/readiness/seen`): a
    /// fresh clone starts its rollback protection from what it cloned.
    public func rememberHeadAsSeen() throws {
        let state = try verifiedState()
        try state.requireVerified(before: "record the head as seen", ledger: path)
        let record = SeenRecord.inLedger(store)
        try record.write(state.head, expecting: try record.read(), source: path)
    }

    /// The deliberate rollbacks accepted in this ledger repository, oldest first.
    public func acceptedRollbacks() -> [AcceptedRollback] {
        RollbackGuard.acceptedRollbacks(in: store.repository.gitDirectory)
    }

    /// The author for a ledger not made yet (`init`): git's global configuration.
    public static func globalWriter(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerAuthor {
        try LedgerAuthor(config: Config.global(), environment: environment)
    }

    /// Who writes, as `git commit -S` would: identity and signer from the ledger repository's
    /// config over the global one. Built on first use, so read-only commands never touch keys.
    /// In a pseudonymous ledger the author's identity is their pseudonym, found in the directory
    /// by `user.email`: they keep their git config, and the history never sees it.
    public func writer() throws -> LedgerAuthor {
        if let author { return author }
        var made = try LedgerAuthor(config: config, environment: environment)
        made.programs = programs
        made.identity = try people().writingIdentity(for: made.identity)
        author = made
        return made
    }
}

extension LedgerAuthor {
    /// The identity and signer git would use with `config`.
    init(config: Config, environment: [String: String]) throws {
        let identity = try GitIdentity.load(from: config, environment: environment)
        let signer = identity.hasSigningKey ? try SignerFactory.makeSigner(identity.signing) : nil
        self.init(identity: identity, signer: signer, programs: try VerificationPrograms(config: config), environment: environment)
    }
}
