import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness evidence`: an evidence pack an auditor can check with stock tools.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", _superCommandName: ReadinessCommand.name,
        abstract: "Write an evidence pack: events with signature verdicts, reports with charts, the history as a git bundle, the allowed signers and a SHA-256 manifest.",
        discussion: HelpExamples.evidence)

    @Option(name: .long, help: ArgumentHelp("A new or empty directory to write the pack into.", valueName: "dir")) var out: String
    @Option(name: .long, help: "From this date, date-time or commit.") var since: String?
    @Option(name: .long, help: "Up to this date (inclusive), date-time or commit.") var until: String?
    @Option(name: .long, help: "Only this section (repeatable).", completion: LedgerCompletion.section) var section: [String] = []
    @Option(name: .long, help: "Only this item (repeatable).", completion: LedgerCompletion.item) var item: [String] = []
    @Option(name: .long, help: "Only items with this tag (repeatable).", completion: LedgerCompletion.tag) var tag: [String] = []

    @Flag(name: .long, help: "Pseudonymous ledgers: add the names, e-mails and note texts this pack shows, from the directory, with what checks them. No effect on a plain ledger, whose history names everyone.")
    var withIdentities = false

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let request = EvidenceRequest(since: since, until: until, sections: section, items: item, tags: tag)
            let files = try EvidencePack.write(store: session.store, request: request, to: out, programs: session.programs,
                                               withIdentities: withIdentities)
            print(TerminalText.escape("Wrote \(files.count) files to \(out): \(files.joined(separator: ", "))"))
        }
    }
}
