import Foundation
import Ledger
import XCTest

/// The shipped checklist's tags come from its sidecar; the Markdown stays as shipped.
final class ShippedTagsTests: XCTestCase {
    func testSidecarTagsGDPRItemWithoutTouchingTheMarkdown() throws {
        let markdown = String(decoding: ShippedChecklist.defaultMarkdown, as: UTF8.self)
        XCTAssertFalse(markdown.contains("#gdpr"), "the seed file keeps its content")
        let parsed = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let tagged = ShippedChecklist.applyingTags(to: parsed)
        let gdpr = try XCTUnwrap(tagged.allItems.first { $0.item.title == "GDPR-compliance verifisert" })
        XCTAssertEqual(gdpr.item.tags, ["gdpr"])
        XCTAssertEqual(tagged.allItems.filter { !$0.item.tags.isEmpty }.count, 1)
        XCTAssertEqual(tagged.allItems.map(\.fullID), parsed.allItems.map(\.fullID), "ids and order unchanged")
    }

    func testSidecarSyntax() throws {
        let parsed = try MarkdownChecklistParser.parse(Data("# T\n## A\n- [ ] One #ops\n- [ ] Two\n".utf8), source: "t.md").checklist
        let tagged = ShippedChecklist.applyingTags("# comment\none OPS Audit\ntwo\nmissing x\n", to: parsed)
        XCTAssertEqual(tagged.allItems.map(\.item.tags), [["ops", "audit"], []])
    }
}
