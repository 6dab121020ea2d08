import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private (mode 0700, mkdtemp) directory for files an external program must read or write,
/// such as the payload and signature git hands to ssh-keygen. Callers remove it with `remove()`
/// in a `defer`, so nothing is left behind on success or failure.
struct TemporaryDirectory {
    let path: String

    /// Creates a fresh directory under $TMPDIR (or /tmp).
    init(prefix: String) throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("\(prefix)XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw LedgerError(.storage, "cannot create a temporary directory in \(base)")
        }
        path = String(cString: created)
    }

    /// Writes `data` to a new file `name` inside the directory, readable only by us.
    func write(_ data: Data, to name: String) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError(.storage, "cannot write temporary file \(file)")
        }
        return file
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
