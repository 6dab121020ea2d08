import Foundation

/// One `readiness gate` over the shipped 56-item checklist (a whole process: find the ledger
/// through `readiness.ledger`, open it, verify the head's signature, read one tree), beside
/// `git status` in the same product repository.
enum GateBenchmark {
    static func run(world: BenchWorld, rounds: Int) throws -> [BenchRow] {
        let ledger = world.path("gate-ledger.git")
        try world.shell(world.readiness, ["init", ledger])
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
        return [BenchRow(name: "gate, 56 items (one tree) vs git status", ours: median(gate), git: median(status))]
    }
}
