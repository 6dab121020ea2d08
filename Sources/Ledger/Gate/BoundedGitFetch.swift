import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs stock `git fetch` with a hard time limit.
///
/// Why stock git and not libgit2's `git_remote_fetch`: libgit2 1.5 has no connect or read
/// timeout (server timeouts arrived in 1.7), and its progress callbacks only fire when data
/// arrives, so a stalled connection or an ssh waiting for a host-key answer cannot be bounded
/// from inside the process. Stock git also uses exactly the transports, credentials and ssh
/// configuration the user's `git push` uses. The child runs in its own process group, which is
/// killed as a whole at the deadline (ssh and remote helpers included), and its output goes to
/// a file rather than a pipe, so a lingering grandchild cannot keep us waiting for end of file.
enum BoundedGitFetch {
    /// Fetches the remote's `refs/heads/<branch>` into the same ref of `mirror` (forced), within
    /// `timeout` seconds. By name, never the remote's HEAD: a bare server made with plain
    /// `git init --bare` has HEAD pointing at `master`, which a ledger does not have.
    /// Throws `.storage` naming the URL and git's message, or the timeout.
    static func fetch(url: String, into mirror: String, branch: String, timeout: TimeInterval,
                      environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var childEnvironment = ProcessRunner.gitEnvironment(environment)
        childEnvironment["GIT_TERMINAL_PROMPT"] = "0"
        let git = try ProcessRunner.resolve("git", environment: environment, failure: .storage)
        let arguments = ["git", "--git-dir", mirror, "-c", "fetch.fsckObjects=true", "fetch", "--quiet", "--no-tags",
                         "--no-write-fetch-head", url, "+refs/heads/\(branch):refs/heads/\(branch)"]
        let log = try TemporaryDirectory(prefix: "readiness-fetch-")
        defer { log.remove() }
        let logPath = log.path + "/output"
        let (status, timedOut) = try spawnWithDeadline(git, arguments, environment: childEnvironment, output: logPath, timeout: timeout)
        let output = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            .split(separator: "\n").map { $0.trimming(.whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        if timedOut {
            throw LedgerError(.storage, "fetching the ledger from \(url) did not finish within \(Int(timeout)) seconds",
                              hint: "check the network, or raise git config readiness.fetchTimeout")
        }
        if status != 0, output.contains("couldn't find remote ref") {
            throw LedgerError(.notALedger, "\(url) has no branch \(branch): it is not a readiness ledger",
                              hint: "check the URL in readiness.ledger; a ledger is published with `readiness push`")
        }
        guard status == 0 else {
            throw LedgerError(.storage, "cannot fetch the ledger from \(url): \(output.isEmpty ? "git fetch exited \(status)" : output)",
                              hint: "check the URL in readiness.ledger and your access to it")
        }
    }

    /// Spawns `program` in a new process group with stdin from /dev/null and stdout and stderr to
    /// `output`; kills the group at the deadline. Returns the exit status and whether it timed out.
    private static func spawnWithDeadline(_ program: String, _ arguments: [String], environment: [String: String],
                                          output: String, timeout: TimeInterval) throws -> (Int32, Bool) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw LedgerError(.storage, "cannot start \(program): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited == -1 && errno != EINTR { return (-1, false) }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                return (-1, true)
            }
            usleep(5_000)
        }
        // Whatever the fetch left running in its group (an ssh multiplexer, a helper) goes too.
        kill(-pid, SIGKILL)
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), false)
    }
}
