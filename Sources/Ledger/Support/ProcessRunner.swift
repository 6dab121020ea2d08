import FoundationEssentials
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
            // argv[0] is the resolved path, as Foundation.Process gave it.
            child = try SpawnedChild(path: path, arguments: [path] + arguments, environment: environment)
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
