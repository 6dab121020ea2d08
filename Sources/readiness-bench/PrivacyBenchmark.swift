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

    /// A pseudonymous ledger of `events` sign-offs that verifies like `LedgerGenerator`'s plain
    /// one: each event by the root pseudonym, signed with the world's key (natively), with its
    /// back-link and a sealed note, so status judges it once and then reads the verified cache,
    /// as it does the plain ledger (over unsigned events every status re-judged 10k commits,
    /// which the figure then mostly measured). The directory holds every text and the root's
    /// vouched entry, in one parentless signed commit, so it verifies too.
    private static func generatePseudonymous(world: BenchWorld, events: Int) throws -> String {
        let ledger = world.path("ledger-pseudonymous-\(events).git")
        // In the past, as the plain generator's: 10k events a second apart must not end in the future.
        try world.shell(world.readiness, ["init", "--pseudonymous", ledger], extra: ["GIT_COMMITTER_DATE": "@1780000000 +0000"])
        let store = try LedgerStore.open(at: ledger)
        let snapshot = try store.snapshot()
        let items = snapshot.checklist.allItems
        let name = snapshot.commit.committer.name, email = snapshot.commit.committer.email
        let start = snapshot.commit.committer.time + 60
        let signer = try NativeEd25519Signer(privateKeyFile: world.keyPath)
        let repository = try Repository.open(at: ledger)
        let root = snapshot.commit.id
        let directory = try repository.referenceTarget(LedgerLayout.directoryReference)!
        var texts: [TreeChange] = []
        let records = Dictionary(uniqueKeysWithValues: try items.map { ($0.fullID, try snapshot.record(of: $0)) })
        try LedgerGenerator.appendEvents(to: repository, branch: store.branch, root: root, items: items, records: records, start: start,
                                         events: events, signer: signer, name: name, email: email) { event, state in
            let sealed = SealedText(sealing: state == .done ? "Sjekket runde \(event)" : "Må gjøres på nytt")
            texts.append(.write(path: "texts/\(sealed.commitment)", contents: Data("\(name) \(sealed.salt)\n\(sealed.text)".utf8)))
            return sealed.stored
        }
        // The directory as the writer leaves it: one parentless commit, signed, holding every text.
        let rewritten = try repository.writingOnePack { scratch in
            let tree = try scratch.updatedTree(try scratch.commit(directory).treeID, applying: texts)
            let person = GitSignature(name: name, email: email, time: start + Int64(events) + 1, offsetMinutes: 0)
            let buffer = try scratch.commitBuffer(tree: tree, parents: [], author: person, committer: person, message: "directory: \(events) texts\n")
            return try scratch.writeCommit(buffer: buffer, signature: signer.sign(buffer))
        }
        try repository.compareAndSwapReference(LedgerLayout.directoryReference, to: rewritten, expecting: directory, message: "readiness-bench: generated")
        return ledger
    }
}
