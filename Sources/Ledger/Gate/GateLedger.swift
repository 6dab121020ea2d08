import Crypto
import FoundationEssentials
import Git

/// The ledger state a gate judges: the store to read, where its state came from, and what the
/// product repository (or the ledger clone) says about it: required sections and the pinned root.
public struct GateLedger {
    /// The opened ledger (a local ledger, or the product repository's mirror of a remote one).
    public let store: LedgerStore
    /// The ledger path or the URL it was fetched from, for messages.
    public let source: String
    /// True when the state was fetched from a remote just now.
    public let fetched: Bool
    /// `readiness.require` of the product repository you stand in (empty: none set).
    public var configuredRequirement: [String] = []
    /// The root commit the ledger must have: `readiness.ledgerRoot` of the product repository,
    /// else of the ledger repository itself (a clone records it); nil when nothing pins it.
    public var pinnedRoot: String?
    /// `readiness.maxAge` (days) of the product repository, else of the ledger repository.
    public var configuredMaxAge: String?
    /// The product repository you stand in, which keeps its own record of the ledger commit judged.
    var product: Repository?
    /// The ledger clone whose remote was fetched into the mirror: its record counts too.
    var clone: LedgerStore?
    /// Who is judging (`user.email`), for the log of accepted rollbacks.
    var person = "unknown"

    /// The records of what this machine has seen of the ledger: the judged repository's own
    /// (the mirror or the ledger), the clone's, and the product repository's for `root`.
    func rollbackGuard(root: ObjectID?, accepting: String?) -> RollbackGuard {
        var records = [SeenRecord.inLedger(store)]
        if let clone { records.append(.inLedger(clone)) }
        if let product, let root { records.append(.inProduct(product, root: root)) }
        return RollbackGuard(store: store, records: records, source: source, accepting: accepting, person: person)
    }

    /// The default bound on fetching a remote ledger, in seconds.
    public static let defaultFetchTimeout: TimeInterval = 20

    /// Finds the ledger as other commands do (`--ledger`, `READINESS_LEDGER`, `readiness.ledger`
    /// in the repository you stand in, the ledger you stand in) and makes sure the state judged
    /// is the shared one: a git URL is fetched into a mirror under the product repository's git
    /// directory, and a local ledger repository with a remote (`origin`, else its first) is
    /// judged by that remote's state, fetched the same way. Sign-offs that exist only in
    /// someone's local clone therefore never unlock a push.
    ///
    /// Fetching is bounded by `timeout` seconds (`readiness.fetchTimeout` overrides the default);
    /// any failure to fetch throws `.storage`, so the gate fails closed.
    /// A fetch bound in seconds: finite and above zero, or the gate could never fail closed.
    static func fetchTimeout(_ text: String, source: String) throws -> TimeInterval {
        guard let seconds = TimeInterval(text.trimming(.whitespaces)), seconds.isFinite, seconds > 0 else {
            throw LedgerError(.invalidInput, "\(source) '\(text)' is not a number of seconds above zero", hint: "give seconds, e.g. 20")
        }
        return seconds
    }

    public static func open(option: String?, timeout: TimeInterval? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> GateLedger {
        let product = try? Repository.discover(from: currentDirectory)
        let config = try product?.config()
        let configuredTimeout = try config?.string("readiness.fetchTimeout").map { try fetchTimeout($0, source: "git config readiness.fetchTimeout") }
        let bound = try timeout.map { try fetchTimeout(String($0), source: "--fetch-timeout") } ?? configuredTimeout ?? defaultFetchTimeout
        let configuredLedger = try config?.string("readiness.ledger")
        let raw = nonEmpty(option) ?? nonEmpty(environment["READINESS_LEDGER"]) ?? nonEmpty(configuredLedger)
        var opened: GateLedger
        if let raw, isURL(raw) {
            opened = try mirror(url: raw, product: product, timeout: bound, environment: environment)
        } else {
            // The repository and config read above, not found and read again.
            let path = try LedgerLocator.locate(option: option, environment: environment, currentDirectory: currentDirectory) {
                (product, configuredLedger)
            }.path
            let local = try LedgerStore.open(at: path)
            let remotes = try local.repository.remotes()
            if let remote = remotes.first(where: { $0.name == "origin" }) ?? remotes.first {
                var url = remote.url
                if !isURL(url) && !url.hasPrefix("/") {
                    let base = local.repository.workingDirectory ?? local.repository.gitDirectory
                    url = URL(fileURLWithPath: base).appendingPathComponent(url).standardizedFileURL.path
                }
                opened = try mirror(url: url, product: product, timeout: bound, environment: environment)
                opened.clone = local
            } else {
                opened = GateLedger(store: local, source: path, fetched: false)
            }
            let ledgerConfig = try local.repository.config()
            opened.pinnedRoot = try ledgerConfig.string(LedgerPin.configKey)
            opened.configuredMaxAge = try ledgerConfig.string("readiness.maxAge")
            opened.person = try ledgerConfig.string("user.email") ?? opened.person
        }
        opened.product = product
        opened.configuredRequirement = try config?.strings("readiness.require") ?? []
        if let pinned = try config?.string(LedgerPin.configKey) { opened.pinnedRoot = pinned }
        if let maxAge = try config?.string("readiness.maxAge") { opened.configuredMaxAge = maxAge }
        if let person = try config?.string("user.email") { opened.person = person }
        return opened
    }

    /// True for what git would treat as a remote address rather than a local path:
    /// `scheme://…`, or scp-like `[user@]host:path` (no slash before the colon).
    public static func isURL(_ value: String) -> Bool {
        if value.contains("://") { return true }
        guard let colon = value.firstIndex(of: ":") else { return false }
        let before = value[..<colon]
        return before.count > 1 && !before.contains("/")
    }

    /// Mirrors not used for this long are removed by the next gate that uses the same folder.
    public static let mirrorLifetime: TimeInterval = 30 * 24 * 3600
    /// The file whose modification time says when a mirror was last used.
    static let mirrorStamp = "readiness-last-used"

    /// Where mirrors live: under the product repository's git directory, else in the user's
    /// cache folder (`$XDG_CACHE_HOME/readiness/ledger-mirrors`, default `~/.cache/…`), never in
    /// a shared temporary folder where another user could plant or read one.
    static func mirrorFolder(product: Repository?, environment: [String: String]) throws -> String {
        if let product { return product.commonDirectory + LedgerLayout.cacheFolder + "/ledger-mirrors" }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/readiness/ledger-mirrors" }
        guard let home = environment["HOME"].flatMap({ $0.isEmpty ? nil : $0 }) ?? PathExpansion.expandTilde("~") else {
            throw LedgerError(.storage, "no folder for the ledger mirror: not in a git repository, and neither XDG_CACHE_HOME nor HOME is set",
                              hint: "run the gate inside the product repository, or set XDG_CACHE_HOME")
        }
        return home + "/.cache/readiness/ledger-mirrors"
    }

    /// Marks `mirror` as used now and removes its siblings unused for `mirrorLifetime`.
    /// Best effort: a mirror is a cache, and a failure here must not decide a gate.
    static func pruneMirrors(in base: String, using mirror: String, now: Date = Date()) {
        let fileManager = FileManager.default
        let stamp = mirror + "/" + mirrorStamp
        if !fileManager.createFile(atPath: stamp, contents: nil) { return }
        guard let names = try? fileManager.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasSuffix(".git") && base + "/" + name != mirror {
            let path = base + "/" + name
            let used = (try? fileManager.attributesOfItem(atPath: path + "/" + mirrorStamp)[.modificationDate] as? Date)
                ?? (try? fileManager.attributesOfItem(atPath: path)[.modificationDate] as? Date)
            if let used, now.timeIntervalSince(used) > mirrorLifetime {
                try? fileManager.removeItem(atPath: path)
            }
        }
    }

    /// Fetches `url`'s ledger branch into the mirror for that URL and opens the mirror.
    private static func mirror(url: String, product: Repository?, timeout: TimeInterval,
                               environment: [String: String]) throws -> GateLedger {
        let base = try mirrorFolder(product: product, environment: environment)
        let digest = NumberText.hex(SHA256.hash(data: Data(url.utf8))).prefix(16)
        let path = "\(base)/\(digest).git"
        if !FileManager.default.fileExists(atPath: path + "/HEAD") {
            do {
                try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
                _ = try Repository.create(at: path, bare: true, initialBranch: LedgerLayout.defaultBranch)
                try Data("readiness: mirror of \(url)\n".utf8).write(to: URL(fileURLWithPath: path + "/description"))
            } catch let error as GitError where error.isExisting {
                // Another gate created it a moment ago.
            } catch let error as GitError {
                throw LedgerError(.storage, "cannot create the ledger mirror \(path): \(error.message)")
            }
        }
        try BoundedGitFetch.fetch(url: url, into: path, branch: LedgerLayout.defaultBranch, timeout: timeout, environment: environment)
        pruneMirrors(in: base, using: path)
        let store: LedgerStore
        do {
            store = try LedgerStore.open(at: path)
        } catch let error as LedgerError {
            throw LedgerError(error.kind, "the ledger fetched from \(url) cannot be read: \(error.message)", hint: error.hint)
        }
        return GateLedger(store: store, source: url, fetched: true)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
