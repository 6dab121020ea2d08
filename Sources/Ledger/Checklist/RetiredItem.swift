/// An item taken out of the checklist by a definition change. It keeps its file, its history
/// and its last state, no longer counts in status or the gate, and its full id and file stay
/// reserved for it: a later update may restore it, never give them to another item.
public struct RetiredItem: Codable, Equatable, Sendable {
    /// The id of the section it was in when retired.
    public var section: String
    /// That section's number then.
    public var sectionNumber: String
    /// That section's title then.
    public var sectionTitle: String
    /// The item as it stood when retired (id, number, title, tags, file key).
    public var item: ChecklistItem

    /// Creates the record of `ref` retired.
    public init(_ ref: ChecklistItemRef) {
        section = ref.section.id
        sectionNumber = ref.section.number
        sectionTitle = ref.section.title
        item = ref.item
    }

    /// The retired item addressed like an active one.
    public var ref: ChecklistItemRef {
        ChecklistItemRef(section: ChecklistSectionInfo(id: section, number: sectionNumber, title: sectionTitle), item: item)
    }
}
