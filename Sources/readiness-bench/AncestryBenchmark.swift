import Foundation
import Git
import Ledger

/// A sign-off of an item last changed N commits ago: the writer's judge confirms the item's
/// back-link to that commit, and before the verified-introducers record it did so with a walk
/// of the N commits in between (`git_graph_descendant_of`). The other sign-off benchmark
/// alternates one item, whose last change is always one commit back, so it cannot show this.
enum AncestryBenchmark {
    static func run(world: BenchWorld, sizes: [Int], rounds: Int) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        for size in sizes {
            let ledger = world.path("ancestry-\(size).git")
            let cold = try generate(world: world, ledger: ledger, coldItems: rounds, events: size)
            // The first command after generation verifies the whole history once (one-off).
            try world.shell(world.readiness, ["status", "--ledger", ledger])
            var samples: [Double] = []
            for item in cold {
                samples.append(try world.timeProcess(world.readiness, ["uncheck", item, "--reason", "stale", "--ledger", ledger]))
            }
            rows.append(BenchRow(name: "sign-off of an item last changed \(size) commits ago", ours: median(samples), git: nil))
        }
        return rows
    }

    /// A ledger where `coldItems` items are checked first, then one other item is checked and
    /// unchecked `events` times; returns the cold items' full ids.
    static func generate(world: BenchWorld, ledger: String, coldItems: Int, events: Int) throws -> [String] {
        let signer = try NativeEd25519Signer(privateKeyFile: world.keyPath)
        let email = "bench@example.no"
        let identity = GitIdentity(name: "Bench", email: email,
                                   signing: SigningConfiguration(format: "ssh", signingKey: world.keyPath, committerName: "Bench", committerEmail: email))
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let items = checklist.allItems
        guard coldItems < items.count else { throw BenchError("the shipped checklist has only \(items.count) items; use --rounds below that") }
        let start: Int64 = 1_780_000_000
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "bench"), root: try signer.keyIdentity(), email: email)
        let store = try LedgerStore.create(at: ledger, blueprint: blueprint, identity: identity, signer: signer,
                                           environment: ["GIT_COMMITTER_DATE": "@\(start) +0000"])
        let repository = try Repository.open(at: ledger)
        let records = Dictionary(uniqueKeysWithValues: items.map { ($0.fullID, ItemRecord.created($0.fullID)) })
        let cold = Array(items.prefix(coldItems))
        let order = cold + Array(repeating: items[coldItems], count: events)
        try LedgerGenerator.appendEvents(to: repository, branch: store.branch, root: try store.head(), items: order, records: records,
                                         start: start, events: order.count, signer: signer, name: "Bench", email: email) { n, _ in
            "event \(n)"
        }
        return cold.map(\.fullID)
    }
}
