import Foundation
import Git
import Ledger

/// Builds a ledger of N sign-off events over the shipped checklist, fast: `readiness init`
/// (signed), then the events streamed through `git fast-import` as one pack. Events are
/// unsigned and carry no back-links (generation may skip signing); the queries measured do
/// not depend on either.
enum LedgerGenerator {
    static func generate(world: BenchWorld, events: Int) throws -> String {
        let ledger = world.path("ledger-\(events).git")
        try world.shell(world.readiness, ["init", ledger])
        let store = try LedgerStore.open(at: ledger)
        let snapshot = try store.snapshot()
        let items = snapshot.checklist.allItems
        let start = snapshot.commit.committer.time + 60
        var stream = Data()
        var states = [ItemState](repeating: .open, count: items.count)
        let people = [("Kari Nordmann", "kari@example.no"), ("Ola Hansen", "ola@example.no"), ("Åse Ødegård", "ase@example.no")]
        for event in 0..<events {
            let slot = event % items.count
            let item = items[slot]
            let (name, email) = people[event % people.count]
            let time = start + Int64(event) * 60
            let next: ItemState = states[slot] == .done ? .open : .done
            let action: ItemAction = next == .done ? .check : .uncheck
            let record = ItemRecord(item: item.fullID, state: next, action: action, by: Person(name: name, email: email, key: nil),
                                    at: CommitTime.iso8601(time), note: action == .check ? "Sjekket runde \(event)" : "Må gjøres på nytt",
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
        }
        let result = try ProcessRunner.run("/usr/bin/git", ["--git-dir", ledger, "fast-import", "--quiet", "--force"], stdin: stream,
                                           environment: world.environment)
        guard result.status == 0 else { throw BenchError("git fast-import failed: \(result.stderrText)") }
        return ledger
    }
}
