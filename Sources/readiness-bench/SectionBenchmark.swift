import Foundation

/// `status` and `gate` on a ledger whose checklist has N items in one section (as a new user
/// may import one), beside stock git reading the same tree and every item file. Run at two or
/// more sizes, the rows show whether the cost grows linearly with N: it once grew with N².
enum SectionBenchmark {
    static func run(world: BenchWorld, itemCounts: [Int], rounds: Int) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        for count in itemCounts {
            var markdown = "# Stor liste\n\n## 1. Alt {#alt}\n\n"
            for index in 1...count { markdown += "- [ ] Punkt nummer \(index) i den store seksjonen\n" }
            let checklist = world.path("section-\(count).md")
            try Data(markdown.utf8).write(to: URL(fileURLWithPath: checklist))
            let ledger = world.path("section-\(count).git")
            try world.shell(world.readiness, ["init", ledger, "--checklist", checklist])
            // The gate blocks (exit 20): every item is open.
            let gateArguments = ["gate", "--require", "alt", "--ledger", ledger]
            _ = try world.timeProcess(world.readiness, gateArguments, exitCode: 20)  // warms the verification cache
            var status: [Double] = [], gate: [Double] = [], git: [Double] = []
            for _ in 0..<rounds {
                status.append(try world.timeProcess(world.readiness, ["status", "--json", "--ledger", ledger]))
                gate.append(try world.timeProcess(world.readiness, gateArguments, exitCode: 20))
                git.append(try world.timeProcess("/bin/sh", ["-c", "git --git-dir \"$0\" ls-tree -r main | awk '{print $3}' | git --git-dir \"$0\" cat-file --batch", ledger]))
            }
            let label = "[\(count) items, 1 section]"
            rows.append(BenchRow(name: "\(label) status vs ls-tree -r + cat-file --batch", ours: median(status), git: median(git)))
            rows.append(BenchRow(name: "\(label) gate vs ls-tree -r + cat-file --batch", ours: median(gate), git: median(git)))
        }
        return rows
    }
}
