import Foundation
import XCTest

/// The gate's verdict cache (`<gitdir>/readiness/gate-verdict`): a second gate of the same
/// verified head, requirement and day answers from it with the same bytes and exit code; any
/// other head, day or requirement misses it; it is consulted only after the head verified; and
/// a missing, short or garbled file is absent. A well-keyed file is derived data the tool
/// trusts as it trusts `verified-head` (both live in the ledger's own git directory), so the
/// tests plant a marker in one to see whether it was consulted.
final class GateVerdictCacheTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private var cache: String { "\(ledger!)/readiness/gate-verdict" }
    private let marker = "answered-from-the-cache"

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        try box.readinessOK("waive", "1.2", "--reason", "neste kvartal", "--until", "2099-12-31", "--ledger", ledger)
    }

    override func tearDown() {
        box = nil
        super.tearDown()
    }

    /// Rewrites the cache file: `edit` changes its JSON object; slashes stay unescaped, as the
    /// tool writes them (an escaped string is declined, which would hide what a test checks).
    private func editCache(_ edit: (inout [String: Any]) -> Void) throws {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cache))) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]).write(to: URL(fileURLWithPath: cache))
    }

    private func gate(_ arguments: String...) throws -> RunResult {
        try box.run(Sandbox.binary, ["gate"] + arguments + ["--ledger", ledger])
    }

    func testASecondGateAnswersWithTheSameBytesAndExitCode() throws {
        for arguments in [[], ["--json"], ["--require", "1"], ["--require", "1", "--json"], ["--require", "sikkerhet,3", "--at", "2100-01-01"]] {
            try? FileManager.default.removeItem(atPath: cache)
            let fresh = try box.run(Sandbox.binary, ["gate"] + arguments + ["--ledger", ledger])
            XCTAssertTrue(FileManager.default.fileExists(atPath: cache), "a verdict is kept: \(arguments)")
            let again = try box.run(Sandbox.binary, ["gate"] + arguments + ["--ledger", ledger])
            XCTAssertEqual(again.stdout, fresh.stdout, "\(arguments)")
            XCTAssertEqual(again.stderr, fresh.stderr, "\(arguments)")
            XCTAssertEqual(again.status, fresh.status, "\(arguments)")
        }
        // Section 1 with 1.3–1.6 signed: passed, from the cache as well.
        for number in ["1.3", "1.4", "1.5", "1.6"] { try box.readinessOK("check", number, "--ledger", ledger) }
        let passed = try gate("--require", "1")
        XCTAssertEqual(passed.status, 0, passed.stdout + passed.stderr)
        XCTAssertEqual(try gate("--require", "1").stdout, passed.stdout)
        XCTAssertEqual(try gate("--require", "1").status, 0)
    }

    func testTheCacheAnswersOnlyForItsOwnHeadDayAndRequirement() throws {
        _ = try gate("--require", "1", "--at", "2026-06-01")
        try editCache { $0["ledger"] = marker }
        // Same key: answered from the file (the control that makes the misses below meaningful).
        XCTAssertTrue(try gate("--require", "1", "--at", "2026-06-01").stdout.contains(marker))
        // Another day: the 1.2 waiver runs out on 2099-12-31, so the day decides the verdict.
        let later = try gate("--require", "1", "--at", "2100-01-01")
        XCTAssertFalse(later.stdout.contains(marker), later.stdout)
        XCTAssertTrue(later.stdout.contains("waiver expired 2099-12-31"), later.stdout)
        try editCache { $0["ledger"] = marker }
        XCTAssertFalse(try gate("--require", "1", "--at", "2026-06-01").stdout.contains(marker), "keyed by the day")
        // Another requirement.
        _ = try gate("--require", "1", "--at", "2026-06-01")
        try editCache { $0["ledger"] = marker }
        let all = try gate("--at", "2026-06-01")
        XCTAssertFalse(all.stdout.contains(marker), all.stdout)
        XCTAssertTrue(all.stdout.contains("of the 56 items of the 11 required sections"), all.stdout)
        // Another head: a sign-off moves the branch, and the verdict follows it.
        _ = try gate("--require", "1", "--at", "2026-06-01")
        try editCache { $0["ledger"] = marker; $0["missing"] = [] }
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        let moved = try gate("--require", "1", "--at", "2026-06-01")
        XCTAssertEqual(moved.status, 20, moved.stdout)
        XCTAssertFalse(moved.stdout.contains(marker), moved.stdout)
        XCTAssertTrue(moved.stdout.contains("3 of the 6 items"), moved.stdout)
    }

    /// A stranger's commit written with stock git, with a cache that says "passed" for exactly
    /// that head: the judge refuses the head before any cache is asked.
    func testAPlantedVerdictForAnUnverifiedHeadIsNeverAsked() throws {
        _ = try gate("--require", "1")
        try box.pushUnsignedDone("items/sikkerhet/brannmurregler-konfigurert.json", to: ledger, through: "work")
        let forged = try box.git("--git-dir", ledger, "rev-parse", "main")
        try editCache { $0["head"] = forged; $0["missing"] = [] }
        let result = try gate("--require", "1")
        XCTAssertEqual(result.status, 21, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("not signed"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testAMissingShortOrGarbledCacheIsAbsent() throws {
        let fresh = try gate("--json")
        let whole = try Data(contentsOf: URL(fileURLWithPath: cache))
        let variants: [(String, Data?)] = [
            ("missing", nil), ("empty", Data()), ("short", whole.prefix(whole.count / 2)),
            ("garbage", Data([0xff, 0xfe, 0x00, 0x7b])), ("not an object", Data("[]".utf8)),
            ("trailing bytes", whole + Data("x".utf8)),
        ]
        for (name, content) in variants {
            try? FileManager.default.removeItem(atPath: cache)
            if let content { try content.write(to: URL(fileURLWithPath: cache)) }
            let result = try gate("--json")
            XCTAssertEqual(result.stdout, fresh.stdout, name)
            XCTAssertEqual(result.status, fresh.status, name)
        }
        // Another format's file, however well it reads, is not this binary's verdict.
        try whole.write(to: URL(fileURLWithPath: cache))
        try editCache { $0["format"] = 2; $0["ledger"] = marker }
        XCTAssertEqual(try gate("--json").stdout, fresh.stdout)
        // A folder where the file should be: judged all the same.
        try? FileManager.default.removeItem(atPath: cache)
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let result = try gate("--json")
        XCTAssertEqual(result.stdout, fresh.stdout)
        XCTAssertEqual(result.status, fresh.status)
    }
}
