import Foundation
import Git
import Ledger

/// `readiness verify --full` on a ledger of N signed sign-offs beside `git log --show-signature`
/// with the same allowed-signers file, and an incremental verify after one new sign-off beside
/// `git verify-commit` of that commit. The ledger is generated in-process, signed natively.
enum VerifyBenchmark {
    static func run(world: BenchWorld, commits: Int, rounds: Int) throws -> [BenchRow] {
        let ledger = world.path("verify-\(commits).git")
        let generation = try world.time { try generate(world: world, ledger: ledger, commits: commits) }
        FileHandle.standardError.write(Data("readiness-bench: generated \(commits) signed commits in \(Int(generation)) ms\n".utf8))
        let allowed = world.path("verify-allowed_signers")
        try world.shell("/usr/bin/git", "--git-dir", ledger, "show", "main:trust/allowed_signers").write(toFile: allowed, atomically: true, encoding: .utf8)

        // The first full run must be clean: it also proves the generator wrote valid ledger commits.
        try world.shell(world.readiness, "verify", "--full", "--ledger", ledger)
        var full: [Double] = []
        for _ in 0..<max(1, min(rounds, 5)) {
            full.append(try world.timeProcess(world.readiness, ["verify", "--full", "--ledger", ledger]))
        }
        let git = try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "log", "--show-signature"])

        // The gate judges the whole history: cold (no verification cache, as on a fresh CI
        // runner) it is a full verification; warm, it starts from the cached verified commit.
        // It blocks (exit 20) on this ledger; time it through sh so the exit code is the shell's.
        let cache = ledger + "/readiness/verified-head"
        var gateCold: [Double] = []
        var gateWarm: [Double] = []
        var gitHead: [Double] = []
        for _ in 0..<max(1, min(rounds, 5)) {
            gateCold.append(try world.timeProcess("/bin/sh", ["-c", "rm -f \"$2\" && \"$0\" gate --ledger \"$1\" >/dev/null; [ $? -eq 20 ]",
                                                              world.readiness, ledger, cache]))
        }
        for _ in 0..<rounds {
            gateWarm.append(try world.timeProcess("/bin/sh", ["-c", "\"$0\" gate --ledger \"$1\" >/dev/null; [ $? -eq 20 ]", world.readiness, ledger]))
            gitHead.append(try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", "main"]))
        }

        var incremental: [Double] = []
        var gitOne: [Double] = []
        for round in 0..<rounds {
            // One new sign-off: check the item, or uncheck it when it is already done.
            do {
                try world.shell(world.readiness, "check", "2.1", "--ledger", ledger)
            } catch {
                try world.shell(world.readiness, "uncheck", "2.1", "--reason", "runde \(round)", "--ledger", ledger)
            }
            incremental.append(try world.timeProcess(world.readiness, ["verify", "--ledger", ledger]))
            gitOne.append(try world.timeProcess("/usr/bin/git", ["--git-dir", ledger, "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "verify-commit", "main"]))
        }
        return [
            BenchRow(name: "verify --full, \(commits) commits vs git log --show-signature", ours: median(full), git: git),
            BenchRow(name: "verify after one new commit vs git verify-commit", ours: median(incremental), git: median(gitOne)),
            BenchRow(name: "gate, \(commits) commits, cold cache vs git log --show-signature", ours: median(gateCold), git: git),
            BenchRow(name: "gate, \(commits) commits, warm cache vs git verify-commit", ours: median(gateWarm), git: median(gitHead)),
        ]
    }

    /// A ledger of `commits` sign-offs cycling over every item (check, then uncheck, …), each
    /// signed with the world's key, written as `readiness check`/`uncheck` write them.
    private static func generate(world: BenchWorld, ledger: String, commits: Int) throws {
        let signer = try NativeEd25519Signer(privateKeyFile: world.keyPath)
        let email = "bench@example.no"
        let identity = GitIdentity(name: "Bench", email: email,
                                   signing: SigningConfiguration(format: "ssh", signingKey: world.keyPath, committerName: "Bench", committerEmail: email))
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let start: Int64 = 1_780_000_000
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "bench"), root: try signer.keyIdentity(), email: email)
        let store = try LedgerStore.create(at: ledger, blueprint: blueprint, identity: identity, signer: signer,
                                           environment: ["GIT_COMMITTER_DATE": "@\(start) +0000"])
        // The generator writes commits directly, the way a fast importer would; it is a benchmark tool, not a ledger writer.
        let repository = try Repository.open(at: ledger)
        var head = try store.head()
        var tree = try repository.commit(head).treeID
        let items = checklist.allItems
        var records = Dictionary(uniqueKeysWithValues: items.map { ($0.fullID, ItemRecord.created($0.fullID)) })
        var lastChange = Dictionary(uniqueKeysWithValues: items.map { ($0.fullID, head) })
        let key = signer.publicKey?.fingerprint
        for n in 0..<commits {
            let item = items[n % items.count]
            let time = start + Int64(n) + 1
            let before = records[item.fullID]!
            var after = before
            after.state = before.state == .done ? .open : .done
            after.action = after.state == .done ? .check : .uncheck
            after.by = Person(name: "Bench", email: email, key: key)
            after.at = CommitTime.iso8601(time)
            after.note = "runde \(n)"
            after.evidence = after.state == .done ? [.link("https://example.no/bevis/\(n)")] : []
            after.previous = [lastChange[item.fullID]!.hex]
            var trailers = [("Item", item.fullID), ("Action", after.action.rawValue), ("State", "\(before.state.rawValue) -> \(after.state.rawValue)")]
            trailers += after.evidence.map { ("Evidence", $0.summary) }
            let message = LedgerCommitMessage(action: after.action.rawValue, subjectID: item.fullID, title: item.item.title,
                                              body: after.note ?? "", trailers: trailers)
            tree = try repository.updatedTree(tree, applying: [.write(path: item.path, contents: after.encoded())])
            let person = GitSignature(name: "Bench", email: email, time: time, offsetMinutes: 0)
            let buffer = try repository.commitBuffer(tree: tree, parents: [head], author: person, committer: person, message: message.text)
            let commit = try repository.writeCommit(buffer: buffer, signature: signer.sign(buffer))
            records[item.fullID] = after
            lastChange[item.fullID] = commit
            head = commit
        }
        try repository.compareAndSwapReference(store.branch, to: head, expecting: try store.head(), message: "readiness-bench: generated")
    }
}
