extension Repository {
    /// The commits after `stop` up to `head`, oldest first, each read once, when that stretch
    /// of history is one line (no commit in it has more than one parent); nil otherwise, or
    /// when a commit cannot be read or the line ends before reaching `stop` (nil: walk to the
    /// root). A line has exactly one topological order, so this is the order a
    /// `RevisionWalk(from: [head], hiding: [stop], order: .topologicalReverse)` yields, without
    /// that walk reading every commit before a caller reads it again. On nil the caller walks
    /// with `RevisionWalk`, which reports any error itself. Signatures are not read.
    public func linearHistory(from head: ObjectID, back stop: ObjectID?) -> [Commit]? {
        var line: [Commit] = []
        var next: ObjectID? = head
        while let id = next, id != stop {
            guard let commit = try? commit(id, includingSignature: false), commit.parentIDs.count <= 1 else { return nil }
            line.append(commit)
            next = commit.parentIDs.first
        }
        if stop != nil, next == nil { return nil }
        line.reverse()
        return line
    }
}
