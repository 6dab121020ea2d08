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
        guard walkLine(from: head, back: stop, visit: { line.append($0) }) else { return nil }
        line.reverse()
        return line
    }

    /// The walk `linearHistory` makes, handing each commit to `visit` as it is read, newest
    /// first, so a caller can start on the newest commits while older ones are still read.
    /// False when the stretch is not one line (see `linearHistory`); `visit` may then have
    /// seen some of its commits.
    public func walkLine(from head: ObjectID, back stop: ObjectID?, visit: (Commit) -> Void) -> Bool {
        var next: ObjectID? = head
        while let id = next, id != stop {
            guard let commit = try? commit(id, includingSignature: false), commit.parentIDs.count <= 1 else { return false }
            visit(commit)
            next = commit.parentIDs.first
        }
        return stop == nil || next != nil
    }
}
