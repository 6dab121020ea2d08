/// One item of a checklist definition (not its state).
public struct ChecklistItem: Codable, Equatable, Sendable {
    /// Stable id, unique within its section; only the item part of the full id.
    public var id: String
    /// The item's number as shown to people, e.g. `"3.2"`.
    public var number: String
    /// The title without tags or explicit id.
    public var title: String
    /// Lowercased tags taken from trailing `#hashtags` in the source, in source order.
    public var tags: [String]
    /// The full id the item was created under, which names its file for good
    /// (`items/<file>.json`), when that differs from its current full id: the item has moved
    /// to another section since. Absent for an item that never moved, so definitions written
    /// before items could move keep their bytes.
    public var file: String?

    /// Creates an item from its parts.
    public init(id: String, number: String, title: String, tags: [String] = [], file: String? = nil) {
        self.id = id
        self.number = number
        self.title = title
        self.tags = tags
        self.file = file
    }
}
