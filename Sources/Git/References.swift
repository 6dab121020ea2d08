internal import CLibGit2

extension Repository {
    /// The commit a reference points at, following symbolic references; nil when it does not exist
    /// (an unborn branch).
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let status = git_reference_name_to_id(&oid, pointer, name)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot read reference \(name)")
        return ObjectID(oid)
    }

    /// The full name of the branch HEAD points at (`refs/heads/main`), born or not.
    public func headBranch() throws -> String? {
        var head: OpaquePointer?
        try check(git_reference_lookup(&head, pointer, "HEAD"), "cannot read HEAD")
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head) else {
            return nil
        }
        return String(cString: target)
    }

    /// Moves reference `name` to `target` only if it still points at `expected` (nil: only if it
    /// does not exist yet). A lost race throws a `GitError` whose `isModified` or `isExisting` is true;
    /// a lock held by another process throws one whose `isLocked` is true.
    public func compareAndSwapReference(_ name: String, to target: ObjectID, expecting expected: ObjectID?,
                                        message: String) throws {
        var newOID = target.raw
        var reference: OpaquePointer?
        if let expected {
            var currentOID = expected.raw
            try check(git_reference_create_matching(&reference, pointer, name, &newOID, 1, &currentOID, message),
                      "cannot move \(name) from \(expected.abbreviated()) to \(target.abbreviated())")
        } else {
            try check(git_reference_create(&reference, pointer, name, &newOID, 0, message),
                      "cannot create \(name) at \(target.abbreviated())")
        }
        git_reference_free(reference)
    }

    /// Deletes reference `name`; a reference that does not exist is not an error.
    public func deleteReference(_ name: String) throws {
        let status = git_reference_remove(pointer, name)
        if status == GIT_ENOTFOUND.rawValue { return }
        try check(status, "cannot delete \(name)")
    }
}


extension Repository {
    /// The commit a revision expression names (`main~2`, an abbreviated id, a tag), or nil when
    /// it names nothing or something that is not a commit.
    public func resolveCommit(_ spec: String) throws -> ObjectID? {
        var object: OpaquePointer?
        let status = git_revparse_single(&object, pointer, spec)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EAMBIGUOUS.rawValue || status == GIT_EINVALIDSPEC.rawValue {
            return nil
        }
        try check(status, "cannot resolve \(spec)")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if peeled == GIT_ENOTFOUND.rawValue || peeled == GIT_EINVALIDSPEC.rawValue || peeled == GIT_EPEEL.rawValue { return nil }
        try check(peeled, "cannot read \(spec) as a commit")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit))
    }
}
