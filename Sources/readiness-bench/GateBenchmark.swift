import Foundation

/// One `readiness gate` over the shipped 56-item checklist (a whole process: find the ledger
/// through `readiness.ledger`, open it, verify the head's signature, read one tree), beside
/// `git status` in the same product repository. A policy is in force (owners, four-eyes,
/// re-certification, waiver rules), so the gate pays for reading and applying it.
enum GateBenchmark {
    static func run(world: BenchWorld, rounds: Int) throws -> [BenchRow] {
        let ledger = world.path("gate-ledger.git")
        try world.shell(world.readiness, ["init", ledger])
        try world.shell(world.readiness, ["policy", "owners", "1", "bench@example.no", "*@example.no", "--ledger", ledger])
        try world.shell(world.readiness, ["policy", "approvals", "2", "2", "--ledger", ledger])
        try world.shell(world.readiness, ["policy", "recertify", "1", "90", "--ledger", ledger])
        try world.shell(world.readiness, ["policy", "waivers", "--approval", "required", "--max-days", "30", "--ledger", ledger])
        // Some history, so that "reads one tree" is measured against a ledger that has some.
        for number in ["1.1", "1.2", "1.3", "2.1", "2.2"] {
            try world.shell(world.readiness, ["check", number, "--ledger", ledger])
        }
        let product = world.path("gate-product")
        try world.shell("/usr/bin/git", "init", "-q", product)
        try world.shell("/usr/bin/git", "-C", product, "config", "readiness.ledger", ledger)
        for index in 0..<200 {
            try Data("file \(index)\n".utf8).write(to: URL(fileURLWithPath: "\(product)/file\(index).txt"))
        }
        try world.shell("/usr/bin/git", "-C", product, "add", ".")
        try world.shell("/usr/bin/git", "-C", product, "commit", "-q", "-m", "product")
        // The gate blocks (exit 20) on this ledger; time it through sh so the exit code is the shell's.
        var gate: [Double] = []
        var status: [Double] = []
        for _ in 0..<rounds {
            gate.append(try world.timeProcess("/bin/sh", ["-c", "cd \"$0\" && \"$1\" gate; [ $? -eq 20 ]", product, world.readiness]))
            status.append(try world.timeProcess("/bin/sh", ["-c", "cd \"$0\" && /usr/bin/git status --porcelain", product]))
        }
        return [BenchRow(name: "gate, 56 items, policy in force (one tree) vs git status", ours: median(gate), git: median(status))]
    }
}
