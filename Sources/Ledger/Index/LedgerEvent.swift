import Git

/// One change in the ledger's history: a sign-off, an uncheck, a waiver, an item created by the
/// definition, or a change to the definition, trust or settings files. Built from the tree
/// (the item file a commit introduced) and the commit's committer; never from trailers alone.
public struct LedgerEvent: Equatable, Sendable {
    /// The commit that made the change.
    public let commit: ObjectID
    /// Position in topological order (parents first), which breaks ties in time order.
    public let sequence: Int
    /// Committer time, seconds since the epoch.
    public let time: Int64
    /// The file changed: `items/<section>/<item>.json`, `checklist.json`, `trust/allowed_signers`, …
    public let path: String
    /// The new blob, or nil when the file was removed.
    public let blob: ObjectID?
    /// For item files the recorded action (`check`, `uncheck`, `waive`, `create`); for other
    /// files the commit's `Readiness-Action` trailer, or `edit`/`remove`.
    public let action: String
    /// The item's state before (nil for non-item files and for an item's first record).
    public let stateBefore: ItemState?
    /// The item's state after (nil for non-item files and for removals).
    public let stateAfter: ItemState?
    /// Who made the change: the item record's signer, else the committer.
    public let person: Person
    /// The note or reason.
    public let note: String?
    /// Evidence given.
    public let evidence: [Evidence]
    /// A waiver's last day.
    public let waivedUntil: String?
    /// The item record's back-links.
    public let previous: [String]

    /// The item's full id (`section/item`) when the path is an item file.
    public var itemID: String? { Self.itemID(ofPath: path) }

    /// The section id of an item event.
    public var sectionID: String? { Self.sectionID(ofPath: path) }

    /// The full id (`section/item`) of the item file at `path`; nil for other files.
    static func itemID(ofPath path: String) -> String? {
        guard path.hasPrefix("\(LedgerLayout.itemsFolder)/"), path.hasSuffix(".json") else { return nil }
        return String(path.dropFirst(LedgerLayout.itemsFolder.count + 1).dropLast(5))
    }

    /// The section id of the item file at `path`; nil for other files.
    static func sectionID(ofPath path: String) -> String? {
        guard let item = itemID(ofPath: path), let slash = item.firstIndex(of: "/") else { return nil }
        return String(item[..<slash])
    }
}
