import Foundation

/// A checklist definition: its title and its sections of items, with stable ids.
///
/// This is the definition only; the state of each item (open, checked, waived) lives
/// elsewhere in the ledger. Stored in the ledger as `checklist.json` via ``canonicalJSON()``.
public struct Checklist: Codable, Equatable, Sendable {
    /// The checklist's title, as shown to people.
    public var title: String
    /// The sections, in document order.
    public var sections: [ChecklistSection]

    /// Creates a checklist from already-validated parts; use ``MarkdownChecklistParser`` or
    /// ``decode(canonicalJSON:)`` to get one from untrusted input.
    public init(title: String, sections: [ChecklistSection]) {
        self.title = title
        self.sections = sections
    }

    /// Every item with its section, flattened in document order.
    public var allItems: [ChecklistItemRef] {
        sections.flatMap { section in
            let info = ChecklistSectionInfo(section)
            return section.items.map { ChecklistItemRef(section: info, item: $0) }
        }
    }

    /// The item whose full id (`section-id/item-id`) is exactly `fullID`, if any.
    public func item(withID fullID: String) -> ChecklistItemRef? {
        allItems.first { $0.fullID == fullID }
    }
}
