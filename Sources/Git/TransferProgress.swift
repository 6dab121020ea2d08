internal import CLibGit2

/// How far a transfer of objects into a repository has come (a fetch, or a local copy of
/// objects), as libgit2's indexer counts it: what arrived, and what was indexed of it.
public struct TransferProgress: Sendable, Equatable {
    /// Objects the incoming pack holds (0 until the pack's header arrived).
    public let totalObjects: Int
    /// Objects received so far.
    public let receivedObjects: Int
    /// Objects received and indexed so far.
    public let indexedObjects: Int
    /// Bytes of the pack received so far.
    public let receivedBytes: Int

    init(_ stats: git_indexer_progress) {
        totalObjects = Int(stats.total_objects)
        receivedObjects = Int(stats.received_objects)
        indexedObjects = Int(stats.indexed_objects)
        receivedBytes = Int(stats.received_bytes)
    }
}

/// Called on the transferring thread as objects arrive; it cannot cancel the transfer.
public typealias TransferProgressHandler = (TransferProgress) -> Void
