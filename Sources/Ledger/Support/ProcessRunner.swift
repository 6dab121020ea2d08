import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an external program produced: its exit status and everything it wrote.
public struct ProcessResult: Sendable {
    /// The exit status, or 128 + signal number when the program was killed by a signal (as a shell reports it).
    public var status: Int32
    /// Everything the program wrote to standard output.
    public var stdout: Data
    /// Everything the program wrote to standard error.
    public var stderr: Data

    /// Creates a result from its parts.
    public init(status: Int32, stdout: Data, stderr: Data) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard error as text, trimmed, for putting into a one-line error message.
    public var stderrText: String {
        String(decoding: stderr, as: UTF8.self).trimming(.whitespacesAndNewlines)
    }
}

/// Runs an external program; stdin bytes in, stdout/stderr/exit status out. `posix_spawn`
/// underneath, and one `poll` loop on the calling thread that feeds stdin and drains both
/// output pipes, so a child that fills one pipe while we write another cannot deadlock us.
public enum ProcessRunner {
    /// Runs `executable` (a name looked up in PATH, or a path containing "/") with `arguments`,
    /// feeding it `stdin` and collecting both output streams until it exits.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; `nil` inherits this process's environment.
    ///   - timeout: when given, the program is terminated (SIGTERM, then SIGKILL) after this many
    ///     seconds and a `.signing` error is thrown, so a program waiting for a passphrase or a
    ///     stuck agent cannot hang the caller forever.
    ///   - failure: the error kind for a program that cannot be found, started or finished in time:
    ///     `.signing` for signers (the default), `.storage` for git.
    /// - Throws: `LedgerError(failure)` naming the program when it cannot be found or started, or timed out.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        stdin: Data = Data(),
        environment: [String: String]? = nil,
        timeout: TimeInterval? = nil,
        failure: LedgerError.Kind = .signing
    ) throws -> ProcessResult {
        let path = try resolve(executable, environment: environment, failure: failure)
        let child: SpawnedChild
        do {
            child = try SpawnedChild(path: path, arguments: [executable] + arguments, environment: environment)
        } catch let error as SpawnFailure {
            throw LedgerError(failure, "cannot start \(executable): \(error.reason)", hint: "check that \(executable) is installed and runnable")
        }
        let deadline = timeout.map { Monotonic.now() + Int64(($0 * 1000).rounded(.up)) }
        let output = child.exchange(stdin, deadline: deadline)
        let status = child.waitForExit()
        if output.timedOut {
            throw LedgerError(failure, "\(executable) did not finish within \(Int(timeout ?? 0)) seconds and was stopped")
        }
        return ProcessResult(status: status, stdout: output.stdout, stderr: output.stderr)
    }

    /// Finds the program the way a shell would: a name containing "/" is used as given,
    /// anything else is searched in PATH (the given environment's PATH, else ours).
    static func resolve(_ executable: String, environment: [String: String]?, failure: LedgerError.Kind = .signing) throws -> String {
        if executable.isEmpty {
            throw LedgerError(failure, "cannot start a program with an empty name", hint: "check the program settings in git config")
        }
        if executable.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw LedgerError(failure, "cannot start \(executable): no such executable file", hint: "check the path")
            }
            return executable
        }
        let searchPath = environment?["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(executable)"
            var isDirectory = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
               !isDirectory,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw LedgerError(failure, "cannot start \(executable): not found in PATH", hint: "install \(executable) or put it on PATH")
    }
}

/// Milliseconds of the monotonic clock, for deadlines that a change of the wall clock cannot move.
private enum Monotonic {
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

/// Why `posix_spawn` or a pipe could not be set up, as the system says it.
private struct SpawnFailure: Error {
    let reason: String
    init(_ code: Int32) { reason = String(cString: strerror(code)) }
}

/// A started child with pipes on its standard input, output and error.
private struct SpawnedChild {
    let pid: pid_t
    /// Our ends: the child's stdin (write), stdout and stderr (read).
    let input: Int32, output: Int32, errors: Int32

    /// Pipes and spawns are made one at a time: a pipe end is marked close-on-exec only after
    /// `pipe` returns, and a child spawned by another thread in between would inherit it and
    /// hold that pipe open (glibc's `pipe2` is not visible to Swift).
    private static let spawning = Mutex(())

    init(path: String, arguments: [String], environment: [String: String]?) throws {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }

        (pid, input, output, errors) = try Self.spawning.withLock { _ in
            var ends: [(read: Int32, write: Int32)] = []
            defer {
                // The child's ends are the child's now (or nobody's, when the spawn failed).
                for (index, end) in ends.enumerated() { close(index == 0 ? end.read : end.write) }
            }
            for _ in 0..<3 {
                var pair: [Int32] = [0, 0]
                guard pipe(&pair) == 0 else {
                    let code = errno
                    for (index, end) in ends.enumerated() { close(index == 0 ? end.write : end.read) }
                    throw SpawnFailure(code)
                }
                _ = fcntl(pair[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pair[1], F_SETFD, FD_CLOEXEC)
                ends.append((pair[0], pair[1]))
            }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, ends[0].read, STDIN_FILENO)
            posix_spawn_file_actions_adddup2(&actions, ends[1].write, STDOUT_FILENO)
            posix_spawn_file_actions_adddup2(&actions, ends[2].write, STDERR_FILENO)
            // As Foundation.Process did: the child gets no other descriptor of ours, even one
            // opened without close-on-exec, and runs in a process group of its own.
            for descriptor in Self.openDescriptors() where descriptor > STDERR_FILENO {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            var child: pid_t = 0
            let code = argv.withUnsafeBufferPointer { arguments in
                if let envp {
                    return envp.withUnsafeBufferPointer { posix_spawn(&child, path, &actions, &attributes, arguments.baseAddress!, $0.baseAddress) }
                }
                return posix_spawn(&child, path, &actions, &attributes, arguments.baseAddress!, environ)
            }
            guard code == 0 else {
                for (index, end) in ends.enumerated() { close(index == 0 ? end.write : end.read) }
                throw SpawnFailure(code)
            }
            return (child, ends[0].write, ends[1].read, ends[2].read)
        }
    }

    /// Writes `stdin` to the child and reads both of its outputs until they end, or until
    /// `deadline` (monotonic milliseconds): then SIGTERM, and SIGKILL two seconds later.
    /// Closes our three ends.
    func exchange(_ stdin: Data, deadline: Int64?) -> (stdout: Data, stderr: Data, timedOut: Bool) {
        // A child that exits without reading its input makes our write fail with EPIPE; SIGPIPE
        // is blocked on this thread meanwhile so it cannot kill the whole process, the way git
        // ignores SIGPIPE around its signers. The child was spawned with our mask unchanged.
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        var brokenPipe = false
        defer {
            if brokenPipe {
                // Consume the pending SIGPIPE so it is never delivered once the mask is lifted.
                var immediately = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&blocked, nil, &immediately)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        // Our end of stdin never blocks: poll says there is room, not how much.
        _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)

        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var inputOpen = true, outputOpen = true, errorsOpen = true
        var written = 0
        var timedOut = false
        var killAt: Int64?
        if stdin.isEmpty { close(input); inputOpen = false }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while outputOpen || errorsOpen || inputOpen {
            var fds: [pollfd] = []
            if inputOpen { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if outputOpen { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            if errorsOpen { fds.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
            var wait: Int32 = -1
            if let limit = killAt ?? deadline {
                wait = Int32(clamping: max(0, limit - Monotonic.now()))
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if killAt == nil {
                    timedOut = true
                    kill(pid, SIGTERM)
                    killAt = Monotonic.now() + 2000
                    continue
                }
                kill(pid, SIGKILL)
                break
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == input {
                    let count = stdin.withUnsafeBytes { bytes in
                        write(input, bytes.baseAddress! + written, min(bytes.count - written, 65_536))
                    }
                    if count > 0 {
                        written += count
                    } else if count < 0, errno == EAGAIN || errno == EINTR {
                        continue
                    } else {
                        brokenPipe = count < 0 && errno == EPIPE
                    }
                    if count <= 0 || written == stdin.count {
                        // Closed exactly once; the child sees end of input.
                        close(input)
                        inputOpen = false
                    }
                } else {
                    let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        if entry.fd == output { stdout += buffer[..<count] } else { stderr += buffer[..<count] }
                    } else if count < 0, errno == EAGAIN || errno == EINTR {
                        continue
                    } else {
                        close(entry.fd)
                        if entry.fd == output { outputOpen = false } else { errorsOpen = false }
                    }
                }
            }
        }
        if inputOpen { close(input) }
        if outputOpen { close(output) }
        if errorsOpen { close(errors) }
        return (Data(stdout), Data(stderr), timedOut)
    }

    /// Reaps the child: its exit status, or 128 + the signal that killed it (as a shell reports it).
    func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 128 + SIGKILL }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Our open descriptors: /proc/self/fd where there is one, else every number below the limit.
    private static func openDescriptors() -> [Int32] {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return names.compactMap { Int32($0) }
        }
        return Array(0..<min(Int32(getdtablesize()), 4096))
    }
}

extension ProcessRunner {
    /// `environment` without the variables that point git at a particular repository: a hook
    /// runs with the product repository's GIT_DIR and friends, and none may leak into a git
    /// command aimed at the ledger.
    public static func gitEnvironment(_ environment: [String: String]) -> [String: String] {
        var clean = environment
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH", "GIT_PREFIX"] {
            clean[key] = nil
        }
        return clean
    }
}
