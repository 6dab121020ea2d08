internal import CLibGit2

/// The order in which a `RevisionWalk` yields commits.
public enum WalkOrder: Sendable {
    /// Parents after all their children, ties by committer time, newest first (`git log --topo-order`).
    case topological
    /// Newest committer time first (`git log --date-order` without the topology guarantee).
    case time
    /// Oldest first: parents before children (`git log --reverse --topo-order`).
    case topologicalReverse
}

/// Walks commits reachable from some starting points and not from others, following every parent.
/// Keeps its repository alive for as long as it lives.
public final class RevisionWalk: Sequence, IteratorProtocol {
    private let repository: Repository
    private let pointer: OpaquePointer

    /// Starts a walk from `tips`, excluding everything reachable from `hiding`.
    public init(repository: Repository, from tips: [ObjectID], hiding: [ObjectID] = [], order: WalkOrder) throws {
        self.repository = repository
        var raw: OpaquePointer?
        try check(git_revwalk_new(&raw, repository.pointer), "cannot start a revision walk")
        pointer = raw!
        let sorting: UInt32
        switch order {
        case .topological: sorting = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue
        case .time: sorting = GIT_SORT_TIME.rawValue
        case .topologicalReverse: sorting = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue | GIT_SORT_REVERSE.rawValue
        }
        try check(git_revwalk_sorting(pointer, sorting), "cannot sort the revision walk")
        for tip in tips {
            var oid = tip.raw
            try check(git_revwalk_push(pointer, &oid), "cannot walk from \(tip)")
        }
        for hidden in hiding {
            var oid = hidden.raw
            try check(git_revwalk_hide(pointer, &oid), "cannot exclude \(hidden) from the walk")
        }
    }

    deinit {
        git_revwalk_free(pointer)
    }

    /// The next commit id; nil at the end. A read error ends the walk and is kept in `failure`.
    public func next() -> ObjectID? {
        var oid = git_oid()
        let status = git_revwalk_next(&oid, pointer)
        if status == GIT_ITEROVER.rawValue { return nil }
        do {
            try check(status, "cannot continue the revision walk")
        } catch {
            failure = error as? GitError
            return nil
        }
        return ObjectID(oid)
    }

    /// The error that ended the walk early, if any; check it after iterating.
    public private(set) var failure: GitError?

    /// All remaining ids, throwing if the walk failed part-way.
    public func collect() throws -> [ObjectID] {
        var ids: [ObjectID] = []
        while let id = next() { ids.append(id) }
        if let failure { throw failure }
        return ids
    }
}
