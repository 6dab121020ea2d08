import Foundation
import Ledger

/// `readiness-bench layout`: the functions everyday commands run, for the release link's
/// `--symbol-ordering-file` (Package.swift, releaseStartup), which puts them together at the
/// start of the code so a command faults in fewer of its pages.
///
/// Each command runs once under callgrind on a fresh ledger of the shipped checklist; the list
/// holds the binary's functions in the order the commands first need them (`--version` first,
/// so start-up code leads). The binary must keep its symbol table: build it with
/// `READINESS_LINK_SYMBOLS=1`. Callgrind counts instructions, so the list does not depend on the
/// machine's load.
enum LayoutProfile {
    /// What people run every day, in the order their code is placed. `uncheck` follows `check`
    /// so the ledger ends as it began; `status --help` brings argument-parser's help path.
    static let everyday: [[String]] = [
        ["--version"], ["status"], ["status", "--json"], ["gate"], ["gate", "--json"],
        ["check", "1.2", "--note", "layout"], ["uncheck", "1.2", "--reason", "layout"],
        ["show", "1.1"], ["history", "1.1"], ["timeline", "--json"], ["verify"], ["due"], ["status", "--help"],
    ]

    /// Writes the list to `output`; returns how many functions it names.
    static func write(world: BenchWorld, to output: String) throws -> Int {
        let defined = try textSymbols(of: world.readiness)
        guard !defined.isEmpty else {
            throw BenchError("\(world.readiness) has no symbol table: build it with READINESS_LINK_SYMBOLS=1 swift build -c release --static-swift-stdlib")
        }
        let ledger = world.path("layout.git")
        try world.shell(world.readiness, "init", ledger)
        try world.shell(world.readiness, "check", "1.1", "--note", "history to show", "--ledger", ledger)
        // Callgrind names the object by its absolute path, symbolic links resolved.
        let object = URL(fileURLWithPath: world.readiness).resolvingSymlinksInPath().path
        var order: [String] = []
        var seen: Set<String> = []
        for command in everyday {
            let profile = world.path("callgrind.out")
            defer { try? FileManager.default.removeItem(atPath: profile) }
            let arguments = command == ["--version"] ? command : command + ["--ledger", ledger]
            // The command's own exit status is not the profile's business (a blocked gate exits 20).
            let result = try ProcessRunner.run("valgrind", ["--tool=callgrind", "--demangle=no", "--compress-strings=no",
                                                            "--callgrind-out-file=\(profile)", world.readiness] + arguments,
                                               environment: world.environment)
            guard let text = try? String(contentsOfFile: profile, encoding: .utf8) else {
                throw BenchError("valgrind wrote no profile for readiness \(arguments.joined(separator: " ")): \(result.stderrText)")
            }
            for name in functions(inProfile: text, object: object) where defined.contains(name) && seen.insert(name).inserted {
                order.append(name)
            }
        }
        guard !order.isEmpty else { throw BenchError("callgrind's profiles name no function of \(object)") }
        let header = """
            # The functions everyday commands run, in the order they first need them: the release link
            # places them first (Package.swift, releaseStartup). Written by `readiness-bench layout`;
            # a renamed function only falls back to its default place. Do not edit by hand.

            """
        try Data((header + order.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: output))
        return order.count
    }

    /// The names of the functions of `object` in a callgrind profile written with uncompressed
    /// names: each `fn=` line names a function of the object named by the last `ob=` line.
    static func functions(inProfile text: String, object: String) -> [String] {
        var inObject = false
        var names: [String] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("ob=") {
                inObject = line.dropFirst(3) == object
            } else if inObject, line.hasPrefix("fn=") {
                names.append(String(line.dropFirst(3)))
            }
        }
        return names
    }

    /// The code symbols `nm` finds defined in `binary` (none when it was stripped).
    private static func textSymbols(of binary: String) throws -> Set<String> {
        let result = try ProcessRunner.run("nm", ["--defined-only", binary])
        var names: Set<String> = []
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, ["t", "T", "w", "W"].contains(fields[1]) { names.insert(String(fields[2])) }
        }
        return names
    }
}
