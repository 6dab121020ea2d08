import Foundation

/// One `readiness check` (a whole process: open, sign, write, move the branch) beside
/// `git add` + `git commit -S` making the same kind of change in an ordinary repository.
enum SignOffBenchmark {
    static func run(world: BenchWorld, rounds: Int) throws -> [BenchRow] {
        let native = try signOffs(world: world, ledger: world.path("native.git"), rounds: rounds, extra: [:])
        // The same key through ssh-keygen and an agent: the path git itself takes.
        let socket = world.path("agent.sock")
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer {
            agent.terminate()
            agent.waitUntilExit()
        }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        let agentEnvironment = ["SSH_AUTH_SOCK": socket]
        try world.shell("/usr/bin/ssh-add", ["-q", world.keyPath], extra: agentEnvironment)
        try world.shell("/usr/bin/git", "config", "--global", "user.signingkey", world.keyPath + ".pub")
        let viaSSHKeygen = try signOffs(world: world, ledger: world.path("agent.git"), rounds: rounds, extra: agentEnvironment)
        try world.shell("/usr/bin/git", "config", "--global", "user.signingkey", world.keyPath)
        let git = try gitCommits(world: world, rounds: rounds)
        return [
            BenchRow(name: "sign-off, native Ed25519 vs git add+commit -S", ours: median(native), git: median(git)),
            BenchRow(name: "sign-off, ssh-keygen vs git add+commit -S", ours: median(viaSSHKeygen), git: median(git)),
        ]
    }

    /// Alternating check and uncheck of one item, so every round is a real change.
    private static func signOffs(world: BenchWorld, ledger: String, rounds: Int, extra: [String: String]) throws -> [Double] {
        try world.shell(world.readiness, ["init", ledger], extra: extra)
        var samples: [Double] = []
        for round in 0..<rounds {
            let arguments = round % 2 == 0 ? ["check", "1.1", "--note", "round \(round)"] : ["uncheck", "1.1", "--reason", "round \(round)"]
            samples.append(try world.timeProcess(world.readiness, arguments + ["--ledger", ledger], extra: extra))
        }
        return samples
    }

    private static func gitCommits(world: BenchWorld, rounds: Int) throws -> [Double] {
        let repository = world.path("plain")
        try world.shell("/usr/bin/git", "init", "-q", repository)
        let file = "\(repository)/item.json"
        var samples: [Double] = []
        for round in 0..<rounds {
            try Data("{\"round\": \(round)}\n".utf8).write(to: URL(fileURLWithPath: file))
            samples.append(try world.timeProcess("/usr/bin/git", ["-C", repository, "add", "item.json"])
                + world.timeProcess("/usr/bin/git", ["-C", repository, "commit", "-q", "-S", "-m", "round \(round)"]))
        }
        return samples
    }
}
