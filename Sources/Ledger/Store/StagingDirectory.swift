import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A repository built where no reader takes it for finished, then published, so a process
/// killed at any moment leaves either nothing at the final path or the finished result, or, in
/// one case, something the next run recognises and replaces. The staging directory's name
/// carries the builder's process id (`.readiness-<purpose>-<pid>-<random>`), so a later run
/// can tell what a killed builder left from what a live one is still building.
///
/// - A destination that does not exist is built **beside** it (same parent, same file system)
///   and renamed into place in one rename(2): atomic.
/// - An existing empty directory is kept (the shell's working directory, a mount point, a
///   prepared owner, group or setgid bit stay as they are): the repository is built **inside**
///   it and its entries are moved up one by one, `HEAD` last. git does not take a directory
///   without `HEAD` for a repository, so an interrupted move is never mistaken for a ledger;
///   `recoverInterrupted` clears it on the next run.
struct StagingDirectory {
    /// Where the repository is being built.
    let path: String
    /// The final path, with symbolic links resolved when it exists.
    let destination: String
    /// Built inside an existing empty destination rather than beside it.
    let inside: Bool

    /// Creates an empty staging directory for `destination`: inside it when it is an existing
    /// directory (the caller checked that it is empty), else beside it, creating missing parents
    /// and first removing stale staging directories of dead processes there. A file-system
    /// failure is a storage error (exit 10) naming `destination`.
    init(for destination: String, purpose: String) throws {
        do {
            try self.init(creatingFor: destination, purpose: purpose)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.storage, "cannot create \(destination): \(ErrorText.reason(error))", hint: "check that its parent directory is writable")
        }
    }

    private init(creatingFor destination: String, purpose: String) throws {
        let fileManager = FileManager.default
        var isDirectory = false
        let exists = fileManager.fileExists(atPath: destination, isDirectory: &isDirectory)
        let resolved = exists ? Self.realPath(destination) ?? destination : destination
        inside = exists && isDirectory
        let prefix = Self.prefix(purpose)
        let parent: String
        if inside {
            parent = resolved
        } else {
            let enclosing = PathText.deletingLastComponent(resolved)
            parent = enclosing.isEmpty ? "." : enclosing
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            Self.removeStale(in: parent, prefix: prefix)
        }
        path = try Self.makeUnique(in: parent, prefix: prefix)
        self.destination = resolved
    }

    /// Publishes the finished repository at the destination. `conflict` is thrown when
    /// something appeared there meanwhile; it is then left alone.
    func publish(conflict: @autoclosure () -> Error) throws {
        if inside {
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            for name in names.filter({ $0 != "HEAD" }) + names.filter({ $0 == "HEAD" }) {
                let target = PathText.appending(name, to: destination)
                guard rename(PathText.appending(name, to: path), target) == 0 else { throw Self.failure(moving: target) }
            }
            _ = rmdir(path)
            return
        }
        var status = stat()
        guard lstat(destination, &status) != 0 else { throw conflict() }
        guard rename(path, destination) == 0 else {
            if errno == ENOTEMPTY || errno == EEXIST { throw conflict() }
            throw Self.failure(moving: destination)
        }
    }

    /// Removes what was built, after a failure: the staging directory and, when building
    /// inside the destination, whatever was already moved up (it was empty before).
    func discard() {
        let fileManager = FileManager.default
        if inside, let names = try? fileManager.contentsOfDirectory(atPath: destination) {
            // Names a repository has; the staging directory itself is among the dot-names.
            for name in names where name == PathText.lastComponent(path) || Self.repositoryEntries.contains(name) {
                try? fileManager.removeItem(atPath: PathText.appending(name, to: destination))
            }
        } else {
            try? fileManager.removeItem(atPath: path)
        }
    }

    /// Clears what a killed builder left inside `destination` (see the type's notes): its
    /// staging directory and, when the move into place had not reached `HEAD`, the entries
    /// already moved. Does nothing while any builder there is alive.
    static func recoverInterrupted(at destination: String, purpose: String) {
        let fileManager = FileManager.default
        guard let directory = realPath(destination),
              let names = try? fileManager.contentsOfDirectory(atPath: directory) else { return }
        let prefix = Self.prefix(purpose)
        let staging = names.filter { $0.hasPrefix(prefix) }
        guard !staging.isEmpty, staging.allSatisfy({ builder(of: $0, prefix: prefix).map(ProcessLiveness.isDead) ?? false }) else { return }
        let doomed = names.contains("HEAD") ? staging : names.filter { staging.contains($0) || repositoryEntries.contains($0) }
        for name in doomed {
            try? fileManager.removeItem(atPath: PathText.appending(name, to: directory))
        }
    }

    /// Removes `prefix<pid>-…` directories in `directory` whose process no longer exists.
    static func removeStale(in directory: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = builder(of: name, prefix: prefix), ProcessLiveness.isDead(pid) else { continue }
            let stale = PathText.appending(name, to: directory)
            var status = stat()
            guard lstat(stale, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
            try? FileManager.default.removeItem(atPath: stale)
        }
    }

    /// What `git init --bare` and libgit2 create at the top of a bare repository, plus the
    /// ledger's cache folder: all that an interrupted move can have put in a directory that
    /// was empty. Anything else there is left alone.
    private static let repositoryEntries: Set<String> = [
        "HEAD", "config", "description", "hooks", "info", "objects", "refs", "packed-refs", "FETCH_HEAD", "logs",
        LedgerLayout.cacheFolder,
    ]

    private static func prefix(_ purpose: String) -> String { ".readiness-\(purpose)-" }

    /// The process id in a staging directory's name.
    private static func builder(of name: String, prefix: String) -> pid_t? {
        name.dropFirst(prefix.count).split(separator: "-", maxSplits: 1).first.flatMap { pid_t($0) }
    }

    /// mkdir reserves a name atomically; a clash (same pid and random value) just retries.
    private static func makeUnique(in parent: String, prefix: String) throws -> String {
        while true {
            let candidate = PathText.appending("\(prefix)\(getpid())-\(UInt32.random(in: .min ... .max))", to: parent)
            if mkdir(candidate, 0o777) == 0 { return candidate }
            guard errno == EEXIST else { throw failure(creating: candidate) }
        }
    }

    private static func failure(creating path: String) -> LedgerError {
        LedgerError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))", hint: "check that the directory is writable")
    }

    private static func failure(moving path: String) -> LedgerError {
        LedgerError(.storage, "cannot move the finished repository to \(path): \(String(cString: strerror(errno)))",
                    hint: "check permissions; nothing was left half-made")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Whether a process that wrote a pid-named temporary file or directory is still running.
enum ProcessLiveness {
    /// True only when no process with `pid` exists (kill(pid, 0) fails with ESRCH). A live
    /// process of another user (EPERM) counts as alive, and so does this process. A process
    /// in another pid namespace sharing the file system cannot be seen, and would count as dead.
    static func isDead(_ pid: pid_t) -> Bool {
        guard pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
