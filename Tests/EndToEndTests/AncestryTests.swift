import Foundation
import XCTest

/// The judge's record of verified ancestors (`<gitdir>/readiness/verified-introducers`), which
/// lets a sign-off confirm a back-link without walking the history in between: it must never
/// make the judge accept a back-link the walk refuses. Each forged event is built with stock git
/// on top of the very commit the record is keyed by, so the record is consulted; stock git
/// (`merge-base --is-ancestor`) is the independent judge of what the record claims.
final class AncestryTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    /// The commit of `check 1.1`, the sign-off that introduced item 1.1's current file.
    private var firstCheck: String!
    /// The head after `check 1.2`: the commit the record is keyed by.
    private var head: String!
    private var itemPath: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        firstCheck = try git("rev-parse", "main")
        itemPath = try git("diff-tree", "--no-commit-id", "--name-only", "-r", "main")
        try box.readinessOK("check", "1.2", "--ledger", ledger)
        head = try git("rev-parse", "main")
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    // MARK: - Helpers

    /// Stock git on the ledger: its standard output without the final newline; throws when it fails.
    @discardableResult
    private func git(_ arguments: String..., environment: [String: String] = [:]) throws -> String {
        let result = try box.run("/usr/bin/git", ["--git-dir", ledger] + arguments, environment: environment)
        guard result.status == 0 else { throw SandboxError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    private var recordPath: String { "\(ledger!)/readiness/verified-introducers" }

    /// The record's key and its `<commit> <path>` lines.
    private func record() throws -> (key: String, lines: [(commit: String, path: String)]) {
        let lines = try String(contentsOfFile: recordPath, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "readiness verified-introducers 1")
        let entries = lines.dropFirst(2).map { line in
            (commit: String(line.prefix(40)), path: String(line.dropFirst(41)))
        }
        return (lines.count > 1 ? lines[1] : "", entries)
    }

    /// Asserts that everything the record lists is an ancestor of (or is) its key, by stock git.
    private func assertRecordListsOnlyAncestors(file: StaticString = #filePath, line: UInt = #line) throws {
        let (key, entries) = try record()
        XCTAssertFalse(entries.isEmpty, file: file, line: line)
        for entry in entries {
            let result = try box.run("/usr/bin/git", ["--git-dir", ledger, "merge-base", "--is-ancestor", entry.commit, key])
            XCTAssertEqual(result.status, 0, "\(entry.commit.prefix(12)) (\(entry.path)) is not an ancestor of the key \(key.prefix(12))",
                           file: file, line: line)
        }
    }

    /// A commit beside `check 1.1`: the same tree on the same parent, so it holds 1.1's file
    /// and introduced it too, but it is no ancestor of the head.
    private func siblingOfFirstCheck() throws -> String {
        let date = try git("log", "-1", "--format=%cd", "--date=raw", firstCheck)
        let sibling = try git("commit-tree", "\(firstCheck!)^{tree}", "-p", "\(firstCheck!)^", "-m", "a copy beside the real sign-off",
                              environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
        try git("update-ref", "refs/heads/side", sibling)
        return sibling
    }

    /// Unchecks 1.1 on the head with `readiness`, then replaces that commit by a copy, signed
    /// with the trusted key, whose record back-links `forgedLink` instead; the derived files are
    /// put back as they were before, so the next check starts from the head the record is keyed
    /// by. Returns the forged commit.
    private func forgeUncheck(linkingTo forgedLink: String) throws -> String {
        let cache = "\(ledger!)/readiness"
        let saved = box.path("saved-cache")
        try FileManager.default.copyItem(atPath: cache, toPath: saved)
        try box.readinessOK("uncheck", "1.1", "--reason", "for tidlig", "--ledger", ledger)
        let honest = try git("rev-parse", "main")
        let record = try git("cat-file", "blob", "main:\(itemPath!)")
        XCTAssertTrue(record.contains(firstCheck), record)
        let forgedBlob = box.path("forged.json")
        // `git` drops the blob's final newline; the forged file keeps every other byte.
        try (record.replacingOccurrences(of: firstCheck, with: forgedLink) + "\n").write(toFile: forgedBlob, atomically: true, encoding: .utf8)
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        try FileManager.default.removeItem(atPath: "\(work)/\(itemPath!)")
        try FileManager.default.copyItem(atPath: forgedBlob, toPath: "\(work)/\(itemPath!)")
        let message = box.path("message")
        try (try git("log", "-1", "--format=%B", honest) + "\n").write(toFile: message, atomically: true, encoding: .utf8)
        let date = try git("log", "-1", "--format=%cd", "--date=raw", honest)
        try box.git("-c", "user.email=\(box.email)", "-c", "user.signingkey=\(box.keyPath)", "commit", "-q", "-a", "--amend", "-S", "-F", message, in: work,
                    environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
        try box.git("push", "-q", "-f", "origin", "main", in: work)
        let forged = try git("rev-parse", "main")
        XCTAssertEqual(try git("rev-parse", "\(forged)^"), head)
        try FileManager.default.removeItem(atPath: cache)
        try FileManager.default.moveItem(atPath: saved, toPath: cache)
        return forged
    }

    /// `verify` (incremental from the recorded head, then full) reports `brokenBackLink` at
    /// `commit`, and a writer refuses to build on it.
    private func assertRefused(_ commit: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for extra in [[], ["--full"]] {
            let result = try box.run(Sandbox.binary, ["verify", "--ledger", ledger] + extra)
            XCTAssertEqual(result.status, 21, "verify \(extra): \(result.stdout)\(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stdout.contains("\(commit.prefix(12)) brokenBackLink: "), "verify \(extra): \(result.stdout)", file: file, line: line)
        }
        let write = try box.readiness("check", "1.3", "--ledger", ledger)
        XCTAssertEqual(write.status, 21, write.stderr, file: file, line: line)
        XCTAssertTrue(write.stderr.contains("brokenBackLink"), write.stderr, file: file, line: line)
    }

    // MARK: - What the record holds

    func testSignOffsKeepARecordOfAncestorsKeyedByTheHead() throws {
        let (key, entries) = try record()
        XCTAssertEqual(key, head)
        XCTAssertTrue(entries.contains { $0.commit == firstCheck && $0.path == itemPath }, "\(entries)")
        try assertRecordListsOnlyAncestors()
        try box.readinessOK("uncheck", "1.1", "--reason", "for tidlig", "--ledger", ledger)
        XCTAssertEqual(try record().key, try git("rev-parse", "main"))
        try assertRecordListsOnlyAncestors()
    }

    func testARewriteAcceptedDoesNotCarryTheOldHistorysAncestors() throws {
        // The dropped commit adds an item: its file is a path the history kept never has, so
        // nothing the new walk finds would replace what a carried-over record says about it.
        let exported = try box.readinessOK("checklist", "export", "--ledger", ledger).stdout
        let edited = exported.replacingOccurrences(of: "{#sikkerhet}\n", with: "{#sikkerhet}\n- [ ] Et punkt som forsvinner igjen\n")
        XCTAssertNotEqual(edited, exported)
        let file = box.path("edited.md")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        try box.readinessOK("checklist", "update", file, "--ledger", ledger)
        let dropped = try git("rev-parse", "main")
        XCTAssertTrue(try record().lines.contains { $0.commit == dropped })
        try git("update-ref", "refs/heads/main", head)
        try box.readinessOK("verify", "--accept-rewrite", "--ledger", ledger)
        let (key, entries) = try record()
        XCTAssertEqual(key, head)
        XCTAssertFalse(entries.contains { $0.commit == dropped }, "the dropped commit is listed: \(entries)")
        try assertRecordListsOnlyAncestors()
    }

    // MARK: - Forged back-links stay refused

    func testBackLinkToANonAncestorThatHoldsTheBlobIsRefused() throws {
        let sibling = try siblingOfFirstCheck()
        let forged = try forgeUncheck(linkingTo: sibling)
        XCTAssertEqual(try record().key, head, "the record is keyed by the forged commit's parent, so it is consulted")
        try assertRefused(forged)
    }

    func testBackLinkToAnAncestorThatDidNotIntroduceTheBlobIsRefused() throws {
        // The root is in the record (it introduced every other item's file) and an ancestor,
        // but 1.1's file at the head is not the one it wrote.
        let root = try git("rev-list", "--max-parents=0", "main")
        XCTAssertTrue(try record().lines.contains { $0.commit == root })
        let forged = try forgeUncheck(linkingTo: root)
        try assertRefused(forged)
    }

    func testARecordKeyedByAnotherCommitIsNotConsulted() throws {
        // A true record, but of another commit: the sibling is an ancestor of itself only.
        let sibling = try siblingOfFirstCheck()
        let forged = try forgeUncheck(linkingTo: sibling)
        try "readiness verified-introducers 1\n\(sibling)\n\(sibling) \(itemPath!)\n".write(toFile: recordPath, atomically: true, encoding: .utf8)
        try assertRefused(forged)
    }

    func testAGarbledRecordIsNotConsultedAtAll() throws {
        let sibling = try siblingOfFirstCheck()
        let forged = try forgeUncheck(linkingTo: sibling)
        for garbled in [
            "readiness verified-introducers 1\n\(head!)\n\(sibling) \(itemPath!)\nnot-a-commit items/x.json\n",
            "readiness verified-introducers 1\n\(head!)\n\(sibling) \(itemPath!)\n\(firstCheck!) \(itemPath!)\n",
            "readiness verified-introducers 2\n\(head!)\n\(sibling) \(itemPath!)\n",
            "readiness verified-introducers 1\n\(head!)\n\(sibling) \(itemPath!)",
        ] {
            try garbled.write(toFile: recordPath, atomically: true, encoding: .utf8)
            try assertRefused(forged)
        }
    }
}
