import FoundationEssentials
import Git

/// The head's definition as Markdown, with what it was exported from.
public struct ExportedDefinition: Sendable {
    /// The Markdown text.
    public let markdown: String
    /// The commit it describes.
    public let head: ObjectID
    /// How many items count.
    public let items: Int
    /// How many are retired.
    public let retired: Int
}

extension LedgerStore {
    /// The definition at the head as Markdown in the import format. Checked before it is
    /// returned: re-importing it must plan no change at all, so export → update is lossless.
    public func exportDefinition() throws -> ExportedDefinition {
        let head = try head()
        let snapshot = try snapshot(at: head)
        let checklist = snapshot.checklist
        let markdown = checklist.markdown(header: [
            "Exported by `readiness checklist export` from \(snapshot.settings.name) at \(head.hex).",
            "Edit titles, tags, order and sections; keep each item's {#id} so its state and history follow it.",
            "Leave a line out to retire its item; a new line without an id adds an item.",
            "Then: readiness checklist update FILE --dry-run --base \(head.abbreviated())",
        ])
        let reread = try MarkdownChecklistParser.parse(Data(markdown.utf8), source: "export", referencesMayMove: true)
        let plan = try ChecklistUpdatePlan.make(current: checklist, edited: reread, source: "export")
        if let first = plan.changes.first {
            throw LedgerError(.invalidInput, "the definition cannot be exported losslessly: re-importing it would change it (\(first.description))",
                              hint: "report this as a bug, with the ledger's checklist.json")
        }
        return ExportedDefinition(markdown: markdown, head: head, items: checklist.allItems.count, retired: checklist.retired?.count ?? 0)
    }
}
