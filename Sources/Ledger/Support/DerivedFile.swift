import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of derived data under the git directory (the verified head, the event index and its
/// tips): read with one open and read, written whole through a temporary file and a rename.
///
/// Writes are not synced to disk. libgit2 (like git with its default `core.fsync`) does not
/// sync the ledger's loose objects or its branch either, so after a crash a synced cache could
/// only name commits that are gone; and every reader of these files already treats a missing,
/// short or garbled one as absent (a checksum, a parse, `Repository.contains`) and derives it
/// again from history. Data.write(to:) synced each one: 2–3 ms of a sign-off, far more while
/// the disk is busy.
enum DerivedFile {
    /// The whole file at `path`, or nil when it cannot be read or is larger than `limit` bytes.
    static func load(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size >= 0, info.st_size <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            filled += count
        }
        return bytes
    }

    /// Writes `data` to `path` through `<path>.tmp-<pid>` and a rename, so a reader sees the old
    /// file or the whole new one; false (and no temporary file left) when that fails.
    @discardableResult
    static func store(_ data: Data, at path: String) -> Bool {
        let temporary = path + temporarySuffix + String(getpid())
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard close(descriptor) == 0, written, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// What `store` appends to a temporary file's name, before the writer's process id
    /// (`removeStaleTemporaryFiles` looks for it).
    static let temporarySuffix = ".tmp-"
}
