import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a program with posix_spawn and waits for it, output discarded: the leanest way to
/// time a whole process, so launcher overhead does not blur the comparison with git.
func spawnAndWait(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, program, &fileActions, nil, argv, envp)
    guard status == 0 else { throw BenchError("cannot start \(program): \(String(cString: strerror(status)))") }
    var exitStatus: Int32 = 0
    while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
    return (exitStatus >> 8) & 0xff
}

extension BenchWorld {
    /// Peak resident memory of one run of `program`, in KiB, as GNU time reports it. Not the
    /// ru_maxrss of our own child: posix_spawn starts it as a vfork of this process, and Linux
    /// carries the larger of the two memories across exec, so a bench that had generated a
    /// ledger in process reported its own size.
    func peakMemoryKB(_ program: String, _ arguments: [String]) throws -> Int {
        let report = path("peak-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: report) }
        _ = try timeProcess("/usr/bin/time", ["-f", "%M", "-o", report, program] + arguments)
        guard let kilobytes = Int(try String(contentsOfFile: report, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("/usr/bin/time wrote no peak memory for \(program)")
        }
        return kilobytes
    }

    /// Wall time in milliseconds of running `program` to completion; throws when it exits with
    /// anything but `exitCode` (a blocked gate exits 20).
    func timeProcess(_ program: String, _ arguments: [String], extra: [String: String] = [:], exitCode: Int32 = 0) throws -> Double {
        let environment = self.environment.merging(extra) { $1 }
        var code: Int32 = 0
        let elapsed = try time { code = try spawnAndWait(program, arguments, environment: environment) }
        guard code == exitCode else { throw BenchError("\(program) \(arguments.joined(separator: " ")) exited \(code)") }
        return elapsed
    }
}
