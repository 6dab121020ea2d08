internal import CLibGit2

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
    /// With `window`, trees come from it and stay open for the next commit of a walk.
    public func changedFiles(tree: ObjectID, parentTrees: [ObjectID], window: TreeWindow? = nil) throws -> [ChangedFile] {
        var out: [ChangedFile] = []
        let read: (ObjectID) throws -> Tree = { id in try window?.tree(id) ?? self.tree(id) }
        try collectChanges(tree: tree, parents: parentTrees.map { Optional($0) }, prefix: "", read: read, into: &out)
        return out
    }

    private func collectChanges(tree: ObjectID?, parents: [ObjectID?], prefix: String, read: (ObjectID) throws -> Tree,
                                into out: inout [ChangedFile]) throws {
        if parents.contains(where: { $0 == tree }) { return }
        let mine = try tree.map(read)
        let theirs = try parents.map { try $0.map(read) }
        // A name is a change when its entry differs from every parent's: walked in step over the
        // sorted entries, so a directory of thousands in which one file changed costs a compare
        // per entry, not a copy of every name into dictionaries (once per commit, that made index
        // builds and verification grow with the size of a section).
        var names = Self.differingNames(mine, theirs.first ?? nil)
        for parent in theirs.dropFirst() where !names.isEmpty {
            names.formIntersection(Self.differingNames(mine, parent))
        }
        for name in names.sorted() {
            let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
            let current = mine?.entry(named: name)
            let previous = theirs.map { $0?.entry(named: name) }
            let mineTree = current?.kind == .tree ? current?.id : nil
            let theirTrees = previous.map { $0?.kind == .tree ? $0?.id : nil }
            if mineTree != nil || theirTrees.contains(where: { $0 != nil }) {
                try collectChanges(tree: mineTree, parents: theirTrees, prefix: path, read: read, into: &out)
            }
            let firstParentBlob = previous.first.flatMap { $0?.kind == .tree ? nil : $0?.id }
            if let current, current.kind != .tree {
                out.append(ChangedFile(path: path, blob: current.id, previousBlob: firstParentBlob))
            } else if current == nil, previous.contains(where: { $0 != nil && $0?.kind != .tree }) {
                out.append(ChangedFile(path: path, blob: nil, previousBlob: firstParentBlob))
            }
        }
    }

    /// Names whose entry is in one tree only, or has another id or kind in the other (a missing
    /// tree has no entries). Both trees are in git's order, so one pass in step finds them.
    private static func differingNames(_ a: Tree?, _ b: Tree?) -> Set<String> {
        var names = Set<String>()
        let aCount = a?.count ?? 0
        let bCount = b?.count ?? 0
        var i = 0
        var j = 0
        while i < aCount || j < bCount {
            let left = i < aCount ? a?.rawEntry(at: i) : nil
            let right = j < bCount ? b?.rawEntry(at: j) : nil
            let order = left == nil ? 1 : right == nil ? -1 : git_tree_entry_cmp(left, right)
            if order < 0 {
                names.insert(String(cString: git_tree_entry_name(left)))
                i += 1
            } else if order > 0 {
                names.insert(String(cString: git_tree_entry_name(right)))
                j += 1
            } else {
                if git_oid_equal(git_tree_entry_id(left), git_tree_entry_id(right)) == 0
                    || git_tree_entry_type(left) != git_tree_entry_type(right) {
                    names.insert(String(cString: git_tree_entry_name(left)))
                }
                i += 1
                j += 1
            }
        }
        return names
    }
}

/// Trees held open from one commit of a walk to the next. A commit's parent was usually the
/// commit before it in the walk, so the parent's root, folder and section trees that the diff
/// needs were read one step earlier: kept here, they are not inflated and parsed a second time
/// (libgit2's own object cache is off, see `Library`). Holds two commits' trees at most.
public final class TreeWindow {
    private let repository: Repository
    private var previous: [ObjectID: Tree] = [:]
    private var current: [ObjectID: Tree] = [:]

    /// An empty window over `repository`.
    public init(repository: Repository) {
        self.repository = repository
    }

    /// Tree `id`, from this commit's or the previous commit's reads, else read now.
    func tree(_ id: ObjectID) throws -> Tree {
        if let tree = current[id] ?? previous[id] {
            current[id] = tree
            return tree
        }
        let tree = try repository.tree(id)
        current[id] = tree
        return tree
    }

    /// Moves on to the next commit: what this one read becomes the previous commit's trees.
    public func advance() {
        previous = current
        current = [:]
    }
}
