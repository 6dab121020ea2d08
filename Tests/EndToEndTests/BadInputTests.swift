import Foundation
import XCTest

/// Every refused input: its exit code, a message that says what to do, and a head that did not move.
final class BadInputTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    private func head() throws -> String { try box.git("--git-dir", ledger, "rev-parse", "main") }

    /// Runs readiness, expects `code` and a stderr containing `fragment`, and that nothing was written.
    private func expectRefusal(_ arguments: [String], code: Int32, mentions fragment: String,
                               environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try head()
        let objectsBefore = try box.git("--git-dir", ledger, "count-objects", "-v")
        let result = try box.run(Sandbox.binary, arguments + ["--ledger", ledger], environment: environment)
        XCTAssertEqual(result.status, code, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): expected '\(fragment)' in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line expected: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertEqual(try head(), before, "the head moved", file: file, line: line)
        XCTAssertEqual(try box.git("--git-dir", ledger, "count-objects", "-v"), objectsBefore, "objects were written", file: file, line: line)
    }

    func testUnknownAndAmbiguousItems() throws {
        try expectRefusal(["check", "sikkerhet/brannmurx"], code: 4, mentions: "no item matches")
        try expectRefusal(["check", "12.1"], code: 4, mentions: "no item matches")
        try expectRefusal(["check", "database/database"], code: 4, mentions: "matches")
    }

    func testStateConflicts() throws {
        try expectRefusal(["check", "1.1"], code: 8, mentions: "already done")
        try expectRefusal(["uncheck", "1.2", "--reason", "nope"], code: 8, mentions: "open already")
    }

    func testBadNotesEvidenceAndDates() throws {
        try expectRefusal(["check", "1.2", "--note", "ok\u{1b}[2J"], code: 5, mentions: "control character")
        try expectRefusal(["check", "1.2", "--note", "fine\n\nReadiness-Item: sikkerhet/waf"], code: 5, mentions: "trailer")
        try expectRefusal(["check", "1.2", "--evidence", "not a link"], code: 5, mentions: "evidence")
        try expectRefusal(["check", "1.2", "--evidence-file", box.path("missing.pdf")], code: 5, mentions: "missing.pdf")
        try expectRefusal(["waive", "1.2", "--reason", "x", "--until", "2001-01-01"], code: 5, mentions: "past")
        try expectRefusal(["waive", "1.2", "--reason", "x", "--until", "31.12.2099"], code: 5, mentions: "YYYY-MM-DD")
        try expectRefusal(["uncheck", "1.1", "--reason", "  "], code: 5, mentions: "reason")
    }

    func testKeysThatCannotSign() throws {
        let stranger = box.path("stranger")
        try box.makeKey(at: stranger, comment: "stranger")
        try expectRefusal(["check", "1.2"], code: 7, mentions: "not in", environment: [:].merging(gitConfig("user.signingkey", stranger)) { $1 })
        try expectRefusal(["check", "1.2"], code: 7, mentions: "not for committer someone@else.no",
                          environment: gitConfig("user.email", "someone@else.no"))
        try expectRefusal(["check", "1.2"], code: 6, mentions: "no signing key", environment: gitConfig("user.signingkey", ""))
        try expectRefusal(["check", "1.2"], code: 6, mentions: box.path("gone"), environment: gitConfig("user.signingkey", box.path("gone")))
    }

    func testNotALedgerAndNewerFormat() throws {
        let plain = box.path("plain.git")
        try box.git("init", "-q", "--bare", plain)
        let notLedger = try box.readiness("status", "--ledger", plain)
        XCTAssertEqual(notLedger.status, 3, notLedger.stderr)
        let missing = try box.readiness("status", "--ledger", box.path("nope"))
        XCTAssertEqual(missing.status, 3, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("readiness init"), missing.stderr)

        // A ledger written by a newer tool: bump the format with stock git.
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let settings = try String(contentsOfFile: "\(work)/ledger.json", encoding: .utf8)
        try settings.replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 4").write(toFile: "\(work)/ledger.json", atomically: true, encoding: .utf8)
        try box.git("commit", "-q", "-S", "-am", "format 4", in: work)
        try box.git("push", "-q", "origin", "main", in: work)
        let newer = try box.readiness("status", "--ledger", ledger)
        XCTAssertEqual(newer.status, 9, newer.stderr)
        XCTAssertTrue(newer.stderr.contains("upgrade"), newer.stderr)
    }

    func testInitRefusals() throws {
        let existing = try box.readiness("init", ledger)
        XCTAssertEqual(existing.status, 8, existing.stderr)
        let checklist = box.path("bad.md")
        try "Innledning\n- [ ] Før noen overskrift\n## 1. Seksjon\n- [ ] Punkt\n".write(toFile: checklist, atomically: true, encoding: .utf8)
        let target = box.path("new.git")
        let malformed = try box.readiness("init", target, "--checklist", checklist)
        XCTAssertEqual(malformed.status, 5, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("bad.md:2"), malformed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        try Data([0x23, 0x20, 0x54, 0x0a, 0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: checklist))
        let invalid = try box.readiness("init", target, "--checklist", checklist)
        XCTAssertEqual(invalid.status, 5, invalid.stderr)
        XCTAssertTrue(invalid.stderr.contains("UTF-8"), invalid.stderr)
        try "## S\n- [ ] Escape {#../../etc}\n".write(toFile: checklist, atomically: true, encoding: .utf8)
        let escaping = try box.readiness("init", target, "--checklist", checklist)
        XCTAssertEqual(escaping.status, 5, escaping.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        let noKey = try box.readiness("init", target, environment: gitConfig("user.signingkey", ""))
        XCTAssertEqual(noKey.status, 6, noKey.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    /// Bidirectional and invisible format characters are refused in every field a person
    /// writes: notes, reasons, evidence, identities and imported titles. Nothing is written.
    func testInvisibleAndBidirectionalCharactersAreRefused() throws {
        try expectRefusal(["check", "1.2", "--note", "godkjent \u{202E}fdp.exe"], code: 5, mentions: "invisible format character U+202E")
        try expectRefusal(["check", "1.2", "--note", "ok\u{200B}"], code: 5, mentions: "U+200B")
        try expectRefusal(["check", "1.2", "--note", "\u{FEFF}start"], code: 5, mentions: "U+FEFF")
        try expectRefusal(["check", "1.2", "--note", "hidden \u{E0041}\u{E0042}"], code: 5, mentions: "U+E0041")
        try expectRefusal(["uncheck", "1.1", "--reason", "isolate \u{2066}x\u{2069}"], code: 5, mentions: "U+2066")
        try expectRefusal(["waive", "1.2", "--reason", "lrm\u{200E}", "--until", "2099-01-01"], code: 5, mentions: "U+200E")
        try expectRefusal(["check", "1.2", "--evidence", "https://example.no/\u{202D}x"], code: 5, mentions: "evidence link")
        let hidden = box.path("rapport\u{202E}fdp.exe")
        try Data("x".utf8).write(to: URL(fileURLWithPath: hidden))
        try expectRefusal(["check", "1.2", "--evidence-file", hidden], code: 5, mentions: "evidence file name")
        try expectRefusal(["check", "1.2"], code: 5, mentions: "user.name", environment: ["GIT_COMMITTER_NAME": "Kari\u{202E}"])
        try expectRefusal(["check", "1.2"], code: 5, mentions: "user.email", environment: ["GIT_COMMITTER_EMAIL": "kari@example.no\u{200B}"])
        let checklist = box.path("bidi.md")
        try "# Sjekkliste\n## 1. Sikkerhet\n- [ ] SSL \u{2067}installert\n".write(toFile: checklist, atomically: true, encoding: .utf8)
        let target = box.path("bidi.git")
        let imported = try box.readiness("init", target, "--checklist", checklist)
        XCTAssertEqual(imported.status, 5, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("bidi.md:3: item title contains the invisible format character U+2067"), imported.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    /// --evidence-file takes only a regular file: a device is refused at once (not read
    /// forever), a directory too; a file-system failure is exit 10 in one line.
    func testEvidenceFilesAndFileSystemErrors() throws {
        let started = Date()
        try expectRefusal(["check", "1.2", "--evidence-file", "/dev/zero"], code: 5, mentions: "is a device")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "/dev/zero must be refused without reading it")
        try expectRefusal(["check", "1.2", "--evidence-file", box.root.path], code: 5, mentions: "is a directory")
        try expectRefusal(["checklist", "export", "--out", box.path("no/such/folder/c.md")], code: 10, mentions: "No such file or directory")
        let result = try box.readiness("checklist", "export", "--out", box.path("no/such/folder/c.md"), "--ledger", ledger)
        XCTAssertFalse(result.stderr.contains("Error Domain") || result.stderr.contains("UserInfo"), result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("readiness: error: cannot write "), result.stderr)
    }

    /// Overrides one git config value for a single run, as `git -c` would.
    private func gitConfig(_ key: String, _ value: String) -> [String: String] {
        let file = box.path("override-\(UUID().uuidString).gitconfig")
        let base = (try? String(contentsOfFile: box.home.appendingPathComponent(".gitconfig").path, encoding: .utf8)) ?? ""
        let parts = key.split(separator: ".")
        let text = base + "[\(parts[0])]\n\t\(parts[1]) = \"\(value)\"\n"
        try? text.write(toFile: file, atomically: true, encoding: .utf8)
        return ["GIT_CONFIG_GLOBAL": file]
    }
}
