import ArgumentParser
import Foundation
import XCTest
import Ledger
@testable import LedgerCommands

/// The lifecycle's renderers and command lines, without the binary: the update plan, retired
/// items in status, the diff summary.
final class LifecycleRenderingTests: XCTestCase {
    private func checklist(_ text: String, moving: Bool = false) throws -> ChecklistImport {
        try MarkdownChecklistParser.parse(Data(text.utf8), source: "c.md", referencesMayMove: moving)
    }

    func testThePlanListsEveryChangeOnePerLine() throws {
        let current = try checklist("# T\n\n## 1. A {#a}\n- [ ] One\n- [ ] Two\n\n## 2. B {#b}\n- [ ] Three\n").checklist
        let plan = try ChecklistUpdatePlan.make(
            current: current, edited: checklist("# T\n\n## 1. A {#a}\n- [ ] Two, reworded {#a/two}\n\n## 2. B {#b}\n- [ ] Three\n- [ ] One {#a/one}\n", moving: true),
            source: "c.md")
        AssertRendered(ChecklistPlanText.render(plan, head: "0123456789ab"), """
            Plan against 0123456789ab: 1 moved, 1 retitled, 2 renumbered
              moved a/one -> b/one
              retitled a/two: Two -> Two, reworded
              renumbered a/two: 1.2 -> 1.1
              renumbered b/one: 1.1 -> 2.2
            Afterwards: 2 sections, 3 items counted, 0 retired.
            """)
        let same = try ChecklistUpdatePlan.make(current: current, edited: checklist(current.markdown(), moving: true), source: "c.md")
        AssertRendered(ChecklistPlanText.render(same, head: "0123456789ab"),
                       "No changes: the file defines exactly the checklist the ledger has at 0123456789ab.")
    }

    func testStatusListsRetiredItemsApartWhenAsked() throws {
        let report: [String: Any] = [
            "ledger": "Butikk", "head": "0123456789abcdef0123456789abcdef01234567", "today": "2026-03-01",
            "sections": [["section": "a", "number": "1", "title": "A", "total": 1, "done": 0, "waived": 0, "open": 1, "pending": 0]],
            "items": [["item": "a/one", "number": "1.1", "title": "One", "section": "a", "sectionTitle": "A", "state": "open", "evidence": [Any](), "unverified": false, "expired": false]],
            "retired": [["item": "a/two", "number": "1.2", "title": "Two", "section": "a", "sectionTitle": "A", "state": "done",
                         "signerName": "Ola", "time": "2026-02-01T10:00:00Z", "evidence": [Any](), "unverified": false, "expired": false]],
        ]
        let decoded = try JSONDecoder().decode(StatusReport.self, from: JSONSerialization.data(withJSONObject: report))
        AssertRendered(StatusText.render(decoded, itemsToo: true), """
            Butikk — 0/1 done, 0 waived (head 0123456789ab)

            1. A  0/1 done  [..........] 0%
              [ ] 1.1 One  (a/one)

            Retired (1, not counted):
              [x] 1.2 Two  (a/two) — Ola, 2026-02-01T10:00:00Z  [retired from A]
            """)
    }

    func testDiffSummaryCountsStatesAndDefinitionChangesApart() throws {
        func difference(_ kind: String, change: String? = nil) throws -> LedgerQueries.Difference {
            var fields: [String: Any] = ["item": "a/one", "kind": kind]
            if let change { fields["change"] = change }
            return try JSONDecoder().decode(LedgerQueries.Difference.self, from: JSONSerialization.data(withJSONObject: fields))
        }
        XCTAssertEqual(DiffText.summary([try difference("changed")], from: "a", to: "b"), "a → b: 1 item changed")
        XCTAssertEqual(DiffText.summary([try difference("changed"), try difference("added"), try difference("moved", change: "moved x -> a/one")], from: "a", to: "b"),
                       "a → b: 2 items changed, 1 definition change")
    }

    func testLifecycleCommandLinesParse() throws {
        AssertParseCommand(ChecklistUpdateCommand.self, ["checklist", "update", "c.md", "--dry-run", "--base", "abc123"]) { update in
            XCTAssertEqual(update.file, "c.md")
            XCTAssertTrue(update.dryRun)
            XCTAssertEqual(update.base, "abc123")
        }
        AssertParseCommand(ChecklistExportCommand.self, ["checklist", "export", "--out", "x.md"]) { export in
            XCTAssertEqual(export.out, "x.md")
        }
        AssertParseCommand(ShowCommand.self, ["show", "1.1", "--json", "--events", "3"]) { show in
            XCTAssertEqual(show.item, "1.1")
            XCTAssertEqual(show.events, 3)
            XCTAssertTrue(show.output.json)
        }
        AssertParseCommand(StatusCommand.self, ["status", "--all"]) { status in XCTAssertTrue(status.all) }
        XCTAssertThrowsError(try ReadinessCommand.parseAsRoot(["show", "1.1", "--events", "-1"]))
        XCTAssertThrowsError(try ReadinessCommand.parseAsRoot(["checklist", "update"]))
    }
}
