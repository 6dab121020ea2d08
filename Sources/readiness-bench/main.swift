import Foundation

// readiness-bench: measures readiness beside stock git on the same machine and prints medians
// side by side as ratios (git/ours: above 1 means readiness is faster).
// Usage: readiness-bench [signoff] [gate] [queries] [verify] [sync] [--rounds N] [--sizes 1000,10000,100000] [--commits N] [--incoming N]
// `sync` runs only when named (it is slow to set up): --commits events in the ledger, --incoming new sign-offs.

let arguments = Array(CommandLine.arguments.dropFirst())
let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 30
let sizes = arguments.firstIndex(of: "--sizes").map { arguments[$0 + 1].split(separator: ",").compactMap { Int($0) } } ?? [1_000, 10_000, 100_000]
let commits = arguments.firstIndex(of: "--commits").flatMap { Int(arguments[$0 + 1]) } ?? 10_000
let suites = arguments.filter { !$0.hasPrefix("--") && Int($0) == nil && !$0.contains(",") }
let readiness = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("readiness").path

guard FileManager.default.isExecutableFile(atPath: readiness) else {
    FileHandle.standardError.write(Data("readiness-bench: build readiness first (swift build -c release)\n".utf8))
    exit(2)
}

do {
    let world = try BenchWorld(readiness: readiness)
    var rows: [BenchRow] = []
    if suites.isEmpty || suites.contains("signoff") {
        rows += try SignOffBenchmark.run(world: world, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("gate") {
        rows += try GateBenchmark.run(world: world, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("queries") {
        rows += try QueryBenchmark.run(world: world, sizes: sizes, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("verify") {
        rows += try VerifyBenchmark.run(world: world, commits: commits, rounds: rounds)
    }
    if suites.contains("sync") {
        let incoming = arguments.firstIndex(of: "--incoming").flatMap { Int(arguments[$0 + 1]) } ?? 1_000
        rows += try SyncBenchmark.run(world: world, events: commits, incoming: incoming, rounds: min(rounds, 5))
    }
    print(BenchRow.header)
    rows.forEach { print($0.formatted) }
} catch {
    FileHandle.standardError.write(Data("readiness-bench: \(error)\n".utf8))
    exit(1)
}
