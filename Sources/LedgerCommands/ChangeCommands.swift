import ArgumentParser
import FoundationEssentials
import Ledger

/// Builds the change (`makeChange` validates the options), records it to one item and prints
/// what was written. The library checks notes, reasons and dates again; the CLI adds only what
/// depends on today.
private func recordChange(item: String, options: LedgerOptions, makeChange: () throws -> ItemChange) throws {
    try reportingErrors {
        let change = try makeChange()
        try change.validate()
        let session = try options.session()
        let author = try session.writer()
        let result = try session.store.record(change, item: item, by: author)
        let how = author.signer.map { "signed with \($0.description)" } ?? "unsigned"
        print("\(result.record.action.rawValue) \(result.item.item.number) \(result.item.fullID): \(TerminalText.escape(result.item.item.title))")
        let pending = result.record.signoffs.map { ", \($0.count) signer(s) so far" } ?? ""
        print("  state \(result.record.state.rawValue)\(result.record.state == .pending ? pending : ""), commit \(result.commit.abbreviated()), \(how)")
    }
}

/// `readiness check`: sign an item off as done.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", _superCommandName: ReadinessCommand.name, abstract: "Sign an item off as done, as one signed commit.",
        discussion: HelpExamples.check)

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.", completion: LedgerCompletion.item)
    var item: String

    @Option(name: .long, help: "A note kept with the sign-off.")
    var note: String?

    @Option(name: .long, help: ArgumentHelp("A link to evidence (repeatable).", valueName: "url"))
    var evidence: [String] = []

    @Option(name: .long, help: ArgumentHelp("A regular file of at most 1 GiB whose name and SHA-256 are recorded as evidence (repeatable; not copied).", valueName: "path"))
    var evidenceFile: [String] = []

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try recordChange(item: item, options: ledgerOptions) {
            .check(note: note, evidence: try evidence.map(Evidence.fromLink) + evidenceFile.map { try Evidence.fromFile($0, progress: FileProgress.reporter(for: $0)) })
        }
    }
}

/// `readiness uncheck`: withdraw a sign-off or a waiver.
struct UncheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uncheck", _superCommandName: ReadinessCommand.name, abstract: "Withdraw a sign-off or waiver, with a reason, as one signed commit.",
        discussion: HelpExamples.uncheck)

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.", completion: LedgerCompletion.item)
    var item: String

    @Option(name: .long, help: "Why the sign-off no longer holds (required).")
    var reason: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try recordChange(item: item, options: ledgerOptions) { .uncheck(reason: reason) }
    }
}

/// `readiness waive`: accept an item as not done, until a date.
struct WaiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waive", _superCommandName: ReadinessCommand.name, abstract: "Waive an item until a date, with a reason, as one signed commit.",
        discussion: HelpExamples.waive)

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.", completion: LedgerCompletion.item)
    var item: String

    @Option(name: .long, help: "Why the item may be skipped (required).")
    var reason: String

    @Option(name: .long, help: ArgumentHelp("The last day the waiver holds (YYYY-MM-DD).", valueName: "date"))
    var until: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try recordChange(item: item, options: ledgerOptions) {
            // A waiver that has already run out would be recorded only to block again at once.
            if DateParsing.day(until) != nil, until < Gate.currentDay() {
                throw LedgerError(.invalidInput, "--until \(until) is in the past", hint: "a waiver must hold until today or later")
            }
            return .waive(reason: reason, until: until)
        }
    }
}

/// `readiness approve`: make another owner's waiver request effective.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", _superCommandName: ReadinessCommand.name, abstract: "Approve another owner's waiver request (where the policy requires approval), as one signed commit.",
        discussion: HelpExamples.approve)

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.", completion: LedgerCompletion.item)
    var item: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try recordChange(item: item, options: ledgerOptions) { .approve }
    }
}
