import Foundation
import XCTest

/// The policy end to end, with three signers and a stranger: Kari (the sandbox's key, root of
/// trust and only admin), Ola and Per (owners of section 1), and Mallory, whom nobody trusts.
/// Every refusal asserts its exit code, a message naming the rule, an unmoved head and no new
/// object; every forged commit is written by stock git and caught by `verify`.
final class PolicyTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private var keys: [String: String] = [:]
    private let ola = "ola@example.no", per = "per@example.no", mallory = "mallory@example.net"

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        for email in [ola, per, mallory] {
            let path = box.path(String(email.prefix { $0 != "@" }))
            try box.makeKey(at: path, comment: email)
            keys[email] = path
        }
        try box.readinessOK("trust", "add", ola, keys[ola]! + ".pub", "--ledger", ledger)
        try box.readinessOK("trust", "add", per, keys[per]! + ".pub", "--ledger", ledger)
        try box.readinessOK("policy", "owners", "1", ola, per, "--ledger", ledger)
    }

    override func tearDown() {
        box = nil
    }

    // MARK: - Helpers

    /// The environment that makes readiness sign as `email` with its key (git's own config).
    private func signer(_ email: String, date: String? = nil) throws -> [String: String] {
        let config = box.path("\(email).gitconfig")
        try "[user]\n\tname = \(email)\n\temail = \(email)\n\tsigningkey = \(keys[email]!)\n[gpg]\n\tformat = ssh\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        var environment = ["GIT_CONFIG_GLOBAL": config]
        if let date { environment["GIT_COMMITTER_DATE"] = date }
        return environment
    }

    @discardableResult
    private func run(_ email: String?, _ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let result = try box.run(Sandbox.binary, arguments + ["--ledger", ledger!], environment: try email.map { try signer($0) } ?? [:])
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return result
    }

    private func rev(_ name: String = "main", in repository: String? = nil) throws -> String {
        try box.git("--git-dir", repository ?? ledger, "rev-parse", name)
    }

    private func objectCount() throws -> Int {
        try box.git("--git-dir", ledger, "cat-file", "--batch-all-objects", "--batch-check").split(separator: "\n").count
    }

    /// Runs readiness as `email` and asserts the exit code, that stderr names `rule`, that the
    /// head did not move and that no object was written.
    @discardableResult
    private func expectRefusal(_ email: String?, _ arguments: [String], code: Int32 = 7, mentions rule: String,
                               file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let head = try rev(), objects = try objectCount()
        let result = try box.run(Sandbox.binary, arguments + ["--ledger", ledger!], environment: try email.map { try signer($0) } ?? [:])
        XCTAssertEqual(result.status, code, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(rule), "expected '\(rule)' in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(try rev(), head, "the head moved", file: file, line: line)
        XCTAssertEqual(try objectCount(), objects, "an object was written", file: file, line: line)
        return result
    }

    private func gate(at day: String? = nil) throws -> RunResult {
        var arguments: [String] = ["gate", "--require", "1", "--ledger", ledger!]
        if let day { arguments += ["--at", day] }
        return try box.run(Sandbox.binary, arguments)
    }

    /// A working clone to forge commits in with stock git.
    private func clone() throws -> String {
        let work = box.path("work-\(UUID().uuidString.prefix(8))")
        try box.git("clone", "-q", ledger, work)
        return work
    }

    /// Commits everything in `work` with stock git, signed by `email`'s key (the sandbox key for Kari).
    private func stockCommit(in work: String, as email: String, message: String, date: String) throws {
        let file = box.path("message-\(UUID().uuidString)")
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        let key = email == box.email ? box.keyPath : keys[email]!
        let result = try box.run("/usr/bin/git", ["-c", "user.signingkey=\(key)", "-c", "user.email=\(email)", "-c", "user.name=\(email)",
                                                  "commit", "-q", "-a", "-S", "-F", file],
                                 in: work, environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// A date a little after the head's, as git and the record both write it.
    private func nextDate() throws -> (git: String, iso: String) {
        let seconds = Int(try box.git("--git-dir", ledger, "log", "-1", "--format=%ct", "main"))! + 5
        let iso = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return ("@\(seconds) +0000", iso)
    }

    /// Rewrites the item record at `items/<item>.json` in `work` with `change`.
    private func editRecord(_ item: String, in work: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: "\(work)/items/\(item).json")
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&record)
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]).write(to: url)
    }

    /// Pushes `work` and returns verify's JSON output (the verify must fail).
    private func pushAndVerify(_ work: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try box.git("push", "-q", "origin", "HEAD:main", in: work)
        let verify = try box.readiness("verify", "--full", "--json", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stdout, file: file, line: line)
        return verify.stdout
    }

    /// The problems of verify's JSON report.
    private func problems(_ json: String) throws -> [(commit: String, kind: String, reason: String)] {
        let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return (report["problems"] as! [[String: Any]]).map { ($0["commit"] as! String, $0["kind"] as! String, $0["reason"] as! String) }
    }

    private let ssl = "sikkerhet/ssl-sertifikater-installert-og-konfigurert"
    private let waf = "sikkerhet/waf-web-application-firewall-satt-opp"

    // MARK: - Admins

    func testInitMakesTheRootTheOnlyAdminAndOnlyAdminsChangeTrustAndPolicy() throws {
        let shown = try run(nil, "policy", "show", "--json").stdout
        let policy = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as! [String: Any]
        XCTAssertEqual((policy["policy"] as? [String: Any])?["admins"] as? [String], [box.email], shown)
        XCTAssertTrue(shown.contains("\"schema\": \"readiness/policy/v1\""), shown)
        // An owner is trusted, but not an admin: trust and policy are not hers to change.
        try expectRefusal(ola, ["trust", "add", mallory, keys[mallory]! + ".pub"], mentions: "rule 'admins'")
        try expectRefusal(ola, ["trust", "revoke", box.email], mentions: "rule 'admins'")
        let selfPromotion = try expectRefusal(ola, ["policy", "admins", ola], mentions: "rule 'admins'")
        XCTAssertTrue(selfPromotion.stderr.contains("admins: kari@example.no"), "names who may: \(selfPromotion.stderr)")
        // A stranger is refused by trust before the policy is asked.
        try expectRefusal(mallory, ["policy", "approvals", "1", "2"], mentions: "does not accept your signature")
        // Bad policy input is refused before anything is written, with the usual codes.
        try expectRefusal(nil, ["policy", "approvals", "1", "0"], code: 5, mentions: "between 1 and 9")
        try expectRefusal(nil, ["policy", "owners", "99", ola], code: 4, mentions: "99")
        try expectRefusal(nil, ["policy", "owners", "1", "ola per"], code: 5, mentions: "not an e-mail or a pattern")
        try expectRefusal(nil, ["policy", "waivers"], code: 5, mentions: "nothing to change")
        try expectRefusal(nil, ["policy", "owners", "1", ola, per], code: 8, mentions: "already says that")
        // The admin hands the role on; from then on the old admin is refused, the new one is not.
        try run(nil, "policy", "admins", per)
        try expectRefusal(nil, ["policy", "approvals", "1", "2"], mentions: "rule 'admins'")
        try run(per, "policy", "approvals", "1", "2")
        try run(nil, "verify", "--full")
        // Policy changes are events of the timeline, and stock git tells their story too.
        let timeline = try run(nil, "timeline", "--action", "policy").stdout
        XCTAssertEqual(timeline.components(separatedBy: "policy policy.json").count - 1, 3, timeline)
        XCTAssertTrue(try box.git("--git-dir", ledger, "log", "-1", "--format=%B", "main").contains("Readiness-Rule: approvals"))
        XCTAssertTrue(try run(nil, "subject", ola).stdout.contains("Roles: owner of sikkerhet"))
        XCTAssertTrue(try run(nil, "subject", per).stdout.contains("Roles: admin, owner of sikkerhet"))
    }

    func testALedgerWithoutAPolicyTreatsEveryTrustedSignerAsAdminUntilOneIsSet() throws {
        // A ledger made before policies: its root has no policy.json (written here with stock git).
        let work = box.path("legacy-work")
        try box.git("init", "-q", "-b", "main", work)
        try box.git("--git-dir", ledger, "archive", "--format=tar", "-o", box.path("root.tar"), "main~3")
        try box.git("-C", work, "config", "user.email", box.email)
        _ = try box.run("/bin/tar", ["-xf", box.path("root.tar"), "-C", work])
        try FileManager.default.removeItem(atPath: "\(work)/policy.json")
        try box.git("-C", work, "add", "-A")
        let result = try box.run("/usr/bin/git", ["-C", work, "commit", "-q", "-S", "-m", "init ledger: legacy\n\nReadiness-Action: init"])
        XCTAssertEqual(result.status, 0, result.stderr)
        ledger = box.path("legacy.git")
        try box.git("clone", "-q", "--bare", work, ledger)
        try run(nil, "verify", "--full")
        try run(nil, "trust", "add", ola, keys[ola]! + ".pub")
        // Ola is trusted, so in a ledger without a policy she is an admin: she may change trust...
        try run(ola, "trust", "add", per, keys[per]! + ".pub")
        XCTAssertTrue(try run(nil, "policy", "show").stdout.contains("no policy set"))
        // ...and set the first policy, which names her its admin; from then on Kari is not one.
        try run(ola, "policy", "owners", "1", ola, per)
        XCTAssertTrue(try run(nil, "policy", "show").stdout.contains("admins: \(ola)"))
        try expectRefusal(nil, ["trust", "revoke", per], mentions: "rule 'admins'")
        try run(nil, "verify", "--full")
    }

    // MARK: - Owners

    func testOnlyOwnersSignASectionsItems() throws {
        let refused = try expectRefusal(nil, ["check", "1.1"], mentions: "rule 'owners'")
        XCTAssertTrue(refused.stderr.contains("owners: \(ola), \(per)"), "names who may: \(refused.stderr)")
        try expectRefusal(nil, ["waive", "1.2", "--reason", "r", "--until", "2099-01-01"], mentions: "rule 'owners'")
        try expectRefusal(mallory, ["check", "1.1"], mentions: "does not accept your signature")
        try run(ola, "check", "1.1")
        // Sections without owners stay open to every trusted signer.
        try run(nil, "check", "2.1")
        try run(per, "uncheck", "1.1", "--reason", "kjeden er ufullstendig")
        try run(nil, "verify", "--full")
    }

    // MARK: - Four-eyes

    func testFourEyesCompletesOnlyWithASecondDifferentSigner() throws {
        try run(nil, "policy", "approvals", "1.1", "2")
        XCTAssertTrue(try run(ola, "check", "1.1").stdout.contains("state pending"))
        let status = try run(nil, "status").stdout
        XCTAssertTrue(status.contains("[/] 1.1") && status.contains("pending: 1 of 2 sign-offs"), status)
        XCTAssertTrue(try run(nil, "blame").stdout.contains("pending"))
        XCTAssertTrue(try run(nil, "history", "1.1").stdout.contains("open → pending"))
        let blocked = try gate()
        XCTAssertEqual(blocked.status, 20)
        XCTAssertTrue(blocked.stdout.contains("[pending: 1 of 2 sign-offs]"), blocked.stdout)

        let twice = try expectRefusal(ola, ["check", "1.1"], mentions: "rule 'approvals'")
        XCTAssertTrue(twice.stderr.contains("cannot sign it twice"), twice.stderr)
        XCTAssertTrue(try run(per, "check", "1.1").stdout.contains("state done"))
        let record = try box.git("--git-dir", ledger, "show", "main:items/\(ssl).json")
        XCTAssertTrue(record.contains(ola) && record.contains(per) && record.contains("\"signoffs\""), record)
        XCTAssertFalse(try gate().stdout.contains("1.1 "))

        // Uncheck resets: the next sign-off starts again from one signer.
        try run(ola, "uncheck", "1.1", "--reason", "feil sertifikat")
        XCTAssertTrue(try run(per, "check", "1.1").stdout.contains("state pending"))
        XCTAssertTrue(try run(ola, "check", "1.1").stdout.contains("state done"))
        try run(nil, "verify", "--full")
        // The evidence pack shows the policy in force and who signed the four-eyes sign-off.
        try run(nil, "evidence", "--out", box.path("pack"), "--section", "1")
        let report = try String(contentsOfFile: box.path("pack/report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("## Policy in force at the end of the range"), report)
        XCTAssertTrue(report.contains("Sign-offs of \(ssl) need 2 distinct signers"), report)
        XCTAssertTrue(report.contains("done (2 of 2 sign-offs: \(per), \(ola))"), report)
        let html = try String(contentsOfFile: box.path("pack/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Owners of sikkerhet: \(ola), \(per)"), html)
        // Stock git agrees the commits are signed by the keys the ledger trusts.
        let allowed = try box.allowedSignersFile(from: ledger)
        XCTAssertEqual(try box.verifyCommit("main", ledger: ledger, allowedSigners: allowed).status, 0)
    }

    // MARK: - Waivers

    func testWaiverNeedsAnotherOwnersApprovalAndHasAMaximumLength() throws {
        try run(nil, "policy", "waivers", "--approval", "required", "--max-days", "30")
        let tooLong = DayArithmeticForTests.day(after: 31)
        let capped = try expectRefusal(ola, ["waive", "1.3", "--reason", "senere", "--until", tooLong], mentions: "rule 'waiver-max-days'")
        XCTAssertTrue(capped.stderr.contains("at most 30"), capped.stderr)
        XCTAssertTrue(try run(ola, "waive", "1.3", "--reason", "senere", "--until", DayArithmeticForTests.day(after: 30)).stdout.contains("state pending"))
        let blocked = try gate()
        XCTAssertTrue(blocked.stdout.contains("[pending: waiver awaiting approval]"), blocked.stdout)

        try expectRefusal(ola, ["approve", "1.3"], mentions: "rule 'waiver-approval'")
        try expectRefusal(nil, ["approve", "1.3"], mentions: "rule 'owners'")
        try expectRefusal(per, ["approve", "1.4"], code: 8, mentions: "no waiver request")
        XCTAssertTrue(try run(per, "approve", "1.3").stdout.contains("state waived"))
        XCTAssertFalse(try gate().stdout.contains("1.3 "))
        let record = try box.git("--git-dir", ledger, "show", "main:items/sikkerhet/ddos-beskyttelse-aktivert.json")
        XCTAssertTrue(record.contains("\"requestedBy\""), record)
        try run(nil, "verify", "--full")
    }

    // MARK: - Re-certification

    func testRecertificationExpiryShownByGateAtAndByDue() throws {
        try run(nil, "policy", "recertify", "1", "30")
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] { try run(ola, "check", number) }
        XCTAssertEqual(try gate().status, 0)
        XCTAssertEqual(try gate(at: DayArithmeticForTests.day(after: 30)).status, 0, "holds through its 30th day")
        let nextMonth = try gate(at: DayArithmeticForTests.day(after: 31))
        XCTAssertEqual(nextMonth.status, 20)
        XCTAssertTrue(nextMonth.stdout.contains("[sign-off expired \(DayArithmeticForTests.day(after: 30)), re-certify]"), nextMonth.stdout)
        XCTAssertEqual(try box.readiness("gate", "--at", "neste måned", "--ledger", ledger).status, 5)

        let due = try run(nil, "due", "--within", "40", "--json").stdout
        XCTAssertTrue(due.contains("\"schema\": \"readiness/due/v1\"") && due.contains("\"validThrough\": \"\(DayArithmeticForTests.day(after: 30))\""), due)
        XCTAssertTrue(try run(nil, "due").stdout.contains("nothing expires within 14 days"))
        XCTAssertTrue(try run(nil, "status").stdout.contains("valid through \(DayArithmeticForTests.day(after: 30))"))
    }

    // MARK: - Forged commits, caught by verify under the parent's policy

    func testPolicyChangesThatAuthoriseThemselvesAreCaughtByVerify() throws {
        let work = try clone()
        let date = try nextDate()
        // Ola, trusted but no admin, makes herself admin with stock git...
        let url = URL(fileURLWithPath: "\(work)/policy.json")
        var policy = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        policy["admins"] = [ola]
        try JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys, .prettyPrinted]).write(to: url)
        try stockCommit(in: work, as: ola, message: "policy admins: \(ola)\n\nReadiness-Action: policy\nReadiness-Rule: admins\n", date: date.git)
        let promotion = try box.git("rev-parse", "HEAD", in: work)
        // ...and then uses the new role, which her own commit's policy would allow.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(work)/trust/allowed_signers"))
        handle.seekToEndOfFile()
        let strangerKey = try String(contentsOfFile: keys[mallory]! + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        handle.write(Data("\(mallory) namespaces=\"git\" \(strangerKey)\n".utf8))
        try handle.close()
        let fingerprint = String(try box.run("/usr/bin/ssh-keygen", ["-lf", keys[mallory]! + ".pub"]).stdout.split(separator: " ")[1])
        try stockCommit(in: work, as: ola, message: "trust-add \(mallory): \(fingerprint)\n\nReadiness-Action: trust-add\nReadiness-Principal: \(mallory)\nReadiness-Key: \(fingerprint)\n",
                        date: date.git)
        let verify = try pushAndVerify(work)
        let problems = try self.problems(verify)
        XCTAssertEqual(problems.map(\.commit), [promotion], "only the promotion breaks its parent's policy: \(verify)")
        XCTAssertEqual(problems.first?.kind, "policyViolation")
        XCTAssertTrue(problems.first?.reason.contains("rule 'admins': \(ola) is not an admin") == true, verify)
        // The one judge: the gate and every writer refuse the history.
        XCTAssertEqual(try gate().status, 21)
        try expectRefusal(per, ["check", "1.2"], code: 21, mentions: String(promotion.prefix(12)))
    }

    func testACommitCannotLoosenTheRuleItUses() throws {
        try run(nil, "policy", "approvals", "1", "2")
        // Ola lowers the four-eyes rule and signs 1.1 off alone, in one commit: the policy change
        // needs an admin of the parent's policy, and a commit records one action, so neither half
        // can lean on the other.
        let work = try clone()
        let date = try nextDate()
        let url = URL(fileURLWithPath: "\(work)/policy.json")
        var policy = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        policy["approvals"] = [String: Int]()
        try JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys, .prettyPrinted]).write(to: url)
        try editRecord(ssl, in: work) { record in
            record["state"] = "done"
            record["action"] = "check"
            record["by"] = ["email": self.ola, "name": self.ola]
            record["at"] = date.iso
        }
        try stockCommit(in: work, as: ola, message: "check \(ssl): SSL\n\nReadiness-Item: \(ssl)\nReadiness-Action: check\nReadiness-State: open -> done\n",
                        date: date.git)
        let problems = try self.problems(try pushAndVerify(work))
        let reasons = problems.map { "\($0.kind): \($0.reason)" }.joined(separator: "\n")
        XCTAssertTrue(problems.contains { $0.kind == "trailerMismatch" && $0.reason.contains("but it changes") }, reasons)
        XCTAssertTrue(problems.contains { $0.kind == "policyViolation" && $0.reason.contains("rule 'admins': \(ola) is not an admin") }, reasons)
        XCTAssertEqual(try gate().status, 21)
    }

    func testForgedSignOffsThatBreakTheParentsPolicyAreCaughtByVerify() throws {
        try run(nil, "policy", "approvals", "1", "2")
        // Kari, admin but not an owner of section 1, signs 1.2 off with stock git.
        var work = try clone()
        var date = try nextDate()
        try editRecord(waf, in: work) { record in
            record["state"] = "done"
            record["action"] = "check"
            record["by"] = ["email": self.box.email, "name": self.box.name]
            record["at"] = date.iso
        }
        try stockCommit(in: work, as: box.email, message: "check \(waf): WAF\n\nReadiness-Item: \(waf)\nReadiness-Action: check\nReadiness-State: open -> done\n",
                        date: date.git)
        var verify = try pushAndVerify(work)
        XCTAssertTrue(verify.contains("policyViolation") && verify.contains("rule 'owners': \(box.email) is not an owner of \(waf)"), verify)
        try run(nil, "recover")

        // Ola completes a four-eyes sign-off alone.
        work = try clone()
        date = try nextDate()
        try editRecord(ssl, in: work) { record in
            record["state"] = "done"
            record["action"] = "check"
            record["by"] = ["email": self.ola, "name": self.ola]
            record["at"] = date.iso
        }
        try stockCommit(in: work, as: ola, message: "check \(ssl): SSL\n\nReadiness-Item: \(ssl)\nReadiness-Action: check\nReadiness-State: open -> done\n",
                        date: date.git)
        verify = try pushAndVerify(work)
        XCTAssertTrue(verify.contains("rule 'approvals': \(ssl) needs 2 distinct signer(s)"), verify)
        XCTAssertEqual(try gate().status, 21)
    }
}

/// UTC days relative to today, as the tests type them.
enum DayArithmeticForTests {
    static func day(after days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(TimeInterval(days) * 86_400))
    }
}
