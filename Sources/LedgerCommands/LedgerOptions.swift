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
