import Foundation

/// Process start-up alone: `readiness --version` beside `git --version`, alternating, so both
/// meet the same machine load. Reports the median and the fastest run of each: start-up is a
/// few milliseconds, where one scheduling delay shows in a median but never in a minimum.
/// Also the release binary's size, in MB, in place of a time (no git figure).
enum StartupBenchmark {
    static func run(world: BenchWorld, rounds: Int) throws -> [BenchRow] {
        // Start-up is short: ten times the rounds cost less than one round of a query suite.
        let runs = rounds * 10
        var ours: [Double] = []
        var git: [Double] = []
        for _ in 0..<runs {
            ours.append(try world.timeProcess(world.readiness, ["--version"]))
            git.append(try world.timeProcess("/usr/bin/git", ["--version"]))
        }
        let bytes = try FileManager.default.attributesOfItem(atPath: world.readiness)[.size] as? Int ?? 0
        return [
            BenchRow(name: "--version vs git --version, median", ours: median(ours), git: median(git)),
            BenchRow(name: "--version vs git --version, fastest", ours: ours.min() ?? 0, git: git.min()),
            BenchRow(name: "release binary, MB (not ms)", ours: Double(bytes) / 1_000_000, git: nil),
        ]
    }
}
