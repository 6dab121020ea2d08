import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness checklist`: the definition's lifecycle, export → edit → update.
struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Export the checklist's definition as Markdown with ids, or update it from an edited file (admins only).",
        discussion: HelpExamples.checklist,
        subcommands: [ChecklistExportCommand.self, ChecklistUpdateCommand.self])
}

/// `readiness checklist export [--out FILE]`.
struct ChecklistExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the current definition as Markdown, every section and item with its id and tags: edit it, then `checklist update`.",
        discussion: HelpExamples.checklistExport)

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            try session.requireVerified(before: "export the checklist")
            let exported = try session.store.exportDefinition()
            if let out {
                do {
                    try Data(exported.markdown.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw LedgerError(.storage, "cannot write \(out): \(ErrorText.reason(error))", hint: "check the path and its folder's permissions")
                }
                print("Exported \(exported.items) items (\(exported.retired) retired) at \(exported.head.abbreviated()) to \(TerminalText.escape(out)).")
                print("Edit it, then: readiness checklist update \(TerminalText.escape(out)) --dry-run --base \(exported.head.abbreviated())")
            } else {
                printData(Data(exported.markdown.utf8))
            }
        }
    }
}

/// `readiness checklist update FILE [--dry-run] [--base COMMIT]`.
struct ChecklistUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Re-import an edited checklist as one signed commit (admins only). Prints the plan first; --dry-run prints only the plan.",
        discussion: HelpExamples.after("""
            Lines are matched to items by explicit id ({#section/item} or {#item}) first, then by unchanged \
            title. Moved, retitled and renumbered items keep their state and history; items left out are \
            retired (they keep history and last state and stop counting); a retired item's id brings it back. \
            A line that cannot be matched with certainty is an error naming it; nothing is written.
            """, HelpExamples.checklistUpdate))

    @Argument(help: ArgumentHelp("The edited Markdown checklist (start from `readiness checklist export`).", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Print the plan and write nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Refuse (exit 8) unless the head is still this commit: the one the reviewed plan was made on.", valueName: "commit"))
    var base: String?

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() throws {
        try reportingErrors {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LedgerError(.invalidInput, "cannot read \(file)", hint: "check the path")
            }
            let edited = try MarkdownChecklistParser.parse(data, source: file, referencesMayMove: true)
            for warning in edited.warnings { printWarning("\(file): \(warning)") }
            let session = try ledgerOptions.session()
            let store = session.store
            try session.requireVerified(before: "update the checklist")
            let baseCommit = try base.map { try store.resolveCommit($0) }
            let (head, plan) = try store.planDefinitionUpdate(edited, source: file)
            try LedgerStore.requirePlanBase(baseCommit, head: head, source: file)
            print(ChecklistPlanText.render(plan, head: head.abbreviated()))
            if plan.isEmpty { return }
            if dryRun {
                print("Dry run: nothing written. To write exactly this plan: readiness checklist update \(TerminalText.escape(file)) --base \(head.abbreviated())")
                return
            }
            let author = try session.writer()
            let written = try store.updateDefinition(edited, source: file, base: baseCommit ?? head, by: author)
            print("Updated the checklist: commit \(written.commit.abbreviated()), \(author.signer.map { "signed with \($0.description)" } ?? "unsigned").")
        }
    }
}

/// The text of an update plan, for a person to review before anything is written.
enum ChecklistPlanText {
    static func render(_ plan: ChecklistUpdatePlan, head: String) -> String {
        guard !plan.isEmpty else { return "No changes: the file defines exactly the checklist the ledger has at \(head)." }
        var lines = ["Plan against \(head): \(DefinitionSummary.line(plan.changes))"]
        lines += plan.changes.map { "  " + TerminalText.escape($0.description) }
        let active = plan.checklist.allItems.count
        lines.append("Afterwards: \(plan.checklist.sections.count) sections, \(active) items counted, \(plan.checklist.retired?.count ?? 0) retired.")
        return lines.joined(separator: "\n")
    }
}
