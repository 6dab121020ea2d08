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
        let records = Dictionary(uniqueKeysWithValues: checklist.allItems.map { ($0.fullID, ItemRecord.created($0.fullID)) })
        let progress = ProgressReport("readiness-bench: generating signed events", total: events)
        defer { progress.finish() }
        try appendEvents(to: repository, branch: store.branch, root: root, items: checklist.allItems, records: records, start: start,
                         events: events, signer: signer, name: "Bench", email: email, progress: progress) { n, state in
            state == .done ? "Sjekket runde \(n)" : "Må gjøres på nytt"
        }
    }

    /// Appends `events` signed sign-offs to `branch` at `root`, checking and unchecking `items`
    /// in turn one second apart from `start`, each with its back-link, written into one pack;
    /// `note` is the text event `n` stores on its way to `state` (a plain note, or a sealed
    /// text's commitment).
    static func appendEvents(to repository: Repository, branch: String, root: ObjectID, items: [ChecklistItemRef],
                             records initial: [String: ItemRecord], start: Int64, events: Int, signer: NativeEd25519Signer,
                             name: String, email: String, progress: ProgressReport? = nil,
                             note: (Int, ItemState) -> String) throws {
        let key = signer.publicKey?.fingerprint
        let head = try repository.writingOnePack { scratch in
            var head = root
            var tree = try scratch.commit(head).treeID
            var records = initial
            var lastChange = Dictionary(items.map { ($0.fullID, head) }) { first, _ in first }
            for n in 0..<events {
                let item = items[n % items.count]
                let time = start + Int64(n) + 1
                let before = records[item.fullID]!
                var after = before
                after.state = before.state == .done ? .open : .done
                after.action = after.state == .done ? .check : .uncheck
                after.by = Person(name: name, email: email, key: key)
                after.at = CommitTime.iso8601(time)
                after.note = note(n, after.state)
                after.evidence = after.state == .done ? [.link("https://ci.example.no/run/\(n)")] : []
                after.previous = [lastChange[item.fullID]!.hex]
                var trailers = [("Item", item.fullID), ("Action", after.action.rawValue), ("State", "\(before.state.rawValue) -> \(after.state.rawValue)")]
                trailers += after.evidence.map { ("Evidence", $0.summary) }
                let message = LedgerCommitMessage(action: after.action.rawValue, subjectID: item.fullID, title: item.item.title,
                                                  body: after.note ?? "", trailers: trailers)
                tree = try scratch.updatedTree(tree, applying: [.write(path: item.path, contents: after.encoded())])
                let person = GitSignature(name: name, email: email, time: time, offsetMinutes: 0)
                let buffer = try scratch.commitBuffer(tree: tree, parents: [head], author: person, committer: person, message: message.text)
                head = try scratch.writeCommit(buffer: buffer, signature: signer.sign(buffer))
                records[item.fullID] = after
                lastChange[item.fullID] = head
                progress?.update(n + 1)
            }
            return head
        }
        try repository.compareAndSwapReference(branch, to: head, expecting: root, message: "readiness-bench: generated")
    }
}
