import Foundation

/// Whom a fixture server serves: a throwaway HOME with its own git configuration, as a test's
/// sandbox or the bench's world. Server set-up edits that configuration as a git user would
/// (`core.sshCommand`, `http.sslCAInfo`, a credential helper), so stock git and the tool under
/// test reach the servers the same way.
public protocol ServerHost: AnyObject {
    /// The environment every program of this host runs with (HOME, GIT_CONFIG_GLOBAL, …).
    /// Servers add `SSH_AUTH_SOCK` while their agent runs.
    var environment: [String: String] { get set }
    /// The private Ed25519 key (its `.pub` beside it) the SSH server accepts and its agent holds.
    var keyPath: String { get }
    /// The HOME whose `.ssh/known_hosts` learns the SSH server's host key.
    var homePath: String { get }
    /// The folder git http-backend serves under `/git/` and server files are kept in.
    var rootPath: String { get }
    /// Runs a program with `environment`, capturing its output.
    func runProgram(_ executable: String, _ arguments: [String]) throws -> ProgramResult
}

extension ServerHost {
    /// A path inside `rootPath`.
    func serverPath(_ relative: String) -> String { rootPath + "/" + relative }

    /// Runs a program and throws with its stderr unless it exits 0; returns its stdout.
    @discardableResult
    func runOrThrow(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try runProgram(executable, arguments)
        guard result.status == 0 else {
            throw FixtureError("\(executable) \(arguments.first ?? "") failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Sets a key in the host's global git configuration.
    func setGlobalGitConfig(_ key: String, _ value: String) throws {
        try runOrThrow("/usr/bin/git", ["config", "--global", key, value])
    }
}

/// What a program run by a host printed, and how it ended.
public struct ProgramResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// A finished program's exit status and output.
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A fixture server that could not be set up: a failure of the test world, not of the code
/// under test.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String

    /// An error saying what could not be set up, and why.
    public init(_ description: String) { self.description = description }
}
