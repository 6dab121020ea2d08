/// The result of importing a checklist from a source document.
public struct ChecklistImport: Sendable {
    /// The imported definition.
    public var checklist: Checklist
    /// Things the import accepted but the user should know about, in line order.
    public var warnings: [ChecklistWarning]

    /// Creates an import result.
    public init(checklist: Checklist, warnings: [ChecklistWarning]) {
        self.checklist = checklist
        self.warnings = warnings
    }
}
