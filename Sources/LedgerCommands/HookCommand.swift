import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness hook`: install, remove and describe the pre-push hook in a product repository.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Install, remove or describe the hook that gates pushes on the ledger (pre-push, or pre-receive on the server with --server).",
        discussion: HelpExamples.hook,
        subcommands: [HookInstallCommand.self, HookUninstallCommand.self, HookStatusCommand.self])
}

/// The `--repo` and `--server` options of the hook commands.
struct HookRepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The product repository (with --server: the repository on the git server). Default: the one you stand in.",
                                            valueName: "path"))
    var repo: String?

    @Flag(name: .long, help: "The pre-receive hook of the repository on the git server, which `git push --no-verify` cannot skip, instead of the pre-push hook.")
    var server = false

    /// The installation these options name.
    func installation() throws -> HookInstallation {
        try HookInstallation(repositoryPath: repo, kind: server ? .preReceive : .prePush)
    }
}

/// `readiness hook install`.
struct HookInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the pre-push hook where git runs it (core.hooksPath honoured), chaining any hook already there.",
        discussion: HelpExamples.after("""
            Settings go into the product repository's git config: readiness.ledger, readiness.require, readiness.protect, \
            and readiness.ledgerRoot, the ledger's root commit, which pins it: the gate refuses a ledger with another root. \
            The ledger must be reachable and its history must verify. Installing twice changes nothing.
            """, HelpExamples.hookInstall))

    @OptionGroup var repository: HookRepositoryOptions

    @Option(name: .long, help: ArgumentHelp("The ledger: a path or a git URL (recorded as readiness.ledger).", valueName: "path|url"))
    var ledger: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Required sections, or `all` (recorded as readiness.require).", valueName: "section"), completion: LedgerCompletion.requirement)
    var require: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Protected ref patterns (recorded as readiness.protect). Default: refs/heads/main refs/heads/master refs/heads/release/* refs/tags/v*.",
        valueName: "pattern"))
    var protect: [String] = []

    func run() throws {
        try reportingErrors {
            let installation = try repository.installation()
            // The hook judges only the ledger recorded here, so a ledger named by the environment is
            // recorded too; with none named and none recorded, the hook would refuse every push.
            let fromEnvironment = ProcessInfo.processInfo.environment["READINESS_LEDGER"].flatMap { $0.isEmpty ? nil : $0 }
            let named = ledger ?? fromEnvironment
            let recorded = try installation.status().ledger
            guard named != nil || recorded != nil else {
                throw LedgerError(.notALedger, "no ledger to record for the hook: none given, and readiness.ledger is not set in \(installation.gitDirectory)",
                                  hint: "pass --ledger PATH|URL (or set READINESS_LEDGER); nothing was installed")
            }
            var changes = try installation.install(ledger: named, require: require.isEmpty ? nil : require,
                                                   protect: protect.isEmpty ? nil : protect)
            if let named {
                let source = ledger != nil ? "--ledger" : "READINESS_LEDGER"
                print(TerminalText.escape("the hook judges the ledger \(named) (from \(source), recorded as readiness.ledger)"))
            } else if let recorded {
                print(TerminalText.escape("the hook judges the ledger \(recorded) (readiness.ledger, already recorded)"))
            }
            changes += try installation.pinLedger()
            if changes.isEmpty {
                print("The readiness hook is already installed at \(TerminalText.escape(installation.hookPath)) with these settings; nothing changed.")
            } else {
                changes.forEach { print(TerminalText.escape($0)) }
            }
        }
    }
}

/// `readiness hook uninstall`.
struct HookUninstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove the pre-push hook and restore the hook it chained to, byte for byte with its mode.",
        discussion: HelpExamples.hookUninstall)

    @OptionGroup var repository: HookRepositoryOptions

    func run() throws {
        try reportingErrors {
            let installation = try repository.installation()
            let changes = try installation.uninstall()
            if changes.isEmpty {
                print("No readiness hook is installed at \(TerminalText.escape(installation.hookPath)); nothing changed.")
            } else {
                changes.forEach { print(TerminalText.escape($0)) }
            }
        }
    }
}

/// `readiness hook status`.
struct HookStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Say what pre-push (or, with --server, pre-receive) hook is installed, where, and with which settings.",
        discussion: HelpExamples.hookStatus)

    @OptionGroup var repository: HookRepositoryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let status = try repository.installation().status()
            if output.json {
                JSONOutput.print("hook", status)
                return
            }
            let what: String
            let name = repository.server ? "pre-receive" : "pre-push"
            let install = repository.server ? "readiness hook install --server" : "readiness hook install"
            switch status.hook {
            case "readiness": what = "the readiness hook"
            case "readiness (outdated)": what = "an older readiness \(name) hook (run `\(install)` to update it)"
            case "other": what = "a \(name) hook that is not readiness's (`\(install)` keeps and chains it)"
            default: what = "no \(name) hook"
            }
            var lines = ["hook:      \(what)", "path:      \(status.hookPath)"]
            if let hooksPath = status.hooksPath { lines.append("           (core.hooksPath = \(hooksPath))") }
            if let chained = status.chained { lines.append("chained:   \(chained) (mode \(status.chainedMode ?? "?"), runs first)") }
            lines.append("ledger:    \(status.ledger ?? "(readiness.ledger unset)")")
            lines.append("require:   \(status.require.isEmpty ? "all sections" : status.require.joined(separator: " "))")
            lines.append("protect:   \(status.protect.joined(separator: " "))\(status.protectIsDefault ? " (default)" : "")")
            lines.append("failOpen:  \(status.failOpen ? "true: pushes go through when the ledger cannot be judged" : "false: pushes are refused when the ledger cannot be judged")")
            print(lines.map(TerminalText.escape).joined(separator: "\n"))
        }
    }
}
