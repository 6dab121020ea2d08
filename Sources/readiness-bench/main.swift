import Foundation

// readiness-bench: measures readiness beside stock git on the same machine and prints medians
// side by side as ratios (git/ours: above 1 means readiness is faster).
// Usage: readiness-bench [startup] [signoff] [gate] [section] [queries] [verify] [sync] [privacy] [ancestry] [--rounds N] [--sizes 1000,10000,100000]
//        [--items 1000,10000] [--commits N] [--incoming N]
// `sync` runs only when named (it is slow to set up): --commits events in the ledger, --incoming new sign-offs.
// `startup`: `--version` beside git's, and the binary's size.
// `section`: status and gate on a checklist of --items items in one section.
// `privacy` runs only when named: pseudonymous beside plain ledgers, --commits events.
// `ancestry` runs only when named: a sign-off of an item last changed N commits ago, N from --sizes.
// `readiness-bench layout [--output FILE]` times nothing: it writes the release link's function
// order (default Sources/readiness/Layout/hot-functions.txt; see LayoutProfile).

let arguments = Array(CommandLine.arguments.dropFirst())

let usageLine = "usage: readiness-bench [startup] [signoff] [gate] [section] [queries] [verify] [sync] [privacy] [ancestry] [--rounds N] [--sizes N,N,…] [--items N,N,…] [--commits N] [--incoming N]\n"
    + "       readiness-bench layout [--output FILE]\n"

/// Stops with a usage message: a mistyped option must not silently run the defaults.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(Data("readiness-bench: \(problem)\n\(usageLine)".utf8))
    exit(2)
}

if arguments.contains("--help") || arguments.contains("-h") {
    print(usageLine, terminator: "")
    exit(0)
}
let knownOptions: Set<String> = ["--rounds", "--sizes", "--items", "--commits", "--incoming", "--output"]
if let unknown = arguments.first(where: { $0.hasPrefix("-") && !knownOptions.contains($0) }) { usage("unknown option '\(unknown)'") }

/// The positive whole numbers after `option` (comma-separated), or `fallback` when it is absent.
func numbers(after option: String, _ fallback: [Int]) -> [Int] {
    guard let index = arguments.firstIndex(of: option) else { return fallback }
    guard index + 1 < arguments.count else { usage("\(option) needs a value") }
    let values = arguments[index + 1].split(separator: ",").map { Int($0) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { usage("\(option) takes positive whole numbers, not '\(arguments[index + 1])'") }
    return values.compactMap { $0 }
}

let rounds = numbers(after: "--rounds", [30])[0]
let outputPath: String? = arguments.firstIndex(of: "--output").map { index in
    guard index + 1 < arguments.count else { usage("--output needs a value") }
    return arguments[index + 1]
}
let sizes = numbers(after: "--sizes", [1_000, 10_000, 100_000])
let itemCounts = numbers(after: "--items", [1_000, 10_000])
let commits = numbers(after: "--commits", [10_000])[0]
let incoming = numbers(after: "--incoming", [1_000])[0]
let knownSuites: Set<String> = ["startup", "signoff", "gate", "section", "queries", "verify", "sync", "privacy", "ancestry", "layout"]
let optionValues = Set(knownOptions.compactMap { option in arguments.firstIndex(of: option).map { $0 + 1 } })
let suites = arguments.indices.filter { !arguments[$0].hasPrefix("--") && !optionValues.contains($0) }.map { arguments[$0] }
if let unknown = suites.first(where: { !knownSuites.contains($0) }) { usage("unknown suite '\(unknown)'") }
let readiness = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("readiness").path

guard FileManager.default.isExecutableFile(atPath: readiness) else {
    FileHandle.standardError.write(Data("readiness-bench: build readiness first (swift build -c release)\n".utf8))
    exit(2)
}

do {
    let world = try BenchWorld(readiness: readiness)
    if suites.contains("layout") {
        guard suites == ["layout"] else { usage("layout runs alone") }
        let output = outputPath ?? "Sources/readiness/Layout/hot-functions.txt"
        let count = try LayoutProfile.write(world: world, to: output)
        print("readiness-bench: \(count) functions written to \(output)")
    }
    var rows: [BenchRow] = []
    if suites.isEmpty || suites.contains("startup") {
        rows += try StartupBenchmark.run(world: world, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("signoff") {
        rows += try SignOffBenchmark.run(world: world, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("gate") {
        rows += try GateBenchmark.run(world: world, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("section") {
        rows += try SectionBenchmark.run(world: world, itemCounts: itemCounts, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("queries") {
        rows += try QueryBenchmark.run(world: world, sizes: sizes, rounds: rounds)
    }
    if suites.isEmpty || suites.contains("verify") {
        rows += try VerifyBenchmark.run(world: world, commits: commits, rounds: rounds)
    }
    if suites.contains("privacy") {
        rows += try PrivacyBenchmark.run(world: world, events: commits, rounds: rounds)
    }
    if suites.contains("ancestry") {
        rows += try AncestryBenchmark.run(world: world, sizes: sizes, rounds: rounds)
    }
    if suites.contains("sync") {
        rows += try SyncBenchmark.run(world: world, events: commits, incoming: incoming, rounds: min(rounds, 5))
    }
    if !rows.isEmpty {
        print(BenchRow.header)
        rows.forEach { print($0.formatted) }
    }
} catch {
    FileHandle.standardError.write(Data("readiness-bench: \(error)\n".utf8))
    exit(1)
}
