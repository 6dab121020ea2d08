import ArgumentParser
import FoundationEssentials
import Ledger

/// The remote option shared by pull, push and sync.
struct RemoteOptions: ParsableArguments {
    @Option(name: .long, help: "The remote to sync with.")
    var remote = "origin"

    @Option(name: .long, help: ArgumentHelp(
        "Accept the remote at this older commit although a newer one was seen (a deliberate rollback); logged, and local commits it drops are quarantined.",
        valueName: "commit"))
    var acceptRollback: String?

    @OptionGroup var network: NetworkOptions

    /// A sync of the ledger `options` name with this remote, signed as the configured git user.
    func sync(_ options: LedgerOptions) throws -> LedgerSync {
        let session = try options.session()
        let author = try session.writer()
        var sync = LedgerSync(store: session.store, remote: remote, identity: author.identity, signer: author.signer,
                              credentials: GitCredentials.provider(), programs: session.programs)
        sync.access.timeout = try RemoteAccess.timeout(option: network.networkTimeout, ledger: session.store.path)
        sync.acceptRollback = acceptRollback
        return sync
    }
}

/// The time bound on each network operation of clone, pull, push and sync.
struct NetworkOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Cut any one fetch or push that has not finished after this many seconds (default: git config readiness.networkTimeout, else 60).",
        valueName: "seconds"))
    var networkTimeout: Double?
}

/// One line describing a pull.
private func describe(_ outcome: PullOutcome) -> String {
    switch outcome {
    case .upToDate: return "up to date"
    case let .fastForward(head): return "fast-forwarded to \(head.abbreviated())"
    case let .merged(commit, resolved):
        return "merged as \(commit.abbreviated())" + (resolved.isEmpty ? "" : "; changed on both sides, later event kept: \(resolved.joined(separator: ", "))")
    }
}

/// `readiness clone`: a verified bare copy of a shared ledger.
struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone", _superCommandName: ReadinessCommand.name, abstract: "Clone a shared ledger (bare) and verify its whole history.",
        discussion: HelpExamples.clone)

    @Argument(help: "The ledger's address: a path, file://, ssh://, user@host:path, https:// or git://.")
    var url: String

    @Argument(help: "Where to put the clone (default: the last part of the address).")
    var path: String?

    @OptionGroup var network: NetworkOptions

    func run() throws {
        try reportingErrors {
            let target = path ?? Self.defaultPath(for: url)
            let access = RemoteAccess(credentials: GitCredentials.provider(), timeout: try RemoteAccess.timeout(option: network.networkTimeout))
            let (store, report) = try LedgerSync.clone(url: url, to: target, access: access)
            // The clone pins the ledger it verified: its gate refuses a remote with another root.
            let session = try LedgerSession(store: store)
            let root = try session.pinRoot()
            try session.rememberHeadAsSeen()
            print(TerminalText.escape("cloned \(url) into \(store.path): \(report.commitsChecked) commits verified, head \(try store.head().abbreviated()), root \(root) pinned as \(LedgerPin.configKey)"))
        }
    }

    /// `host:team/ledger.git` → `ledger.git`; `/srv/ledger/` → `ledger`.
    static func defaultPath(for url: String) -> String {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        let last = trimmed.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "ledger.git"
        return last.isEmpty ? "ledger.git" : last
    }
}

/// `readiness pull`: fetch, verify, merge.
struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", _superCommandName: ReadinessCommand.name, abstract: "Fetch the remote's ledger, verify it, and merge it in (never rewriting).",
        discussion: HelpExamples.pull)

    @OptionGroup var remoteOptions: RemoteOptions
    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            print(TerminalText.escape("pull: \(describe(try remoteOptions.sync(ledgerOptions).pull()))"))
        }
    }
}

/// `readiness push`: fast-forward only; a lost race fetches, merges and retries.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", _superCommandName: ReadinessCommand.name, abstract: "Push the ledger (fast-forward only; when the remote moved, fetch, merge and retry).",
        discussion: HelpExamples.push)

    @OptionGroup var remoteOptions: RemoteOptions
    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: ArgumentHelp(
        "First publication: record this address as the remote (--remote, default origin), after checking it holds no other ledger, then push.",
        valueName: "url"))
    var setRemote: String?

    func run() throws {
        try reportingErrors {
            let sync = try remoteOptions.sync(ledgerOptions)
            if let setRemote, let change = try sync.setRemote(setRemote) { print(TerminalText.escape(change)) }
            printPush(try sync.push())
        }
    }
}

/// `readiness sync`: pull, then push.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", _superCommandName: ReadinessCommand.name, abstract: "Pull, then push: share sign-offs with the remote.",
        discussion: HelpExamples.sync)

    @OptionGroup var remoteOptions: RemoteOptions
    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let result = try remoteOptions.sync(ledgerOptions).sync()
            print(TerminalText.escape("pull: \(describe(result.pull))"))
            printPush(result.push)
        }
    }
}

/// Prints a push report: the pulls a lost race needed, then where the remote now stands.
private func printPush(_ report: PushReport) {
    for pull in report.pulls { print(TerminalText.escape("pull: \(describe(pull))")) }
    let retries = report.retries > 0 ? " after \(report.retries) retr\(report.retries == 1 ? "y" : "ies")" : ""
    print("push: \(report.head.abbreviated())\(retries)")
}
