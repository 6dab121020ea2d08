import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds of the monotonic clock, for deadlines that a change of the wall clock cannot move.
enum Monotonic {
    /// The monotonic clock now, in milliseconds.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

/// Why `posix_spawn` or a pipe could not be set up, as the system says it.
struct SpawnFailure: Error {
    let reason: String
    init(_ code: Int32) { reason = String(cString: strerror(code)) }
}

/// A started child with pipes on its standard input, output and error.
struct SpawnedChild {
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
