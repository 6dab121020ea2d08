internal import CLibGit2

extension Repository {
    /// True when `commit` descends from `ancestor` (a commit is not its own descendant).
    public func isDescendant(_ commit: ObjectID, of ancestor: ObjectID) throws -> Bool {
        var commitOID = commit.raw
        var ancestorOID = ancestor.raw
        let result = git_graph_descendant_of(pointer, &commitOID, &ancestorOID)
        try check(result, "cannot compare \(commit.abbreviated()) with \(ancestor.abbreviated())")
        return result == 1
    }

    /// The best common ancestor of two commits, or nil when their histories are unrelated.
    public func mergeBase(_ one: ObjectID, _ other: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        var first = one.raw
        var second = other.raw
        let status = git_merge_base(&out, pointer, &first, &second)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot find a merge base of \(one.abbreviated()) and \(other.abbreviated())")
        return ObjectID(out)
    }
}
