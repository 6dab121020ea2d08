import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness due`: what must be re-certified or re-waived soon.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due", _superCommandName: ReadinessCommand.name, abstract: "List sign-offs and waivers that expire within DAYS days (default 14), and those already expired.",
        discussion: HelpExamples.due)

    @Option(name: .long, help: ArgumentHelp("The window in days.", valueName: "days"))
    var within: Int = 14

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            guard (0...3650).contains(within) else {
                throw LedgerError(.invalidInput, "--within \(within) is not between 0 and 3650 days")
            }
            let session = try ledgerOptions.session()
            try session.requireVerified(before: "list what is due")
            let report = try DueReport(snapshot: session.store.snapshot(), today: Gate.currentDay(), within: within, people: session.people())
            if output.json {
                JSONOutput.print("due", report)
                return
            }
            if report.items.isEmpty {
                print("nothing expires within \(within) days of \(report.today)")
                return
            }
            for entry in report.items {
                let what = entry.state == .waived ? "waiver" : "sign-off"
                let when = entry.expired ? "EXPIRED, last valid \(entry.validThrough)" : "valid through \(entry.validThrough)"
                print("\(entry.number) \(entry.item)  \(TerminalText.escape(entry.title))  \(what) \(when)\(entry.signerEmail.map { " (\(TerminalText.escape($0)))" } ?? "")")
            }
        }
    }
}
