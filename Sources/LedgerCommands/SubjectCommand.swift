import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness subject`: everything the ledger holds about one person (GDPR Art. 15).
struct SubjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject", _superCommandName: ReadinessCommand.name,
        abstract: "Everything the ledger holds about one person (GDPR Art. 15): events, keys, trust changes, every place they are named.",
        discussion: HelpExamples.subject)

    @Argument(help: "The person: e-mail, name, or key fingerprint (SHA256:…).") var person: String

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var signatures: SignatureOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            // A pseudonymous ledger's history knows the person by pseudonym; the directory by e-mail.
            let people = try session.people()
            let directory = try DirectorySubject(people, store: session.store, query: person)
            let report = try SubjectReport(store: session.store, query: people.principal(for: person), verdicts: signatures.verdicts(for: session))
            if output.json {
                // `directory` is null for a plain ledger and for a person the directory does not know.
                JSONOutput.print("subject", fields: report.json.fields + [("directory", directory?.json ?? .null)])
                return
            }
            if report.isEmpty {
                print(TerminalText.escape("The ledger holds nothing about \(report.query) (no event, key, trust entry, commit line or file names them)."))
                return
            }
            if report.emails.count > 1 {
                printWarning("'\(report.query)' matches \(report.emails.count) e-mail addresses (\(report.emails.joined(separator: ", "))); give the whole e-mail if they are not one person")
            }
            var lines = ["Subject: \(report.query)",
                         "Names: \(report.names.joined(separator: ", "))",
                         "E-mails: \(report.emails.joined(separator: ", "))",
                         "Keys: \(report.fingerprints.joined(separator: ", "))",
                         "Roles: \(report.roles.isEmpty ? "none" : report.roles.joined(separator: ", "))",
                         "", "Events (\(report.events.count)):"]
            let style = output.style(session)
            lines += report.events.map { "  [\($0.role)] \(EventText.line($0.event, style: style))" }
            lines += ["", "Trusted keys at the head (\(report.keys.count)):"]
            lines += report.keys.map { "  \($0.kind) \($0.fingerprint) for \($0.principals.joined(separator: ",")) \($0.options)" }
            lines += ["", "Trust changes (\(report.trustChanges.count)):"]
            lines += report.trustChanges.map { change in
                "  \(change.commit.prefix(12)) \(change.time) \(change.path) by \(change.committer): "
                    + (change.added.map { "+\($0)" } + change.removed.map { "-\($0)" }).joined(separator: "; ")
            }
            lines += ["", "Appearances (\(report.appearances.count)):"]
            lines += report.appearances.map { "  \($0.commit.prefix(12)) \($0.kind)\($0.path.map { " \($0)" } ?? ""): \($0.text)" }
            if let directory {
                lines += ["", "Directory (\(LedgerLayout.directoryReference)), pseudonym \(directory.pseudonym.name):"]
                lines.append(directory.entry.map { "  \($0.name) <\($0.email)>" } ?? "  erased")
                lines += directory.texts.map { "  text \($0.commitment.prefix(12)): \($0.text)" }
                lines.append(directory.erased ? "`readiness forget` has erased this person; the signed history names only the pseudonym."
                    : "`readiness forget \(directory.pseudonym.name)` would erase the entry above and these \(directory.texts.count) text(s); the history keeps the pseudonym and the commitments.")
            }
            lines.forEach { print(TerminalText.escape($0)) }
        }
    }
}
