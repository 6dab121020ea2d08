import Foundation
@testable import Ledger
import XCTest

/// The pure parts of the evidence reports: the page language and the chart's time labels.
final class EvidenceReportTests: XCTestCase {
    func testPageLanguageComesFromTheChecklistsText() throws {
        let shipped = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        XCTAssertEqual(ReportLanguage.of(shipped), "nb")
        let english = try MarkdownChecklistParser.parse(Data("# Launch\n## 1. Security\n- [ ] TLS certificates installed\n".utf8), source: "en.md").checklist
        XCTAssertEqual(ReportLanguage.of(english), "en")
    }

    func testTimeLabelsStayReadableWhenEverythingHappensWithinMinutes() {
        let start: Int64 = 1_780_000_000  // 2026-05-28T20:26:40Z
        XCTAssertEqual(EvidenceCharts.tickLabel(start, span: 30 * 86_400, withDay: false), "2026-05-28")
        XCTAssertEqual(EvidenceCharts.tickLabel(start, span: 3_600, withDay: true), "2026-05-28T20:26Z")
        XCTAssertEqual(EvidenceCharts.tickLabel(start + 900, span: 3_600, withDay: false), "20:41")
        XCTAssertEqual(EvidenceCharts.tickLabel(start + 45, span: 180, withDay: false), "20:27:25")
    }
}
