import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness forget PERSON`: erase a person from a pseudonymous ledger (GDPR Art. 17).
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget", _superCommandName: ReadinessCommand.name,
        abstract: "Erase a person's directory entry and texts from a pseudonymous ledger, leaving a signed erasure record (admins only).",
        discussion: HelpExamples.after("""
            The signed history names the person only by pseudonym, so every signature still verifies. \
            The old directory is left unreferenced: `git gc --prune=now` removes it here, and each clone \
            drops the person on its next sync. A ledger that is not pseudonymous cannot forget anyone.
            """, HelpExamples.forget))

    @Argument(help: "The person: e-mail or pseudonym (p-…).") var person: String

    @Option(name: .long, help: "Why (sealed like every text; e.g. the request's reference).")
    var reason: String

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let outcome = try session.store.forget(person, reason: reason, by: try session.writer())
            if let record = outcome.record {
                print("erased \(outcome.pseudonym.name): erasure record \(record.abbreviated()), \(outcome.texts) text(s) dropped, directory \(outcome.directory.abbreviated())")
            } else {
                print("\(outcome.pseudonym.name) was erased already; directory \(outcome.directory.abbreviated()) holds nothing of them")
            }
            if outcome.stillTrusted {
                print("\(outcome.pseudonym.name)'s key stays trusted until `readiness trust revoke \(outcome.pseudonym.address)`")
            }
            print("run `git --git-dir \(TerminalText.escape(session.path)) gc --prune=now` here, and `readiness sync` then gc in every clone, to remove the old objects")
        }
    }
}
