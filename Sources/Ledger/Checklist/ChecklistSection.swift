/// One section of a checklist: a numbered, titled group of items.
public struct ChecklistSection: Codable, Equatable, Sendable {
    /// Stable id, unique within the checklist; the first component of an item's full id.
    public var id: String
    /// The section's number as shown to people, e.g. `"3"`.
    public var number: String
    /// The title without its number or explicit id.
    public var title: String
    /// The items, in document order.
    public var items: [ChecklistItem]

    /// Creates a section from its parts.
    public init(id: String, number: String, title: String, items: [ChecklistItem]) {
        self.id = id
        self.number = number
        self.title = title
        self.items = items
    }
}
