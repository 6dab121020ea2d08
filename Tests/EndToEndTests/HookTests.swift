import Foundation
import XCTest

/// The pre-push hook with real `git push` from a product repository to a local bare remote.
final class HookTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private var product: String!
    private var remote: String!

    /// PATH with the built `readiness` first, as after an install.
    private var pathWithReadiness: String { URL(fileURLWithPath: Sandbox.binary).deletingLastPathComponent().path + ":/usr/bin:/bin" }

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        remote = box.path("remote.git")
        try box.git("init", "-q", "--bare", remote)
        product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("commit", "-q", "--allow-empty", "-m", "first", in: product)
        try box.git("remote", "add", "origin", remote, in: product)
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    private func push(_ arguments: String..., path: String? = nil) throws -> RunResult {
        try box.run("/usr/bin/git", ["push"] + arguments, in: product, environment: ["PATH": path ?? pathWithReadiness])
    }

    /// Asserts that git refused the push and that the hook said why: the refused ref and `reason`.
    private func assertRefused(_ result: RunResult, _ ref: String, _ reasons: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, "the push of \(ref) went through: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("push to \(ref) refused") || result.stderr.contains("refused the push"),
                      "no refusal named \(ref): \(result.stderr)", file: file, line: line)
        for reason in reasons {
            XCTAssertTrue(result.stderr.contains(reason), "the refusal does not say '\(reason)': \(result.stderr)", file: file, line: line)
        }
        XCTAssertTrue(result.stderr.contains("git push --no-verify"), "the refusal says how to bypass knowingly", file: file, line: line)
    }

    /// What the hook prints when the gate blocks.
    private let notDone = "required readiness items are not done"

    private func signOffSection1() throws {
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] { try box.readinessOK("check", number, "--ledger", ledger) }
    }

    private func remoteHas(_ ref: String) throws -> Bool {
        try box.gitResult(["--git-dir", remote, "rev-parse", "--verify", "-q", ref]).status == 0
    }

    func testProtectedPushBlockedUntilSignedOffWhileOtherBranchesAndDeletionsPass() throws {
        try box.readinessOK("hook", "install", "--ledger", ledger, "--require", "1", in: product)
        let blocked = try push("origin", "main")
        XCTAssertNotEqual(blocked.status, 0)
        XCTAssertTrue(blocked.stderr.contains("blocked: 6 of the 6 items"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("1.1  sikkerhet/ssl-sertifikater-installert-og-konfigurert"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("readiness check sikkerhet/gdpr-compliance-verifisert"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("push to refs/heads/main refused"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("--no-verify"), blocked.stderr)
        XCTAssertFalse(try remoteHas("refs/heads/main"))

        let feature = try push("origin", "main:feature/x")
        XCTAssertEqual(feature.status, 0, feature.stderr)
        let tag = try push("origin", "main:refs/tags/v1.0")
        assertRefused(tag, "refs/tags/v1.0", notDone, "blocked: 6 of the 6 items")
        XCTAssertFalse(try remoteHas("refs/tags/v1.0"), "refs/tags/v* is protected by default")

        // A deletion of a protected ref releases nothing and passes.
        XCTAssertEqual(try push("--no-verify", "origin", "main:release/1").status, 0)
        let deletion = try push("origin", ":release/1")
        XCTAssertEqual(deletion.status, 0, deletion.stderr)
        XCTAssertFalse(try remoteHas("refs/heads/release/1"))

        try signOffSection1()
        let allowed = try push("origin", "main")
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(allowed.stderr.contains("passed: all 6 items"), allowed.stderr)
        XCTAssertTrue(try remoteHas("refs/heads/main"))
    }

    func testConfiguredProtectPatterns() throws {
        try box.readinessOK("hook", "install", "--ledger", ledger, "--protect", "refs/heads/prod", "refs/heads/rc/*", in: product)
        XCTAssertEqual(try box.git("config", "--get-all", "readiness.protect", in: product), "refs/heads/prod\nrefs/heads/rc/*")
        XCTAssertEqual(try push("origin", "main").status, 0, "main is no longer protected")
        assertRefused(try push("origin", "main:rc/2"), "refs/heads/rc/2", notDone)
        assertRefused(try push("origin", "main:prod"), "refs/heads/prod", notDone)
        let bad = try box.readiness("hook", "install", "--protect", "main", in: product)
        XCTAssertEqual(bad.status, 5, bad.stderr)
        // A bad pattern added by hand must not silently stop the gate.
        try box.git("config", "--add", "readiness.protect", "main", in: product)
        let misconfigured = try push("origin", "main:feature")
        XCTAssertNotEqual(misconfigured.status, 0)
        XCTAssertTrue(misconfigured.stderr.contains("readiness.protect pattern 'main' is not a full ref name"), misconfigured.stderr)
        XCTAssertFalse(try remoteHas("refs/heads/feature"))
    }

    func testExistingHookIsChainedGetsTheSameInputAndItsFailureBlocks() throws {
        let hook = "\(product!)/.git/hooks/pre-push"
        let seen = box.path("seen")
        try "#!/bin/sh\ncat > '\(seen)'\necho \"$1 $2\" >> '\(seen)'\n[ ! -e '\(box.path("refuse"))' ]\n".write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        try box.readinessOK("hook", "install", "--ledger", ledger, in: product)
        XCTAssertTrue(FileManager.default.fileExists(atPath: hook + ".readiness-chained"))

        XCTAssertEqual(try push("origin", "main:feature").status, 0)
        let head = try box.git("rev-parse", "HEAD", in: product)
        let input = try String(contentsOfFile: seen, encoding: .utf8)
        XCTAssertEqual(input, "refs/heads/main \(head) refs/heads/feature \(String(repeating: "0", count: 40))\norigin \(remote!)\n")

        XCTAssertTrue(FileManager.default.createFile(atPath: box.path("refuse"), contents: Data()))
        let refused = try push("origin", "main:feature2")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("pre-push.readiness-chained refused the push"), refused.stderr)
        XCTAssertFalse(try remoteHas("refs/heads/feature2"))
    }

    func testInstallTwiceChangesNothingAndUninstallRestoresTheOriginalExactly() throws {
        let hook = "\(product!)/.git/hooks/pre-push"
        let original = Data("#!/bin/sh\r\n# their hook, CRLF and no final newline\r\nexit 0".utf8)
        try original.write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: hook)
        let config = "\(product!)/.git/config"

        try box.readinessOK("hook", "install", "--ledger", ledger, "--require", "1", "2", in: product)
        let installed = try Data(contentsOf: URL(fileURLWithPath: hook))
        let configAfterFirst = try Data(contentsOf: URL(fileURLWithPath: config))
        let again = try box.readinessOK("hook", "install", "--ledger", ledger, "--require", "1", "2", in: product)
        XCTAssertTrue(again.stdout.contains("nothing changed"), again.stdout)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: hook)), installed)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: config)), configAfterFirst)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: hook + ".readiness-chained")), original)

        let status = try box.readinessOK("hook", "status", in: product)
        XCTAssertTrue(status.stdout.contains("hook:      the readiness hook"), status.stdout)
        XCTAssertTrue(status.stdout.contains("mode 700"), status.stdout)
        XCTAssertTrue(status.stdout.contains("require:   1 2"), status.stdout)
        XCTAssertTrue(status.stdout.contains("ledger:    \(ledger!)"), status.stdout)

        try box.readinessOK("hook", "uninstall", in: product)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: hook)), original)
        let mode = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700)
        XCTAssertFalse(FileManager.default.fileExists(atPath: hook + ".readiness-chained"))
        XCTAssertTrue(try box.readinessOK("hook", "status", in: product).stdout.contains("not readiness's"))
        XCTAssertEqual(try box.readiness("hook", "uninstall", in: product).status, 8, "a foreign hook is left alone")
    }

    func testCoreHooksPathRelativeAndAbsolute() throws {
        try box.git("config", "core.hooksPath", ".githooks", in: product)
        try box.readinessOK("hook", "install", "--ledger", ledger, in: product)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "\(product!)/.githooks/pre-push"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(product!)/.git/hooks/pre-push"))
        assertRefused(try push("origin", "main"), "refs/heads/main", notDone)

        let shared = box.path("shared-hooks")
        try box.git("config", "core.hooksPath", shared, in: product)
        try box.readinessOK("hook", "install", "--repo", product, in: box.root.path)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "\(shared)/pre-push"))
        assertRefused(try push("origin", "main"), "refs/heads/main", notDone)
    }

    func testLinkedWorktreeAndBareRepository() throws {
        let worktree = box.path("worktree")
        try box.git("worktree", "add", "-q", "-b", "side", worktree, in: product)
        try box.readinessOK("hook", "install", "--ledger", ledger, in: worktree)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "\(product!)/.git/hooks/pre-push"), "hooks live in the common dir")
        let fromWorktree = try box.run("/usr/bin/git", ["push", "origin", "side:main"], in: worktree, environment: ["PATH": pathWithReadiness])
        assertRefused(fromWorktree, "refs/heads/main", notDone, "blocked:")

        let bare = box.path("bare.git")
        try box.git("clone", "-q", "--bare", product, bare)
        try box.readinessOK("hook", "install", "--repo", bare, "--ledger", ledger)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "\(bare)/hooks/pre-push"))
        let fromBare = try box.run("/usr/bin/git", ["--git-dir", bare, "push", remote, "main"], environment: ["PATH": pathWithReadiness])
        assertRefused(fromBare, "refs/heads/main", notDone, "blocked:")
    }

    func testFailsClosedWithoutTheBinaryOrTheLedgerUnlessFailOpen() throws {
        try box.readinessOK("hook", "install", "--ledger", ledger, in: product)
        let noBinary = try push("origin", "main", path: "/usr/bin:/bin")
        assertRefused(noBinary, "refs/heads/main", "the readiness program is not on PATH")
        XCTAssertTrue(noBinary.stderr.contains("the readiness program is not on PATH"), noBinary.stderr)
        XCTAssertTrue(noBinary.stderr.contains("git push --no-verify"), noBinary.stderr)
        XCTAssertTrue(noBinary.stderr.contains("readiness.failOpen true"), noBinary.stderr)

        try box.git("config", "readiness.ledger", box.path("missing.git"), in: product)
        let noLedger = try push("origin", "main")
        assertRefused(noLedger, "refs/heads/main")
        XCTAssertTrue(noLedger.stderr.contains("no ledger at \(box.path("missing.git"))"), noLedger.stderr)
        XCTAssertTrue(noLedger.stderr.contains("could not judge the ledger (exit 3"), noLedger.stderr)
        XCTAssertFalse(try remoteHas("refs/heads/main"))

        try box.git("config", "readiness.failOpen", "true", in: product)
        let failOpen = try push("origin", "main")
        XCTAssertEqual(failOpen.status, 0, failOpen.stderr)
        XCTAssertTrue(failOpen.stderr.contains("WARNING"), failOpen.stderr)
        let failOpenNoBinary = try push("origin", "main:release/2", path: "/usr/bin:/bin")
        XCTAssertEqual(failOpenNoBinary.status, 0, failOpenNoBinary.stderr)

        // failOpen covers failures to judge, never a verdict: an incomplete ledger still blocks.
        try box.git("config", "readiness.ledger", ledger, in: product)
        let verdict = try push("origin", "main:release/3")
        assertRefused(verdict, "refs/heads/release/3", notDone)
        XCTAssertFalse(verdict.stderr.contains("WARNING"), verdict.stderr)
    }

    /// A ledger whose head fails verification (written unsigned with stock git) refuses the
    /// push with the verifier's reason, even though the forged head marks every item done.
    func testLedgerFailingVerificationRefusesWithTheReason() throws {
        try box.readinessOK("hook", "install", "--ledger", ledger, "--require", "1", in: product)
        try box.pushUnsignedDone("items/sikkerhet", to: ledger, through: "forger", message: "alt ferdig")
        let refused = try push("origin", "main")
        assertRefused(refused, "refs/heads/main", "could not judge the ledger (exit 21", "is not signed")
        XCTAssertFalse(try remoteHas("refs/heads/main"))
    }

    func testRemoteLedgerURLLocalSignOffsDoNotUnlockThePush() throws {
        try box.readinessOK("hook", "install", "--ledger", "file://\(ledger!)", "--require", "sikkerhet", in: product)
        let clone = box.path("mine.git")
        try box.git("clone", "-q", "--bare", ledger, clone)
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] { try box.readinessOK("check", number, "--ledger", clone) }
        let blocked = try push("origin", "main")
        assertRefused(blocked, "refs/heads/main", notDone)
        XCTAssertTrue(blocked.stderr.contains("fetched from file://\(ledger!)"), blocked.stderr)
        try box.git("--git-dir", clone, "push", "-q", "origin", "main")
        let allowed = try push("origin", "main")
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
    }
}
