import Foundation
import Git
import XCTest
@testable import Ledger

/// The gate's verdict over one tree, judged through the library so that states the command line
/// refuses to write (a waiver whose until-day is already past) can be made with real, signed
/// ledger commits — the way a waiver ages in real life, only faster.
final class GateVerdictTests: XCTestCase {
    private var directory: TestDirectory!
    private var store: LedgerStore!
    private var signer: NativeEd25519Signer!
    private let identity = GitIdentity(name: "Kari Nordmann", email: "kari@example.no",
                                       signing: SigningConfiguration(format: "ssh"), hasSigningKey: true)

    override func setUpWithError() throws {
        directory = try TestDirectory()
        signer = try NativeEd25519Signer(privateKeyFile: directory.makeKey())
        let checklist = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: "shipped").checklist
        let blueprint = LedgerBlueprint(checklist: checklist, settings: LedgerSettings(name: "Test"),
                                        root: try signer.keyIdentity(), email: identity.email)
        store = try LedgerStore.create(at: directory.path + "/ledger.git", blueprint: blueprint, identity: identity, signer: signer)
    }

    /// XCTest keeps every test case instance until the run ends, so the directory is freed here,
    /// not in deinit: otherwise each test would leave its folder in the temp folder.
    override func tearDown() {
        store = nil
        directory = nil
        super.tearDown()
    }

    private func signOffSection1(except skipped: Set<String> = []) throws {
        for number in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] where !skipped.contains(number) {
            _ = try store.record(.check(note: nil, evidence: []), item: number, identity: identity, signer: signer)
        }
    }

    func testExpiredWaiverBlocksAgainAndTheUntilDayIsInclusive() throws {
        try signOffSection1(except: ["1.2"])
        // `readiness waive` refuses a past --until; the library records what it is given.
        _ = try store.record(.waive(reason: "WAF kommer i Q3", until: "2001-01-01"), item: "1.2", identity: identity, signer: signer)

        let onTheDay = try Gate(today: "2001-01-01").judge(LedgerSession(store: store), requirement: .sections(["1"]), source: "test", fetched: false)
        XCTAssertTrue(onTheDay.passed, "a waiver holds through its until-day: \(onTheDay.missing)")

        let dayAfter = try Gate(today: "2001-01-02").judge(LedgerSession(store: store), requirement: .sections(["1"]), source: "test", fetched: false)
        XCTAssertFalse(dayAfter.passed)
        XCTAssertEqual(dayAfter.missing.map(\.number), ["1.2"])
        XCTAssertEqual(dayAfter.missing.first?.state, .waived)
        XCTAssertEqual(dayAfter.missing.first?.stateDescription, "waiver expired 2001-01-01")

        let now = try Gate().judge(LedgerSession(store: store), requirement: .sections(["sikkerhet"]), source: "test", fetched: false)
        XCTAssertEqual(now.missing.map(\.item), ["sikkerhet/waf-web-application-firewall-satt-opp"])
        XCTAssertEqual(now.requiredItems, 6)
    }

    func testRequirementResolvesIdsNumbersAndPrefixes() throws {
        let checklist = try store.snapshot().checklist
        XCTAssertEqual(try GateRequirement.parse(["1", "database", "overv", "10."]).resolve(in: checklist).map(\.id),
                       ["sikkerhet", "overvaking-og-logging", "database", "dokumentasjon"])
        XCTAssertEqual(try GateRequirement.parse(["Overvåking og Logging"]).resolve(in: checklist).map(\.id), ["overvaking-og-logging"])
        XCTAssertEqual(try GateRequirement.parse([]).resolve(in: checklist).count, 11)
        XCTAssertEqual(try GateRequirement.parse(["1,2", "all"]).resolve(in: checklist).count, 11)
        XCTAssertThrowsError(try GateRequirement.parse(["s"]).resolve(in: checklist)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .unknownItem)
            XCTAssertTrue((error as? LedgerError)?.message.contains("matches 3 sections") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try GateRequirement.parse(["12"]).resolve(in: checklist)) { error in
            XCTAssertEqual((error as? LedgerError)?.exitCode, 4)
        }
        for empty in [[""], ["1,,2"], [" "]] {
            XCTAssertThrowsError(try GateRequirement.parse(empty), "\(empty)") { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
            }
        }
        // Every --section and --require goes through the one resolver.
        XCTAssertEqual(try checklist.resolveSection("10.").id, "dokumentasjon")
        XCTAssertEqual(try checklist.resolveSection("Overvåking").id, "overvaking-og-logging")
    }

    func testHeadSignedByAnUntrustedKeyFailsTheHistoryCheck() throws {
        try LedgerSession(store: store).requireVerified(before: "judge the gate")
        let stranger = try NativeEd25519Signer(privateKeyFile: directory.makeKey("stranger"))
        let head = try store.head()
        let snapshot = try store.snapshot(at: head)
        let item = try snapshot.checklist.resolve("1.1")
        var record = try snapshot.record(of: item)
        record.state = .done
        record.action = .check
        let tree = try store.repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: item.path, contents: record.encoded())])
        let writer = SignedCommitWriter(repository: store.repository, identity: identity, signer: stranger)
        let forged = try writer.writeCommit(tree: tree, parents: [head], message: "check 1.1\n", time: (Int64(Date().timeIntervalSince1970), 0))
        try store.repository.compareAndSwapReference(store.branch, to: forged, expecting: head, message: "forged")

        XCTAssertThrowsError(try Gate().judge(LedgerSession(store: store), requirement: .all, source: "test", fetched: false)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .verificationFailed)
            XCTAssertTrue((error as? LedgerError)?.message.contains("is not in trust/allowed_signers") ?? false, "\(error)")
        }
    }

    func testUnsignedHeadFailsUnlessTheLedgerAllowsIt() throws {
        let head = try store.head()
        let snapshot = try store.snapshot(at: head)
        let writer = SignedCommitWriter(repository: store.repository, identity: identity, signer: nil)
        let unsigned = try writer.writeCommit(tree: snapshot.commit.treeID, parents: [head], message: "unsigned\n", time: (Int64(Date().timeIntervalSince1970), 0))
        try store.repository.compareAndSwapReference(store.branch, to: unsigned, expecting: head, message: "unsigned")
        XCTAssertThrowsError(try LedgerSession(store: store).requireVerified(before: "judge the gate")) { error in
            XCTAssertEqual((error as? LedgerError)?.exitCode, 21)
        }

        let open = try LedgerStore.create(at: directory.path + "/open.git",
                                          blueprint: LedgerBlueprint(checklist: snapshot.checklist, settings: LedgerSettings(name: "Open", allowUnsigned: true),
                                                                     root: nil, email: identity.email),
                                          identity: identity, signer: nil)
        XCTAssertNoThrow(try LedgerSession(store: open).requireVerified(before: "judge the gate"))
    }

    func testUnsignedHeadThatAllowsUnsignedItselfStillFails() throws {
        let head = try store.head()
        let snapshot = try store.snapshot(at: head)
        var settings = snapshot.settings
        settings.allowUnsigned = true
        let tree = try store.repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: LedgerLayout.settingsPath, contents: settings.encoded())])
        let writer = SignedCommitWriter(repository: store.repository, identity: identity, signer: nil)
        let unsigned = try writer.writeCommit(tree: tree, parents: [head], message: "open the gate\n", time: (Int64(Date().timeIntervalSince1970), 0))
        try store.repository.compareAndSwapReference(store.branch, to: unsigned, expecting: head, message: "unsigned")
        XCTAssertTrue(try store.snapshot().settings.allowUnsigned)
        XCTAssertThrowsError(try LedgerSession(store: store).requireVerified(before: "judge the gate")) { error in
            XCTAssertEqual((error as? LedgerError)?.exitCode, 21, "\(error)")
        }
    }

    func testFetchTimeoutMustBeFiniteSecondsAboveZero() throws {
        XCTAssertEqual(try GateLedger.fetchTimeout("20", source: "test"), 20)
        XCTAssertEqual(try GateLedger.fetchTimeout(" 2.5 ", source: "test"), 2.5)
        for bad in ["0", "-1", "nan", "inf", "20s", ""] {
            XCTAssertThrowsError(try GateLedger.fetchTimeout(bad, source: "readiness.fetchTimeout"), bad) { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
                XCTAssertTrue((error as? LedgerError)?.message.contains("readiness.fetchTimeout") ?? false)
            }
        }
    }

    func testLibraryRefusesBadWaiversAndReasonsBeforeWriting() throws {
        let head = try store.head()
        let bad: [ItemChange] = [
            .waive(reason: "later", until: "tomorrow"),
            .waive(reason: "  ", until: "2099-01-01"),
            .uncheck(reason: ""),
            .check(note: "fine\u{1b}[2J", evidence: []),
        ]
        for change in bad {
            XCTAssertThrowsError(try store.record(change, item: "1.3", identity: identity, signer: signer), "\(change)") { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput, "\(error)")
            }
        }
        XCTAssertEqual(try store.head(), head)
    }
}
