import FoundationEssentials

/// A checklist definition: its title and its sections of items, with stable ids.
///
/// This is the definition only; the state of each item (open, checked, waived) lives
/// elsewhere in the ledger. Stored in the ledger as `checklist.json` via ``canonicalJSON()``.
public struct Checklist: Codable, Equatable, Sendable {
    /// The checklist's title, as shown to people.
    public var title: String
    /// The sections, in document order.
    public var sections: [ChecklistSection]
    /// Items retired by definition changes, oldest retirement first; absent (not empty) when
    /// there are none, so definitions without retirements keep their bytes.
    public var retired: [RetiredItem]?

    /// Creates a checklist from already-validated parts; use ``MarkdownChecklistParser`` or
    /// ``decode(canonicalJSON:)`` to get one from untrusted input.
    public init(title: String, sections: [ChecklistSection], retired: [RetiredItem]? = nil) {
        self.title = title
        self.sections = sections
        self.retired = retired?.isEmpty == true ? nil : retired
    }

    /// Every item with its section, flattened in document order.
    public var allItems: [ChecklistItemRef] {
        sections.flatMap { section in
            let info = ChecklistSectionInfo(section)
            return section.items.map { ChecklistItemRef(section: info, item: $0) }
        }
    }

    /// The retired items, addressed like active ones.
    public var retiredItems: [ChecklistItemRef] { (retired ?? []).map(\.ref) }

    /// Active items, then retired ones: every item whose file the ledger keeps.
    public var everyItem: [ChecklistItemRef] { allItems + retiredItems }

    /// True when the definition uses what format version 1 cannot express: moved or retired items.
    public var needsLifecycleFormat: Bool {
        retired != nil || sections.contains { $0.items.contains { $0.file != nil } }
    }

    /// The item whose full id (`section-id/item-id`) is exactly `fullID`, if any.
    public func item(withID fullID: String) -> ChecklistItemRef? {
        allItems.first { $0.fullID == fullID }
    }
}
