import ArgumentParser
import Ledger

/// The `--ledger` option every command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The ledger repository. Default: $READINESS_LEDGER, then `git config readiness.ledger`, then the repository you stand in.",
        valueName: "path"))
    var ledger: String?

    /// Opens a session on the ledger these options name: found once, judged by one verifier.
    func session() throws -> LedgerSession {
        try LedgerSession.open(ledger: ledger)
    }
}

/// `--json` for commands with machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Colour text output: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(name: .long, help: "Show times in the local time zone (also `git config readiness.localTime true`). JSON always uses UTC.")
    var local = false

    /// The text style for standard output: these options, NO_COLOR, and the ledger's or the
    /// global `readiness.localTime`.
    func style(_ session: LedgerSession?) -> TextStyle {
        let configured = (try? session?.configValue("readiness.localTime"))??.lowercased()
        return TextStyle.forStandardOutput(color, localTime: local || ["true", "yes", "on", "1"].contains(configured ?? ""))
    }
}

/// `--skip-signatures` for the queries that show a signature verdict per event.
struct SignatureOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not check signatures (verdicts read \"not checked\"); `readiness verify` checks them all.")
    var skipSignatures = false

    /// The verdict source these options ask for.
    func verdicts(for session: LedgerSession) throws -> any SignatureVerdicts {
        try session.verdicts(skipSignatures: skipSignatures)
    }
}
