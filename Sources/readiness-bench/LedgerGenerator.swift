import Foundation
import Git
import Ledger

/// Builds a ledger of N sign-off events over the shipped checklist that verifies like one
/// written by `readiness check`/`uncheck`: each event signed with the world's key (natively)
/// and carrying its back-link. It has to, since status and gate judge the whole history (one
/// judge): over unsigned generated events every status re-verified the history. The commits
/// are written straight into one pack, the way a fast importer would; this is a benchmark
/// tool, not a ledger writer.
enum LedgerGenerator {
    static func generate(world: BenchWorld, ledger: String, events: Int) throws {
        let signer = try NativeEd25519Signer(privateKeyFile: world.keyPath)
        let email = "bench@example.no"
        let identity = GitIdentity(name: "Bench", email: email,
                                   signing: SigningConfiguration(format: "ssh", signingKey: world.keyPath, committerName: "Bench", committerEmail: email))
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let start: Int64 = 1_780_000_000
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "bench"), root: try signer.keyIdentity(), email: email)
        let store = try LedgerStore.create(at: ledger, blueprint: blueprint, identity: identity, signer: signer,
                                           environment: ["GIT_COMMITTER_DATE": "@\(start) +0000"])
        let repository = try Repository.open(at: ledger)
        let root = try store.head()
        let items = checklist.allItems
        let key = signer.publicKey?.fingerprint
        let progress = ProgressReport("readiness-bench: generating signed events", total: events)
        defer { progress.finish() }
        let head = try repository.writingOnePack { scratch in
            var head = root
            var tree = try scratch.commit(head).treeID
            var records = Dictionary(uniqueKeysWithValues: items.map { ($0.fullID, ItemRecord.created($0.fullID)) })
            var lastChange = Dictionary(uniqueKeysWithValues: items.map { ($0.fullID, head) })
            for n in 0..<events {
                let item = items[n % items.count]
                let time = start + Int64(n) + 1
                let before = records[item.fullID]!
                var after = before
                after.state = before.state == .done ? .open : .done
                after.action = after.state == .done ? .check : .uncheck
                after.by = Person(name: "Bench", email: email, key: key)
                after.at = CommitTime.iso8601(time)
                after.note = after.state == .done ? "Sjekket runde \(n)" : "Må gjøres på nytt"
                after.evidence = after.state == .done ? [.link("https://ci.example.no/run/\(n)")] : []
                after.previous = [lastChange[item.fullID]!.hex]
                var trailers = [("Item", item.fullID), ("Action", after.action.rawValue), ("State", "\(before.state.rawValue) -> \(after.state.rawValue)")]
                trailers += after.evidence.map { ("Evidence", $0.summary) }
                let message = LedgerCommitMessage(action: after.action.rawValue, subjectID: item.fullID, title: item.item.title,
                                                  body: after.note ?? "", trailers: trailers)
                tree = try scratch.updatedTree(tree, applying: [.write(path: item.path, contents: after.encoded())])
                let person = GitSignature(name: "Bench", email: email, time: time, offsetMinutes: 0)
                let buffer = try scratch.commitBuffer(tree: tree, parents: [head], author: person, committer: person, message: message.text)
                let commit = try scratch.writeCommit(buffer: buffer, signature: signer.sign(buffer))
                records[item.fullID] = after
                lastChange[item.fullID] = commit
                head = commit
                progress.update(n + 1)
            }
            return head
        }
        try repository.compareAndSwapReference(store.branch, to: head, expecting: root, message: "readiness-bench: generated")
    }
}
