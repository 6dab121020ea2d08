import Git

/// One file changed by one commit, as the derived index remembers it.
public struct IndexedChange: Equatable, Sendable {
    /// The commit that made the change.
    public let commit: ObjectID
    /// Its committer time, seconds since the epoch.
    public let time: Int64
    /// The path changed (`items/<section>/<item>.json`, `checklist.json`, …).
    public let path: String
    /// The new blob, or nil when the file was removed.
    public let blob: ObjectID?
}
