import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The readiness hook in one repository: the pre-push hook of a product repository, or the
/// pre-receive hook of the repository on the git server (client hooks can be skipped; a server
/// hook cannot). Where git runs it, installing, uninstalling and describing it, and the settings
/// it reads from the repository's git config (the same keys for both).
public struct HookInstallation {
    /// Which hook: both gate with the same rules, settings, pinning and fail-closed behaviour.
    public enum Kind: Sendable {
        /// `pre-push`, in a product repository that pushes.
        case prePush
        /// `pre-receive`, in the repository on the git server that receives pushes.
        case preReceive

        /// The hook's file name.
        public var hookName: String { self == .prePush ? "pre-push" : "pre-receive" }
        /// The template as shipped (`hooks/<name>`), compiled into the tool.
        public var template: Data { Data(self == .prePush ? PackageResources.pre_push : PackageResources.pre_receive) }
        /// A line every version of the template carries, so an installed hook can be recognised.
        public var marker: String { "readiness-ledger \(hookName) hook" }
    }

    /// What the hook protects when `readiness.protect` is unset.
    public static let defaultProtect = ["refs/heads/main", "refs/heads/master", "refs/heads/release/*", "refs/tags/v*"]

    /// The product repository's git directory.
    public let gitDirectory: String
    /// Its working directory, nil when bare.
    public let workingDirectory: String?
    /// The directory git runs hooks from.
    public let hooksDirectory: String
    /// `core.hooksPath` as configured, when it is.
    public let hooksPathSetting: String?
    private let repository: Repository
    /// Which hook this installation manages.
    public let kind: Kind

    /// `<hooks>/pre-push` (or `pre-receive`).
    public var hookPath: String { hooksDirectory + "/" + kind.hookName }
    /// `<hooks>/pre-push.readiness-chained` (or `pre-receive.…`).
    public var chainedPath: String { hooksDirectory + "/" + kind.hookName + ".readiness-chained" }

    /// Finds the repository containing `path` (default: the current directory) and where git
    /// runs its hooks: `core.hooksPath` (absolute, `~/…`, or relative to the working tree — the
    /// git directory for a bare repository), else `hooks` in the directory all worktrees share.
    public init(repositoryPath path: String? = nil, kind: Kind = .prePush) throws {
        self.kind = kind
        let start = path ?? FileManager.default.currentDirectoryPath
        guard let repository = try Repository.discover(from: start) else {
            throw LedgerError(.invalidInput, "\(start) is not in a git repository",
                              hint: "run this inside the product repository, or pass --repo PATH")
        }
        self.repository = repository
        gitDirectory = Self.trimmed(repository.gitDirectory)
        workingDirectory = repository.workingDirectory.map(Self.trimmed)
        let configured = try repository.config().string("core.hooksPath").flatMap { $0.isEmpty ? nil : $0 }
        hooksPathSetting = configured
        if let configured {
            guard let expanded = PathExpansion.expandTilde(configured) else {
                throw LedgerError(.invalidInput, "core.hooksPath '\(configured)' names an unknown user's home")
            }
            let base = workingDirectory ?? gitDirectory
            hooksDirectory = expanded.hasPrefix("/") ? Self.trimmed(expanded)
                : URL(fileURLWithPath: base).appendingPathComponent(expanded).standardizedFileURL.path
        } else {
            hooksDirectory = Self.trimmed(repository.commonDirectory) + "/hooks"
        }
    }

    // MARK: - Pinning

    /// Pins the ledger the hook judges to its root commit (`readiness.ledgerRoot`): fetches it
    /// as the gate does, requires its whole history to verify, and records its root. Refuses
    /// (exit 21) when another root is pinned already. Returns one line per change.
    public func pinLedger(timeout: TimeInterval? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String] {
        var scrubbed = environment
        scrubbed["READINESS_LEDGER"] = nil
        let opened = try GateLedger.open(option: nil, timeout: timeout, environment: scrubbed, currentDirectory: workingDirectory ?? gitDirectory)
        let session = try LedgerSession(store: opened.store, environment: scrubbed)
        let state = try session.verifiedState()
        try state.requireVerified(before: "pin the ledger", ledger: opened.source)
        guard state.roots.count == 1 else {
            throw LedgerError(.verificationFailed, "\(opened.source) has \(state.roots.count) root commits, so it has no single identity to pin")
        }
        let root = state.roots[0].hex
        let config = try repository.config()
        if let pinned = try config.string(LedgerPin.configKey), !pinned.isEmpty {
            try LedgerPin.check(roots: state.roots, pinned: pinned, source: opened.source)
            return []
        }
        try config.set(LedgerPin.configKey, root)
        return ["set \(LedgerPin.configKey) = \(root) (the root commit of \(opened.source))"]
    }

    // MARK: - Install

    /// Installs the hook and records the settings given (nil leaves a setting as it is).
    /// An existing foreign pre-push hook is renamed to `pre-push.readiness-chained` (bytes and
    /// mode untouched) and run by ours. Installing again changes nothing. Returns one line per change.
    @discardableResult
    public func install(ledger: String?, require: [String]?, protect: [String]?,
                        currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> [String] {
        try protect?.forEach(Self.validateProtect)
        var changes: [String] = []
        try createDirectory(hooksDirectory)
        switch try state(of: hookPath) {
        case .ours(let current, let mode):
            if current != kind.template || mode & 0o777 != 0o755 {
                try writeHook()
                changes.append("updated the readiness hook at \(hookPath)")
            }
        case .foreign:
            if FileManager.default.fileExists(atPath: chainedPath) || (try? FileManager.default.destinationOfSymbolicLink(atPath: chainedPath)) != nil {
                throw LedgerError(.conflict, "both \(hookPath) and \(chainedPath) exist, and the first is not readiness's hook",
                                  hint: "merge or remove one of them by hand, then install again")
            }
            try move(hookPath, to: chainedPath)
            try writeHook()
            changes.append("kept the existing \(kind.hookName) hook as \(chainedPath); it still runs first")
            changes.append("installed the readiness hook at \(hookPath)")
        case .missing:
            try writeHook()
            changes.append("installed the readiness hook at \(hookPath)")
        }
        let config = try repository.config()
        if let ledger {
            let value = Self.normalisedLedger(ledger, currentDirectory: currentDirectory)
            if try config.string("readiness.ledger") != value {
                try config.set("readiness.ledger", value)
                changes.append("set readiness.ledger = \(value)")
            }
        }
        if let require, try replace("readiness.require", with: require, in: config) {
            changes.append("set readiness.require = \(require.joined(separator: " "))")
        }
        if let protect, try replace("readiness.protect", with: protect, in: config) {
            changes.append("set readiness.protect = \(protect.joined(separator: " "))")
        }
        return changes
    }

    /// Removes readiness's hook and puts back the hook it chained to, byte for byte with its
    /// mode; removes `readiness.require` and `readiness.protect` (keeps `readiness.ledger`, which
    /// other commands use). Refuses to touch a pre-push hook that is not readiness's.
    @discardableResult
    public func uninstall() throws -> [String] {
        var changes: [String] = []
        switch try state(of: hookPath) {
        case .foreign:
            throw LedgerError(.conflict, "\(hookPath) is not readiness's hook; leaving it as it is",
                              hint: "remove it by hand if it must go")
        case .missing:
            if FileManager.default.fileExists(atPath: chainedPath) {
                try move(chainedPath, to: hookPath)
                changes.append("restored the original \(kind.hookName) hook from \(chainedPath)")
            }
        case .ours:
            try removeFile(hookPath)
            changes.append("removed the readiness hook from \(hookPath)")
            if FileManager.default.fileExists(atPath: chainedPath) || (try? FileManager.default.destinationOfSymbolicLink(atPath: chainedPath)) != nil {
                try move(chainedPath, to: hookPath)
                changes.append("restored the original \(kind.hookName) hook at \(hookPath)")
            }
        }
        let config = try repository.config()
        for key in ["readiness.require", "readiness.protect"] where try !config.strings(key).isEmpty {
            try config.remove(key)
            changes.append("removed \(key)")
        }
        return changes
    }

    // MARK: - Status

    /// What is installed where, with which settings.
    public struct Status: Codable, Sendable {
        /// `readiness`, `readiness (outdated)`, `other`, or `none`.
        public var hook: String
        public var hookPath: String
        public var hooksPath: String?
        /// The chained original hook and its mode (octal), when there is one.
        public var chained: String?
        public var chainedMode: String?
        public var ledger: String?
        /// Required sections; empty means all.
        public var require: [String]
        /// Protected ref patterns in effect.
        public var protect: [String]
        /// True when `readiness.protect` is unset and the defaults apply.
        public var protectIsDefault: Bool
        public var failOpen: Bool
    }

    /// Describes the installation without changing anything.
    public func status() throws -> Status {
        let config = try repository.config()
        let hook: String
        switch try state(of: hookPath) {
        case .ours(let data, _): hook = data == kind.template ? "readiness" : "readiness (outdated)"
        case .foreign: hook = "other"
        case .missing: hook = "none"
        }
        var chainedMode: String?
        if let attributes = try? FileManager.default.attributesOfItem(atPath: chainedPath),
           let mode = attributes[.posixPermissions] as? any BinaryInteger {
            // FoundationEssentials gives a UInt here, Foundation gave an NSNumber.
            chainedMode = String(mode, radix: 8)
        }
        let protect = try config.strings("readiness.protect")
        return Status(hook: hook, hookPath: hookPath, hooksPath: hooksPathSetting,
                      chained: chainedMode == nil ? nil : chainedPath, chainedMode: chainedMode,
                      ledger: try config.string("readiness.ledger"), require: try config.strings("readiness.require"),
                      protect: protect.isEmpty ? Self.defaultProtect : protect, protectIsDefault: protect.isEmpty,
                      failOpen: (try? config.bool("readiness.failOpen")).flatMap { $0 } ?? false)
    }

    // MARK: - Helpers

    private enum HookState {
        case missing
        case ours(Data, mode: Int)
        case foreign
    }

    private func state(of path: String) throws -> HookState {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return .missing }
            throw LedgerError(.storage, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG, let data = FileManager.default.contents(atPath: path) else { return .foreign }
        guard String(decoding: data.prefix(512), as: UTF8.self).contains(kind.marker) else { return .foreign }
        return .ours(data, mode: Int(info.st_mode & 0o7777))
    }

    /// Writes the template beside the hook and renames it into place, so git never runs half a hook.
    private func writeHook() throws {
        let temporary = hooksDirectory + "/.\(kind.hookName).readiness-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: kind.template) else {
            throw LedgerError(.storage, "cannot write \(temporary)", hint: "check that \(hooksDirectory) is writable")
        }
        guard chmod(temporary, 0o755) == 0 else {
            unlink(temporary)
            throw LedgerError(.storage, "cannot make \(temporary) executable: \(String(cString: strerror(errno)))")
        }
        do {
            try move(temporary, to: hookPath)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// rename(2): the file keeps its bytes, mode and (for a symbolic link) its target.
    private func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw LedgerError(.storage, "cannot rename \(source) to \(destination): \(String(cString: strerror(errno)))")
        }
    }

    private func removeFile(_ path: String) throws {
        guard unlink(path) == 0 else {
            throw LedgerError(.storage, "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LedgerError(.storage, "cannot create the hooks directory \(path): \(ErrorText.reason(error))")
        }
    }

    /// Sets a multi-valued key to exactly `values`; false when it already held them.
    private func replace(_ key: String, with values: [String], in config: Config) throws -> Bool {
        guard try config.strings(key) != values else { return false }
        try config.remove(key)
        for value in values { try config.add(key, value) }
        return true
    }

    /// A relative ledger path is made absolute (from where the command runs), so the hook, which
    /// git runs at the top of the working tree, finds the same ledger; URLs are kept as given.
    static func normalisedLedger(_ ledger: String, currentDirectory: String) -> String {
        if GateLedger.isURL(ledger) || ledger.hasPrefix("/") { return ledger }
        if ledger.hasPrefix("~"), let expanded = PathExpansion.expandTilde(ledger) { return expanded }
        return URL(fileURLWithPath: currentDirectory).appendingPathComponent(ledger).standardizedFileURL.path
    }

    static func validateProtect(_ pattern: String) throws {
        guard pattern.hasPrefix("refs/"), !pattern.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else {
            throw LedgerError(.invalidInput, "protect pattern '\(TextSafety.escaped(pattern))' is not a full ref pattern",
                              hint: "give patterns such as refs/heads/main or refs/heads/release/*")
        }
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
