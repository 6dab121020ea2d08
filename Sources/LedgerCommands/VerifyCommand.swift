import ArgumentParser
import Foundation
import Git
import Ledger

/// `readiness verify`: check the whole history for forged, untrusted or rewritten records.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the ledger's history: signatures, trust, times, trailers, back-links, rewrites.",
        discussion: """
            Each commit's signature is judged by the trust files of its parent(s); the root commit by \
            its own. Only commits after the last clean verification are checked unless --full. \
            Exit 21 when any problem is found.
            """)

    @Flag(name: .long, help: "Check every commit, not only those after the last clean verification.")
    var full = false

    @Flag(name: .long, help: "Accept that the branch was rewritten since the last verification (checks everything).")
    var acceptRewrite = false

    @Option(name: .long, help: ArgumentHelp("Only print the signature verdict of one commit (full hex id, or HEAD).", valueName: "commit"))
    var commit: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let store = try ledgerOptions.open()
            let verifier = LedgerVerifier(store: store, programs: try VerificationPrograms(config: store.repository.config()))
            if let commit {
                try verifyOne(commit, store: store, verifier: verifier)
                return
            }
            let report = try verifier.verify(full: full, acceptRewrite: acceptRewrite)
            if output.json {
                printData(CanonicalJSON.encode(report))
            } else {
                for problem in report.problems {
                    print("\(problem.commit.prefix(12)) \(problem.kind.rawValue): \(TerminalText.escape(problem.reason))")
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

    private func verifyOne(_ text: String, store: LedgerStore, verifier: LedgerVerifier) throws {
        let id: ObjectID
        if text == "HEAD" {
            id = try store.head()
        } else if let parsed = ObjectID(hex: text) {
            id = parsed
        } else {
            throw LedgerError(.invalidInput, "'\(text)' is not a full commit id", hint: "give the 40-digit id, e.g. from `git rev-parse`")
        }
        let verdict = verifier.verificationStatus(of: id)
        if output.json {
            printData(CanonicalJSON.encode(verdict))
        } else {
            print("\(id.abbreviated()) \(verdict.status.rawValue): \(TerminalText.escape(verdict.reason))")
        }
        if verdict.problem != nil {
            throw LedgerError(.verificationFailed, "commit \(id.abbreviated()): \(verdict.reason)")
        }
    }
}
