import Foundation
import XCTest

/// Revision expressions (`main~2`, `HEAD^2~1`, an id with steps) name the same commit for
/// `status --as-of` as for `git rev-parse`, whether the event index's commit graph answers or
/// libgit2's revparse does: on a history with a merge and an octopus merge, with the index
/// current, missing, stale and after a rewrite.
final class RevisionTests: XCTestCase {
    /// The commit `status --as-of` read for `expression`, or nil when it refused it.
    private func statusCommit(_ box: Sandbox, _ ledger: String, _ expression: String) throws -> String? {
        let result = try box.readiness("status", "--json", "--as-of", expression, "--ledger", ledger)
        guard result.status == 0 else {
            XCTAssertEqual(result.status, 5, "\(expression): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", expression)
            return nil
        }
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["head"] as? String
    }

    /// What stock git resolves `expression` to, as a commit; nil when it names none.
    private func gitCommit(_ box: Sandbox, _ ledger: String, _ expression: String) throws -> String? {
        let result = try box.gitResult(["--git-dir", ledger, "rev-parse", "--verify", "--quiet", "\(expression)^{commit}"])
        return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    private func assertSameAsGit(_ box: Sandbox, _ ledger: String, _ expressions: [String], _ situation: String,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        for expression in expressions {
            let expected = try gitCommit(box, ledger, expression)
            XCTAssertEqual(try statusCommit(box, ledger, expression), expected, "\(situation): \(expression)", file: file, line: line)
        }
    }

    /// Each signed item's event in `status --as-of` is the commit `git log -1 <point> -- <file>`
    /// names (the ledger's item records are unique, so the newest writer of the blob is it):
    /// at an older point most items miss the small tips file and come from the full index.
    private func assertEventsAsGitLogs(_ box: Sandbox, _ ledger: String, _ points: [String],
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        for point in points {
            let items = try Sandbox.jsonList(box.readinessOK("status", "--json", "--as-of", point, "--ledger", ledger).stdout)
            let signed = items.filter { $0["commit"] as? String != nil }
            XCTAssertFalse(signed.isEmpty, point, file: file, line: line)
            for item in signed {
                let id = try XCTUnwrap(item["item"] as? String)
                let last = try box.git("--git-dir", ledger, "log", "-1", "--format=%H", point, "--", "items/\(id).json")
                XCTAssertEqual(item["commit"] as? String, last, "\(point): \(id)", file: file, line: line)
            }
        }
    }

    /// main: init, 1.1, a merge of two sides (3.1 / 4.1), then an octopus merge of three (5.1, 6.1, 7.1).
    private func ledgerWithMerges(_ box: Sandbox) throws -> String {
        let ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        for (branch, item) in [("left", "3.1"), ("right", "4.1")] {
            let side = box.path("\(branch).git")
            try box.git("clone", "-q", "--bare", ledger, side)
            try box.readinessOK("check", item, "--note", branch, "--ledger", side)
            try box.git("fetch", "-q", side, "main:\(branch)", in: work)
        }
        try box.git("merge", "-q", "-S", "--no-edit", "--no-ff", "left", "right", in: work)
        try box.git("push", "-q", ledger, "HEAD:main", in: work)
        for (branch, item) in [("a", "5.1"), ("b", "6.1"), ("c", "7.1")] {
            let side = box.path("\(branch).git")
            try box.git("clone", "-q", "--bare", ledger, side)
            try box.readinessOK("check", item, "--note", branch, "--ledger", side)
            try box.git("fetch", "-q", side, "main:\(branch)", in: work)
        }
        try box.git("merge", "-q", "-S", "--no-edit", "--no-ff", "a", "b", "c", in: work)
        try box.git("push", "-q", ledger, "HEAD:main", in: work)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "-1", "--format=%P", "main").split(separator: " ").count, 4)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "-1", "--format=%P", "main~1").split(separator: " ").count, 3)
        return ledger
    }

    func testRevisionsNameWhatGitNames() throws {
        let box = try Sandbox()
        let ledger = try ledgerWithMerges(box)
        let head = try box.git("--git-dir", ledger, "rev-parse", "main")
        let expressions = [
            "main", "main~0", "main^0", "main^", "main^1", "main^2", "main^3", "main^4", "main^5", "main~", "main~~",
            "main^^", "main~1", "main~1^2", "main~1^3", "main~1^4", "main^2~1", "main^4~0", "main~2", "main~01", "main~1^2^0",
            "HEAD~1", "HEAD^3", "\(head)^2", "\(head.prefix(10))~1^3", "\(head.prefix(7))~2",
            "main~999999", "main^999999", "main~2147483647", "main~2147483648", "main~4294967296", "main~99999999999999999999",
            "main^{commit}~1", "main~1^{commit}", "nosuchbranch~1", "0000000~1",
        ]
        try box.readinessOK("timeline", "--ledger", ledger)
        try assertSameAsGit(box, ledger, expressions, "index current")
        try assertEventsAsGitLogs(box, ledger, ["main", "main~1", "main~1^2", "main~1^3", "main^2", "main^4", "main~2"])
        try FileManager.default.removeItem(atPath: "\(ledger)/readiness/events-v2")
        try assertSameAsGit(box, ledger, expressions, "index missing")

        // Stale: a commit made with git moves the branch past the indexed head; resolving
        // catches the index up (extends it) first.
        try box.git("commit", "-q", "-S", "--allow-empty", "-m", "notat", in: box.path("work"))
        try box.git("push", "-q", ledger, "HEAD:main", in: box.path("work"))
        try assertSameAsGit(box, ledger, expressions + ["main~1^4", "main~2^2"], "index stale")

        // Rewritten: the old head is no longer on the branch, so the rebuilt index does not hold
        // it and libgit2 resolves expressions that start there.
        let old = try box.git("--git-dir", ledger, "rev-parse", "main")
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", "main~1^2")
        try assertSameAsGit(box, ledger, ["main", "main~1", "\(old)~1", "\(old)~1^3", "\(old)^2", "\(old)~9"], "branch rewritten")
    }

    func testAnItemRecordCopiedToAnotherPathKeepsItsOwnEvent() throws {
        let box = try Sandbox()
        let ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        try box.readinessOK("uncheck", "1.1", "--reason", "igjen", "--ledger", ledger)
        // By hand, as an attacker or a careless merge would: 1.1's signed record from the
        // check, copied over another item's file. The same blob now has a newer event elsewhere.
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let checked = try box.git("show", "HEAD~1:items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json", in: work)
        try (checked + "\n").write(toFile: "\(work)/items/sikkerhet/brannmurregler-konfigurert.json", atomically: true, encoding: .utf8)
        try box.git("commit", "-q", "-S", "-am", "kopi", in: work)
        try box.git("push", "-q", ledger, "HEAD:main", in: work)
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "main~2:items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json"),
                       try box.git("--git-dir", ledger, "rev-parse", "main:items/sikkerhet/brannmurregler-konfigurert.json"))
        try assertEventsAsGitLogs(box, ledger, ["main~2", "main"])
    }
}
