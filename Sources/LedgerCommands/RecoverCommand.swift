import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness recover`: move the branch back to the newest verified commit.
struct RecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", _superCommandName: ReadinessCommand.name,
        abstract: "Move the ledger branch back to its newest verified commit, keeping the refused commits under refs/readiness/quarantine/.",
        discussion: HelpExamples.after("""
            The way out when writers refuse a ledger whose history does not verify (exit 21), for example \
            after someone pushed commits signed by an untrusted key. Only commits that fail verification, \
            or build on one, leave the branch; they stay in the repository under a quarantine reference. \
            Honest sign-offs made after them must be recorded again. Prints how to publish the repaired branch.
            """, HelpExamples.recover))

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            print(RecoveryText.render(try ledgerOptions.session().recover(), ledger: ledgerOptions.ledger))
        }
    }
}

/// The text form of a recovery.
enum RecoveryText {
    static func render(_ report: RecoveryReport, ledger: String?) -> String {
        let branch = report.branch.replacingEvery("refs/heads/", with: "")
        var lines = ["recovered: \(branch) moved back from \(report.refusedHead.abbreviated()) to \(report.recoveredHead.abbreviated()), the newest verified commit",
                     "  \(report.commitsRemoved) commit\(report.commitsRemoved == 1 ? "" : "s") kept under \(report.quarantineReference)"]
        var seen = Set<String>()
        for problem in report.problems where seen.insert(problem.commit).inserted {
            lines.append("  refused \(problem.commit.prefix(12)) \(problem.kind.rawValue): \(TerminalText.escape(problem.reason))")
        }
        let gitDir = ledger.map { " --git-dir \($0)" } ?? ""
        lines.append("To publish the repaired branch (readiness push never rewrites), knowingly:")
        lines.append("  git\(gitDir) push --force-with-lease=\(branch):\(report.refusedHead.hex) origin \(branch)")
        lines.append("  git\(gitDir) push origin '\(report.quarantineReference)'   # keep the refused commits for the audit trail")
        return lines.joined(separator: "\n")
    }
}
