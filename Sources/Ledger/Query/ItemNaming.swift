/// The names a definition gives item files: each file's item by its current full id and
/// section. Events are stored by file, which never changes, so queries name them this way and
/// an item's whole history shows under one name, also across moves.
public struct ItemNaming: Sendable {
    private let names: [String: (item: String, section: String)]

    /// The names of every item, active or retired, of `checklist`.
    public init(_ checklist: Checklist) {
        var names: [String: (item: String, section: String)] = [:]
        for ref in checklist.everyItem { names[ref.path] = (ref.fullID, ref.section.id) }
        self.names = names
    }

    /// The full id of the item whose file is `path`; nil for other files and unknown items.
    public func item(atPath path: String) -> String? { names[path]?.item }

    /// The section id of the item whose file is `path`.
    public func section(atPath path: String) -> String? { names[path]?.section }
}
