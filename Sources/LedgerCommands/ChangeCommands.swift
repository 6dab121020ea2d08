import ArgumentParser
import Foundation
import Ledger

/// Records one change to one item and prints what was written.
private func recordChange(_ change: ItemChange, item: String, options: LedgerOptions) throws {
    try reportingErrors {
        let store = try options.open()
        let (identity, signer) = try SigningSetup.load(config: store.repository.config())
        let result = try store.record(change, item: item, identity: identity, signer: signer)
        let how = signer.map { "signed with \($0.description)" } ?? "unsigned"
        print("\(result.record.action.rawValue) \(result.item.item.number) \(result.item.fullID): \(TerminalText.escape(result.item.item.title))")
        print("  state \(result.record.state.rawValue), commit \(result.commit.abbreviated()), \(how)")
    }
}

/// `readiness check`: sign an item off as done.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Sign an item off as done, as one signed commit.")

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.")
    var item: String

    @Option(name: .long, help: "A note kept with the sign-off.")
    var note: String?

    @Option(name: .long, help: ArgumentHelp("A link to evidence (repeatable).", valueName: "url"))
    var evidence: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file whose name and SHA-256 are recorded as evidence (repeatable; not copied).", valueName: "path"))
    var evidenceFile: [String] = []

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        var validated: ItemChange?
        try reportingErrors {
            let note = try note.map { try FreeText.validateNote($0, field: "note") }
            let links = try evidence.map(Evidence.fromLink)
            let files = try evidenceFile.map(Evidence.fromFile)
            validated = .check(note: note, evidence: links + files)
        }
        try recordChange(validated!, item: item, options: ledgerOptions)
    }
}

/// `readiness uncheck`: withdraw a sign-off or a waiver.
struct UncheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uncheck", abstract: "Withdraw a sign-off or waiver, with a reason, as one signed commit.")

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.")
    var item: String

    @Option(name: .long, help: "Why the sign-off no longer holds (required).")
    var reason: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        var validated: ItemChange?
        try reportingErrors {
            validated = .uncheck(reason: try nonEmptyReason(reason))
        }
        try recordChange(validated!, item: item, options: ledgerOptions)
    }
}

/// `readiness waive`: accept an item as not done, until a date.
struct WaiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waive", abstract: "Waive an item until a date, with a reason, as one signed commit.")

    @Argument(help: "The item: its id, its number (1.1) or an unambiguous prefix of its id.")
    var item: String

    @Option(name: .long, help: "Why the item may be skipped (required).")
    var reason: String

    @Option(name: .long, help: ArgumentHelp("The last day the waiver holds (YYYY-MM-DD).", valueName: "date"))
    var until: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        var validated: ItemChange?
        try reportingErrors {
            guard let day = DateParsing.day(until) else {
                throw LedgerError(.invalidInput, "--until '\(until)' is not a date", hint: "give the last day as YYYY-MM-DD")
            }
            let today = String(CommitTime.iso8601(Int64(Date().timeIntervalSince1970)).prefix(10))
            guard day >= today else {
                throw LedgerError(.invalidInput, "--until \(day) is in the past", hint: "a waiver must hold until today or later")
            }
            validated = .waive(reason: try nonEmptyReason(reason), until: day)
        }
        try recordChange(validated!, item: item, options: ledgerOptions)
    }
}

private func nonEmptyReason(_ reason: String) throws -> String {
    let text = try FreeText.validateNote(reason, field: "reason")
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw LedgerError(.invalidInput, "the reason is empty", hint: "say why, with --reason \"…\"")
    }
    return text
}
