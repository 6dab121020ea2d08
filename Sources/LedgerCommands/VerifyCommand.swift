import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness verify`: check the whole history for forged, untrusted or rewritten records.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", _superCommandName: ReadinessCommand.name,
        abstract: "Verify the ledger's history: signatures, trust, times, trailers, back-links, rewrites.",
        discussion: HelpExamples.after("""
            Each commit's signature is judged by the trust files of its parent(s); the root commit by \
            its own. Only commits after the last clean verification are checked unless --full. \
            Exit 21 when any problem is found.
            """, HelpExamples.verify))

    @Flag(name: .long, help: "Check every commit, not only those after the last clean verification.")
    var full = false

    @Flag(name: .long, help: "Accept that the branch was rewritten since the last verification (checks everything).")
    var acceptRewrite = false

    @Option(name: .long, help: ArgumentHelp("Only print the signature verdict of one commit (any revision: id, prefix, HEAD~2, main).", valueName: "commit"))
    var commit: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            if let commit {
                try verifyOne(commit, session: session)
                return
            }
            var report = try session.verifier.verify(full: full, acceptRewrite: acceptRewrite)
            report.acceptedRollbacks = session.acceptedRollbacks()
            if output.json {
                // erasedTexts exists only for a pseudonymous ledger: a plain ledger's output keeps its keys.
                JSONOutput.print("verify", fields: JSONWriter.Value(reflecting: report).fields.filter { $0.0 != "erasedTexts" || report.erasedTexts != nil })
            } else {
                for accepted in report.acceptedRollbacks {
                    print("accepted rollback: \(accepted.from.prefix(12)) -> \(accepted.to.prefix(12)) from \(TerminalText.escape(accepted.source)) by \(TerminalText.escape(accepted.by)) at \(accepted.at)")
                }
                for problem in report.problems {
                    print("\(problem.commit.prefix(12)) \(problem.kind.rawValue): \(TerminalText.escape(problem.reason))")
                }
                if let erased = report.erasedTexts, erased > 0 {
                    print("\(erased) sealed text\(erased == 1 ? "" : "s") erased under signed erasure records (not tampering: their commitments still stand)")
                }
                let scope = report.since.map { "since \($0.prefix(12))" } ?? "(full history)"
                print("verified \(report.commitsChecked) commit\(report.commitsChecked == 1 ? "" : "s") \(scope) up to \(report.head.prefix(12)): "
                    + (report.isClean ? "clean" : "\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")"))
            }
            if !report.isClean {
                let commits = Set(report.problems.map(\.commit)).count
                throw LedgerError(.verificationFailed, "\(report.problems.count) problem(s) in \(commits) commit(s)",
                                  hint: "each is listed above with its commit; the ledger cannot be trusted as evidence until they are explained")
            }
        }
    }

    private func verifyOne(_ text: String, session: LedgerSession) throws {
        let id = try session.store.resolveCommit(text)
        let verdict = session.verifier.verificationStatus(of: id)
        if output.json {
            JSONOutput.print("verify-commit", fields: [("commit", .string(id.hex))] + JSONWriter.Value(reflecting: verdict).fields)
        } else {
            print("\(id.abbreviated()) \(verdict.status.rawValue): \(TerminalText.escape(verdict.reason))")
        }
        if verdict.problem != nil {
            throw LedgerError(.verificationFailed, "commit \(id.abbreviated()): \(verdict.reason)")
        }
    }
}
