import Foundation
import XCTest

/// Queries answer from the ledger alone and agree with stock git on the same repository.
final class QueryTests: XCTestCase {
    private func json(_ text: String) throws -> [[String: Any]] {
        try Sandbox.jsonList(text)
    }

    func testHistoryAndTimelineAgreeWithGitLog() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        let ledgerArgs = ["--ledger", ledger]
        for round in 0..<3 {
            XCTAssertEqual(try box.run(Sandbox.binary, ["check", "1.1", "--note", "runde \(round)"] + ledgerArgs).status, 0)
            XCTAssertEqual(try box.run(Sandbox.binary, ["check", "2.\(round + 1)"] + ledgerArgs).status, 0)
            XCTAssertEqual(try box.run(Sandbox.binary, ["uncheck", "1.1", "--reason", "ny runde \(round)"] + ledgerArgs).status, 0)
        }
        try box.readinessOK("waive", "7.1", "--reason", "later", "--until", "2099-01-01", "--ledger", ledger)
        let path = "items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json"
        let history = try json(box.readinessOK("history", "1.1", "--json", "--ledger", ledger).stdout)
        let gitLog = try box.git("--git-dir", ledger, "log", "--format=%H", "--", path).split(separator: "\n").map(String.init)
        XCTAssertEqual(history.map { $0["commit"] as? String }, gitLog)
        XCTAssertEqual(history.first?["action"] as? String, "uncheck")
        XCTAssertEqual(history.first?["stateBefore"] as? String, "done")
        XCTAssertEqual(history.first?["stateAfter"] as? String, "open")
        XCTAssertEqual(history.first?["note"] as? String, "ny runde 2")
        XCTAssertEqual(history.last?["action"] as? String, "create")
        // Each event's back-link is the commit git lists next for that file.
        for (event, older) in zip(history, gitLog.dropFirst()) where event["action"] as? String != "create" {
            XCTAssertEqual(event["previous"] as? [String], [older])
        }

        let timeline = try json(box.readinessOK("timeline", "--json", "--ledger", ledger).stdout)
        let commits = try box.git("--git-dir", ledger, "log", "--reverse", "--format=%H").split(separator: "\n").map(String.init)
        var seen: [String] = []
        for event in timeline where seen.last != event["commit"] as? String { seen.append(event["commit"] as! String) }
        XCTAssertEqual(seen, commits, "timeline commits in git log --reverse order")
        let checks = try json(box.readinessOK("timeline", "--json", "--action", "check", "--section", "2", "--ledger", ledger).stdout)
        XCTAssertEqual(checks.count, 3)
        XCTAssertEqual(try json(box.readinessOK("timeline", "--json", "--by", "nobody", "--ledger", ledger).stdout).count, 0)
        XCTAssertEqual(try json(box.readinessOK("timeline", "--json", "--by", "KARI", "--ledger", ledger).stdout).count, timeline.count)
        let csv = try box.readinessOK("timeline", "--csv", "--item", "1.1", "--ledger", ledger).stdout
        XCTAssertEqual(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1 + history.count)
        XCTAssertTrue(csv.hasPrefix("time,commit,action,item"), csv)

        let blame = try json(box.readinessOK("blame", "--json", "--ledger", ledger).stdout)
        XCTAssertEqual(blame.count, 56)
        for line in blame {
            let id = line["item"] as! String
            let event = line["event"] as! [String: Any]
            let last = try box.git("--git-dir", ledger, "log", "-1", "--format=%H", "--", "items/\(id).json")
            XCTAssertEqual(event["commit"] as? String, last, id)
        }
        let sectionBlame = try json(box.readinessOK("blame", "--json", "--section", "sikkerhet", "--ledger", ledger).stdout)
        XCTAssertEqual(sectionBlame.count, 6)
    }

    func testAsOfAndDiffShowTheLedgerAsItStood() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger, environment: ["GIT_COMMITTER_DATE": "2026-01-10T10:00:00Z"])
        try box.readinessOK("check", "1.1", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "2026-02-01T10:00:00Z"])
        try box.readinessOK("check", "1.2", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "2026-03-01T10:00:00Z"])
        let january = try box.readinessOK("status", "--json", "--as-of", "2026-01-31", "--ledger", ledger).stdout
        XCTAssertEqual(january.components(separatedBy: "\"state\": \"done\"").count - 1, 0)
        let february = try box.readinessOK("status", "--json", "--as-of", "2026-02-01", "--ledger", ledger).stdout
        XCTAssertEqual(february.components(separatedBy: "\"state\": \"done\"").count - 1, 1)
        let byCommit = try box.readinessOK("status", "--json", "--as-of", "main~1", "--ledger", ledger).stdout
        XCTAssertEqual(byCommit, february)
        let before = try box.readiness("status", "--as-of", "2025-12-31", "--ledger", ledger)
        XCTAssertEqual(before.status, 5, before.stderr)

        let diff = try json(box.readinessOK("diff", "2026-01-31", "2026-03-02", "--json", "--ledger", ledger).stdout)
        XCTAssertEqual(diff.map { $0["number"] as? String }, ["1.1", "1.2"])
        XCTAssertEqual(diff.first?["stateBefore"] as? String, "open")
        XCTAssertEqual(diff.first?["stateAfter"] as? String, "done")
        let since = try json(box.readinessOK("timeline", "--json", "--since", "2026-02-15", "--ledger", ledger).stdout)
        XCTAssertEqual(since.map { $0["item"] as? String }, ["sikkerhet/waf-web-application-firewall-satt-opp"])
        let until = try json(box.readinessOK("timeline", "--json", "--until", "2026-02-01", "--action", "check", "--ledger", ledger).stdout)
        XCTAssertEqual(until.count, 1)
        let bad = try box.readiness("timeline", "--since", "yesterday-ish", "--ledger", ledger)
        XCTAssertEqual(bad.status, 5, bad.stderr)
        let unknownAction = try box.readiness("timeline", "--action", "approve-all", "--ledger", ledger)
        XCTAssertEqual(unknownAction.status, 5, unknownAction.stderr)
        for arguments in [["--tag", "gpdr"], ["--tag", ""], ["--by", " "], ["--since", "2026-03-01", "--until", "2026-02-01"]] {
            let refused = try box.run(Sandbox.binary, ["timeline", "--ledger", ledger] + arguments)
            XCTAssertEqual(refused.status, 5, "\(arguments): \(refused.stderr)")
            XCTAssertEqual(refused.stdout, "", "\(arguments)")
        }
        let tagHint = try box.readiness("timeline", "--tag", "gpdr", "--ledger", ledger)
        XCTAssertTrue(tagHint.stderr.contains("gdpr"), tagHint.stderr)
        let unknownSection = try box.readiness("blame", "--section", "99", "--ledger", ledger)
        XCTAssertEqual(unknownSection.status, 4, unknownSection.stderr)
    }

    func testMergedHistoryShowsBothSides() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        let left = box.path("left.git"), right = box.path("right.git")
        try box.git("clone", "-q", "--bare", ledger, left)
        try box.git("clone", "-q", "--bare", ledger, right)
        try box.readinessOK("check", "3.1", "--note", "venstre", "--ledger", left)
        try box.readinessOK("check", "4.1", "--note", "høyre", "--ledger", right)
        let work = box.path("work")
        try box.git("clone", "-q", left, work)
        try box.git("pull", "-q", "--no-rebase", "-S", right, "main", in: work)
        try box.git("push", "-q", ledger, "HEAD:main", in: work)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "-1", "--format=%P").split(separator: " ").count, 2)
        let timeline = try json(box.readinessOK("timeline", "--json", "--action", "check", "--ledger", ledger).stdout)
        XCTAssertEqual(Set(timeline.compactMap { $0["note"] as? String }), ["venstre", "høyre"])
        let again = try json(box.readinessOK("timeline", "--json", "--action", "check", "--ledger", ledger).stdout)
        XCTAssertEqual(timeline.map { $0["commit"] as? String }, again.map { $0["commit"] as? String }, "stable order")
        let status = try box.readinessOK("status", "--json", "--ledger", ledger).stdout
        XCTAssertEqual(status.components(separatedBy: "\"state\": \"done\"").count - 1, 2)
    }

    func testEventIndexIsRebuiltWhenMissingDamagedOrRewritten() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        let expected = try box.readinessOK("timeline", "--json", "--ledger", ledger).stdout
        let index = "\(ledger)/readiness/events-v2"
        let tips = "\(ledger)/readiness/tips-v2"
        XCTAssertTrue(FileManager.default.fileExists(atPath: index))
        // Damaged: flip one byte in the middle.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: index))
        XCTAssertEqual(try box.readinessOK("timeline", "--json", "--ledger", ledger).stdout, expected)
        // Truncated, and garbage.
        try Data(bytes.prefix(10)).write(to: URL(fileURLWithPath: index))
        XCTAssertEqual(try box.readinessOK("timeline", "--json", "--ledger", ledger).stdout, expected)
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: tips))
        XCTAssertTrue(try box.readinessOK("status", "--json", "--ledger", ledger).stdout.contains("\"commit\": \""))
        // Missing.
        try FileManager.default.removeItem(atPath: index)
        XCTAssertEqual(try box.readinessOK("timeline", "--json", "--ledger", ledger).stdout, expected)
        // Stale: a sign-off made by another writer is caught up incrementally.
        try box.readinessOK("check", "1.2", "--ledger", ledger)
        let caughtUp = try json(box.readinessOK("timeline", "--json", "--action", "check", "--ledger", ledger).stdout)
        XCTAssertEqual(caughtUp.count, 2)
        // Rewritten: the branch moved to a commit that does not descend from the indexed head.
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", "main~2")
        let rewritten = try json(box.readinessOK("timeline", "--json", "--action", "check", "--ledger", ledger).stdout)
        XCTAssertEqual(rewritten.count, 0)
    }

    func testEventsCarryRealSignatureVerdicts() throws {
        let box = try Sandbox()
        let ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        // A stranger's key signs an event with stock git: the verdict must say it is untrusted.
        let stranger = box.path("stranger")
        try box.makeKey(at: stranger, comment: "stranger")
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        try box.readinessOK("uncheck", "1.1", "--reason", "x", "--ledger", ledger)
        try box.git("pull", "-q", "--ff-only", in: work)
        let itemFile = "\(work)/items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json"
        let record = try String(contentsOfFile: itemFile, encoding: .utf8)
        try record.replacingOccurrences(of: "\"note\" : \"x\"", with: "\"note\" : \"forged\"").write(toFile: itemFile, atomically: true, encoding: .utf8)
        try box.git("-c", "user.signingkey=\(stranger)", "commit", "-q", "-S", "-am", "uncheck sikkerhet/ssl-sertifikater-installert-og-konfigurert: forged", in: work)
        try box.git("push", "-q", "origin", "main", in: work)
        let timeline = try json(box.readinessOK("timeline", "--json", "--ledger", ledger).stdout)
        let verdicts = Dictionary(timeline.map { ($0["commit"] as! String, $0["signature"] as! String) }, uniquingKeysWith: { first, _ in first })
        let head = try box.git("--git-dir", ledger, "rev-parse", "main")
        let signedByUs = try box.git("--git-dir", ledger, "rev-parse", "main~1")
        XCTAssertEqual(verdicts[signedByUs], "good")
        XCTAssertTrue(verdicts[head]?.hasPrefix("untrusted") == true, "\(verdicts[head] ?? "none")")
        let history = try json(box.readinessOK("history", "1.1", "--json", "--ledger", ledger).stdout)
        XCTAssertEqual(history.first?["note"] as? String, "forged")
        XCTAssertTrue(history.dropFirst().allSatisfy { $0["signature"] as? String == "good" }, "\(history)")
        let verify = try box.readiness("verify", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stderr + verify.stdout)
        XCTAssertTrue((verify.stdout + verify.stderr).contains(head.prefix(12)), verify.stdout)
        let skipped = try json(box.readinessOK("history", "1.1", "--json", "--skip-signatures", "--ledger", ledger).stdout)
        XCTAssertTrue(skipped.allSatisfy { $0["signature"] as? String == "not checked" })
    }

    /// Each filter of the timeline keeps exactly the events of the whole timeline that match
    /// it, in the same order and written the same: the filters judge the index's fields without
    /// decoding events, and the events are written as they are read.
    func testFilteredTimelinesAreTheWholeTimelineNarrowed() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        func at(_ day: String) -> [String: String] { ["GIT_COMMITTER_DATE": "\(day)T10:00:00Z"] }
        try box.readinessOK("init", ledger, environment: at("2026-01-10"))
        for (round, day) in ["2026-02-01", "2026-02-15", "2026-03-01"].enumerated() {
            try box.readinessOK("check", "1.\(round + 1)", "--note", "runde \"\(round)\" – blåbær\\", "--evidence", "https://e.no/\(round)",
                                "--ledger", ledger, environment: at(day))
            try box.readinessOK("check", "3.\(round + 1)", "--ledger", ledger, environment: at(day))
            try box.readinessOK("uncheck", "1.\(round + 1)", "--reason", "ny runde", "--ledger", ledger, environment: at(day))
        }
        try box.readinessOK("waive", "7.1", "--reason", "senere", "--until", "2099-01-01", "--ledger", ledger, environment: at("2026-03-02"))
        // A definition change that moves an item and adds one: one event, not one per item file it writes.
        let moved = try box.readinessOK("checklist", "export", "--ledger", ledger).stdout
            .replacingOccurrences(of: "- [ ] Brannmurregler konfigurert {#sikkerhet/brannmurregler-konfigurert}\n", with: "")
            .replacingOccurrences(of: "## 3. Database {#database}\n", with: "## 3. Database {#database}\n"
                + "- [ ] Brannmurregler konfigurert {#sikkerhet/brannmurregler-konfigurert}\n- [ ] Nytt punkt {#database/nytt-punkt}\n")
        let file = box.path("moved.md")
        try moved.write(toFile: file, atomically: true, encoding: .utf8)
        try box.readinessOK("checklist", "update", file, "--ledger", ledger, environment: at("2026-03-03"))
        try box.readinessOK("check", "database/brannmurregler-konfigurert", "--ledger", ledger, environment: at("2026-03-04"))

        func timeline(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try box.run(Sandbox.binary, ["timeline", "--json"] + arguments + ["--ledger", ledger])
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            return try json(result.stdout)
        }
        let whole = try timeline([])
        let define = try XCTUnwrap(whole.first { $0["action"] as? String == "define" })
        XCTAssertEqual(whole.filter { $0["commit"] as? String == define["commit"] as? String }.count, 1, "the definition change is one event")
        XCTAssertFalse(whole.contains { $0["item"] as? String == "database/nytt-punkt" }, "the added item's file is part of that event")
        let added = try timeline(["--item", "database/nytt-punkt"])
        XCTAssertEqual(added.map { $0["commit"] as? String }, [define["commit"] as? String], "one item's timeline shows its own file's event")
        let actions = Dictionary(whole.map { ($0["action"] as? String ?? "", 1) }, uniquingKeysWith: +)
        XCTAssertEqual(actions["check"], 7)
        XCTAssertEqual(actions["uncheck"], 3)
        XCTAssertEqual(actions["waive"], 1)
        XCTAssertEqual(actions["define"], 1)
        XCTAssertEqual(actions["create"], 56, "the items init created, each one event")
        let secondDay = try XCTUnwrap(whole.first { ($0["time"] as? String ?? "") >= "2026-02-15" })
        func field(_ key: String, _ event: [String: Any]) -> String { event[key] as? String ?? "" }
        let cases: [([String], ([String: Any]) -> Bool)] = [
            (["--action", "check"], { field("action", $0) == "check" }),
            (["--action", "define"], { field("action", $0) == "define" }),
            (["--section", "sikkerhet"], { field("section", $0) == "sikkerhet" }),
            (["--section", "database"], { field("section", $0) == "database" }),
            (["--by", "KARI"], { _ in true }),
            (["--by", "nobody"], { _ in false }),
            (["--by", "EXAMPLE.no", "--action", "uncheck"], { field("action", $0) == "uncheck" }),
            (["--since", "2026-02-15"], { field("time", $0) >= "2026-02-15T00:00:00Z" }),
            (["--until", "2026-02-15"], { field("time", $0) <= "2026-02-15T23:59:59Z" }),
            (["--since", field("commit", secondDay)], { field("time", $0) >= field("time", secondDay) }),
            (["--since", "2026-02-02", "--until", "2026-03-03", "--action", "check", "--section", "sikkerhet"], {
                field("time", $0) >= "2026-02-02T00:00:00Z" && field("time", $0) <= "2026-03-03T23:59:59Z"
                    && field("action", $0) == "check" && field("section", $0) == "sikkerhet"
            }),
        ]
        for (arguments, keep) in cases {
            let narrowed = whole.filter(keep)
            XCTAssertFalse(narrowed.isEmpty && arguments != ["--by", "nobody"], "\(arguments) keeps something")
            XCTAssertEqual(try timeline(arguments) as NSArray, narrowed as NSArray, "\(arguments)")
        }
    }
}
