import Foundation
import XCTest

/// Rollback and freeze protection against a real bare server whose branch is moved back with
/// stock git, as a force-push or a restored backup would move it.
final class RollbackTests: XCTestCase {
    private var box: Sandbox!
    private var server: String!
    private var owner: String!
    private var product: String!
    /// The server's head once all of section 1 was signed off, and after 1.1 was unchecked.
    private var complete: String!
    private var unchecked: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        server = try box.makeLedger("server.git")
        owner = box.path("owner.git")
        try box.readinessOK("clone", server, owner)
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] { try box.readinessOK("check", number, "--ledger", owner) }
        try box.readinessOK("sync", "--ledger", owner)
        complete = try rev(server)
        try box.readinessOK("uncheck", "1.1", "--reason", "sertifikatkjeden er brutt", "--ledger", owner)
        try box.readinessOK("sync", "--ledger", owner)
        unchecked = try rev(server)
        product = box.path("product")
        try box.git("init", "-q", product)
        try box.git("commit", "-q", "--allow-empty", "-m", "first", in: product)
    }

    override func tearDown() {
        box = nil
    }

    private func rev(_ repository: String, _ name: String = "main") throws -> String {
        try box.git("--git-dir", repository, "rev-parse", name)
    }

    /// Moves the server's branch back with stock git.
    private func rollServerBack(to commit: String) throws {
        try box.git("--git-dir", server, "update-ref", "refs/heads/main", commit)
    }

    private func expect(_ arguments: [String], code: Int32, mentions fragments: [String], in directory: String? = nil,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try box.run(Sandbox.binary, arguments, in: directory)
        XCTAssertEqual(result.status, code, "\(arguments): \(result.stderr)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "expected '\(fragment)' in: \(result.stderr)", file: file, line: line)
        }
    }

    func testForcePushedRollbackIsRefusedByGatePullAndSyncInACloneThatSawTheNewerHead() throws {
        // The clone's record is a ref stock git shows.
        XCTAssertEqual(try rev(owner, "refs/readiness/seen"), unchecked)
        // Before the rollback the owner's gate blocks on the uncheck, as it should.
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", owner, in: product).status, 20)

        try rollServerBack(to: complete)
        let lacks = "lacks 1 event(s): \(String(unchecked.prefix(12)))"
        try expect(["gate", "--require", "1", "--ledger", owner], code: 21,
                   mentions: ["rollback:", "went back", "at \(complete.prefix(12))", "has seen \(unchecked.prefix(12))", lacks, "uncheck sikkerhet/ssl"],
                   in: product)
        try expect(["pull", "--ledger", owner], code: 21, mentions: ["rollback:", lacks])
        XCTAssertEqual(try rev(owner), unchecked, "pull merged nothing")

        // sync reports the server that went back, loudly, and restores it with the newer head.
        try expect(["sync", "--ledger", owner], code: 21, mentions: ["rollback:", lacks])
        XCTAssertEqual(try rev(server), unchecked, "sync restored the server")
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", owner, in: product).status, 20)
    }

    func testPushReportsAndRestoresAServerThatWentBack() throws {
        try rollServerBack(to: complete)
        try expect(["push", "--ledger", owner], code: 21, mentions: ["rollback:", "went back", "restored it by pushing \(unchecked.prefix(12))"])
        XCTAssertEqual(try rev(server), unchecked)
        XCTAssertEqual(try box.readiness("push", "--ledger", owner).status, 0, "nothing to report once restored")
    }

    func testCIRunnerCarriesItsRecordInTheProductRepository() throws {
        // The release job's gate records the ledger commit it judged, and pushes that record.
        let productRemote = box.path("product-remote.git")
        try box.git("init", "-q", "--bare", productRemote)
        try box.git("remote", "add", "origin", productRemote, in: product)
        let url = "file://" + server
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", url, in: product).status, 20)
        let root = try box.git("--git-dir", server, "rev-list", "--max-parents=0", "main")
        let record = try box.git("cat-file", "-p", "refs/readiness/seen/\(root)", in: product)
        XCTAssertTrue(record.contains("commit \(unchecked!)"), record)
        try box.git("push", "-q", "origin", "main", "refs/readiness/seen/\(root)", in: product)

        // A fresh runner: a new clone of the product repository, fetching the records.
        try rollServerBack(to: complete)
        let runner = box.path("runner")
        try box.git("clone", "-q", productRemote, runner)
        XCTAssertEqual(try box.readiness("gate", "--require", "1", "--ledger", url, in: runner).status, 0,
                       "without the record a first-ever run cannot know: the window the README documents")
        let second = box.path("runner2")
        try box.git("clone", "-q", productRemote, second)
        try box.git("fetch", "-q", "origin", "+refs/readiness/*:refs/readiness/*", in: second)
        try expect(["gate", "--require", "1", "--ledger", url], code: 21, mentions: ["rollback:", "has seen \(unchecked.prefix(12))"], in: second)
    }

    func testUnrelatedHistoryIsRefused() throws {
        let other = try box.makeLedger("other.git")
        try box.git("--git-dir", server, "fetch", "-q", other, "+main:refs/heads/main")
        XCTAssertEqual(try rev(server), try rev(other))
        try expect(["pull", "--ledger", owner], code: 21, mentions: ["rollback:", "replaced"])
        XCTAssertEqual(try rev(owner), unchecked)
        try expect(["gate", "--ledger", owner], code: 21, mentions: ["not the pinned ledger"], in: product)
    }

    func testAcceptedRollbackAfterRecoveryIsRecordedAndShownByVerify() throws {
        // An admin deliberately takes the server back to the complete state.
        try rollServerBack(to: complete)
        try expect(["pull", "--ledger", owner], code: 21, mentions: ["--accept-rollback \(complete.prefix(7))"])
        try expect(["pull", "--ledger", owner, "--accept-rollback", "0000000"], code: 21, mentions: ["rollback:"])
        try box.readinessOK("pull", "--ledger", owner, "--accept-rollback", String(complete.prefix(12)))
        XCTAssertEqual(try rev(owner), complete, "the dropped commit left the clone's branch too")
        XCTAssertEqual(try box.git("--git-dir", owner, "for-each-ref", "--format=%(objectname)", "refs/readiness/quarantine/"), unchecked)
        XCTAssertEqual(try rev(owner, "refs/readiness/seen"), complete)
        let verify = try box.readinessOK("verify", "--ledger", owner).stdout
        XCTAssertTrue(verify.contains("accepted rollback: \(unchecked.prefix(12)) -> \(complete.prefix(12))"), verify)
        XCTAssertTrue(verify.contains("by \(box.email)"), verify)
        // From now on the accepted state is the baseline: sync neither complains nor restores.
        try box.readinessOK("sync", "--ledger", owner)
        XCTAssertEqual(try rev(server), complete)
        let gate = try box.readiness("gate", "--require", "1", "--ledger", owner, "--accept-rollback", String(complete.prefix(12)), in: product)
        XCTAssertEqual(gate.status, 0, gate.stderr)
    }

    func testMaxAgeRefusesAFrozenLedger() throws {
        let old = box.path("old.git")
        let tenDaysAgo = Int(Date().timeIntervalSince1970) - 10 * 86_400
        try box.readinessOK("init", old, environment: ["GIT_COMMITTER_DATE": "@\(tenDaysAgo) +0000"])
        try expect(["gate", "--ledger", old, "--max-age", "5"], code: 21, mentions: ["stale ledger", "10 days old", "5 days"], in: product)
        XCTAssertEqual(try box.readiness("gate", "--ledger", old, "--max-age", "30", in: product).status, 20)
        try box.git("config", "readiness.maxAge", "7", in: product)
        try expect(["gate", "--ledger", old], code: 21, mentions: ["stale ledger"], in: product)
        try expect(["gate", "--ledger", old, "--max-age", "0"], code: 5, mentions: ["--max-age"], in: product)
    }
}
