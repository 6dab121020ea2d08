import FoundationEssentials
import Git

/// How one command reaches a remote ledger through libgit2: the credentials, the time bound on
/// each network operation, and the TLS trust git itself would use for the address.
public struct RemoteAccess: Sendable {
    /// The default bound on one network operation (one fetch or one push), in seconds.
    public static let defaultTimeout: TimeInterval = 60
    /// The git config key that overrides the default bound.
    public static let timeoutConfigKey = "readiness.networkTimeout"

    /// Answers the server's requests for credentials.
    public var credentials: CredentialProvider?
    /// Seconds one fetch or push may take before its connection is cut.
    public var timeout: TimeInterval
    /// The environment git settings come from (`GIT_SSL_CAINFO`, `GIT_SSL_CAPATH`, `HOME`, …).
    public var environment: [String: String]

    /// Access with `credentials`, bounded by `timeout` seconds.
    public init(credentials: CredentialProvider? = nil, timeout: TimeInterval = RemoteAccess.defaultTimeout,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.credentials = credentials
        self.timeout = timeout
        self.environment = environment
    }

    /// The bound in force: `option` (a `--network-timeout`), else `readiness.networkTimeout` of
    /// the ledger at `gitDirectory` (whose config includes the user's global one), else the
    /// global config alone, else the default. Throws `.invalidInput` for a value that is not a
    /// number of seconds above zero.
    public static func timeout(option: Double?, ledger gitDirectory: String? = nil) throws -> TimeInterval {
        if let option { return try seconds(String(option), source: "--network-timeout") }
        let config: Config?
        if let gitDirectory {
            config = try? Repository.open(at: gitDirectory).config()
        } else {
            config = try? Config.global()
        }
        if let text = try config?.string(timeoutConfigKey) {
            return try seconds(text, source: "git config \(timeoutConfigKey)")
        }
        return defaultTimeout
    }

    /// Seconds from `text`: finite and above zero, or no operation could ever be bounded.
    static func seconds(_ text: String, source: String) throws -> TimeInterval {
        guard let seconds = TimeInterval(text.trimming(.whitespaces)), seconds.isFinite, seconds > 0 else {
            throw LedgerError(.invalidInput, "\(source) '\(text)' is not a number of seconds above zero", hint: "give seconds, e.g. 60")
        }
        return seconds
    }

    /// Fetches `refspecs` from `url` into `repository` within the bound, reporting the objects
    /// received through `progress` when given.
    func fetch(into repository: Repository, from url: String, refspecs: [String], progress: ProgressReport? = nil) throws {
        try trustGitCertificates(for: url, gitDirectory: repository.gitDirectory)
        try repository.fetch(from: url, refspecs: refspecs, credentials: credentials, timeout: timeout, progress: progress?.transferHandler())
    }

    /// Pushes `refspecs` from `repository` to `url` within the bound.
    func push(from repository: Repository, to url: String, refspecs: [String]) throws -> PushOutcome {
        try trustGitCertificates(for: url, gitDirectory: repository.gitDirectory)
        return try repository.push(to: url, refspecs: refspecs, credentials: credentials, timeout: timeout)
    }

    /// The hint for an operation cut at the bound.
    var timeoutHint: String {
        "the server did not finish in time; check the server, or raise --network-timeout / git config \(Self.timeoutConfigKey) (now \(Int(timeout.rounded(.up))) s)"
    }

    /// Makes libgit2 trust, for an https:// address, the CA certificates git would: libgit2 as
    /// Debian builds it (mbedTLS) reads neither `http.sslCAInfo` nor `SSL_CERT_FILE`, so a
    /// company CA that `git fetch` trusts would be refused. The settings are git's own, read by
    /// git itself so that `http.<url>.sslCAInfo`, includes and `~` expand exactly as for
    /// `git fetch`: `GIT_SSL_CAINFO` over `http.sslCAInfo`, `GIT_SSL_CAPATH` over
    /// `http.sslCAPath`. With none set, the system bundle stays in force.
    func trustGitCertificates(for url: String, gitDirectory: String?) throws {
        guard url.lowercased().hasPrefix("https://") else { return }
        let file = try nonEmpty(environment["GIT_SSL_CAINFO"]) ?? gitSetting("http.sslcainfo", url: url, gitDirectory: gitDirectory)
        let directory = try nonEmpty(environment["GIT_SSL_CAPATH"]) ?? gitSetting("http.sslcapath", url: url, gitDirectory: gitDirectory)
        guard file != nil || directory != nil else { return }
        do {
            try Library.setCertificateLocations(file: file, directory: directory)
        } catch let error as GitError {
            throw LedgerError(.storage, "cannot use the CA certificates git is configured with: \(error.message)",
                              hint: "check http.sslCAInfo / http.sslCAPath (or GIT_SSL_CAINFO / GIT_SSL_CAPATH)")
        }
    }

    /// `git config --type=path --get-urlmatch KEY URL`, in the ledger's repository when given.
    private func gitSetting(_ key: String, url: String, gitDirectory: String?) throws -> String? {
        var arguments = gitDirectory.map { ["--git-dir", $0] } ?? []
        arguments += ["config", "--type=path", "--get-urlmatch", key, url]
        let result = try ProcessRunner.run("git", arguments, environment: ProcessRunner.gitEnvironment(environment),
                                           timeout: 30, failure: .storage)
        // Exit 1: not set. Anything else is git's own complaint about the configuration.
        if result.status == 1 { return nil }
        guard result.status == 0 else {
            throw LedgerError(.storage, "cannot read \(key) from git config: \(result.stderrText)", hint: "fix the git configuration")
        }
        return nonEmpty(String(decoding: result.stdout, as: UTF8.self).trimming(.newlines))
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
