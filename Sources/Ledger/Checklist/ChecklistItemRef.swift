/// The parts of a section an item reference needs: enough to name and locate the item
/// without carrying the section's other items around.
public struct ChecklistSectionInfo: Equatable, Sendable {
    /// The section's id.
    public let id: String
    /// The section's number, e.g. `"3"`.
    public let number: String
    /// The section's title.
    public let title: String

    /// Creates section info from its parts.
    public init(id: String, number: String, title: String) {
        self.id = id
        self.number = number
        self.title = title
    }

    /// The info of `section`.
    public init(_ section: ChecklistSection) {
        self.init(id: section.id, number: section.number, title: section.title)
    }
}

/// An item together with the section it belongs to: what commands and queries address.
public struct ChecklistItemRef: Equatable, Sendable {
    /// The section the item is in.
    public let section: ChecklistSectionInfo
    /// The item itself.
    public let item: ChecklistItem

    /// Creates a reference to `item` in `section`.
    public init(section: ChecklistSectionInfo, item: ChecklistItem) {
        self.section = section
        self.item = item
    }

    /// `section-id/item-id`: unique in the checklist, used in commit subjects and by users.
    public var fullID: String { "\(section.id)/\(item.id)" }

    /// The key naming the item's file: the full id it was created under. It never changes,
    /// so moving an item to another section moves no file and keeps its history in one place.
    public var fileKey: String {
        let (folder, name) = fileKeyParts
        return folder.map { "\($0)/\(name)" } ?? String(name)
    }

    /// Where the item's state lives in the ledger: `items/<file key>.json`.
    public var path: String { "\(LedgerLayout.itemsFolder)/\(fileKey).json" }

    /// `path` cut at its last `/`: the folder holding the item's file and the file's name, for
    /// reading it from an open folder without building the path and splitting it again.
    public var fileLocation: (folder: String, name: String) {
        let (folder, name) = fileKeyParts
        return (folder.map { "\(LedgerLayout.itemsFolder)/\($0)" } ?? LedgerLayout.itemsFolder, "\(name).json")
    }

    /// The file key cut at its last `/` (in the bytes, as git splits paths), the one rule both
    /// `fileKey` and `fileLocation` read: a moved item keeps the key it was created under
    /// (`file`); any other is keyed by its full id, whose parts are its section's id and its own
    /// (ids are slugs, never holding a `/`).
    private var fileKeyParts: (folder: Substring?, name: Substring) {
        guard let file = item.file else { return (section.id[...], item.id[...]) }
        guard let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (nil, file[...]) }
        return (file[..<slash], file[file.utf8.index(after: slash)...])
    }
}
