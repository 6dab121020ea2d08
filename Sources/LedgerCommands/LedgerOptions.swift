import ArgumentParser
import Ledger

/// The `--ledger` option every command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The ledger repository. Default: $READINESS_LEDGER, then `git config readiness.ledger`, then the repository you stand in.",
        valueName: "path"))
    var ledger: String?

    /// Opens the ledger these options name.
    func open() throws -> LedgerStore {
        try LedgerLocator.open(option: ledger)
    }
}

/// `--json` for commands with machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
