import Foundation
import Git
import XCTest
@testable import Ledger

/// LedgerVerifier through the library: a long clean history, and the verdicts of
/// verificationStatus(of:) for commits written with libgit2 directly.
final class VerificationTests: XCTestCase {
    private struct World {
        let directory: TestDirectory
        let store: LedgerStore
        let identity: GitIdentity
        let signer: NativeEd25519Signer
        let checklist: Checklist
    }

    private func makeLedger(at time: Int) throws -> World {
        let directory = try TestDirectory()
        let keyFile = try directory.makeKey()
        let signer = try NativeEd25519Signer(privateKeyFile: keyFile)
        let identity = GitIdentity(name: "Kari Nordmann", email: "kari@example.no",
                                   signing: SigningConfiguration(format: "ssh", signingKey: keyFile, committerName: "Kari Nordmann", committerEmail: "kari@example.no"))
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "test"), root: try signer.keyIdentity(), email: identity.email)
        let store = try LedgerStore.create(at: directory.path + "/ledger.git", blueprint: blueprint, identity: identity, signer: signer,
                                           environment: ["GIT_COMMITTER_DATE": "@\(time) +0000"])
        return World(directory: directory, store: store, identity: identity, signer: signer, checklist: checklist)
    }

    func testThousandSignedCommitsVerifyClean() throws {
        let start = 1_700_000_000
        let world = try makeLedger(at: start)
        let items = world.checklist.allItems
        for n in 0..<999 {
            let item = items[n % items.count]
            let change: ItemChange = (n / items.count) % 2 == 0 ? .check(note: "runde \(n)", evidence: [.link("https://example.no/\(n)")])
                                                                 : .uncheck(reason: "runde \(n)")
            _ = try world.store.record(change, item: item.fullID, identity: world.identity, signer: world.signer,
                                       environment: ["GIT_COMMITTER_DATE": "@\(start + n + 1) +0000"])
        }
        let verifier = LedgerVerifier(store: world.store)
        let report = try verifier.verify(full: true)
        XCTAssertEqual(report.commitsChecked, 1000)
        XCTAssertEqual(report.problems, [])
        XCTAssertTrue(report.full)
        let head = try world.store.head()
        let verdict = verifier.verificationStatus(of: head)
        XCTAssertEqual(verdict.status, .good, verdict.reason)
        XCTAssertEqual(verdict.signer, "kari@example.no")
        XCTAssertEqual(verdict.key, world.signer.publicKey?.fingerprint)

        // One more sign-off: the writer's own check records it as verified, so verify checks nothing.
        _ = try world.store.record(.check(note: nil, evidence: []), item: items[0].fullID, identity: world.identity, signer: world.signer,
                                   environment: ["GIT_COMMITTER_DATE": "@\(start + 2000) +0000"])
        let after = try LedgerVerifier(store: world.store).verify(full: false)
        XCTAssertEqual(after.commitsChecked, 0)
        XCTAssertEqual(after.since, try world.store.head().hex)
        // With the cache put back to the earlier head, the next run checks only the new commit.
        try VerifiedHead.write(head, roots: [], to: world.store)
        let incremental = try LedgerVerifier(store: world.store).verify(full: false)
        XCTAssertEqual(incremental.commitsChecked, 1)
        XCTAssertEqual(incremental.since, head.hex)
        XCTAssertEqual(incremental.problems, [])
    }

    func testVerdictsForUnsignedTamperedAndStrangerCommits() throws {
        let world = try makeLedger(at: 1_700_000_000)
        let repository = world.store.repository
        let head = try world.store.head()
        let tree = try repository.commit(head).treeID
        let person = GitSignature(name: "Kari Nordmann", email: "kari@example.no", time: 1_700_000_100, offsetMinutes: 0)
        func buffer(_ message: String) throws -> Data {
            try repository.commitBuffer(tree: tree, parents: [head], author: person, committer: person, message: message)
        }
        let verifier = LedgerVerifier(store: world.store)

        let unsigned = try repository.writeCommit(buffer: buffer("tom\n"), signature: nil)
        XCTAssertEqual(verifier.verificationStatus(of: unsigned).status, .unsigned)
        XCTAssertEqual(verifier.verificationStatus(of: unsigned).problem, .unsigned)

        let signature = try world.signer.sign(buffer("original\n"))
        let tampered = try repository.writeCommit(buffer: buffer("endret\n"), signature: signature)
        XCTAssertEqual(verifier.verificationStatus(of: tampered).status, .bad)
        XCTAssertEqual(verifier.verificationStatus(of: tampered).problem, .badSignature)

        let stranger = try NativeEd25519Signer(privateKeyFile: world.directory.makeKey("stranger"))
        let foreign = try repository.writeCommit(buffer: buffer("fremmed\n"), signature: stranger.sign(buffer("fremmed\n")))
        XCTAssertEqual(verifier.verificationStatus(of: foreign).status, .untrusted)
        XCTAssertEqual(verifier.verificationStatus(of: foreign).problem, .untrustedKey)

        let good = try repository.writeCommit(buffer: buffer("god\n"), signature: world.signer.sign(buffer("god\n")))
        XCTAssertEqual(LedgerVerifier(store: world.store).verificationStatus(of: good).status, .good)
    }

    func testArithmeticTimestampMatchesCommitTime() {
        var seconds: Int64 = -2_208_988_800 // 1900-01-01
        while seconds < 7_258_118_400 { // 2200-01-01
            XCTAssertEqual(UTCTimestamp.iso8601(seconds), CommitTime.iso8601(seconds))
            seconds += 7_777_777
        }
        for edge: Int64 in [0, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_399] {
            XCTAssertEqual(UTCTimestamp.iso8601(edge), CommitTime.iso8601(edge))
        }
    }

    func testTrailersParsedOnceAgreeWithTrailerValues() {
        let message = "check a/b: T\n\nnote\nReadiness-Item: fake\n\nReadiness-Item: a/b\nReadiness-Evidence: x\nReadiness-Evidence: y\nReadiness-Waived-Until: 2099-01-01\n"
        let trailers = CommitTrailers(message)
        for key in ["Item", "Evidence", "Waived-Until", "Action"] {
            XCTAssertEqual(trailers[key], LedgerCommitMessage.trailerValues(key, in: message), key)
            XCTAssertEqual(CommitTrailers.first(key, in: message), trailers[key].first, key)
        }
        // No trailer paragraph (one paragraph only, or a blank line with nothing before it).
        for bare in ["check a/b: T\nReadiness-Action: check\n", "\n\nReadiness-Action: check\n", ""] {
            XCTAssertNil(CommitTrailers.first("Action", in: bare), bare)
            XCTAssertEqual(CommitTrailers(bare)["Action"], [], bare)
        }
    }

    func testLedgerPathClassification() {
        XCTAssertEqual(LedgerPath("items/sikkerhet/waf.json"), .item(fullID: "sikkerhet/waf"))
        XCTAssertEqual(LedgerPath("items/sikkerhet/waf.txt"), .outside)
        XCTAssertEqual(LedgerPath("items/a/b/c.json"), .outside)
        XCTAssertEqual(LedgerPath("items//.json"), .outside)
        XCTAssertEqual(LedgerPath("trust/allowed_signers"), .allowedSigners)
        XCTAssertEqual(LedgerPath("README.md"), .outside)
    }
}
