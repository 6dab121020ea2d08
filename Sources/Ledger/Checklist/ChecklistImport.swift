/// The result of importing a checklist from a source document.
public struct ChecklistImport: Sendable {
    /// Where one item came from in the source.
    public struct ItemSource: Equatable, Sendable {
        /// 1-based line of the item.
        public var line: Int
        /// Its explicit id as written (`section/item` or `item`), if any.
        public var reference: String?

        /// Creates a source position.
        public init(line: Int, reference: String?) {
            self.line = line
            self.reference = reference
        }
    }

    /// Where one section came from in the source.
    public struct SectionSource: Equatable, Sendable {
        /// 1-based line of the section heading.
        public var line: Int
        /// Its explicit id, if any.
        public var explicitID: String?

        /// Creates a source position.
        public init(line: Int, explicitID: String?) {
            self.line = line
            self.explicitID = explicitID
        }
    }

    /// The imported definition.
    public var checklist: Checklist
    /// Things the import accepted but the user should know about, in line order.
    public var warnings: [ChecklistWarning]
    /// One entry per item of `checklist.allItems`, in the same order.
    public var itemSources: [ItemSource]
    /// One entry per section of `checklist.sections`, in the same order.
    public var sectionSources: [SectionSource]

    /// Creates an import result.
    public init(checklist: Checklist, warnings: [ChecklistWarning], itemSources: [ItemSource] = [], sectionSources: [SectionSource] = []) {
        self.checklist = checklist
        self.warnings = warnings
        self.itemSources = itemSources
        self.sectionSources = sectionSources
    }
}
