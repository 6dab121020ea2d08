internal import CLibGit2
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry of a tree, copied out of libgit2.
public struct TreeEntry: Equatable, Sendable {
    /// What kind of object an entry names.
    public enum Kind: Sendable, Equatable {
        case blob, tree, commit, other
    }

    /// The entry's name within its tree (one path component).
    public let name: String
    /// The id of the object it names.
    public let id: ObjectID
    /// The object kind.
    public let kind: Kind
    /// The file mode as git stores it (0o100644, 0o100755, 0o040000, …).
    public let mode: UInt32

    init(_ raw: OpaquePointer) {
        name = String(cString: git_tree_entry_name(raw))
        id = ObjectID(git_tree_entry_id(raw))
        mode = git_tree_entry_filemode(raw).rawValue
        switch git_tree_entry_type(raw) {
        case GIT_OBJECT_BLOB: kind = .blob
        case GIT_OBJECT_TREE: kind = .tree
        case GIT_OBJECT_COMMIT: kind = .commit
        default: kind = .other
        }
    }
}

/// A tree held open, for many lookups in it: `entry(named:)` is a binary search over the
/// entries libgit2 parsed once. `Repository.entry(atPath:inTree:)` reads the tree again on
/// every call, and libgit2 caches only trees under 4 KiB, so looking up each file of a
/// directory of thousands that way inflates and parses the directory once per file.
public final class Tree {
    /// The tree's id.
    public let id: ObjectID
    // Held so the object database the tree was read from outlives the tree.
    private let repository: Repository
    private let pointer: OpaquePointer

    fileprivate init(id: ObjectID, repository: Repository, pointer: OpaquePointer) {
        self.id = id
        self.repository = repository
        self.pointer = pointer
    }

    deinit {
        git_tree_free(pointer)
    }

    /// The entry called `name` (one path component), or nil when there is none.
    public func entry(named name: String) -> TreeEntry? {
        // The entry belongs to the tree: copied out, never freed.
        git_tree_entry_byname(pointer, name).map(TreeEntry.init)
    }

    /// The id of the blob called `name` (one path component), or nil when there is none or it
    /// is not a blob. Copies no name out: a section's 10,000 item lookups spent 8 % of `status`
    /// copying and validating names they already knew.
    public func blobID(named name: String) -> ObjectID? {
        // The entry belongs to the tree: read in place, never freed.
        guard let raw = git_tree_entry_byname(pointer, name), git_tree_entry_type(raw) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(raw))
    }

    /// How many entries the tree has.
    var count: Int { git_tree_entrycount(pointer) }

    /// libgit2's entry `index` (in git's tree order), valid while the tree lives; for walks that
    /// must not copy every name out.
    func rawEntry(at index: Int) -> OpaquePointer {
        git_tree_entry_byindex(pointer, index)!
    }
}

/// A change to apply to a tree: write a file at a path, or remove the path.
public enum TreeChange: Equatable, Sendable {
    /// Writes `contents` as a regular file at `path` (slash-separated, relative to the root).
    case write(path: String, contents: Data)
    /// Removes the file at `path`.
    case remove(path: String)
}

extension Repository {
    /// Reads the commit `id` and copies its fields out; `includingSignature: false` leaves
    /// `signature` nil without looking for it (readers that only walk history).
    public func commit(_ id: ObjectID, includingSignature: Bool = true) throws -> Commit {
        var oid = id.raw
        var raw: OpaquePointer?
        try check(git_commit_lookup(&raw, pointer, &oid), "cannot read commit \(id)")
        defer { git_commit_free(raw) }
        var parents: [ObjectID] = []
        let parentCount = git_commit_parentcount(raw)
        for index in 0..<parentCount {
            parents.append(ObjectID(git_commit_parent_id(raw, index)))
        }
        var signature: String?
        if includingSignature {
            var signatureBuffer = git_buf()
            defer { git_buf_dispose(&signatureBuffer) }
            let status = git_commit_header_field(&signatureBuffer, raw, "gpgsig")
            if status != GIT_ENOTFOUND.rawValue {
                try check(status, "cannot read the signature of commit \(id)")
                signature = String(cString: signatureBuffer.ptr)
            }
        }
        return Commit(
            id: id,
            treeID: ObjectID(git_commit_tree_id(raw)),
            parentIDs: parents,
            author: GitSignature(git_commit_author(raw)),
            committer: GitSignature(git_commit_committer(raw)),
            message: String(cString: git_commit_message_raw(raw)),
            signature: signature
        )
    }

    /// The signature of commit `id` and the exact bytes it signs, or nil when it is unsigned.
    public func signedPayload(of id: ObjectID) throws -> (signature: String, signedData: Data)? {
        var oid = id.raw
        var signature = git_buf()
        var signed = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signed)
        }
        let status = git_commit_extract_signature(&signature, &signed, pointer, &oid, nil)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot extract the signature of commit \(id)")
        return (String(cString: signature.ptr), Data(bytes: signed.ptr, count: signed.size))
    }

    /// The raw bytes of commit `id` as stored in the object database.
    public func rawObject(_ id: ObjectID) throws -> Data {
        var oid = id.raw
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        try check(git_odb_read(&object, odb, &oid), "cannot read object \(id)")
        defer { git_odb_object_free(object) }
        return Data(bytes: git_odb_object_data(object), count: git_odb_object_size(object))
    }

    /// True when the object database holds `id`.
    public func contains(_ id: ObjectID) throws -> Bool {
        var oid = id.raw
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        return git_odb_exists(odb, &oid) == 1
    }

    /// The contents of blob `id`.
    public func blob(_ id: ObjectID) throws -> Data {
        var oid = id.raw
        var raw: OpaquePointer?
        try check(git_blob_lookup(&raw, pointer, &oid), "cannot read blob \(id)")
        defer { git_blob_free(raw) }
        let size = Int(git_blob_rawsize(raw))
        guard size > 0, let bytes = git_blob_rawcontent(raw) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// The id `data` has as a blob, computed without writing it (git's `hash-object`).
    public static func blobID(of data: Data) throws -> ObjectID {
        Library.ensureInitialised()
        var oid = git_oid()
        try data.withUnsafeBytes { buffer in
            try check(git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB), "cannot hash blob")
        }
        return ObjectID(oid)
    }

    /// Writes `data` as a blob and returns its id.
    public func writeBlob(_ data: Data) throws -> ObjectID {
        var oid = git_oid()
        try data.withUnsafeBytes { buffer in
            try check(git_blob_create_from_buffer(&oid, pointer, buffer.baseAddress, buffer.count), "cannot write blob")
        }
        return ObjectID(oid)
    }

    /// The entries of tree `id`, in git's order.
    public func treeEntries(_ id: ObjectID) throws -> [TreeEntry] {
        var oid = id.raw
        var raw: OpaquePointer?
        try check(git_tree_lookup(&raw, pointer, &oid), "cannot read tree \(id)")
        defer { git_tree_free(raw) }
        let count = git_tree_entrycount(raw)
        var entries: [TreeEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            entries.append(TreeEntry(git_tree_entry_byindex(raw, index)))
        }
        return entries
    }

    /// Reads tree `id` and holds it open for lookups by name.
    public func tree(_ id: ObjectID) throws -> Tree {
        var oid = id.raw
        var raw: OpaquePointer?
        try check(git_tree_lookup(&raw, pointer, &oid), "cannot read tree \(id)")
        return Tree(id: id, repository: self, pointer: raw!)
    }

    /// The entry at slash-separated `path` below tree `treeID`, or nil when there is none.
    public func entry(atPath path: String, inTree treeID: ObjectID) throws -> TreeEntry? {
        var oid = treeID.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "cannot read tree \(treeID)")
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let status = git_tree_entry_bypath(&entry, tree, path)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try check(status, "cannot look up \(path) in tree \(treeID)")
        defer { git_tree_entry_free(entry) }
        return TreeEntry(entry!)
    }

    /// The contents of the file at `path` in tree `treeID`, or nil when there is no such file.
    public func file(atPath path: String, inTree treeID: ObjectID) throws -> Data? {
        guard let entry = try entry(atPath: path, inTree: treeID), entry.kind == .blob else { return nil }
        return try blob(entry.id)
    }

    /// Writes the empty tree and returns its id.
    public func emptyTree() throws -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "cannot create a tree builder")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "cannot write the empty tree")
        return ObjectID(oid)
    }

    /// Applies `changes` to tree `base` and writes the resulting trees, returning the new root's id.
    /// Intermediate directories are created and emptied ones dropped, as git would.
    public func updatedTree(_ base: ObjectID, applying changes: [TreeChange]) throws -> ObjectID {
        var baseOID = base.raw
        var baseTree: OpaquePointer?
        try check(git_tree_lookup(&baseTree, pointer, &baseOID), "cannot read tree \(base)")
        defer { git_tree_free(baseTree) }
        var updates: [git_tree_update] = []
        var paths: [UnsafeMutablePointer<CChar>] = []
        defer { paths.forEach { free($0) } }
        for change in changes {
            var update = git_tree_update()
            switch change {
            case let .write(path, contents):
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = try writeBlob(contents).raw
                update.filemode = GIT_FILEMODE_BLOB
                paths.append(strdup(path))
            case let .remove(path):
                update.action = GIT_TREE_UPDATE_REMOVE
                paths.append(strdup(path))
            }
            update.path = UnsafePointer(paths.last!)
            updates.append(update)
        }
        var out = git_oid()
        try check(git_tree_create_updated(&out, pointer, baseTree, updates.count, &updates), "cannot write the updated tree")
        return ObjectID(out)
    }
}
