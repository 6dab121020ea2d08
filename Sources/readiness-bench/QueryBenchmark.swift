import Foundation
import Git
import Ledger

/// Queries on generated ledgers of growing size, beside the stock git commands that answer
/// the same question on the same repository.
enum QueryBenchmark {
    static func run(world: BenchWorld, sizes: [Int], rounds: Int) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        for size in sizes {
            let ledger = world.path("ledger-\(size).git")
            try LedgerGenerator.generate(world: world, ledger: ledger, events: size)
            rows += try measure(world: world, ledger: ledger, size: size, rounds: rounds)
        }
        return rows
    }

    private static func measure(world: BenchWorld, ledger: String, size: Int, rounds: Int) throws -> [BenchRow] {
        let label = size >= 1000 ? "\(size / 1000)k" : "\(size)"
        let item = "1.1"
        let path = "items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json"
        let format = "--format=%H%x00%an%x00%ae%x00%ct%x00%B"
        let git = "/usr/bin/git"
        let noGraph = ["-c", "core.commitGraph=false"]

        try? FileManager.default.removeItem(atPath: "\(ledger)/readiness")
        let cold = try world.timeProcess(world.readiness, ["timeline", "--json", "--skip-signatures", "--ledger", ledger])
        try world.shell(git, ["--git-dir", ledger, "commit-graph", "write", "--reachable", "--changed-paths"])

        func processMedian(_ program: String, _ arguments: [String]) throws -> Double {
            median(try (0..<rounds).map { _ in try world.timeProcess(program, arguments) })
        }
        func inProcessMedian(_ body: () throws -> Void) throws -> Double {
            try body()
            return median(try (0..<rounds).map { _ in try world.time(body) })
        }
        let store = try LedgerStore.open(at: ledger)

        let historyInProcess = try inProcessMedian { _ = try LedgerQueries(store: LedgerStore.open(at: ledger)).history(of: item) }
        let history = try processMedian(world.readiness, ["history", item, "--json", "--skip-signatures", "--ledger", ledger])
        let gitHistoryGraph = try processMedian(git, ["--git-dir", ledger, "log", format, "--", path])
        let gitHistoryPlain = try processMedian(git, noGraph + ["--git-dir", ledger, "log", format, "--", path])

        let blameInProcess = try inProcessMedian { _ = try LedgerQueries(store: LedgerStore.open(at: ledger)).blame(section: nil) }
        let blame = try processMedian(world.readiness, ["blame", "--json", "--skip-signatures", "--ledger", ledger])
        let paths = try store.snapshot().checklist.allItems.map(\.path)
        let gitBlame = try median((0..<max(3, rounds / 3)).map { _ in
            try paths.reduce(0.0) { total, path in try total + world.timeProcess(git, ["--git-dir", ledger, "log", "-1", format, "--", path]) }
        })

        let timeline = try processMedian(world.readiness, ["timeline", "--json", "--skip-signatures", "--ledger", ledger])
        let gitTimeline = try processMedian(git, ["--git-dir", ledger, "log", format])

        let statusInProcess = try inProcessMedian {
            let store = try LedgerStore.open(at: ledger)
            _ = try StatusReport(snapshot: store.snapshot(), lookup: EventLookup(store: store))
        }
        let status = try processMedian(world.readiness, ["status", "--json", "--ledger", ledger])
        let asOf = try processMedian(world.readiness, ["status", "--json", "--as-of", "main~\(size / 2)", "--ledger", ledger])
        func gitTreeRead(_ revision: String) throws -> Double {
            try processMedian("/bin/sh", ["-c", "git --git-dir '\(ledger)' ls-tree -r \(revision) | awk '{print $3}' | git --git-dir '\(ledger)' cat-file --batch"])
        }
        let gitTree = try gitTreeRead("main")
        let gitTreeThen = try gitTreeRead("main~\(size / 2)")
        let peak = try world.peakMemoryKB(world.readiness, ["timeline", "--json", "--skip-signatures", "--ledger", ledger])

        return [
            BenchRow(name: "[\(label)] index build, cold (timeline process)", ours: cold, git: nil),
            BenchRow(name: "[\(label)] history 1 item, in process", ours: historyInProcess, git: nil),
            BenchRow(name: "[\(label)] history 1 item vs git log -- path (Bloom)", ours: history, git: gitHistoryGraph),
            BenchRow(name: "[\(label)] history 1 item vs git log -- path (no graph)", ours: history, git: gitHistoryPlain),
            BenchRow(name: "[\(label)] blame 56 items, in process", ours: blameInProcess, git: nil),
            BenchRow(name: "[\(label)] blame 56 items vs 56× git log -1 -- path", ours: blame, git: gitBlame),
            BenchRow(name: "[\(label)] timeline JSON vs git log --format", ours: timeline, git: gitTimeline),
            BenchRow(name: "[\(label)] status, in process", ours: statusInProcess, git: nil),
            BenchRow(name: "[\(label)] status vs ls-tree -r + cat-file --batch", ours: status, git: gitTree),
            BenchRow(name: "[\(label)] status --as-of main~\(size / 2) vs the same in git", ours: asOf, git: gitTreeThen),
            BenchRow(name: "[\(label)] peak memory of timeline, MB", ours: Double(peak) / 1024, git: nil),
        ]
    }
}
