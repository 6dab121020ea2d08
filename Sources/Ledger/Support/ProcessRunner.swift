import Foundation
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
        String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Runs an external program; stdin bytes in, stdout/stderr/exit status out. Foundation.Process underneath.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        // Waited for through the termination handler: Foundation's waitUntilExit() on Linux polls
        // its run loop in 50 ms steps, which made every signature through ssh-keygen 50 ms slower.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }

        do {
            try process.run()
        } catch {
            throw LedgerError(failure, "cannot start \(executable): \(ErrorText.reason(error))", hint: "check that \(executable) is installed and runnable")
        }

        // Each stream gets its own thread: a child that fills the stdout pipe while we are still
        // writing its stdin (or blocked reading stderr) would otherwise deadlock both of us.
        // Dedicated threads rather than Dispatch, so many concurrent runs cannot starve a pool.
        let collected = Collected()
        let done = DispatchGroup()
        startThread(done) { collected.setStdout(outPipe.fileHandleForReading.readDataToEndOfFile()) }
        startThread(done) { collected.setStderr(errPipe.fileHandleForReading.readDataToEndOfFile()) }
        let writer = inPipe.fileHandleForWriting
        startThread(done) {
            writeIgnoringSIGPIPE(stdin, to: writer.fileDescriptor)
            // Closing through the FileHandle (not close(2)) so it is closed exactly once;
            // the child sees end of input.
            try? writer.close()
        }

        var timedOut = false
        if let timeout {
            if done.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                process.terminate()
                if done.wait(timeout: .now() + 2) == .timedOut {
                    kill(process.processIdentifier, SIGKILL)
                }
            }
        }
        done.wait()
        exited.wait()
        if timedOut {
            throw LedgerError(failure, "\(executable) did not finish within \(Int(timeout ?? 0)) seconds and was stopped")
        }
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus
            : process.terminationStatus
        return ProcessResult(status: status, stdout: collected.stdout, stderr: collected.stderr)
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
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
               !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw LedgerError(failure, "cannot start \(executable): not found in PATH", hint: "install \(executable) or put it on PATH")
    }

    private static func startThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.start()
    }

    /// Writes all of `data` to `fd`. A child that exits without reading its input
    /// makes the write fail with EPIPE; SIGPIPE is blocked on this (short-lived, dedicated) thread
    /// so that does not kill our whole process, the way git ignores SIGPIPE around its signers.
    private static func writeIgnoringSIGPIPE(_ data: Data, to fd: Int32) {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        var brokenPipe = false
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = write(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    brokenPipe = errno == EPIPE
                    return
                }
                pointer += written
                remaining -= written
            }
        }
        if brokenPipe {
            // Consume the pending SIGPIPE so it is never delivered once the mask is lifted.
            var timeout = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&blocked, nil, &timeout)
        }
    }
}

/// Output gathered by the reader threads; the lock makes the hand-over to the waiting thread safe.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    func setStdout(_ data: Data) { lock.withLock { out = data } }
    func setStderr(_ data: Data) { lock.withLock { err = data } }
    var stdout: Data { lock.withLock { out } }
    var stderr: Data { lock.withLock { err } }
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
