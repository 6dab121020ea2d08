import Foundation
import XCTest

/// Trust management and `readiness verify`: one tamper case per problem, each built with stock
/// git against a real ledger and caught with the right reason; agreement with `git verify-commit`.
final class VerifyTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        try box.readinessOK("check", "1.2", "--evidence", "https://example.no/bevis", "--ledger", ledger)
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    // MARK: - Helpers

    private func rev(_ name: String) throws -> String { try box.git("--git-dir", ledger, "rev-parse", name) }

    /// Runs `readiness verify --json` and returns exit status and problems (kind, commit).
    private func verify(_ extra: String...) throws -> (status: Int32, problems: [(kind: String, commit: String, reason: String)], stderr: String) {
        let result = try box.run(Sandbox.binary, ["verify", "--json", "--ledger", ledger] + extra)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let problems = (object?["problems"] as? [[String: Any]] ?? []).map {
            (kind: $0["kind"] as? String ?? "", commit: $0["commit"] as? String ?? "", reason: $0["reason"] as? String ?? "")
        }
        return (result.status, problems, result.stderr)
    }

    /// Asserts that a full verification fails with `kind` reported for `commit`.
    private func expectProblem(_ kind: String, at commit: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try verify("--full")
        XCTAssertEqual(result.status, 21, result.stderr, file: file, line: line)
        XCTAssertTrue(result.problems.contains { $0.kind == kind && $0.commit == commit },
                      "expected \(kind) at \(commit.prefix(12)), got \(result.problems)", file: file, line: line)
        let text = try box.run(Sandbox.binary, ["verify", "--full", "--ledger", ledger])
        XCTAssertTrue(text.stdout.contains("\(commit.prefix(12)) \(kind): "), text.stdout, file: file, line: line)
    }

    /// A clone of the ledger to tamper with using stock git.
    private func clone() throws -> String {
        let work = box.path("work-\(UUID().uuidString.prefix(8))")
        try box.git("clone", "-q", ledger, work)
        return work
    }

    /// Commits in `work` with stock git, signed with `key` (default: the sandbox key) as `email`.
    private func commit(in work: String, message: String, key: String? = nil, email: String? = nil, sign: Bool = true,
                        extra: [String] = []) throws {
        let messageFile = box.path("message-\(UUID().uuidString)")
        try message.write(toFile: messageFile, atomically: true, encoding: .utf8)
        var arguments = ["-c", "user.signingkey=\(key ?? box.keyPath)", "-c", "user.email=\(email ?? box.email)", "commit", "-q", "-a",
                         sign ? "-S" : "--no-gpg-sign", "-F", messageFile]
        arguments += extra
        try box.gitArray(arguments, in: work)
    }

    private func push(_ work: String, force: Bool = false) throws {
        try box.gitArray(force ? ["push", "-q", "-f", "origin", "main"] : ["push", "-q", "origin", "main"], in: work)
    }

    private func strangerKey(_ name: String = "stranger") throws -> String {
        let path = box.path(name)
        try box.makeKey(at: path, comment: name)
        return path
    }

    // MARK: - Clean ledger, incremental runs, trust commands

    func testCleanLedgerVerifiesFullyThenIncrementally() throws {
        let first = try verify()
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.problems.isEmpty)
        let again = try box.readinessOK("verify", "--ledger", ledger).stdout
        XCTAssertTrue(again.contains("verified 0 commits since"), again)
        try box.readinessOK("uncheck", "1.1", "--reason", "feil sertifikat", "--ledger", ledger)
        try box.readinessOK("waive", "1.3", "--reason", "senere", "--until", "2099-01-01", "--ledger", ledger)
        // Each writer had the verifier judge its commit before the branch moved, and recorded it.
        let incremental = try box.readinessOK("verify", "--ledger", ledger).stdout
        XCTAssertTrue(incremental.contains("verified 0 commits since \(try rev("main").prefix(12))"), incremental)
        let full = try box.readinessOK("verify", "--full", "--ledger", ledger).stdout
        XCTAssertTrue(full.contains("verified 5 commits (full history)"), full)
        // Without the cache (derived state), the next run checks everything again.
        try FileManager.default.removeItem(atPath: ledger + "/readiness/verified-head")
        let cold = try box.readinessOK("verify", "--ledger", ledger).stdout
        XCTAssertTrue(cold.contains("verified 5 commits (full history)"), cold)
    }

    func testTrustAddListRevokeAreSignedCommitsStockGitAccepts() throws {
        let bob = try strangerKey("bob")
        let added = try box.readinessOK("trust", "add", "bob@example.no", bob + ".pub", "--valid-after", "2020-01-01", "--ledger", ledger)
        XCTAssertTrue(added.stdout.contains("trust-add bob@example.no SHA256:"), added.stdout)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "-1", "--format=%(trailers:key=Readiness-Action,valueonly)", "main"), "trust-add")
        XCTAssertEqual(try box.git("--git-dir", ledger, "show", "--name-only", "--format=", "main"), "trust/allowed_signers")
        let list = try box.readinessOK("trust", "list", "--json", "--ledger", ledger).stdout
        let rows = try Sandbox.jsonList(list)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1]["principals"] as? [String], ["bob@example.no"])
        XCTAssertEqual(rows[1]["validAfter"] as? String, "20200101000000Z")

        // Bob, now trusted, signs off; then Kari revokes Bob; Bob can no longer sign.
        let bobConfig = ["GIT_COMMITTER_EMAIL": "bob@example.no", "GIT_CONFIG_GLOBAL": try overrideConfig("user.signingkey", bob)]
        try box.readinessOK("check", "1.3", "--ledger", ledger, environment: bobConfig)
        try box.readinessOK("trust", "revoke", "bob@example.no", "--ledger", ledger)
        let refused = try box.readiness("check", "1.4", "--ledger", ledger, environment: bobConfig)
        XCTAssertEqual(refused.status, 7, refused.stderr)

        // The last key cannot be revoked; nothing is written.
        let head = try rev("main")
        let last = try box.readiness("trust", "revoke", box.email, "--ledger", ledger)
        XCTAssertEqual(last.status, 8, last.stderr)
        XCTAssertTrue(last.stderr.contains("no trusted key"), last.stderr)
        XCTAssertEqual(try rev("main"), head)

        XCTAssertEqual(try verify("--full").status, 0)
        // Every trust commit passes stock git with the trust file of its parent.
        for commit in try box.git("--git-dir", ledger, "rev-list", "main").split(separator: "\n").map(String.init) {
            let parentTrust = box.path("as-\(commit)")
            let hasParent = (try? box.git("--git-dir", ledger, "rev-parse", "\(commit)^")) != nil
            try (box.git("--git-dir", ledger, "show", "\(hasParent ? commit + "^" : commit):trust/allowed_signers") + "\n")
                .write(toFile: parentTrust, atomically: true, encoding: .utf8)
            XCTAssertEqual(try box.verifyCommit(commit, ledger: ledger, allowedSigners: parentTrust).status, 0, commit)
        }
    }

    func testInitWithRootKey() throws {
        let other = try strangerKey("root")
        let refused = try box.readiness("init", box.path("foreign.git"), "--root", other + ".pub")
        XCTAssertEqual(refused.status, 7, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("foreign.git")))
        let rooted = box.path("rooted.git")
        try box.readinessOK("init", rooted, "--root", box.keyPath + ".pub")
        XCTAssertEqual(try box.readinessOK("verify", "--ledger", rooted).status, 0)
    }

    // MARK: - One tamper case per problem

    func testAmendWithoutSignatureIsUnsigned() throws {
        let work = try clone()
        try box.git("commit", "-q", "--amend", "--no-gpg-sign", "--no-edit", in: work)
        try push(work, force: true)
        try expectProblem("unsigned", at: rev("main"))
    }

    func testStrangersKeyIsUntrustedAndAnotherPrincipalsKeyIsAMismatch() throws {
        let stranger = try strangerKey()
        var work = try clone()
        try commit(in: work, message: "tom commit", key: stranger, extra: ["--allow-empty"])
        try push(work)
        try expectProblem("untrustedKey", at: rev("main"))

        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", "main~1")
        let bob = try strangerKey("bob")
        try box.readinessOK("trust", "add", "bob@example.no", bob + ".pub", "--ledger", ledger)
        work = try clone()
        try commit(in: work, message: "bob som kari", key: bob, email: box.email, extra: ["--allow-empty"])
        try push(work)
        try expectProblem("principalMismatch", at: rev("main"))
    }

    func testKeyThatAddsItselfIsRefusedAndCaught() throws {
        let stranger = try strangerKey()
        let strangerEmail = "stranger@example.no"
        // The tool refuses before writing anything.
        let head = try rev("main")
        let refused = try box.readiness("trust", "add", strangerEmail, stranger + ".pub", "--ledger", ledger,
                                        environment: ["GIT_COMMITTER_EMAIL": strangerEmail, "GIT_CONFIG_GLOBAL": try overrideConfig("user.signingkey", stranger)])
        XCTAssertEqual(refused.status, 7, refused.stderr)
        XCTAssertEqual(try rev("main"), head)

        // Done by hand with stock git, verify catches it.
        let work = try clone()
        let message = try box.appendTrustByHand(in: work, email: strangerEmail, publicKeyFile: stranger + ".pub")
        try commit(in: work, message: message,
                   key: stranger, email: strangerEmail)
        try push(work)
        try expectProblem("untrustedKey", at: rev("main"))
    }

    func testBackdatedCommitIsCaughtWithinDocumentedSkew() throws {
        let parentTime = Int(try box.git("--git-dir", ledger, "log", "-1", "--format=%ct", "main"))!
        // Two minutes back is clock skew and accepted; an hour back is not.
        try box.readinessOK("check", "1.3", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "@\(parentTime - 120) +0000"])
        XCTAssertEqual(try verify("--full").status, 0)
        // The writer refuses to write what verify would reject: exit 21, nothing moved.
        let head = try rev("main")
        let refused = try box.readiness("check", "1.4", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "@\(parentTime - 3600) +0000"])
        XCTAssertEqual(refused.status, 21, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("timeWentBackwards"), refused.stderr)
        XCTAssertEqual(try rev("main"), head)
        // Written with stock git, verify catches it.
        let work = try clone()
        box.environment["GIT_COMMITTER_DATE"] = "@\(parentTime - 3600) +0000"
        try commit(in: work, message: "backdated\n", extra: ["--allow-empty"])
        box.environment["GIT_COMMITTER_DATE"] = nil
        try push(work)
        try expectProblem("timeWentBackwards", at: rev("main"))
    }

    func testRewrittenBranchIsReportedUntilAccepted() throws {
        XCTAssertEqual(try verify().status, 0)
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", "main~1")
        // Writers do not build on a rewritten branch: that would make verify forget the rewrite.
        let refused = try box.readiness("check", "1.4", "--ledger", ledger)
        XCTAssertEqual(refused.status, 21, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("rewritten"), refused.stderr)
        let result = try verify()
        XCTAssertEqual(result.status, 21, result.stderr)
        XCTAssertEqual(result.problems.map(\.kind), ["branchRewritten"])
        XCTAssertEqual(result.problems.first?.commit, try rev("main"))
        XCTAssertEqual(try verify("--full").problems.map(\.kind), ["branchRewritten"], "--full alone does not forget a rewrite")
        XCTAssertEqual(try verify("--accept-rewrite").status, 0)
        XCTAssertEqual(try verify().status, 0)
        try box.readinessOK("check", "1.4", "--ledger", ledger)
    }

    func testItemEditedWithMismatchedTrailers() throws {
        let work = try clone()
        let path = "\(work)/items/sikkerhet/brannmurregler-konfigurert.json"
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        record["state"] = "waived"
        record["note"] = "forfalsket"
        try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: path))
        try commit(in: work, message: "check sikkerhet/waf-web-application-firewall-satt-opp: WAF\n\nReadiness-Item: sikkerhet/waf-web-application-firewall-satt-opp\nReadiness-Action: check\nReadiness-State: open -> done\n")
        try push(work)
        try expectProblem("trailerMismatch", at: rev("main"))
    }

    /// A sign-off re-signed by the trusted key with only its Readiness-State trailer changed:
    /// tree, time, committer and signature are all sound (stock git accepts it), so the lying
    /// trailer is the one problem, and it must be found.
    func testStateTrailerThatDisagreesWithTheTreeIsCaught() throws {
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        let message = try box.run("/usr/bin/git", ["--git-dir", ledger, "log", "-1", "--format=%B", "main"]).stdout
        XCTAssertTrue(message.contains("Readiness-State: open -> done\n"), message)
        let messageFile = box.path("lying-message")
        try message.replacingOccurrences(of: "Readiness-State: open -> done\n", with: "Readiness-State: open -> waived\n")
            .write(toFile: messageFile, atomically: true, encoding: .utf8)
        let date = try box.git("--git-dir", ledger, "log", "-1", "--format=%cd", "--date=raw", "main")
        let forged = try box.git("--git-dir", ledger, "commit-tree", "-S", "main^{tree}", "-p", "main~1", "-F", messageFile,
                                 environment: ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date])
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", forged)
        XCTAssertEqual(try box.verifyCommit(forged, ledger: ledger, allowedSigners: box.allowedSignersFile(from: ledger)).status, 0)
        try expectProblem("trailerMismatch", at: forged)
        // The forged commit replaces the head the writer had verified, so the rewrite shows too.
        let problems = try verify("--full").problems.filter { $0.commit == forged }
        XCTAssertEqual(problems.map(\.kind), ["branchRewritten", "trailerMismatch"], "\(problems)")
        let mismatch = problems.first { $0.kind == "trailerMismatch" }
        XCTAssertTrue(mismatch?.reason.contains("Readiness-State says 'open -> waived' but the tree says 'open -> done'") ?? false, "\(problems)")
    }

    func testRemovedEventInAnItemsChainBreaksItsBackLink() throws {
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        try box.readinessOK("uncheck", "1.3", "--reason", "for tidlig", "--ledger", ledger)
        try box.readinessOK("check", "1.3", "--ledger", ledger)
        // Drop the uncheck: re-parent the last sign-off onto the first, signed again with the trusted key.
        let message = box.path("message")
        try (box.git("--git-dir", ledger, "log", "-1", "--format=%B", "main") + "\n").write(toFile: message, atomically: true, encoding: .utf8)
        let forged = try box.git("--git-dir", ledger, "commit-tree", "-S", "main^{tree}", "-p", "main~2", "-F", message)
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", forged)
        try expectProblem("brokenBackLink", at: forged)
    }

    func testPathsOutsideTheLayout() throws {
        let work = try clone()
        try "hei\n".write(toFile: "\(work)/notater.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "\(work)/items/sikkerhet", withIntermediateDirectories: true)
        try "{}\n".write(toFile: "\(work)/items/sikkerhet/ukjent.json", atomically: true, encoding: .utf8)
        try box.git("add", "notater.txt", "items/sikkerhet/ukjent.json", in: work)
        try commit(in: work, message: "notater\n")
        try push(work)
        let head = try rev("main")
        try expectProblem("pathOutsideLayout", at: head)
        let reasons = try verify("--full").problems.filter { $0.kind == "pathOutsideLayout" }.map(\.reason)
        XCTAssertEqual(reasons.count, 2, "\(reasons)")
    }

    func testKeyUsedAfterItsValidBefore() throws {
        let bob = try strangerKey("bob")
        try box.readinessOK("trust", "add", "bob@example.no", bob + ".pub", "--valid-before", "2021-01-01", "--ledger", ledger)
        let work = try clone()
        try commit(in: work, message: "bob etter utløp", key: bob, email: "bob@example.no", extra: ["--allow-empty"])
        try push(work)
        let head = try rev("main")
        try expectProblem("keyNotValidAtTime", at: head)
        // Stock git agrees: the same key is refused at that commit's time.
        XCTAssertNotEqual(try box.verifyCommit(head, ledger: ledger, allowedSigners: box.allowedSignersFile(from: ledger)).status, 0)
    }

    // MARK: - Agreement with stock git

    func testVerdictsAgreeWithGitVerifyCommitBothWays() throws {
        // An RSA key goes through ssh-keygen rather than the native Ed25519 path.
        let rsa = box.path("id_rsa")
        try box.makeKey(at: rsa, comment: "rsa", type: "rsa")
        try box.readinessOK("trust", "add", box.email, rsa + ".pub", "--ledger", ledger)
        try box.readinessOK("check", "1.3", "--ledger", ledger, environment: ["GIT_CONFIG_GLOBAL": try overrideConfig("user.signingkey", rsa)])
        var cases: [(name: String, commit: String, good: Bool)] = try box.git("--git-dir", ledger, "rev-list", "main")
            .split(separator: "\n").map { ("readiness commit", String($0), true) }

        // Bad: a signed commit whose message was changed afterwards, for each key type.
        for original in ["main", "main~1"] {
            let raw = try box.run("/usr/bin/git", ["--git-dir", ledger, "cat-file", "commit", original]).stdout
            let tampered = try box.run("/usr/bin/git", ["--git-dir", ledger, "hash-object", "-t", "commit", "-w", "--stdin"],
                                       stdin: Data((raw + "endret etterpå\n").utf8)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            cases.append(("tampered \(original)", tampered, false))
        }
        // Untrusted: a stranger's key.
        let stranger = try strangerKey()
        let work = try clone()
        try commit(in: work, message: "fremmed", key: stranger, extra: ["--allow-empty"])
        cases.append(("stranger", try box.git("rev-parse", "HEAD", in: work), false))
        try push(work)

        let allowed = try box.allowedSignersFile(from: ledger)
        for item in cases {
            let git = try box.verifyCommit(item.commit, ledger: ledger, allowedSigners: allowed)
            let ours = try box.readiness("verify", "--commit", item.commit, "--ledger", ledger)
            XCTAssertEqual(git.status == 0, item.good, "git on \(item.name): \(git.stderr)")
            XCTAssertEqual(ours.status == 0, item.good, "readiness on \(item.name): \(ours.stdout)\(ours.stderr)")
            XCTAssertEqual(git.status == 0, ours.status == 0, "disagreement on \(item.name)")
        }
    }

    /// A copy of the global config with one value changed, for one run.
    private func overrideConfig(_ key: String, _ value: String) throws -> String {
        let file = box.path("override-\(UUID().uuidString).gitconfig")
        let base = try String(contentsOfFile: box.home.appendingPathComponent(".gitconfig").path, encoding: .utf8)
        let parts = key.split(separator: ".")
        try (base + "[\(parts[0])]\n\t\(parts[1]) = \"\(value)\"\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

private extension Sandbox {
    /// `git` with an argument array; throws when it fails.
    @discardableResult
    func gitArray(_ arguments: [String], in directory: String) throws -> String {
        let result = try run("/usr/bin/git", arguments, in: directory)
        guard result.status == 0 else {
            throw SandboxError("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
