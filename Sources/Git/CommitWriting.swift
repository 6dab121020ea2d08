internal import CLibGit2
import FoundationEssentials

extension Repository {
    /// The exact bytes of a commit object for these inputs, as `git commit` would write them
    /// before signing: the payload a signer signs.
    public func commitBuffer(tree treeID: ObjectID, parents parentIDs: [ObjectID], author: GitSignature,
                             committer: GitSignature, message: String) throws -> Data {
        var treeOID = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &treeOID), "cannot read tree \(treeID)")
        defer { git_tree_free(tree) }
        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        for parentID in parentIDs {
            var oid = parentID.raw
            var parent: OpaquePointer?
            try check(git_commit_lookup(&parent, pointer, &oid), "cannot read parent commit \(parentID)")
            parents.append(parent)
        }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try author.withRaw { rawAuthor in
            try committer.withRaw { rawCommitter in
                try check(git_commit_create_buffer(&buffer, pointer, rawAuthor, rawCommitter, nil, message, tree,
                                                   parents.count, &parents),
                          "cannot build the commit")
            }
        }
        return Data(bytes: buffer.ptr, count: buffer.size)
    }

    /// Writes the commit `buffer` (from `commitBuffer`) with `signature` in its `gpgsig` header,
    /// or unsigned when `signature` is nil, and returns the new commit's id. Moves no reference.
    ///
    /// A trailing newline of the signature is dropped first: libgit2 would otherwise write an
    /// extra continuation line, and the object would differ from the one `git commit -S` writes.
    public func writeCommit(buffer: Data, signature: String?) throws -> ObjectID {
        guard !buffer.contains(0) else {
            throw GitError(code: -1, errorClass: 0, message: "cannot write a commit containing a NUL byte")
        }
        var trimmed = signature
        while let value = trimmed, value.hasSuffix("\n") { trimmed = String(value.dropLast()) }
        var oid = git_oid()
        let content = String(decoding: buffer, as: UTF8.self)
        try check(git_commit_create_with_signature(&oid, pointer, content, trimmed, nil), "cannot write the commit")
        return ObjectID(oid)
    }
}
