import Foundation
import Git
import Ledger

/// `readiness verify --full` on a ledger of N signed sign-offs beside `git log --show-signature`
/// with the same allowed-signers file, and an incremental verify after one new sign-off beside
/// `git verify-commit` of that commit. The ledger is generated in-process, signed natively.
enum VerifyBenchmark {
    static func run(world: BenchWorld, commits: Int, rounds: Int) throws -> [BenchRow] {
        let ledger = world.path("verify-\(commits).git")
        let generation = try world.time { try LedgerGenerator.generate(world: world, ledger: ledger, events: commits) }
        FileHandle.standardError.write(Data("readiness-bench: generated \(commits) signed commits in \(Int(generation)) ms\n".utf8))
        let allowed = world.path("verify-allowed_signers")
        try world.shell("/usr/bin/git", "--git-dir", ledger, "show", "main:trust/allowed_signers").write(toFile: allowed, atomically: true, encoding: .utf8)

        // The first full run must be clean: it also proves the generator wrote valid ledger commits.
        try world.shell(world.readiness, "verify", "--full", "--ledger", ledger)
        var full: [Double] = []
        for _ in 0..<max(1, min(rounds, 5)) {
            full.append(try world.timeProcess(world.readiness, ["verify", "--full", "--ledger", ledger]))
        }
        let git = try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "log", "--show-signature"])

        // The gate judges the whole history: cold (no verification cache, as on a fresh CI
        // runner) it is a full verification; warm, it starts from the cached verified commit.
        // It blocks (exit 20) on this ledger; time it through sh so the exit code is the shell's.
        let cache = ledger + "/readiness/verified-head"
        var gateCold: [Double] = []
        var gateWarm: [Double] = []
        var gitHead: [Double] = []
        for _ in 0..<max(1, min(rounds, 5)) {
            gateCold.append(try world.timeProcess("/bin/sh", ["-c", "rm -f \"$2\" && \"$0\" gate --ledger \"$1\" >/dev/null; [ $? -eq 20 ]",
                                                              world.readiness, ledger, cache]))
        }
        for _ in 0..<rounds {
            gateWarm.append(try world.timeProcess("/bin/sh", ["-c", "\"$0\" gate --ledger \"$1\" >/dev/null; [ $? -eq 20 ]", world.readiness, ledger]))
            gitHead.append(try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", "main"]))
        }

        var incremental: [Double] = []
        var gitOne: [Double] = []
        for round in 0..<rounds {
            // One new sign-off: check the item, or uncheck it when it is already done.
            do {
                try world.shell(world.readiness, "check", "2.1", "--ledger", ledger)
            } catch {
                try world.shell(world.readiness, "uncheck", "2.1", "--reason", "runde \(round)", "--ledger", ledger)
            }
            incremental.append(try world.timeProcess(world.readiness, ["verify", "--ledger", ledger]))
            gitOne.append(try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", "main"]))
        }
        return [
            BenchRow(name: "verify --full, \(commits) commits vs git log --show-signature", ours: median(full), git: git),
            BenchRow(name: "verify after one new commit vs git verify-commit", ours: median(incremental), git: median(gitOne)),
            BenchRow(name: "gate, \(commits) commits, cold cache vs git log --show-signature", ours: median(gateCold), git: git),
            BenchRow(name: "gate, \(commits) commits, warm cache vs git verify-commit", ours: median(gateWarm), git: median(gitHead)),
        ]
    }
}
