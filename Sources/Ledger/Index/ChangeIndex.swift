import Foundation
import Git

/// A derived index of every file change in the ledger's history, kept under the git directory:
/// which commit introduced each item state, in topological order. Brought up to date from the
/// last indexed head; rebuilt when missing, corrupt, or when the branch was rewritten.
public struct ChangeIndex: Sendable {
    /// The head the index describes.
    public let head: ObjectID
    /// Every change, parents before children.
    public let changes: [IndexedChange]
    /// For each blob, the position in `changes` of the commit that first introduced it.
    private let introducedAt: [ObjectID: Int]

    /// How the index was obtained, for diagnostics and tests.
    public enum Origin: Equatable, Sendable {
        /// Read from disk and already at the head.
        case current
        /// Read from disk and extended by this many commits.
        case extended(Int)
        /// Built from scratch, with the reason.
        case rebuilt(String)
    }

    init(head: ObjectID, changes: [IndexedChange]) {
        self.head = head
        self.changes = changes
        var introduced: [ObjectID: Int] = [:]
        introduced.reserveCapacity(changes.count)
        for (position, change) in changes.enumerated() {
            if let blob = change.blob, introduced[blob] == nil { introduced[blob] = position }
        }
        introducedAt = introduced
    }

    /// The change that first introduced `blob` (an item file's content identifies its event).
    public func introduction(of blob: ObjectID) -> IndexedChange? {
        introducedAt[blob].map { changes[$0] }
    }
}

extension LedgerStore {
    /// The change index at the current head, updated or rebuilt as needed and saved.
    public func changeIndex() throws -> (index: ChangeIndex, origin: ChangeIndex.Origin) {
        let head = try head()
        let file = try cacheDirectory().appendingPathComponent("changes-v1")
        var origin = ChangeIndex.Origin.rebuilt("missing")
        var base: (head: ObjectID, changes: [IndexedChange])?
        if let data = try? Data(contentsOf: file) {
            if let decoded = ChangeIndexFile.decode(data) {
                if decoded.head == head { return (ChangeIndex(head: head, changes: decoded.changes), .current) }
                if try repository.contains(decoded.head), try repository.isDescendant(head, of: decoded.head) {
                    base = decoded
                } else {
                    origin = .rebuilt("branch rewritten")
                }
            } else {
                origin = .rebuilt("corrupt")
            }
        }
        var changes = base?.changes ?? []
        let walk = try RevisionWalk(repository: repository, from: [head], hiding: base.map { [$0.head] } ?? [], order: .topologicalReverse)
        var added = 0
        while let id = walk.next() {
            let commit = try repository.commit(id)
            let parentTrees = try commit.parentIDs.map { try repository.commit($0).treeID }
            for changed in try repository.changedFiles(tree: commit.treeID, parentTrees: parentTrees) {
                changes.append(IndexedChange(commit: id, time: commit.committer.time, path: changed.path, blob: changed.blob))
            }
            added += 1
        }
        if let failure = walk.failure { throw failure }
        if base != nil { origin = .extended(added) }
        let index = ChangeIndex(head: head, changes: changes)
        try save(ChangeIndexFile.encode(head: head, changes: changes), to: file)
        return (index, origin)
    }

    /// The commit that last changed `item` as of `snapshot`: the one that introduced its current file.
    func lastChangeOfItem(_ item: ChecklistItemRef, snapshot: LedgerSnapshot) throws -> ObjectID? {
        guard let blob = try snapshot.recordBlobID(of: item) else { return nil }
        let (index, _) = try changeIndex()
        return index.introduction(of: blob)?.commit
    }

    /// Writes derived data atomically (temporary file, then rename), so a crash leaves the old
    /// file or the new one. A failure to write a cache is not an error for the caller's command.
    func save(_ data: Data, to url: URL) throws {
        let temporary = url.appendingPathExtension("tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
