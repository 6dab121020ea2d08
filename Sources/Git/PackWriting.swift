internal import CLibGit2
import FoundationEssentials

extension Repository {
    /// Runs `body` with a second handle on this repository whose new objects are held in memory,
    /// then writes what the commits written in `body` reach to the object database as one pack
    /// (libgit2's in-memory store packs by commit: a tree or blob no new commit reaches is
    /// dropped). For bulk writes such as a new ledger's thousands of item files: one pack file
    /// instead of a loose object per file, which every later reader would pay for with an open
    /// and an inflate of its own per object. The second handle must not be used after `body` returns.
    public func writingOnePack<T>(_ body: (Repository) throws -> T) throws -> T {
        let scratch = try Repository.open(at: gitDirectory)
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, scratch.pointer), "cannot open the object database")
        defer { git_odb_free(odb) }
        var memory: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&memory), "cannot create an in-memory object store")
        // Above the loose and pack stores, so the scratch handle writes here; the object database
        // owns the store from here on and frees it with the handle.
        let added = git_odb_add_backend(odb, memory, 999)
        if added < 0 { memory?.pointee.free(memory) }
        try check(added, "cannot add an in-memory object store")

        let result = try body(scratch)

        var pack = git_buf()
        defer { git_buf_dispose(&pack) }
        try check(git_mempack_dump(&pack, scratch.pointer, memory), "cannot pack the new objects")
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "cannot start writing a pack")
        guard let writer else { throw GitError(code: -1, errorClass: 0, message: "cannot start writing a pack") }
        defer { writer.pointee.free(writer) }
        var progress = git_indexer_progress()
        try check(writer.pointee.append(writer, pack.ptr, pack.size, &progress), "cannot write the pack")
        try check(writer.pointee.commit(writer, &progress), "cannot write the pack")
        return result
    }
}
