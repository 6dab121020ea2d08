import Foundation
import Ledger
import ServerFixtures

/// A throwaway HOME with an SSH signing key configured for git, where benchmarks run both
/// `readiness` and stock git with identical settings.
final class BenchWorld {
    let root: URL
    var environment: [String: String]
    let keyPath: String
    let readiness: String

    init(readiness: String) throws {
        self.readiness = readiness
        root = FileManager.default.temporaryDirectory.appendingPathComponent("readiness-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("READINESS_") }
        environment["HOME"] = root.path
        environment["GIT_CONFIG_GLOBAL"] = root.appendingPathComponent(".gitconfig").path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        self.environment = environment
        keyPath = root.appendingPathComponent("id_ed25519").path
        try shell("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench@example.no", "-f", keyPath)
        for (key, value) in [("user.name", "Bench"), ("user.email", "bench@example.no"), ("gpg.format", "ssh"),
                             ("user.signingkey", keyPath), ("init.defaultBranch", "main")] {
            try shell("/usr/bin/git", "config", "--global", key, value)
        }
    }

    deinit {
        // READINESS_BENCH_KEEP=1 keeps the generated ledgers for profiling.
        if ProcessInfo.processInfo.environment["READINESS_BENCH_KEEP"] == "1" {
            FileHandle.standardError.write(Data("readiness-bench: kept \(root.path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(at: root)
        }
    }

    /// A path inside the world.
    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Runs a program, throwing with its stderr when it fails; returns stdout.
    @discardableResult
    func shell(_ program: String, _ arguments: String..., in directory: String? = nil, extra: [String: String] = [:]) throws -> String {
        try shell(program, arguments, in: directory, extra: extra)
    }

    /// Array form of `shell`.
    @discardableResult
    func shell(_ program: String, _ arguments: [String], in directory: String? = nil, extra: [String: String] = [:]) throws -> String {
        var environment = self.environment.merging(extra) { $1 }
        if let directory { environment["PWD"] = directory }
        let command = directory.map { _ in "/bin/sh" } ?? program
        let commandArguments = directory.map { ["-c", "cd \"$0\" && exec \"$@\"", $0, program] + arguments } ?? arguments
        let result = try ProcessRunner.run(command, commandArguments, environment: environment)
        guard result.status == 0 else {
            throw BenchError("\(program) \(arguments.joined(separator: " ")) failed: \(result.stderrText)")
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Wall time of one call, in milliseconds.
    func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    }
}

/// The world hosts the shared fixture servers (ServerFixtures) for the sync benchmark.
extension BenchWorld: ServerHost {
    var homePath: String { root.path }
    var rootPath: String { root.path }

    func runProgram(_ executable: String, _ arguments: [String]) throws -> ProgramResult {
        let result = try ProcessRunner.run(executable, arguments, environment: environment)
        return ProgramResult(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self), stderr: result.stderrText)
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Median of a sample.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// One row of a results table: ours beside git's, with the ratio git/ours (above 1: we are faster).
struct BenchRow {
    let name: String
    let ours: Double
    let git: Double?

    var formatted: String {
        let gitText = git.map { String(format: "%10.2f", $0) } ?? "         -"
        let ratio = git.map { String(format: "%8.2f×", $0 / ours) } ?? "        -"
        return name.padding(toLength: 58, withPad: " ", startingAt: 0) + String(format: "%10.2f", ours) + gitText + ratio
    }

    static let header = "benchmark".padding(toLength: 58, withPad: " ", startingAt: 0) + "   ours ms    git ms  git/ours"
}
