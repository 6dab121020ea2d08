import Foundation
import XCTest

/// The output of one process run by a test.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A throwaway world for one test: its own HOME and global git config, a fresh SSH key
/// configured for signing exactly as a git user would, and helpers to run the built
/// `readiness` binary and stock `git` in it.
final class Sandbox {
    let root: URL
    let home: URL
    var environment: [String: String]
    let keyPath: String
    let email = "kari@example.no"
    let name = "Kari Nordmann"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("readiness-e2e-\(UUID().uuidString)")
        home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("GIT_") || key.hasPrefix("READINESS_") || key == "SSH_AUTH_SOCK" {
            environment[key] = nil
        }
        environment["HOME"] = home.path
        environment["GIT_CONFIG_GLOBAL"] = home.appendingPathComponent(".gitconfig").path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["TZ"] = "UTC"
        self.environment = environment
        keyPath = home.appendingPathComponent("id_ed25519").path
        try makeKey(at: keyPath, comment: email)
        try git("config", "--global", "user.name", name)
        try git("config", "--global", "user.email", email)
        try git("config", "--global", "gpg.format", "ssh")
        try git("config", "--global", "user.signingkey", keyPath)
        try git("config", "--global", "init.defaultBranch", "main")
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// A path inside the sandbox.
    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A stranger's forgery written with stock git: clones `ledger` into `folder`, marks the
    /// item files under `items` done, commits them unsigned and pushes them back.
    func pushUnsignedDone(_ items: String, to ledger: String, through folder: String, message: String = "done, trust me") throws {
        let work = path(folder)
        try git("clone", "-q", ledger, work)
        for item in try git("ls-files", items, in: work).split(separator: "\n") {
            let file = "\(work)/\(item)"
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "\"open\"", with: "\"done\"").write(toFile: file, atomically: true, encoding: .utf8)
        }
        try git("-c", "commit.gpgsign=false", "commit", "-q", "-am", message, in: work)
        try git("push", "-q", "origin", "main", in: work)
    }

    /// Creates a ledger from the shipped checklist at `name` inside the sandbox and returns its path.
    func makeLedger(_ name: String = "ledger.git") throws -> String {
        let ledger = path(name)
        let result = try readiness("init", ledger)
        guard result.status == 0 else { throw SandboxError("readiness init failed: \(result.stderr)") }
        return ledger
    }

    /// Generates an unencrypted Ed25519 key pair.
    func makeKey(at path: String, comment: String, passphrase: String = "", type: String = "ed25519") throws {
        let result = try run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-C", comment, "-f", path])
        guard result.status == 0 else { throw SandboxError("ssh-keygen failed: \(result.stderr)") }
    }

    /// The `readiness` binary built next to the test bundle.
    static var binary: String {
        Bundle.main.bundleURL.appendingPathComponent("readiness").path
    }

    /// Runs `readiness` with `arguments`.
    @discardableResult
    func readiness(_ arguments: String..., in directory: String? = nil, environment extra: [String: String] = [:]) throws -> RunResult {
        try run(Sandbox.binary, arguments, in: directory, environment: extra)
    }

    /// Runs `readiness` and fails the test unless it exits 0.
    @discardableResult
    func readinessOK(_ arguments: String..., in directory: String? = nil, environment extra: [String: String] = [:],
                     file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let result = try run(Sandbox.binary, arguments, in: directory, environment: extra)
        XCTAssertEqual(result.status, 0, "readiness \(arguments.joined(separator: " ")) failed: \(result.stderr)", file: file, line: line)
        return result
    }

    /// Runs stock git and returns its trimmed standard output; throws when it fails.
    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil, environment extra: [String: String] = [:]) throws -> String {
        let result = try run("/usr/bin/git", arguments, in: directory, environment: extra)
        guard result.status == 0 else {
            throw SandboxError("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs stock git and returns the whole result, failing or not.
    func gitResult(_ arguments: [String], in directory: String? = nil) throws -> RunResult {
        try run("/usr/bin/git", arguments, in: directory)
    }

    /// Runs any program with the sandbox's environment.
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
             environment extra: [String: String] = [:], stdin: Data = Data()) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? root.path)
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus,
                         stdout: String(decoding: outputData, as: UTF8.self),
                         stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// Writes an allowed-signers file trusting the sandbox key for its e-mail, for stock git.
    func allowedSignersFile(from ledger: String) throws -> String {
        let path = self.path("allowed_signers-\(UUID().uuidString)")
        let content = try git("--git-dir", ledger, "show", "main:trust/allowed_signers")
        try (content + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Appends `publicKeyFile`'s key for `email` to `trust/allowed_signers` in the working clone
    /// `work`, as an attacker would with a text editor, and returns the commit message a
    /// `readiness trust add` of that key would carry (for a stock-git commit).
    func appendTrustByHand(in work: String, email: String, publicKeyFile: String) throws -> String {
        let publicKey = try String(contentsOfFile: publicKeyFile, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(work)/trust/allowed_signers"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(email) namespaces=\"git\" \(publicKey)\n".utf8))
        try handle.close()
        let fingerprint = try run("/usr/bin/ssh-keygen", ["-l", "-f", publicKeyFile]).stdout.split(separator: " ")[1]
        return "trust-add \(email): \(fingerprint)\n\nReadiness-Action: trust-add\nReadiness-Principal: \(email)\nReadiness-Key: \(fingerprint)\n"
    }

    /// Runs `git verify-commit` on `commit` with the given allowed-signers file.
    func verifyCommit(_ commit: String, ledger: String, allowedSigners: String) throws -> RunResult {
        try run("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowedSigners)", "verify-commit", commit])
    }
}

extension Sandbox {
    /// The list a query's `--json` output carries (`events`, `items` or `changes`), after
    /// checking that the output is one object with a `schema`.
    static func jsonList(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text, file: file, line: line)
        XCTAssertTrue((object["schema"] as? String)?.hasPrefix("readiness/") == true, text, file: file, line: line)
        for key in ["events", "items", "changes", "signers"] {
            if let list = object[key] as? [[String: Any]] { return list }
        }
        throw SandboxError("no list in: \(text.prefix(200))")
    }
}

/// A failure of the sandbox itself, not of the code under test.
struct SandboxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
