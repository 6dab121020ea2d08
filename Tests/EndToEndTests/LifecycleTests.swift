import Foundation
import XCTest

/// The checklist's lifecycle, end to end: export → edit → update, on the shipped checklist and
/// on one of our own; every kind of change keeping state and history; as-of before and after;
/// retirement and restoration; bad input refused with its line and nothing written; and
/// definition changes made with plain git that break the rules, caught by `verify`. Stock git
/// judges every commit the tool writes (`verify-commit`, `fsck`, `log`).
final class LifecycleTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
    }

    override func tearDown() {
        box = nil
    }

    // MARK: - Helpers

    private let ssl = "sikkerhet/ssl-sertifikater-installert-og-konfigurert"
    private let ddos = "sikkerhet/ddos-beskyttelse-aktivert"
    private let cloudwatch = "overvaking-og-logging/cloudwatch-alarmer-satt-opp"

    private func rev(_ name: String = "main") throws -> String {
        try box.git("--git-dir", ledger, "rev-parse", name)
    }

    private func export() throws -> String {
        try box.readinessOK("checklist", "export", "--ledger", ledger).stdout
    }

    private func write(_ text: String, _ name: String = "edited-\(UUID().uuidString.prefix(6)).md") throws -> String {
        let path = box.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @discardableResult
    private func update(_ text: String, _ extra: String...) throws -> RunResult {
        try box.run(Sandbox.binary, ["checklist", "update", try write(text), "--ledger", ledger] + extra)
    }

    private func json(_ arguments: String...) throws -> [String: Any] {
        let result = try box.run(Sandbox.binary, arguments + ["--json", "--ledger", ledger])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    private func statusItems(_ extra: String...) throws -> [[String: Any]] {
        let result = try box.run(Sandbox.binary, ["status", "--json", "--ledger", ledger] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap(report["items"] as? [[String: Any]])
    }


    /// Every commit of the ledger passes stock git's signature check and the object graph is sound.
    private func assertStockGitAccepts(file: StaticString = #filePath, line: UInt = #line) throws {
        let allowed = try box.allowedSignersFile(from: ledger)
        for commit in try box.git("--git-dir", ledger, "rev-list", "main").split(separator: "\n") {
            let result = try box.verifyCommit(String(commit), ledger: ledger, allowedSigners: allowed)
            XCTAssertEqual(result.status, 0, "git verify-commit \(commit): \(result.stderr)", file: file, line: line)
        }
        try box.git("--git-dir", ledger, "fsck", "--strict", "--no-dangling")
    }

    /// Runs readiness expecting a refusal: its exit code, a fragment of its message, an unmoved head.
    @discardableResult
    private func expectRefusal(_ arguments: [String], code: Int32, mentions fragments: String...,
                               file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let before = try rev()
        let result = try box.run(Sandbox.binary, arguments)
        XCTAssertEqual(result.status, code, "\(arguments): \(result.stderr)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "expected '\(fragment)' in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertEqual(try rev(), before, "the head moved", file: file, line: line)
        return result
    }

    // MARK: - Round trip

    func testExportThenUpdateIsALosslessRoundTrip() throws {
        try box.readinessOK("check", "1.1", "--note", "fornyes automatisk", "--ledger", ledger)
        let exported = try export()
        XCTAssertTrue(exported.contains("## 1. Sikkerhet {#sikkerhet}"), exported)
        XCTAssertTrue(exported.contains("- [ ] GDPR-compliance verifisert #gdpr {#sikkerhet/gdpr-compliance-verifisert}"), exported)
        let head = try rev()
        let result = try update(exported)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("No changes"), result.stdout)
        XCTAssertEqual(try rev(), head, "an update that changes nothing writes nothing")
        // --out writes the same text, and exporting again gives the same bytes.
        try box.readinessOK("checklist", "export", "--out", box.path("out.md"), "--ledger", ledger)
        XCTAssertEqual(try String(contentsOfFile: box.path("out.md"), encoding: .utf8), exported)
        XCTAssertEqual(try export(), exported)
    }

    // MARK: - Each kind of change

    func testEachKindOfChangeKeepsStateAndHistory() throws {
        try box.readinessOK("check", "1.1", "--note", "fornyes automatisk", "--ledger", ledger)
        try box.readinessOK("waive", "1.3", "--reason", "ikke nå", "--until", "2099-12-31", "--ledger", ledger)
        let before = try rev()
        var text = try export()
        let sslLine = "- [ ] SSL-sertifikater installert og konfigurert {#\(ssl)}\n"
        text = text.replacingOccurrences(of: sslLine, with: "")                               // move 1.1 …
        text = text.replacingOccurrences(of: "## 2. Overvåking og Logging {#overvaking-og-logging}\n",
                                         with: "## 2. Overvåking, logging og varsling {#overvaking-og-logging}\n" + sslLine) // … into a renamed section
        text = text.replacingOccurrences(of: "- [ ] CloudWatch alarmer satt opp {#", with: "- [ ] CloudWatch-alarmer satt opp og testet #drift {#") // retitle + tag
        text = text.replacingOccurrences(of: "- [ ] DDoS-beskyttelse aktivert {#\(ddos)}\n", with: "")   // retire
        text = text.replacingOccurrences(of: "## 3. Database {#database}\n",
                                         with: "## 3. Database {#database}\n- [ ] Point-in-time recovery testet\n") // add
        text += "\n## 12. Personvern\n- [ ] DPIA gjennomført #gdpr\n"                       // new section

        let dryRun = try update(text, "--dry-run")
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertEqual(try rev(), before, "--dry-run writes nothing")
        for expected in ["moved \(ssl) -> overvaking-og-logging/ssl-sertifikater-installert-og-konfigurert",
                         "retitled \(cloudwatch): CloudWatch alarmer satt opp -> CloudWatch-alarmer satt opp og testet",
                         "retagged \(cloudwatch): (none) -> #drift",
                         "retired \(ddos)", "added database/point-in-time-recovery-testet", "added personvern/dpia-gjennomfort",
                         "section-added personvern", "section-retitled overvaking-og-logging", "renumbered sikkerhet/waf-web-application-firewall-satt-opp: 1.2 -> 1.1"] {
            XCTAssertTrue(dryRun.stdout.contains(expected), "plan lacks '\(expected)':\n\(dryRun.stdout)")
        }
        let applied = try update(text, "--base", String(before.prefix(12)))
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertNotEqual(try rev(), before)
        let moved = "overvaking-og-logging/ssl-sertifikater-installert-og-konfigurert"

        // The moved item keeps its state, note and whole history, under its new id and number.
        let shown = try json("show", moved)
        XCTAssertEqual(shown["state"] as? String, "done")
        XCTAssertEqual(shown["number"] as? String, "2.1")
        XCTAssertEqual(shown["note"] as? String, "fornyes automatisk")
        XCTAssertEqual(shown["path"] as? String, "items/\(ssl).json", "the file never moves")
        XCTAssertEqual(shown["signature"] as? String, "good")
        let history = try box.readinessOK("history", "2.1", "--json", "--ledger", ledger).stdout
        let actions = try Sandbox.jsonList(history).map { $0["action"] as? String }
        XCTAssertEqual(actions, ["renumbered", "moved", "check", "create"], history)
        // The old id still finds it, and stock git's own log of the file has the whole story.
        XCTAssertEqual(try box.readinessOK("history", ssl, "--json", "--ledger", ledger).stdout, history)
        let gitLog = try box.git("--git-dir", ledger, "log", "--format=%s", "--", "items/\(ssl).json")
        XCTAssertEqual(gitLog.split(separator: "\n").count, 2, gitLog)
        XCTAssertEqual(try box.readinessOK("timeline", "--item", "2.1", "--json", "--ledger", ledger).stdout.components(separatedBy: "\"action\"").count - 1, 4)

        // An evidence pack for the moved item follows it too, named as the definition names it.
        try box.readinessOK("evidence", "--out", box.path("pack"), "--item", "2.1", "--ledger", ledger)
        let pack = try String(contentsOfFile: box.path("pack/events.json"), encoding: .utf8)
        XCTAssertTrue(pack.contains("\"note\" : \"fornyes automatisk\"") || pack.contains("\"note\": \"fornyes automatisk\""), pack)
        XCTAssertTrue(pack.contains("\"item\": \"\(moved)\"") || pack.contains("\"item\" : \"\(moved)\""), pack)
        XCTAssertFalse(pack.contains("\"item\": \"\(ssl)\"") || pack.contains("\"item\" : \"\(ssl)\""), "events are named by the item's id at the end of the range")

        // The retired item keeps its last state and history but no longer counts.
        let items = try statusItems()
        XCTAssertEqual(items.count, 57)
        XCTAssertFalse(items.contains { $0["item"] as? String == ddos })
        XCTAssertEqual(items.first { $0["item"] as? String == "database/point-in-time-recovery-testet" }?["state"] as? String, "open")
        let all = try json("status", "--all")
        let retired = try XCTUnwrap(all["retired"] as? [[String: Any]])
        XCTAssertEqual(retired.map { $0["item"] as? String }, [ddos])
        XCTAssertEqual(retired.first?["state"] as? String, "waived")
        XCTAssertTrue(try box.readinessOK("status", "--all", "--ledger", ledger).stdout.contains("Retired (1, not counted):"))
        try expectRefusal(["check", ddos, "--ledger", ledger], code: 4, mentions: "is retired")
        XCTAssertEqual(try json("show", ddos)["retired"] as? Bool, true)
        // The gate does not count it: section 1 has 4 items now, none done.
        let gate = try box.run(Sandbox.binary, ["gate", "--require", "1", "--ledger", ledger])
        XCTAssertEqual(gate.status, 20)
        XCTAssertFalse(gate.stdout.contains("DDoS") || gate.stderr.contains("DDoS"), gate.stdout + gate.stderr)

        // The timeline shows the change as one event listing what changed; diff lists it beside states.
        let timeline = try box.readinessOK("timeline", "--action", "define", "--ledger", ledger).stdout
        XCTAssertEqual(timeline.components(separatedBy: "define checklist.json").count - 1, 1, timeline)
        XCTAssertTrue(timeline.contains("retired \(ddos)"), timeline)
        XCTAssertFalse(try box.readinessOK("timeline", "--ledger", ledger).stdout.contains("create database/point-in-time"),
                       "the items a definition change creates are part of its one event")
        let diff = try box.readinessOK("diff", before, "--ledger", ledger).stdout
        XCTAssertTrue(diff.contains("definition moved \(ssl) -> \(moved)"), diff)
        XCTAssertTrue(diff.contains("added    3.1 database/point-in-time-recovery-testet"), diff)

        // Sign-offs go on under the new id; everything verifies, with readiness and with stock git.
        try box.readinessOK("uncheck", "2.1", "--reason", "fornyes manuelt nå", "--ledger", ledger)
        try box.readinessOK("check", "database/point", "--ledger", ledger)
        XCTAssertTrue(try box.readinessOK("verify", "--full", "--ledger", ledger).stdout.contains("clean"))
        try assertStockGitAccepts()
        let message = try box.git("--git-dir", ledger, "log", "-1", "--format=%B", "main~2")
        XCTAssertTrue(message.hasPrefix("define checklist: "), message)
        XCTAssertTrue(message.contains("Readiness-Moved: \(ssl) -> \(moved)"), message)
        XCTAssertTrue(message.contains("Readiness-Retired: \(ddos)"), message)
        XCTAssertTrue(try box.git("--git-dir", ledger, "show", "main:ledger.json").contains("\"format\" : 2"), "moves and retirements need format 2")
    }

    func testAsOfShowsTheDefinitionAsItStood() throws {
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        let before = try rev()
        let text = try export().replacingOccurrences(of: "- [ ] DDoS-beskyttelse aktivert {#\(ddos)}\n", with: "")
            .replacingOccurrences(of: "## 4. Frontend {#frontend}\n", with: "## 4. Frontend {#frontend}\n- [ ] Tilgjengelighet testet\n")
        XCTAssertEqual(try update(text).status, 0)
        let old = try statusItems("--as-of", before)
        let new = try statusItems()
        XCTAssertEqual(old.count, 56)
        XCTAssertEqual(old.first { $0["item"] as? String == ddos }?["state"] as? String, "done")
        XCTAssertFalse(old.contains { ($0["item"] as? String)?.hasPrefix("frontend/tilgjengelighet") == true })
        XCTAssertEqual(new.count, 56)
        XCTAssertFalse(new.contains { $0["item"] as? String == ddos })
        XCTAssertEqual(new.first { $0["item"] as? String == "frontend/tilgjengelighet-testet" }?["number"] as? String, "4.1")
        // A date before the update gives the old definition too.
        let summary = try box.readinessOK("status", "--summary", "--as-of", before, "--ledger", ledger).stdout
        XCTAssertTrue(summary.contains("1/56 done"), summary)
    }

    func testRetiredItemIsRestoredWithItsStateAndHistory() throws {
        try box.readinessOK("waive", "1.3", "--reason", "ikke i første versjon", "--until", "2099-12-31", "--ledger", ledger)
        let full = try export()
        XCTAssertEqual(try update(full.replacingOccurrences(of: "- [ ] DDoS-beskyttelse aktivert {#\(ddos)}\n", with: "")).status, 0)
        let exported = try export()
        XCTAssertTrue(exported.contains("<!-- retired from 1. Sikkerhet: - [ ] DDoS-beskyttelse aktivert {#\(ddos)} -->"), exported)
        // A new line with the retired item's title but no id is not a guess: refused, naming the line.
        let withTitleOnly = exported.replacingOccurrences(of: "## 3. Database {#database}\n", with: "## 3. Database {#database}\n- [ ] DDoS-beskyttelse aktivert\n")
        let line = withTitleOnly.components(separatedBy: "\n").firstIndex(of: "- [ ] DDoS-beskyttelse aktivert")! + 1
        try expectRefusal(["checklist", "update", try write(withTitleOnly), "--ledger", ledger], code: 5,
                          mentions: ":\(line): 'DDoS-beskyttelse aktivert' is the title of retired item \(ddos)")
        // Its id brings it back, here into another section, waived as it was.
        let restored = exported.replacingOccurrences(of: "## 3. Database {#database}\n",
                                                     with: "## 3. Database {#database}\n- [ ] DDoS-beskyttelse aktivert {#\(ddos)}\n")
        let result = try update(restored)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("restored database/ddos-beskyttelse-aktivert"), result.stdout)
        let shown = try json("show", "database/ddos")
        XCTAssertEqual(shown["state"] as? String, "waived")
        XCTAssertEqual(shown["retired"] as? Bool, false)
        let actions = (shown["events"] as? [[String: Any]])?.map { $0["action"] as? String }
        XCTAssertEqual(actions, ["renumbered", "restored", "moved", "retired", "waive", "create"])
        XCTAssertEqual((try json("status", "--all")["retired"] as? [[String: Any]])?.count, 0)
        XCTAssertTrue(try box.readinessOK("verify", "--full", "--ledger", ledger).stdout.contains("clean"))
        try assertStockGitAccepts()
    }

    // MARK: - A checklist of our own

    func testOwnChecklistWithSplitMoveAndRenamedSection() throws {
        let own = """
            # Release readiness

            ## Security {#sec}
            - [ ] Threat model reviewed {#threats}
            - [ ] Secrets rotated #ops

            ## Operations
            - [ ] Runbook written
            - [ ] On-call rota set up #ops

            """
        let path = box.path("own.git")
        try box.readinessOK("init", path, "--checklist", try write(own, "own.md"))
        ledger = path
        try box.readinessOK("check", "sec/threats", "--note", "reviewed with the team", "--ledger", ledger)
        try box.readinessOK("check", "operations/runbook-written", "--ledger", ledger)
        // Split the runbook item in two (the old one retitled, a new one added), move secrets to
        // operations, and rename the security section.
        let edited = """
            # Release readiness

            ## Security and privacy {#sec}
            - [ ] Threat model reviewed {#threats}

            ## Operations
            - [ ] Runbook written for deploys {#operations/runbook-written}
            - [ ] Runbook written for incidents
            - [ ] On-call rota set up #ops
            - [ ] Secrets rotated #ops #security {#sec/secrets-rotated}

            """
        let result = try update(edited)
        XCTAssertEqual(result.status, 0, result.stderr)
        for expected in ["section-retitled sec: Security -> Security and privacy", "moved sec/secrets-rotated -> operations/secrets-rotated",
                         "retitled operations/runbook-written: Runbook written -> Runbook written for deploys",
                         "added operations/runbook-written-for-incidents", "retagged operations/secrets-rotated: #ops -> #ops #security"] {
            XCTAssertTrue(result.stdout.contains(expected), "lacks '\(expected)':\n\(result.stdout)")
        }
        XCTAssertFalse(result.stdout.contains("  retired "), result.stdout)
        XCTAssertEqual(try json("show", "operations/runbook-written")["state"] as? String, "done")
        XCTAssertEqual(try json("show", "sec/threats")["note"] as? String, "reviewed with the team")
        XCTAssertEqual(try json("show", "operations/secrets-rotated")["path"] as? String, "items/sec/secrets-rotated.json")
        // A new item may not take the file of the moved one.
        let current = try export()
        let clash = current.replacingOccurrences(of: "{#sec/threats}\n", with: "{#sec/threats}\n- [ ] Secrets: rotated!\n")
        let clashLine = clash.components(separatedBy: "\n").firstIndex(of: "- [ ] Secrets: rotated!")! + 1
        try expectRefusal(["checklist", "update", try write(clash), "--ledger", ledger], code: 5,
                          mentions: ":\(clashLine): the new item 'Secrets: rotated!' would get the id sec/secrets-rotated, which belongs to item operations/secrets-rotated")
        // Round trip after moves: lossless still.
        XCTAssertTrue(try update(try export()).stdout.contains("No changes"))
        XCTAssertTrue(try box.readinessOK("verify", "--full", "--ledger", ledger).stdout.contains("clean"))
        try assertStockGitAccepts()
    }

    // MARK: - Bad input

    func testBadUpdatesAreRefusedWithTheirLineAndNothingWritten() throws {
        let exported = try export()
        let lines = exported.components(separatedBy: "\n")
        func lineNumber(_ prefix: String, in text: String) -> Int {
            text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(prefix) }! + 1
        }
        // Duplicate ids: the same item named on two lines.
        let sslLine = lines.first { $0.contains("{#\(ssl)}") }!
        let duplicated = exported.replacingOccurrences(of: "## 3. Database {#database}\n", with: "## 3. Database {#database}\n\(sslLine)\n")
        try expectRefusal(["checklist", "update", try write(duplicated), "--ledger", ledger], code: 5,
                          mentions: ":\(lineNumber("## 3. Database", in: duplicated) + 1): ", "is already named on line \(lineNumber(sslLine, in: duplicated))")
        // An id that changes its meaning: 1.2's id on 1.4's unchanged title, 1.4's own line gone.
        let meaning = exported
            .replacingOccurrences(of: "- [ ] Brannmurregler konfigurert {#sikkerhet/brannmurregler-konfigurert}\n", with: "")
            .replacingOccurrences(of: "- [ ] WAF (Web Application Firewall) satt opp {#", with: "- [ ] Brannmurregler konfigurert {#")
        try expectRefusal(["checklist", "update", try write(meaning), "--ledger", ledger], code: 5,
                          mentions: ":\(lineNumber("- [ ] Brannmurregler", in: meaning)): ", "an id keeps its meaning")
        // A file that would retire every item.
        try expectRefusal(["checklist", "update", try write("# Noe annet\n\n## Annet\n- [ ] Helt nytt punkt\n"), "--ledger", ledger], code: 5,
                          mentions: ":4: this file would retire every item of the checklist (56 of 56)")
        // A title matching two items, without an id to say which.
        let ambiguous = try update("# T\n\n## 1. Sikkerhet {#sikkerhet}\n- [ ] Same\n", "--dry-run")
        XCTAssertEqual(ambiguous.status, 5)
        // An unknown full id in another section.
        try expectRefusal(["checklist", "update", try write(exported.replacingOccurrences(of: "{#\(ssl)}", with: "{#drift/finnes-ikke}")), "--ledger", ledger],
                          code: 5, mentions: "{#drift/finnes-ikke} names no item of this ledger")
        // Malformed Markdown: invalid UTF-8, with its line.
        var bytes = Data(exported.utf8)
        bytes.append(contentsOf: [0x0a, 0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xff])
        let badPath = box.path("bad.md")
        try bytes.write(to: URL(fileURLWithPath: badPath))
        try expectRefusal(["checklist", "update", badPath, "--ledger", ledger], code: 5, mentions: "invalid UTF-8")
        // A head that moved since the dry run.
        let base = try rev()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        let edited = exported.replacingOccurrences(of: "- [ ] CloudWatch alarmer satt opp {#", with: "- [ ] CloudWatch-alarmer {#")
        try expectRefusal(["checklist", "update", try write(edited), "--base", base, "--ledger", ledger], code: 8, mentions: "the ledger moved since the plan")
        // Not an admin: a trusted signer who is not an admin may sign off, not change the definition.
        let olaKey = box.path("ola")
        try box.makeKey(at: olaKey, comment: "ola@example.no")
        try box.readinessOK("trust", "add", "ola@example.no", olaKey + ".pub", "--ledger", ledger)
        let olaConfig = box.path("ola.gitconfig")
        try "[user]\n\tname = Ola\n\temail = ola@example.no\n\tsigningkey = \(olaKey)\n[gpg]\n\tformat = ssh\n".write(toFile: olaConfig, atomically: true, encoding: .utf8)
        let head = try rev()
        let refused = try box.run(Sandbox.binary, ["checklist", "update", try write(edited), "--ledger", ledger], environment: ["GIT_CONFIG_GLOBAL": olaConfig])
        XCTAssertEqual(refused.status, 7, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("rule 'admins'"), refused.stderr)
        XCTAssertEqual(try rev(), head)
        // The admin may.
        XCTAssertEqual(try update(edited).status, 0)
    }

    // MARK: - Definition changes made with plain git

    /// A working clone in which `edit` changes files, committed with stock git and the admin's
    /// own key (so the signature is good and only the definition rules can refuse it), pushed.
    private func forgeDefinitionChange(message: String, _ edit: (String) throws -> Void) throws -> String {
        let work = box.path("work-\(UUID().uuidString.prefix(8))")
        try box.git("clone", "-q", ledger, work)
        try edit(work)
        try box.git("add", "-A", in: work)
        let file = box.path("message-\(UUID().uuidString)")
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        try box.git("commit", "-q", "-S", "-F", file, in: work)
        try box.git("push", "-q", "origin", "HEAD:main", in: work)
        return try rev()
    }

    /// `checklist.json` of `work`, edited as a dictionary.
    private func editDefinition(in work: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: "\(work)/checklist.json")
        var definition = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&definition)
        try JSONSerialization.data(withJSONObject: definition, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Removes the item `id` from the first section's items and returns it.
    private static func takeItem(_ id: String, from definition: inout [String: Any]) -> [String: Any] {
        var sections = definition["sections"] as! [[String: Any]]
        var items = sections[0]["items"] as! [[String: Any]]
        let index = items.firstIndex { $0["id"] as? String == id }!
        let item = items.remove(at: index)
        sections[0]["items"] = items
        definition["sections"] = sections
        return item
    }

    private func verifyProblems() throws -> [[String: Any]] {
        let result = try box.run(Sandbox.binary, ["verify", "--full", "--json", "--ledger", ledger])
        XCTAssertEqual(result.status, 21, result.stdout + result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap(report["problems"] as? [[String: Any]])
    }

    private func assertCaught(_ commit: String, kind: String, mentions fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        // Stock git accepts the signature: only the ledger's rules can refuse the commit.
        let allowed = try box.allowedSignersFile(from: ledger)
        XCTAssertEqual(try box.verifyCommit(commit, ledger: ledger, allowedSigners: allowed).status, 0, file: file, line: line)
        let problems = try verifyProblems().filter { $0["commit"] as? String == commit }
        XCTAssertTrue(problems.contains { $0["kind"] as? String == kind && ($0["reason"] as? String)?.contains(fragment) == true },
                      "expected \(kind) '\(fragment)' in \(problems)", file: file, line: line)
        // Nothing is built on it and no gate passes on it.
        XCTAssertEqual(try box.run(Sandbox.binary, ["check", "2.1", "--ledger", ledger]).status, 21, file: file, line: line)
        XCTAssertEqual(try box.run(Sandbox.binary, ["gate", "--ledger", ledger]).status, 21, file: file, line: line)
    }

    private func resetTo(_ commit: String) throws {
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", commit)
        try box.readinessOK("verify", "--full", "--accept-rewrite", "--ledger", ledger)
    }

    func testHandMadeDefinitionChangesThatBreakTheRulesAreCaught() throws {
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        let base = try rev()
        let define = "define checklist: forged\n\nReadiness-Action: define\n"

        // Dropping an item from the definition (its file left behind, unlisted).
        let dropped = try forgeDefinitionChange(message: define) { work in
            try self.editDefinition(in: work) { _ = Self.takeItem("ddos-beskyttelse-aktivert", from: &$0) }
        }
        try assertCaught(dropped, kind: "definitionRule", mentions: "drops \(ddos)")
        try resetTo(base)

        // Dropping an item together with its file.
        let removed = try forgeDefinitionChange(message: define) { work in
            try self.editDefinition(in: work) { _ = Self.takeItem("ddos-beskyttelse-aktivert", from: &$0) }
            try FileManager.default.removeItem(atPath: "\(work)/items/\(self.ddos).json")
        }
        try assertCaught(removed, kind: "definitionRule", mentions: "removes items/\(ddos).json")
        try resetTo(base)

        // Retiring an item properly in the definition, but resetting its record to open: its
        // history is rewritten (the sign-off disappears without an uncheck).
        let reset = try forgeDefinitionChange(message: define + "Readiness-Retired: \(ddos)\n") { work in
            try self.editDefinition(in: work) { definition in
                let item = Self.takeItem("ddos-beskyttelse-aktivert", from: &definition)
                definition["retired"] = [["section": "sikkerhet", "sectionNumber": "1", "sectionTitle": "Sikkerhet", "item": item]]
            }
            try "{\n  \"action\" : \"create\",\n  \"evidence\" : [],\n  \"item\" : \"\(self.ddos)\",\n  \"previous\" : [],\n  \"state\" : \"open\"\n}\n"
                .write(toFile: "\(work)/items/\(self.ddos).json", atomically: true, encoding: .utf8)
            let settings = try String(contentsOfFile: "\(work)/ledger.json", encoding: .utf8)
            try settings.replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 2").write(toFile: "\(work)/ledger.json", atomically: true, encoding: .utf8)
        }
        try assertCaught(reset, kind: "definitionRule", mentions: "rewrites the history of \(ddos)")
        try resetTo(base)

        // Re-using a retired item's id for a different item: retire it with the tool, then bring
        // the id back by hand as a new item with a fresh record.
        let text = try export().replacingOccurrences(of: "- [ ] DDoS-beskyttelse aktivert {#\(ddos)}\n", with: "")
        XCTAssertEqual(try update(text).status, 0)
        let retiredBase = try rev()
        let reused = try forgeDefinitionChange(message: define + "Readiness-Added: \(ddos)\n") { work in
            try self.editDefinition(in: work) { definition in
                definition["retired"] = nil
                var sections = definition["sections"] as! [[String: Any]]
                var items = sections[0]["items"] as! [[String: Any]]
                items.append(["id": "ddos-beskyttelse-aktivert", "number": "1.6", "title": "Noe helt annet", "tags": []])
                sections[0]["items"] = items
                definition["sections"] = sections
            }
            try "{\n  \"action\" : \"create\",\n  \"evidence\" : [],\n  \"item\" : \"\(self.ddos)\",\n  \"previous\" : [],\n  \"state\" : \"open\"\n}\n"
                .write(toFile: "\(work)/items/\(self.ddos).json", atomically: true, encoding: .utf8)
        }
        try assertCaught(reused, kind: "definitionRule", mentions: "re-uses the file of the retired item \(ddos)")
        try resetTo(retiredBase)

        // A sign-off of a retired item, written by hand.
        let signedRetired = try forgeDefinitionChange(message: "uncheck \(ddos): x\n\nReadiness-Item: \(ddos)\nReadiness-Action: uncheck\nReadiness-State: done -> open\n") { work in
            let path = "\(work)/items/\(self.ddos).json"
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"done\"", with: "\"open\"").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try assertCaught(signedRetired, kind: "definitionRule", mentions: "the file of the retired item \(ddos)")
        try resetTo(retiredBase)

        // A definition change whose trailers do not say what it changed, and one under another action word.
        let silent = try forgeDefinitionChange(message: define) { work in
            try self.editDefinition(in: work) { definition in
                var sections = definition["sections"] as! [[String: Any]]
                sections[1]["title"] = "Noe annet"
                var items = sections[1]["items"] as! [[String: Any]]
                items[0]["title"] = "Nytt navn"
                sections[1]["items"] = items
                definition["sections"] = sections
            }
        }
        try assertCaught(silent, kind: "trailerMismatch", mentions: "Readiness-Retitled says nothing but the definitions say \(cloudwatch)")
        try resetTo(retiredBase)
        let edit = try forgeDefinitionChange(message: "edit checklist: x\n\nReadiness-Action: edit\n") { work in
            try self.editDefinition(in: work) { $0["title"] = "Ny tittel" }
        }
        try assertCaught(edit, kind: "trailerMismatch", mentions: "definition changes are 'define' commits")
    }
}
