import Foundation
import XCTest
@testable import Ledger

/// The update plan's matching, on small definitions: by explicit id first, then by unchanged
/// title, never a guess; and the definition differences `verify` judges.
final class ChecklistUpdatePlanTests: XCTestCase {
    private let base = """
        # Release

        ## 1. Security {#sec}
        - [ ] Threat model reviewed {#threats}
        - [ ] Secrets rotated #ops
        - [ ] Pen test done

        ## 2. Operations {#ops}
        - [ ] Runbook written
        - [ ] Backups tested

        """

    private func checklist(_ text: String) throws -> Checklist {
        try MarkdownChecklistParser.parse(Data(text.utf8), source: "base.md").checklist
    }

    private func plan(_ current: Checklist, _ text: String) throws -> ChecklistUpdatePlan {
        try ChecklistUpdatePlan.make(current: current, edited: MarkdownChecklistParser.parse(Data(text.utf8), source: "edit.md", referencesMayMove: true),
                                     source: "edit.md")
    }

    private func kinds(_ plan: ChecklistUpdatePlan) -> [String] { plan.changes.map(\.description) }

    private func assertRefused(_ current: Checklist, _ text: String, line: Int, _ fragment: String, file: StaticString = #filePath, at: UInt = #line) {
        XCTAssertThrowsError(try plan(current, text), file: file, line: at) { error in
            let message = (error as? LedgerError)?.message ?? "\(error)"
            XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput, file: file, line: at)
            XCTAssertTrue(message.hasPrefix("edit.md:\(line): "), message, file: file, line: at)
            XCTAssertTrue(message.contains(fragment), "expected '\(fragment)' in: \(message)", file: file, line: at)
        }
    }

    func testTheExportReimportsAsNoChange() throws {
        let current = try checklist(base)
        XCTAssertTrue(try plan(current, current.markdown()).isEmpty)
        // The same without ids: every line matches by its unchanged title.
        XCTAssertTrue(try plan(current, base).isEmpty)
    }

    func testExplicitIDsAndTitlesMatchEveryKindOfChange() throws {
        let current = try checklist(base)
        let edited = """
            # Release v2

            ## 1. Security and privacy {#sec}
            - [ ] Threat model reviewed and signed {#threats}
            - [ ] Pen test done

            ## 2. Operations {#ops}
            - [ ] Secrets rotated #ops #weekly
            - [ ] Runbook written
            - [ ] Restore drill held

            """
        let result = try plan(current, edited)
        XCTAssertEqual(kinds(result), [
            "title: Release -> Release v2",
            "section-retitled sec: Security -> Security and privacy",
            "added ops/restore-drill-held: Restore drill held",
            "moved sec/secrets-rotated -> ops/secrets-rotated",
            "retitled sec/threats: Threat model reviewed -> Threat model reviewed and signed",
            "retagged ops/secrets-rotated: #ops -> #ops #weekly",
            "retired ops/backups-tested: Backups tested",
            "renumbered sec/pen-test-done: 1.3 -> 1.2",
            "renumbered ops/secrets-rotated: 1.2 -> 2.1",
            "renumbered ops/runbook-written: 2.1 -> 2.2",
        ])
        // The moved item keeps its file; the retired one keeps its record as it stood.
        let moved = try XCTUnwrap(result.checklist.item(withID: "ops/secrets-rotated"))
        XCTAssertEqual(moved.path, "items/sec/secrets-rotated.json")
        // Read from its folder by name: the two halves of the same path, moved or not.
        for ref in result.checklist.everyItem {
            XCTAssertEqual(ref.fileLocation.folder + "/" + ref.fileLocation.name, ref.path)
        }
        XCTAssertEqual(moved.fileLocation.folder, "items/sec")
        XCTAssertEqual(result.checklist.retired, [RetiredItem(current.item(withID: "ops/backups-tested")!)])
        XCTAssertEqual(result.addedItems.map(\.fullID), ["ops/restore-drill-held"])
        XCTAssertTrue(result.checklist.needsLifecycleFormat)
        XCTAssertEqual(DefinitionSummary.trailers(result.changes).map(\.1),
                       ["ops/restore-drill-held", "sec/threats", "sec/secrets-rotated -> ops/secrets-rotated", "ops/backups-tested"])
        // An export made before the move names the moved item by its old id, which is its file: still found.
        let reapplied = try plan(result.checklist, current.markdown())
        XCTAssertTrue(reapplied.changes.contains { $0.kind == .moved && $0.before == "ops/secrets-rotated" && $0.subject == "sec/secrets-rotated" },
                      "an export from before the move still names the item by its file: \(reapplied.changes.map(\.description))")
        // Exported again, the new definition is a fixed point too, retired items included.
        XCTAssertTrue(try plan(result.checklist, result.checklist.markdown()).isEmpty)
    }

    func testARetiredItemIsRestoredByItsIDOnly() throws {
        let current = try checklist(base)
        let retired = try plan(current, base.replacingOccurrences(of: "- [ ] Pen test done\n", with: "")).checklist
        XCTAssertEqual(retired.retiredItems.map(\.fullID), ["sec/pen-test-done"])
        assertRefused(retired, base, line: 6, "'Pen test done' is the title of retired item sec/pen-test-done")
        let restored = try plan(retired, base.replacingOccurrences(of: "- [ ] Pen test done\n", with: "- [ ] Pen test done {#sec/pen-test-done}\n"))
        XCTAssertEqual(kinds(restored), ["restored sec/pen-test-done: Pen test done"])
        XCTAssertNil(restored.checklist.retired)
    }

    func testUncertainLinesAreErrorsNamingTheLine() throws {
        let current = try checklist(base + "\n## 3. Release {#rel}\n- [ ] Backups tested\n")
        // A title that two items carry, on a line in a third section: which one moved?
        assertRefused(current, base.replacingOccurrences(of: "- [ ] Backups tested\n", with: "") + "\n## 4. Other\n- [ ] Backups tested\n",
                      line: 12, "is the title of 2 items (ops/backups-tested, rel/backups-tested)")
        // The same id on two lines.
        assertRefused(current, base.replacingOccurrences(of: "- [ ] Runbook written\n", with: "- [ ] Runbook written {#sec/threats}\n"),
                      line: 9, "item sec/threats ('Threat model reviewed') is already named on line 4")
        // An id whose item no longer exists and whose section is another.
        assertRefused(current, base.replacingOccurrences(of: "- [ ] Runbook written\n", with: "- [ ] Runbook written {#sec/runbook}\n"),
                      line: 9, "{#sec/runbook} names no item of this ledger")
        // An id given to another item's unchanged title.
        assertRefused(current, base.replacingOccurrences(of: "- [ ] Pen test done\n", with: "").replacingOccurrences(of: "{#threats}", with: "{#pen-test-done}"),
                      line: 4, "names item sec/pen-test-done ('Pen test done'), but the line's title is that of item sec/threats")
        // Retiring everything.
        assertRefused(current, "# X\n\n## Y\n- [ ] Something else\n", line: 4, "would retire every item of the checklist (6 of 6)")
        // A new item whose derived id is a moved item's file.
        let moved = try plan(current, base.replacingOccurrences(of: "- [ ] Secrets rotated #ops\n", with: "")
            .replacingOccurrences(of: "- [ ] Runbook written\n", with: "- [ ] Runbook written\n- [ ] Secrets rotated #ops\n") + "\n## 3. Release {#rel}\n- [ ] Backups tested\n").checklist
        assertRefused(moved, moved.markdown().replacingOccurrences(of: "{#sec/threats}\n", with: "{#sec/threats}\n- [ ] Secrets: rotated\n"),
                      line: 5, "would get the id sec/secrets-rotated, which belongs to item ops/secrets-rotated")
    }

    func testForbiddenDifferencesAreNamed() throws {
        let current = try checklist(base)
        var dropped = current
        dropped.sections[0].items.removeLast()
        XCTAssertEqual(DefinitionDiff.changes(from: current, to: dropped).map(\.kind), [.dropped])
        let retired = try plan(current, base.replacingOccurrences(of: "- [ ] Pen test done\n", with: "")).checklist
        var rewritten = retired
        rewritten.retired?[0].item.title = "Something else"
        XCTAssertEqual(DefinitionDiff.changes(from: retired, to: rewritten).map(\.kind), [.retiredRewritten])
        XCTAssertTrue(DefinitionChange.Kind.dropped.isForbidden && DefinitionChange.Kind.retiredRewritten.isForbidden)
        XCTAssertFalse(DefinitionChange.Kind.allCases.filter { ![.dropped, .retiredRewritten].contains($0) }.contains { $0.isForbidden })
    }

    func testDefinitionJSONRefusesSharedFilesAndIDs() throws {
        let current = try checklist(base)
        var twoOnOneFile = current
        twoOnOneFile.sections[1].items[0].file = "sec/threats"
        XCTAssertThrowsError(try Checklist.decode(canonicalJSON: twoOnOneFile.canonicalJSON())) { error in
            XCTAssertTrue("\(error)".contains("two items share the file of 'sec/threats'"), "\(error)")
        }
        var retiredTwice = current
        retiredTwice.retired = [RetiredItem(current.allItems[0])]
        XCTAssertThrowsError(try Checklist.decode(canonicalJSON: retiredTwice.canonicalJSON())) { error in
            XCTAssertTrue("\(error)".contains("item id 'sec/threats' is used twice"), "\(error)")
        }
        // A definition without moves or retirements keeps format 1's bytes.
        XCTAssertFalse(String(decoding: current.canonicalJSON(), as: UTF8.self).contains("retired"))
        XCTAssertFalse(current.needsLifecycleFormat)
    }
}
