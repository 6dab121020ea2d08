import Foundation
import XCTest

/// A checklist with thousands of items in one section, as a new user may import one: every
/// command that reads all items must read each item's own file and agree with stock git.
/// (Not timed: timed assertions are flaky on shared machines; readiness-bench measures speed.)
final class BigSectionTests: XCTestCase {
    private let itemCount = 3_000

    func testStatusAndGateReadEveryItemOfAHugeSection() throws {
        let box = try Sandbox()
        var markdown = "# Stor liste\n\n## 1. Alt {#alt}\n\n"
        for index in 1...itemCount { markdown += "- [ ] Punkt nummer \(index) {#p\(index)}\n" }
        markdown += "\n## 2. Litt {#litt}\n\n- [ ] Det siste {#siste}\n"
        let checklist = box.path("stor.md")
        try markdown.write(toFile: checklist, atomically: true, encoding: .utf8)
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger, "--checklist", checklist)
        // Init writes one pack, not a loose object per item file, and git reads it whole.
        let objects = try box.git("--git-dir", ledger, "count-objects", "-v")
        XCTAssertTrue(objects.contains("count: 0\n") && objects.contains("packs: 1\n"), objects)
        try box.git("--git-dir", ledger, "fsck", "--strict")
        let signed = ["1.1", "1.\(itemCount / 2)", "1.\(itemCount)"]
        for number in signed { try box.readinessOK("check", number, "--ledger", ledger) }
        try box.readinessOK("waive", "1.2", "--reason", "senere", "--until", "2099-01-01", "--ledger", ledger)

        let files = try box.git("--git-dir", ledger, "ls-tree", "--name-only", "main:items/alt").split(separator: "\n")
        XCTAssertEqual(files.count, itemCount, "one file per item, as git sees the tree")

        try FileManager.default.removeItem(atPath: "\(ledger)/readiness")
        let statusRun = try box.readinessOK("status", "--json", "--ledger", ledger)
        XCTAssertEqual(statusRun.stderr, "", "a cold index build shows progress only on a terminal, and stderr is a pipe here")
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(statusRun.stdout.utf8)) as? [String: Any])
        let sections = try XCTUnwrap(status["sections"] as? [[String: Any]])
        XCTAssertEqual(sections.first?["total"] as? Int, itemCount)
        XCTAssertEqual(sections.first?["done"] as? Int, signed.count)
        XCTAssertEqual(sections.first?["waived"] as? Int, 1)
        XCTAssertEqual(sections.first?["open"] as? Int, itemCount - signed.count - 1)
        let items = try XCTUnwrap(status["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, itemCount + 1)
        // Each state is its own file's, read back through stock git.
        for index in [0, 1, 2, itemCount / 2 - 1, itemCount - 1, itemCount] {
            let id = try XCTUnwrap(items[index]["item"] as? String)
            let file = try box.git("--git-dir", ledger, "show", "main:items/\(id).json")
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(file.utf8)) as? [String: Any])
            XCTAssertEqual(items[index]["state"] as? String, record["state"] as? String, id)
        }
        XCTAssertEqual(items[itemCount - 1]["state"] as? String, "done")
        XCTAssertEqual(items[itemCount]["item"] as? String, "litt/siste")

        let gate = try box.readiness("gate", "--require", "alt", "--json", "--ledger", ledger)
        XCTAssertEqual(gate.status, 20, gate.stderr)
        let verdict = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(gate.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(verdict["requiredItems"] as? Int, itemCount)
        let missing = try XCTUnwrap(verdict["missing"] as? [[String: Any]])
        XCTAssertEqual(missing.count, itemCount - signed.count - 1)
        XCTAssertEqual(missing.first?["number"] as? String, "1.3")
        XCTAssertFalse(missing.contains { signed.contains($0["number"] as? String ?? "") })
    }
}
