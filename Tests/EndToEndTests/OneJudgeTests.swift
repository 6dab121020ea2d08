import Foundation
import XCTest

/// Every path that decides goes through one judge. Each attack is written with stock git, as an
/// attacker would write it; each refusal ends with its exact exit code and an unmoved head.
final class OneJudgeTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private let strangerEmail = "mallory@example.net"

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
    }

    override func tearDown() {
        box = nil
    }

    // MARK: - Helpers

    private func rev(_ name: String, in repository: String? = nil) throws -> String {
        try box.git("--git-dir", repository ?? ledger, "rev-parse", name)
    }

    private func key(_ name: String, comment: String? = nil) throws -> String {
        let path = box.path(name)
        try box.makeKey(at: path, comment: comment ?? name)
        return path
    }

    /// A working clone of `repository` to write commits in with stock git.
    private func clone(_ repository: String? = nil) throws -> String {
        let work = box.path("work-\(UUID().uuidString.prefix(8))")
        try box.git("clone", "-q", repository ?? ledger, work)
        return work
    }

    /// Marks `item` done in `work`'s item file by hand and commits it with stock git, signed with
    /// `key` as `email`; `date` pins the committer date.
    private func forgeCheck(_ item: String, in work: String, key: String, email: String, date: String? = nil) throws {
        let path = "\(work)/items/\(item).json"
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        record["state"] = "done"
        record["action"] = "check"
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: path))
        try stockCommit(in: work, message: "check \(item): signert\n\nReadiness-Item: \(item)\nReadiness-Action: check\nReadiness-State: open -> done\n",
                        key: key, email: email, date: date)
    }

    private func stockCommit(in work: String, message: String, key: String, email: String, date: String? = nil, extra: [String] = []) throws {
        let file = box.path("message-\(UUID().uuidString)")
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try box.run("/usr/bin/git", ["-c", "user.signingkey=\(key)", "-c", "user.email=\(email)", "commit", "-q", "-a", "-S", "-F", file] + extra,
                                 in: work, environment: date.map { ["GIT_COMMITTER_DATE": $0, "GIT_AUTHOR_DATE": $0] } ?? [:])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func push(_ work: String) throws {
        try box.git("push", "-q", "origin", "HEAD:main", in: work)
    }

    /// Runs readiness and asserts its exit code, that stderr mentions `fragment`, and that the
    /// ledger head did not move.
    @discardableResult
    private func expectRefusal(_ arguments: [String], code: Int32, mentions fragment: String, environment: [String: String] = [:],
                               file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let before = try rev("main")
        let result = try box.run(Sandbox.binary, arguments, environment: environment)
        XCTAssertEqual(result.status, code, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(fragment), "expected '\(fragment)' in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(try rev("main"), before, "the head moved", file: file, line: line)
        return result
    }

    // MARK: - Writers and the gate never build on or pass an unverified history

    func testStrangersCommitsBlockWritersAndTheGateUntilRecovered() throws {
        let stranger = try key("stranger", comment: strangerEmail)
        let work = try clone()
        try forgeCheck("sikkerhet/waf-web-application-firewall-satt-opp", in: work, key: stranger, email: strangerEmail)
        try forgeCheck("sikkerhet/brannmurregler-konfigurert", in: work, key: stranger, email: strangerEmail)
        try push(work)
        let firstBad = try rev("main~1")
        // Stock git agrees: the stranger's commits do not verify against the ledger's signers.
        let allowed = try box.allowedSignersFile(from: ledger)
        XCTAssertNotEqual(try box.verifyCommit("main", ledger: ledger, allowedSigners: allowed).status, 0)

        // A trusted colleague's ordinary sign-off is refused: nothing is built on it.
        try expectRefusal(["check", "1.4", "--ledger", ledger], code: 21, mentions: String(firstBad.prefix(12)))
        try expectRefusal(["trust", "list", "--ledger", ledger], code: 21, mentions: "untrustedKey")
        let gate = try expectRefusal(["gate", "--require", "1", "--ledger", ledger], code: 21, mentions: "does not verify")
        XCTAssertTrue(gate.stderr.contains("readiness recover"), gate.stderr)
        XCTAssertEqual(try box.readiness("verify", "--ledger", ledger).status, 21)
        // Queries still read, and say which states nobody trusted vouches for.
        let status = try box.readinessOK("status", "--ledger", ledger).stdout
        XCTAssertTrue(status.contains("warning: the history after \(try rev("main~2").prefix(12)) does not verify"), status)
        let wafLine = status.split(separator: "\n").first { $0.contains("(sikkerhet/waf-web-application-firewall-satt-opp)") } ?? ""
        XCTAssertTrue(wafLine.hasSuffix("(unverified)"), String(wafLine))
        let sslLine = status.split(separator: "\n").first { $0.contains("(sikkerhet/ssl-sertifikater-installert-og-konfigurert)") } ?? ""
        XCTAssertFalse(sslLine.contains("unverified"), String(sslLine))
        let history = try box.readinessOK("history", "sikkerhet/waf", "--ledger", ledger).stdout
        XCTAssertTrue(history.contains("untrusted: key SHA256:"), history)

        // The way out: back to the newest verified commit, the refused commits kept for the audit.
        let honest = try rev("main~2")
        let refusedHead = try rev("main")
        let recovered = try box.readinessOK("recover", "--ledger", ledger)
        XCTAssertTrue(recovered.stdout.contains("2 commits kept under refs/readiness/quarantine/"), recovered.stdout)
        XCTAssertTrue(recovered.stdout.contains("push --force-with-lease=main:\(refusedHead)"), recovered.stdout)
        XCTAssertEqual(try rev("main"), honest)
        let quarantined = try box.git("--git-dir", ledger, "for-each-ref", "--format=%(objectname)", "refs/readiness/quarantine/")
        XCTAssertEqual(quarantined, refusedHead)
        XCTAssertEqual(try box.readiness("verify", "--full", "--ledger", ledger).status, 0)
        XCTAssertEqual(try box.gitResult(["--git-dir", ledger, "fsck", "--strict"]).status, 0)
        XCTAssertEqual(try box.readiness("recover", "--ledger", ledger).status, 8, "nothing left to recover")

        // The gate passes only when honest sign-offs warrant it.
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", ledger).status, 20)
        for number in ["1.2", "1.3", "1.4", "1.5", "1.6"] { try box.readinessOK("check", number, "--ledger", ledger) }
        let passed = try box.readinessOK("gate", "--require", "1", "--ledger", ledger)
        XCTAssertTrue(passed.stdout.contains("passed: all 6 items"), passed.stdout)
        XCTAssertEqual(try box.readiness("verify", "--full", "--ledger", ledger).status, 0)
        XCTAssertEqual(try box.verifyCommit("main", ledger: ledger, allowedSigners: allowed).status, 0)
    }

    func testAKeyCannotTrustItself() throws {
        let stranger = try key("stranger", comment: strangerEmail)
        let work = try clone()
        let message = try box.appendTrustByHand(in: work, email: strangerEmail, publicKeyFile: stranger + ".pub")
        try stockCommit(in: work, message: message,
                        key: stranger, email: strangerEmail)
        let trustCommit = try box.git("rev-parse", "HEAD", in: work)
        for item in ["sikkerhet/waf-web-application-firewall-satt-opp", "sikkerhet/brannmurregler-konfigurert"] {
            try forgeCheck(item, in: work, key: stranger, email: strangerEmail)
        }
        // Last, a head that is flawless on its own: signed by a key its parent's trust file lists,
        // changing nothing. Only what lies below it is wrong, and that is enough.
        try stockCommit(in: work, message: "rydding\n", key: stranger, email: strangerEmail, extra: ["--allow-empty"])
        try push(work)
        let allowed = box.path("self-trusted-signers")
        try box.git("--git-dir", ledger, "show", "main:trust/allowed_signers").appending("\n").write(toFile: allowed, atomically: true, encoding: .utf8)
        XCTAssertEqual(try box.verifyCommit("main", ledger: ledger, allowedSigners: allowed).status, 0,
                       "by its parent's trust file, stock git accepts the head itself")

        let gate = try expectRefusal(["gate", "--ledger", ledger], code: 21, mentions: String(trustCommit.prefix(12)))
        XCTAssertTrue(gate.stderr.contains("untrustedKey"), gate.stderr)
        let list = try expectRefusal(["trust", "list", "--ledger", ledger], code: 21, mentions: "does not verify")
        XCTAssertFalse(list.stdout.contains(strangerEmail))
        // The stranger, now listed at the head, still cannot sign through readiness.
        let config = box.path("stranger.gitconfig")
        try "[user]\n\tname = Mallory\n\temail = \(strangerEmail)\n\tsigningkey = \(stranger)\n[gpg]\n\tformat = ssh\n".write(toFile: config, atomically: true, encoding: .utf8)
        try expectRefusal(["check", "1.5", "--ledger", ledger], code: 21, mentions: "does not verify", environment: ["GIT_CONFIG_GLOBAL": config])
        let verify = try box.readiness("verify", "--full", "--json", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21)
        XCTAssertTrue(verify.stdout.contains("\"commit\": \"\(trustCommit)\""), verify.stdout)
    }

    // MARK: - Time

    func testFutureDatedCommitIsAProblemAndNothingIsBuiltOnIt() throws {
        let work = try clone()
        try forgeCheck("sikkerhet/waf-web-application-firewall-satt-opp", in: work, key: box.keyPath, email: box.email,
                       date: "2099-01-01T00:00:00Z")
        try push(work)
        let future = try rev("main")
        let verify = try box.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21)
        XCTAssertTrue(verify.stdout.contains("\(future.prefix(12)) futureDated: committed at 2099-01-01T00:00:00Z"), verify.stdout)
        try expectRefusal(["check", "1.3", "--ledger", ledger], code: 21, mentions: "futureDated")
        try expectRefusal(["gate", "--ledger", ledger], code: 21, mentions: "futureDated")
        // init judges its first commit the same way: nothing is created.
        let futureInit = try box.readiness("init", box.path("future.git"), environment: ["GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"])
        XCTAssertEqual(futureInit.status, 21, futureInit.stderr)
        XCTAssertTrue(futureInit.stderr.contains("futureDated"), futureInit.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("future.git")))
        // A writer's own clock (GIT_COMMITTER_DATE) set to the future is refused before landing.
        try box.readinessOK("recover", "--ledger", ledger)
        try expectRefusal(["check", "1.3", "--ledger", ledger], code: 21, mentions: "futureDated",
                          environment: ["GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"])
    }

    func testWriterAndVerifyJudgeKeyValidityAtTheCommitTime() throws {
        let now = Int(Date().timeIntervalSince1970)
        func stamp(_ seconds: Int) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        let expiring = try key("expiring", comment: "ola@example.no")
        let starting = try key("starting", comment: "per@example.no")
        try box.readinessOK("trust", "add", "ola@example.no", expiring + ".pub", "--valid-before", stamp(now + 60), "--ledger", ledger)
        try box.readinessOK("trust", "add", "per@example.no", starting + ".pub", "--valid-after", stamp(now + 100), "--ledger", ledger)
        func person(_ email: String, _ keyPath: String) throws -> [String: String] {
            let config = box.path("\(email).gitconfig")
            try "[user]\n\tname = \(email)\n\temail = \(email)\n\tsigningkey = \(keyPath)\n[gpg]\n\tformat = ssh\n".write(toFile: config, atomically: true, encoding: .utf8)
            return ["GIT_CONFIG_GLOBAL": config, "GIT_COMMITTER_DATE": "@\(now + 200) +0000"]
        }
        // Valid by the wall clock, expired at the commit's own time: refused, as verify would.
        try expectRefusal(["check", "1.2", "--ledger", ledger], code: 7, mentions: "not valid at the commit time",
                          environment: try person("ola@example.no", expiring))
        // Not yet valid by the wall clock, valid at the commit's time: written, and verify agrees.
        try box.readinessOK("check", "1.2", "--ledger", ledger, environment: try person("per@example.no", starting))
        XCTAssertEqual(try box.readiness("verify", "--full", "--ledger", ledger).status, 0)
        let allowed = try box.allowedSignersFile(from: ledger)
        let stock = try box.verifyCommit("main", ledger: ledger, allowedSigners: allowed)
        XCTAssertEqual(stock.status, 0, "git verify-commit judges validity at the commit time too: \(stock.stderr)")
    }

    // MARK: - Format

    func testFormatRaisedByAnUntrustedCommitIsThatCommitsProblem() throws {
        let stranger = try key("stranger", comment: strangerEmail)
        let work = try clone()
        let settings = try String(contentsOfFile: "\(work)/ledger.json", encoding: .utf8)
        try settings.replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 4").write(toFile: "\(work)/ledger.json", atomically: true, encoding: .utf8)
        try stockCommit(in: work, message: "format 4\n", key: stranger, email: strangerEmail)
        try push(work)
        let raise = try rev("main")
        let verify = try box.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stderr)
        XCTAssertTrue(verify.stdout.contains("\(raise.prefix(12)) untrustedKey"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("verified 3 commits"), verify.stdout)
        try expectRefusal(["gate", "--ledger", ledger], code: 21, mentions: "untrustedKey")

        // The same raise signed by the trusted key is a real upgrade: this tool is too old (exit 9).
        try box.readinessOK("recover", "--ledger", ledger)
        let honest = try clone()
        try settings.replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 4").write(toFile: "\(honest)/ledger.json", atomically: true, encoding: .utf8)
        try stockCommit(in: honest, message: "format 4\n", key: box.keyPath, email: box.email)
        try box.git("push", "-q", "-f", "origin", "HEAD:main", in: honest)
        try expectRefusal(["verify", "--ledger", ledger], code: 9, mentions: "format version 4")
    }

    // MARK: - Pinning

    func testCloneAndHookPinTheLedgerAndAReplacedLedgerIsRefused() throws {
        // A clone records the root it verified.
        let clone = box.path("clone.git")
        let cloned = try box.readinessOK("clone", ledger, clone)
        let root = try box.git("--git-dir", ledger, "rev-list", "--max-parents=0", "main")
        XCTAssertTrue(cloned.stdout.contains("root \(root)"), cloned.stdout)
        XCTAssertEqual(try box.git("--git-dir", clone, "config", "readiness.ledgerRoot"), root)
        XCTAssertEqual(try box.readiness("gate", "--ledger", ledger, "--ledger-root", String(root.prefix(12))).status, 20)

        // A product repository pins the ledger its hook judges.
        let remote = box.path("remote.git")
        try box.git("init", "-q", "--bare", remote)
        let product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("commit", "-q", "--allow-empty", "-m", "first", in: product)
        try box.git("remote", "add", "origin", remote, in: product)
        let installed = try box.readinessOK("hook", "install", "--ledger", ledger, "--require", "1", in: product)
        XCTAssertTrue(installed.stdout.contains("set readiness.ledgerRoot = \(root)"), installed.stdout)
        XCTAssertEqual(try box.git("config", "readiness.ledgerRoot", in: product), root)

        // Someone replaces the ledger with one they made, every required item checked.
        let forgerKey = try key("forger", comment: "forger@example.net")
        let forgerConfig = box.path("forger.gitconfig")
        try "[user]\n\tname = Forger\n\temail = forger@example.net\n\tsigningkey = \(forgerKey)\n[gpg]\n\tformat = ssh\n".write(toFile: forgerConfig, atomically: true, encoding: .utf8)
        let replacement = box.path("replacement.git")
        try box.readinessOK("init", replacement, environment: ["GIT_CONFIG_GLOBAL": forgerConfig])
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] {
            try box.readinessOK("check", number, "--ledger", replacement, environment: ["GIT_CONFIG_GLOBAL": forgerConfig])
        }
        try FileManager.default.removeItem(atPath: ledger)
        try FileManager.default.moveItem(atPath: replacement, toPath: ledger)
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", ledger).status, 0, "unpinned, the forged ledger passes")

        let path = URL(fileURLWithPath: Sandbox.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"
        let pushed = try box.run("/usr/bin/git", ["push", "origin", "main"], in: product, environment: ["PATH": path])
        XCTAssertNotEqual(pushed.status, 0)
        XCTAssertTrue(pushed.stderr.contains("is not the pinned ledger"), pushed.stderr)
        XCTAssertTrue(pushed.stderr.contains("push to refs/heads/main refused"), pushed.stderr)
        XCTAssertNotEqual(try box.gitResult(["--git-dir", remote, "rev-parse", "--verify", "-q", "refs/heads/main"]).status, 0)

        // The environment cannot point the hook elsewhere either, even at a complete ledger.
        let elsewhere = try box.run("/usr/bin/git", ["push", "origin", "main"], in: product,
                                    environment: ["PATH": path, "READINESS_LEDGER": ledger + "/"])
        XCTAssertNotEqual(elsewhere.status, 0)
        XCTAssertTrue(elsewhere.stderr.contains("READINESS_LEDGER=\(ledger!)/ is not the ledger this repository records"), elsewhere.stderr)
    }
}
