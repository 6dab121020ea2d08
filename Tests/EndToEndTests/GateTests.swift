import Foundation
import XCTest

/// `readiness gate` as a CI step would run it: exit codes, the list of what is missing, and
/// remote ledgers judged by their shared state only.
final class GateTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    private let section1 = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]

    func testBlockedWithTheListThenPassedAfterSignOffs() throws {
        let blocked = try box.readiness("gate", "--require", "sikkerhet", "3", "--ledger", ledger)
        XCTAssertEqual(blocked.status, 20, blocked.stderr)
        XCTAssertTrue(blocked.stdout.contains("blocked: 11 of the 11 items of the 2 required sections are not done"), blocked.stdout)
        let head = try box.git("--git-dir", ledger, "rev-parse", "main")
        XCTAssertTrue(blocked.stdout.contains("at commit \(head)"), "names the state judged: \(blocked.stdout)")
        XCTAssertTrue(blocked.stdout.contains("  1.1  sikkerhet/ssl-sertifikater-installert-og-konfigurert"), blocked.stdout)
        XCTAssertTrue(blocked.stdout.contains("SSL-sertifikater installert og konfigurert  [open]"), blocked.stdout)
        XCTAssertTrue(blocked.stdout.contains("readiness check database/"), blocked.stdout)
        XCTAssertFalse(blocked.stdout.contains("2.1 "), "section 2 is not required: \(blocked.stdout)")

        for number in section1 { try box.readinessOK("check", number, "--ledger", ledger) }
        try box.readinessOK("waive", "3.1", "--reason", "egen database i neste kvartal", "--until", "2099-12-31", "--ledger", ledger)
        let partly = try box.readiness("gate", "--require", "1,3", "--json", "--ledger", ledger)
        XCTAssertEqual(partly.status, 20)
        let verdict = try JSONSerialization.jsonObject(with: Data(partly.stdout.utf8)) as? [String: Any]
        let missing = (verdict?["missing"] as? [[String: Any]])?.compactMap { $0["number"] as? String }
        XCTAssertEqual(missing, ["3.2", "3.3", "3.4", "3.5"])
        XCTAssertEqual(verdict?["passed"] as? Bool, false)

        let passed = try box.readiness("gate", "--require", "1", "--ledger", ledger)
        XCTAssertEqual(passed.status, 0, passed.stdout + passed.stderr)
        XCTAssertTrue(passed.stdout.contains("passed: all 6 items"), passed.stdout)
    }

    /// A waiver counts only through a readable until-day. Records written with stock git and
    /// signed by the trusted key (so the head verifies) with the day missing, then unreadable,
    /// must block like an open item.
    func testAWaiverWithoutAReadableUntilDayDoesNotCount() throws {
        for number in section1 where number != "1.6" { try box.readinessOK("check", number, "--ledger", ledger) }
        try box.readinessOK("waive", "1.6", "--reason", "senere", "--until", "2099-01-01", "--ledger", ledger)
        let valid = try box.readiness("gate", "--require", "1", "--ledger", ledger)
        XCTAssertEqual(valid.status, 0, "a readable future until-day counts: \(valid.stdout)")

        // The same waiver without a readable until-day, written with stock git as a commit that
        // verifies (trailers, record time and back-link all agree), so only the gate's own
        // waiver rule can block it.
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let item = "sikkerhet/gdpr-compliance-verifisert"
        let file = "\(work)/items/\(item).json"
        var lastChange = try box.git("rev-parse", "HEAD", in: work)
        var time = Int(try box.git("log", "-1", "--format=%ct", in: work))! + 1
        for until: String? in [nil, "snart"] {
            var record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
            record["waivedUntil"] = until
            record["at"] = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(time)))
            record["previous"] = [lastChange]
            try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: file))
            let message = "waive \(item): GDPR\n\nReadiness-Item: \(item)\nReadiness-Action: waive\nReadiness-State: waived -> waived\n"
                + (until.map { "Readiness-Waived-Until: \($0)\n" } ?? "")
            try box.git("commit", "-q", "-S", "-a", "--cleanup=verbatim", "-m", message, in: work,
                        environment: ["GIT_COMMITTER_DATE": "@\(time) +0000", "GIT_AUTHOR_DATE": "@\(time) +0000"])
            try box.git("push", "-q", "origin", "main", in: work)
            lastChange = try box.git("rev-parse", "HEAD", in: work)
            time += 1
            XCTAssertEqual(try box.readiness("verify", "--ledger", ledger).status, 0, "the forged waiver verifies")
            let blocked = try box.readiness("gate", "--require", "1", "--ledger", ledger)
            XCTAssertEqual(blocked.status, 20, "until \(until ?? "missing"): \(blocked.stdout)\(blocked.stderr)")
            XCTAssertTrue(blocked.stdout.contains("blocked: 1 of the 6 items"), blocked.stdout)
            XCTAssertTrue(blocked.stdout.contains("1.6  sikkerhet/gdpr-compliance-verifisert"), blocked.stdout)
        }
    }

    func testUnknownSectionExits4() throws {
        let unknown = try box.readiness("gate", "--require", "sikkerhet", "nope", "--ledger", ledger)
        XCTAssertEqual(unknown.status, 4, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no section matches 'nope'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("1 sikkerhet"), "lists the sections: \(unknown.stderr)")
        XCTAssertEqual(unknown.stdout, "")
    }

    func testAnUnsignedHeadWrittenWithStockGitFailsVerification() throws {
        try box.pushUnsignedDone("items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json", to: ledger, through: "work")
        let result = try box.readiness("gate", "--require", "1", "--ledger", ledger)
        XCTAssertEqual(result.status, 21, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("not signed"), result.stderr)
    }

    func testARemoteLedgerIsJudgedByItsSharedStateOnly() throws {
        // A clone of the ledger: sign-offs made there count only once pushed to its origin.
        let clone = box.path("mine.git")
        try box.git("clone", "-q", "--bare", ledger, clone)
        for number in section1 { try box.readinessOK("check", number, "--ledger", clone) }
        // Run where CI would, in a checkout: outside any git repository the gate keeps its mirror
        // in the shared temp folder, which a test must not leave behind.
        let checkout = box.path("checkout")
        try box.git("init", "-q", checkout)
        let local = try box.readiness("gate", "--require", "1", "--ledger", clone, in: checkout)
        XCTAssertEqual(local.status, 20, "local-only sign-offs must not pass: \(local.stdout)\(local.stderr)")
        XCTAssertTrue(local.stdout.contains("fetched from \(ledger!)"), local.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(checkout)/.git/readiness/ledger-mirrors").count, 1,
                       "the mirror lives in the checkout's git dir")

        try box.git("--git-dir", clone, "push", "-q", "origin", "main")
        let shared = try box.readiness("gate", "--require", "1", "--ledger", clone, in: checkout)
        XCTAssertEqual(shared.status, 0, shared.stdout + shared.stderr)
        let head = try box.git("--git-dir", ledger, "rev-parse", "main")
        XCTAssertTrue(shared.stdout.contains("at commit \(head) (fetched from"), shared.stdout)

        // The same ledger named by URL from a product repository: mirrored under its git dir.
        let product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("config", "readiness.ledger", "file://\(ledger!)", in: product)
        let byURL = try box.readiness("gate", "--require", "1", in: product)
        XCTAssertEqual(byURL.status, 0, byURL.stdout + byURL.stderr)
        XCTAssertTrue(byURL.stdout.contains("fetched from file://\(ledger!)"), byURL.stdout)
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: "\(product)/.git/readiness/ledger-mirrors")
        XCTAssertEqual(mirrors.count, 1)

        try box.git("config", "readiness.ledger", "file://\(box.path("gone.git"))", in: product)
        let unreachable = try box.readiness("gate", in: product)
        XCTAssertEqual(unreachable.status, 10, unreachable.stdout + unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("cannot fetch the ledger from file://"), unreachable.stderr)
    }
}
