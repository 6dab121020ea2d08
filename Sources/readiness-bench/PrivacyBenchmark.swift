import Foundation
import Git
import Ledger

/// The cost of pseudonymity: the same work on a pseudonymous ledger and on a plain one. Rows
/// put the pseudonymous figure under "ours" and the plain one under "git" (the ratio is then
/// plain/pseudonymous: below 1 means pseudonymity costs that much).
enum PrivacyBenchmark {
    static func run(world: BenchWorld, events: Int, rounds: Int) throws -> [BenchRow] {
        let plainSignOff = try signOffs(world: world, ledger: world.path("privacy-plain.git"), pseudonymous: false, rounds: rounds)
        let pseudonymousSignOff = try signOffs(world: world, ledger: world.path("privacy-pseudonymous.git"), pseudonymous: true, rounds: rounds)
        let plain = world.path("privacy-plain-\(events).git")
        try LedgerGenerator.generate(world: world, ledger: plain, events: events)
        let pseudonymous = try generatePseudonymous(world: world, events: events)
        let label = events >= 1000 ? "\(events / 1000)k" : "\(events)"
        func processMedian(_ arguments: [String]) throws -> Double {
            _ = try world.timeProcess(world.readiness, arguments)
            return median(try (0..<rounds).map { _ in try world.timeProcess(world.readiness, arguments) })
        }
        let crowded = try pseudonymousWithTexts(world: world, texts: events)
        let crowdedSignOff = try signOffs(world: world, ledger: crowded, pseudonymous: nil, rounds: rounds)
        return [
            BenchRow(name: "sign-off with note: pseudonymous vs plain", ours: median(pseudonymousSignOff), git: median(plainSignOff)),
            BenchRow(name: "sign-off, directory of \(label) texts vs plain", ours: median(crowdedSignOff), git: median(plainSignOff)),
            BenchRow(name: "status \(label): pseudonymous vs plain",
                     ours: try processMedian(["status", "--json", "--ledger", pseudonymous]), git: try processMedian(["status", "--json", "--ledger", plain])),
            BenchRow(name: "timeline \(label) --json: pseudonymous vs plain",
                     ours: try processMedian(["timeline", "--json", "--skip-signatures", "--ledger", pseudonymous]),
                     git: try processMedian(["timeline", "--json", "--skip-signatures", "--ledger", plain])),
        ]
    }

    /// Alternating check (with a note) and uncheck (with a reason) of one item: a pseudonymous
    /// ledger seals each text into the directory (a second signed commit) before the sign-off.
    /// `pseudonymous` nil: the ledger exists already.
    private static func signOffs(world: BenchWorld, ledger: String, pseudonymous: Bool?, rounds: Int) throws -> [Double] {
        if let pseudonymous { try world.shell(world.readiness, ["init", ledger] + (pseudonymous ? ["--pseudonymous"] : [])) }
        return try (0..<rounds).map { round in
            let arguments = round % 2 == 0 ? ["check", "1.1", "--note", "round \(round)"] : ["uncheck", "1.1", "--reason", "round \(round)"]
            return try world.timeProcess(world.readiness, arguments + ["--ledger", ledger])
        }
    }

    /// A signed pseudonymous ledger (its history verifies, so it can be written to) whose
    /// directory already holds `texts` sealed texts, as after that many sign-offs with notes.
    private static func pseudonymousWithTexts(world: BenchWorld, texts: Int) throws -> String {
        let ledger = world.path("ledger-pseudonymous-texts-\(texts).git")
        try world.shell(world.readiness, ["init", "--pseudonymous", ledger])
        let repository = try Repository.open(at: ledger)
        let directory = try repository.referenceTarget(LedgerLayout.directoryReference)!
        let author = try repository.commit(directory).committer
        var stream = Data("commit \(LedgerLayout.directoryReference)\ncommitter \(author.name) <\(author.email)> \(author.time) +0000\ndata 10\ndirectory\nfrom \(directory.hex)\n".utf8)
        for index in 0..<texts {
            let sealed = SealedText(sealing: "Sjekket runde \(index)")
            let text = Data("\(author.name) \(sealed.salt)\n\(sealed.text)".utf8)
            stream.append(Data("M 100644 inline texts/\(sealed.commitment)\ndata \(text.count)\n".utf8))
            stream.append(text)
            stream.append(Data("\n".utf8))
        }
        let result = try ProcessRunner.run("/usr/bin/git", ["--git-dir", ledger, "fast-import", "--quiet", "--force"], stdin: stream,
                                           environment: world.environment)
        guard result.status == 0 else { throw BenchError("git fast-import failed: \(result.stderrText)") }
        return ledger
    }

    /// A pseudonymous ledger of `events` sign-offs, like `LedgerGenerator`'s (unsigned, no
    /// back-links) but by the root pseudonym with sealed notes, and a directory holding every
    /// text (written unsigned by fast-import: status and timeline do not judge it).
    private static func generatePseudonymous(world: BenchWorld, events: Int) throws -> String {
        let ledger = world.path("ledger-pseudonymous-\(events).git")
        try world.shell(world.readiness, ["init", "--pseudonymous", ledger])
        let store = try LedgerStore.open(at: ledger)
        let snapshot = try store.snapshot()
        let items = snapshot.checklist.allItems
        let name = snapshot.commit.committer.name, email = snapshot.commit.committer.email
        let start = snapshot.commit.committer.time + 60
        let directory = try Repository.open(at: ledger).referenceTarget(LedgerLayout.directoryReference)!
        var stream = Data()
        var texts = Data("commit \(LedgerLayout.directoryReference)\ncommitter \(name) <\(email)> \(start) +0000\ndata 10\ndirectory\nfrom \(directory.hex)\n".utf8)
        var states = [ItemState](repeating: .open, count: items.count)
        for event in 0..<events {
            let slot = event % items.count
            let item = items[slot]
            let time = start + Int64(event) * 60
            let next: ItemState = states[slot] == .done ? .open : .done
            let action: ItemAction = next == .done ? .check : .uncheck
            let sealed = SealedText(sealing: action == .check ? "Sjekket runde \(event)" : "Må gjøres på nytt")
            let record = ItemRecord(item: item.fullID, state: next, action: action, by: Person(name: name, email: email, key: nil),
                                    at: CommitTime.iso8601(time), note: sealed.stored,
                                    evidence: action == .check ? [.link("https://ci.example.no/run/\(event)")] : [],
                                    waivedUntil: nil, previous: [])
            let message = "\(action.rawValue) \(item.fullID): \(item.item.title)\n\nReadiness-Item: \(item.fullID)\nReadiness-Action: \(action.rawValue)\nReadiness-State: \(states[slot].rawValue) -> \(next.rawValue)\n"
            states[slot] = next
            let content = record.encoded()
            var block = "commit refs/heads/main\nmark :\(event + 1)\ncommitter \(name) <\(email)> \(time) +0000\n"
            block += "data \(message.utf8.count)\n\(message)\n"
            block += event == 0 ? "from \(snapshot.commit.id.hex)\n" : "from :\(event)\n"
            block += "M 100644 inline \(item.path)\ndata \(content.count)\n"
            stream.append(Data(block.utf8))
            stream.append(content)
            stream.append(Data("\n".utf8))
            let text = Data("\(name) \(sealed.salt)\n\(sealed.text)".utf8)
            texts.append(Data("M 100644 inline texts/\(sealed.commitment)\ndata \(text.count)\n".utf8))
            texts.append(text)
            texts.append(Data("\n".utf8))
        }
        stream.append(texts)
        let result = try ProcessRunner.run("/usr/bin/git", ["--git-dir", ledger, "fast-import", "--quiet", "--force"], stdin: stream,
                                           environment: world.environment)
        guard result.status == 0 else { throw BenchError("git fast-import failed: \(result.stderrText)") }
        return ledger
    }
}
