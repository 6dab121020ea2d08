/// A file whose blob differs between a commit's tree and its parents' trees.
public struct ChangedFile: Equatable, Sendable {
    /// Slash-separated path from the root.
    public let path: String
    /// The blob in the commit's tree, or nil when the file was removed.
    public let blob: ObjectID?
    /// The blob at the same path in the first parent's tree, or nil when it had none.
    public let previousBlob: ObjectID?

    /// Creates a changed-file record.
    public init(path: String, blob: ObjectID?, previousBlob: ObjectID? = nil) {
        self.path = path
        self.blob = blob
        self.previousBlob = previousBlob
    }
}

extension Repository {
    /// Files of `tree` that differ from the same path in every one of `parentTrees` (for a merge:
    /// what the merge itself introduced). Only subtrees whose ids differ are read, so a commit
    /// that changes one file costs one tree read per level.
    public func changedFiles(tree: ObjectID, parentTrees: [ObjectID]) throws -> [ChangedFile] {
        var out: [ChangedFile] = []
        try collectChanges(tree: tree, parents: parentTrees.map { Optional($0) }, prefix: "", into: &out)
        return out
    }

    private func collectChanges(tree: ObjectID?, parents: [ObjectID?], prefix: String, into out: inout [ChangedFile]) throws {
        if parents.contains(where: { $0 == tree }) { return }
        let entries = try tree.map(treeEntries) ?? []
        let parentEntries = try parents.map { parent -> [String: TreeEntry] in
            guard let parent else { return [:] }
            return Dictionary(try treeEntries(parent).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var names = Set(entries.map(\.name))
        for map in parentEntries { names.formUnion(map.keys) }
        let current = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in names.sorted() {
            let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
            let mine = current[name]
            let theirs = parentEntries.map { $0[name] }
            if theirs.contains(where: { $0?.id == mine?.id && $0?.kind == mine?.kind }) { continue }
            let mineTree = mine?.kind == .tree ? mine?.id : nil
            let theirTrees = theirs.map { $0?.kind == .tree ? $0?.id : nil }
            if mineTree != nil || theirTrees.contains(where: { $0 != nil }) {
                try collectChanges(tree: mineTree, parents: theirTrees, prefix: path, into: &out)
            }
            let firstParentBlob = theirs.first.flatMap { $0?.kind == .tree ? nil : $0?.id }
            if let mine, mine.kind != .tree {
                out.append(ChangedFile(path: path, blob: mine.id, previousBlob: firstParentBlob))
            } else if mine == nil, theirs.contains(where: { $0 != nil && $0?.kind != .tree }) {
                out.append(ChangedFile(path: path, blob: nil, previousBlob: firstParentBlob))
            }
        }
    }
}
