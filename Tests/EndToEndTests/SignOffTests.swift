import Foundation
import XCTest

/// The main job end to end: init, sign-offs, status, judged by stock git.
final class SignOffTests: XCTestCase {
    func testInitCheckStatusAndStockGitVerifiesEveryCommit() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        let created = try box.readinessOK("init", ledger)
        XCTAssertTrue(created.stdout.contains("11 sections"), created.stdout)
        try box.readinessOK("check", "1.1", "--note", "Sertifikat fra Let's Encrypt, fornyes automatisk",
                            "--evidence", "https://example.no/ssl-rapport", "--ledger", ledger)
        try box.readinessOK("check", "sikkerhet/waf", "--ledger", ledger)
        try box.readinessOK("waive", "6.1", "--reason", "Ingen AI i første versjon", "--until", "2099-12-31", "--ledger", ledger)

        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "--is-bare-repository"), "true")
        let allowed = try box.allowedSignersFile(from: ledger)
        let commits = try box.git("--git-dir", ledger, "rev-list", "main").split(separator: "\n").map(String.init)
        XCTAssertEqual(commits.count, 4)
        for commit in commits {
            let verdict = try box.verifyCommit(commit, ledger: ledger, allowedSigners: allowed)
            XCTAssertEqual(verdict.status, 0, "git verify-commit \(commit): \(verdict.stderr)")
            XCTAssertTrue(verdict.stderr.contains("Good \"git\" signature for \(box.email)"), verdict.stderr)
        }
        let fsck = try box.gitResult(["--git-dir", ledger, "fsck", "--strict", "--no-dangling"])
        XCTAssertEqual(fsck.status, 0, fsck.stderr)

        // Each sign-off changed exactly one item file, so git's own path-limited log tells its story.
        let changed = try box.git("--git-dir", ledger, "show", "--name-only", "--format=", "main~2")
        XCTAssertEqual(changed, "items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json")
        let subject = try box.git("--git-dir", ledger, "log", "-1", "--format=%s", "main~2")
        XCTAssertEqual(subject, "check sikkerhet/ssl-sertifikater-installert-og-konfigurert: SSL-sertifikater installert og konfigurert")
        let trailers = try box.git("--git-dir", ledger, "log", "-1", "--format=%(trailers:key=Readiness-Evidence,valueonly)", "main~2")
        XCTAssertEqual(trailers, "https://example.no/ssl-rapport")

        let json = try box.readinessOK("status", "--json", "--ledger", ledger).stdout
        let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let items = report["items"] as! [[String: Any]]
        XCTAssertEqual(items.count, 56)
        let first = items[0]
        XCTAssertEqual(first["number"] as? String, "1.1")
        XCTAssertEqual(first["state"] as? String, "done")
        XCTAssertEqual(first["signerEmail"] as? String, box.email)
        XCTAssertEqual(first["signerName"] as? String, box.name)
        XCTAssertEqual(first["commit"] as? String, commits[2])
        XCTAssertEqual(first["title"] as? String, "SSL-sertifikater installert og konfigurert")
        let waived = items.first { $0["number"] as? String == "6.1" }!
        XCTAssertEqual(waived["state"] as? String, "waived")
        XCTAssertEqual(waived["waivedUntil"] as? String, "2099-12-31")
        XCTAssertEqual(waived["commit"] as? String, commits[0])
        XCTAssertTrue(items.contains { ($0["title"] as? String)?.contains("nøkkelhåndtering") == true })

        let text = try box.readinessOK("status", "--ledger", ledger).stdout
        XCTAssertTrue(text.contains("1. Sikkerhet  2/6 done"), text)
    }

    func testCommitIsByteIdenticalToGitCommitS() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        // A fixed time after init's (a writer never writes a commit older than its parent).
        let date = ["GIT_COMMITTER_DATE": "@1790000000 +0000"]
        try box.readinessOK("init", ledger, environment: ["GIT_COMMITTER_DATE": "@1789999000 +0000"])
        try box.readinessOK("check", "2.1", "--note", "Alarmer for 5xx og latens", "--ledger", ledger, environment: date)
        let ours = try box.git("--git-dir", ledger, "rev-parse", "main")
        let path = try box.git("--git-dir", ledger, "show", "--name-only", "--format=", "main")
        let message = try box.run("/usr/bin/git", ["--git-dir", ledger, "log", "-1", "--format=%B", "main"]).stdout
        // Same change made by stock git: git add + git commit -S in an ordinary clone.
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        try box.git("reset", "-q", "--hard", "main~1", in: work)
        let contents = try box.run("/usr/bin/git", ["--git-dir", ledger, "show", "main:\(path)"]).stdout
        try contents.write(toFile: "\(work)/\(path)", atomically: true, encoding: .utf8)
        try message.dropLast().write(toFile: box.path("message"), atomically: true, encoding: .utf8)
        try box.git("add", path, in: work)
        try box.git("commit", "-q", "-S", "--cleanup=verbatim", "-F", box.path("message"), in: work,
                    environment: date.merging(["GIT_AUTHOR_DATE": "@1790000000 +0000"]) { $1 })
        let theirs = try box.git("rev-parse", "HEAD", in: work)
        XCTAssertEqual(ours, theirs, "readiness and git commit -S wrote different commits")
    }

    func testLedgerIsFoundFromEnvironmentGitConfigAndCurrentRepository() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        try box.readinessOK("check", "1.1", environment: ["READINESS_LEDGER": ledger])
        let product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("config", "readiness.ledger", "../ledger.git", in: product)
        try FileManager.default.createDirectory(atPath: "\(product)/src", withIntermediateDirectories: true)
        try box.readinessOK("check", "1.2", in: "\(product)/src")
        try box.readinessOK("check", "1.3", in: ledger)
        let status = try box.readinessOK("status", "--json", in: ledger).stdout
        XCTAssertEqual(status.components(separatedBy: "\"state\": \"done\"").count - 1, 3)
        let nowhere = box.path("nowhere")
        try FileManager.default.createDirectory(atPath: nowhere, withIntermediateDirectories: true)
        let missing = try box.readiness("status", in: nowhere)
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("--ledger"), missing.stderr)
    }
}
