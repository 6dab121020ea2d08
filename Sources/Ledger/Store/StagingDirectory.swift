import Foundation

/// A directory built beside its final path and renamed into place only when complete, so a
/// process killed at any moment leaves either nothing at the final path or the finished result
/// (rename(2) is atomic). The name carries the builder's process id
/// (`.readiness-<purpose>-<pid>-<random>`), so a later run can tell what a killed builder left
/// behind from what a live one is still building, and remove only the former.
struct StagingDirectory {
    /// Where it is being built.
    let path: String
    /// Where `publish` puts it: the final path, with symbolic links resolved when it exists.
    let destination: String

    /// Creates an empty staging directory beside `destination`, creating missing parent
    /// directories, after removing stale staging directories of dead processes there.
    init(for destination: String, purpose: String) throws {
        let fileManager = FileManager.default
        // An existing destination (an empty directory init may fill) is replaced where it really
        // is; renaming onto a symbolic link would replace the link instead.
        let resolved = fileManager.fileExists(atPath: destination) ? Self.realPath(destination) ?? destination : destination
        let parent = (resolved as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let prefix = ".readiness-\(purpose)-"
        Self.removeStale(in: directory, prefix: prefix)
        while true {
            let candidate = (directory as NSString).appendingPathComponent("\(prefix)\(getpid())-\(UInt32.random(in: .min ... .max))")
            // mkdir reserves the name atomically; a clash (same pid and random value) just retries.
            if mkdir(candidate, 0o777) == 0 {
                path = candidate
                break
            }
            guard errno == EEXIST else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: candidate,
                                                               NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
            }
        }
        self.destination = resolved
    }

    /// Moves the finished directory to its destination in one rename. An existing empty
    /// directory there is replaced (keeping its permission bits) only when
    /// `replacingEmptyDirectory`; anything else there is left alone and `conflict` is thrown.
    func publish(replacingEmptyDirectory: Bool, conflict: @autoclosure () -> Error) throws {
        var status = stat()
        if lstat(destination, &status) == 0 {
            guard replacingEmptyDirectory, (status.st_mode & S_IFMT) == S_IFDIR else { throw conflict() }
            _ = chmod(path, status.st_mode & 0o7777)
        }
        guard rename(path, destination) == 0 else {
            // ENOTEMPTY/EEXIST: someone filled the destination meanwhile; EBUSY: a mount point.
            if errno == ENOTEMPTY || errno == EEXIST { throw conflict() }
            throw LedgerError(.storage, "cannot move the finished repository to \(destination): \(String(cString: strerror(errno)))",
                              hint: errno == EBUSY ? "\(destination) is a mount point; use a new path inside it" : "check permissions")
        }
    }

    /// Removes the staging directory, after a failure. Does nothing once it was published.
    func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes `prefix<pid>-…` directories in `directory` whose process no longer exists.
    static func removeStale(in directory: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-", maxSplits: 1).first.flatMap({ pid_t($0) }),
                  ProcessLiveness.isDead(pid) else { continue }
            let stale = (directory as NSString).appendingPathComponent(name)
            var status = stat()
            guard lstat(stale, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
            try? FileManager.default.removeItem(atPath: stale)
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Whether a process that wrote a pid-named temporary file is still running.
enum ProcessLiveness {
    /// True only when no process with `pid` exists (kill(pid, 0) fails with ESRCH). A live
    /// process of another user (EPERM) counts as alive, and so does this process. A process
    /// in another pid namespace sharing the file system cannot be seen, and would count as dead.
    static func isDead(_ pid: pid_t) -> Bool {
        guard pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
