import Foundation
import XCTest
@testable import Ledger

/// The policy's rules as one function: the cases the writers and the verifier both rely on,
/// including records no writer of this tool produces (they can only come from plain git).
final class PolicyJudgeTests: XCTestCase {
    private let item = "sikkerhet/ssl"
    private let ola = Person(name: "Ola", email: "ola@example.no", key: nil)
    private let per = Person(name: "Per", email: "per@example.no", key: nil)

    private func policy(_ change: (inout LedgerPolicy) -> Void = { _ in }) -> LedgerPolicy {
        var policy = LedgerPolicy(admins: ["kari@example.no"])
        policy.owners["sikkerhet"] = ["*@example.no"]
        change(&policy)
        return policy
    }

    private func check(_ before: ItemRecord, by person: Person, under policy: LedgerPolicy) -> ItemRecord {
        var next = before
        next.action = .check
        next.by = person
        next.at = "2026-12-01T10:00:00Z"
        (next.signoffs, next.state) = PolicyJudge.signoffs(after: before, by: person, under: policy)
        return next
    }

    func testLegacyLedgersLetEveryTrustedSignerAdministerAndSign() {
        XCTAssertNil(PolicyJudge.judgeAdministrative(by: "anyone@example.net", changing: "trust", under: nil))
        let record = check(.created(item), by: ola, under: PolicyJudge.legacy)
        XCTAssertEqual(record.state, .done)
        XCTAssertNil(record.signoffs, "a record under no four-eyes rule keeps the old form")
        XCTAssertNil(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: record, under: nil))
    }

    func testAdminsAndOwnersMatchPatterns() {
        let policy = self.policy()
        XCTAssertEqual(PolicyJudge.judgeAdministrative(by: ola.email, changing: "policy.json", under: policy)?.rule, "admins")
        XCTAssertNil(PolicyJudge.judgeAdministrative(by: "kari@example.no", changing: "policy.json", under: policy))
        let record = check(.created(item), by: Person(name: "M", email: "m@example.net", key: nil), under: policy)
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: "m@example.net", before: .created(item), after: record, under: policy)?.rule, "owners")
        // An item's own entry wins over its section's.
        let narrowed = self.policy { $0.owners[self.item] = [self.per.email] }
        XCTAssertFalse(narrowed.isOwner(ola.email, ofItem: item))
        XCTAssertTrue(narrowed.isOwner(ola.email, ofItem: "sikkerhet/waf"))
    }

    func testFourEyesNeedsDistinctSignersAndRejectsAForgedCompletion() {
        let policy = self.policy { $0.approvals["sikkerhet"] = 2 }
        let first = check(.created(item), by: ola, under: policy)
        XCTAssertEqual(first.state, .pending)
        XCTAssertNil(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: first, under: policy))
        let again = check(first, by: ola, under: policy)
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: ola.email, before: first, after: again, under: policy)?.rule, "approvals")
        let second = check(first, by: per, under: policy)
        XCTAssertEqual(second.state, .done)
        XCTAssertEqual(second.signoffs?.map(\.email), [ola.email, per.email])
        XCTAssertNil(PolicyJudge.judgeItemEvent(by: per.email, before: first, after: second, under: policy))
        var forged = first
        forged.state = .done
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: forged, under: policy)?.rule, "approvals")
    }

    func testWaiversNeedApprovalByAnotherOwnerWithinTheCap() {
        let policy = self.policy { $0.waivers = LedgerPolicy.Waivers(approvalRequired: true, maxDays: 30) }
        var request = ItemRecord.created(item)
        request.action = .waive
        request.by = ola
        request.at = "2026-12-01T10:00:00Z"
        request.note = "senere"
        request.waivedUntil = "2026-12-31"
        request.state = .pending
        XCTAssertNil(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: request, under: policy))
        var effective = request
        effective.state = .waived
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: effective, under: policy)?.rule, "waiver-approval")
        var long = request
        long.waivedUntil = "2027-01-01"
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: ola.email, before: .created(item), after: long, under: policy)?.rule, "waiver-max-days")

        var approval = request
        approval.action = .approve
        approval.state = .waived
        approval.requestedBy = ola
        approval.by = per
        XCTAssertNil(PolicyJudge.judgeItemEvent(by: per.email, before: request, after: approval, under: policy))
        approval.by = ola
        XCTAssertEqual(PolicyJudge.judgeItemEvent(by: ola.email, before: request, after: approval, under: policy)?.rule, "waiver-approval")
    }

    func testRecertificationHoldsThroughItsLastDay() {
        let policy = self.policy { $0.recertifyDays["sikkerhet"] = 30 }
        let done = check(.created(item), by: ola, under: policy)
        XCTAssertEqual(policy.lastValidDay(of: done), "2026-12-31")
        XCTAssertTrue(policy.counts(done, today: "2026-12-31"))
        XCTAssertFalse(policy.counts(done, today: "2027-01-01"))
    }

    func testDayArithmeticAgreesWithTheCalendar() {
        XCTAssertEqual(DayArithmetic.adding(1, to: "2028-02-28"), "2028-02-29")
        XCTAssertEqual(DayArithmetic.adding(1, to: "2100-02-28"), "2100-03-01")
        XCTAssertEqual(DayArithmetic.adding(-1, to: "1970-01-01"), "1969-12-31")
        XCTAssertEqual(DayArithmetic.days(from: "2026-12-01", to: "2027-12-20"), 384)
        for invalid in ["2026-02-29", "2026-13-01", "2026-1-01", "20261201", "2026-12-0x", ""] {
            XCTAssertNil(DayArithmetic.dayNumber(invalid), invalid)
        }
        // Every day of four years, against Foundation's calendar.
        for offset in 0..<1461 {
            let day = String(CommitTime.iso8601(Int64(offset - 400) * 86_400 + 1_700_000_000 / 86_400 * 86_400).prefix(10))
            XCTAssertEqual(DayArithmetic.days(from: "2023-11-14", to: day), offset - 400, day)
        }
    }

    func testOldRecordsDecodeUnchanged() throws {
        // Bytes as the tool wrote them before policies existed.
        let old = Data("{\n  \"action\" : \"check\",\n  \"evidence\" : [\n\n  ],\n  \"item\" : \"sikkerhet/ssl\",\n  \"previous\" : [\n\n  ],\n  \"state\" : \"done\"\n}\n".utf8)
        let record = try ItemRecord.decode(old, path: "items/sikkerhet/ssl.json")
        XCTAssertNil(record.signoffs)
        XCTAssertEqual(record.encoded(), old, "a record without policy fields keeps its bytes, so its blob id")
    }
}
