import Foundation
import XCTest

/// Nothing half-made is left behind: `init` and `clone` killed with SIGKILL at increasing
/// moments leave no ledger at the target path or a complete one, what a killed process left
/// beside it is removed by the next run, and so are temporary index files of dead processes.
/// Stock git (`fsck`) and `readiness verify --full` judge every ledger that exists afterwards.
final class InterruptionTests: XCTestCase {
    private var sandbox: Sandbox!

    override func setUpWithError() throws {
        sandbox = try Sandbox()
    }

    override func tearDown() {
        sandbox = nil
    }

    /// Delays, in milliseconds, after which the process under test is killed: from before
    /// `main` runs to after it has finished.
    private let delays = Array(stride(from: 0, through: 150, by: 5))

    func testInitKilledAtAnyMomentLeavesNoLedgerOrACompleteOne() throws {
        let parent = sandbox.path("ledgers")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var absent = 0, leftBehind = 0, complete = 0
        for (round, delay) in delays.enumerated() {
            let target = parent + "/ledger-\(round).git"
            let killed = try runKilled(after: delay, "init", target)
            if FileManager.default.fileExists(atPath: target) {
                // The rename into place is init's last step: whatever exists is complete.
                complete += 1
            } else {
                XCTAssertTrue(killed, "init exited without creating \(target)")
                absent += 1
                if !staging(in: parent, purpose: "init").isEmpty { leftBehind += 1 }
                try sandbox.readinessOK("init", target)
                XCTAssertEqual(staging(in: parent, purpose: "init"), [], "a new init removes what the killed one left beside the target")
            }
            try assertCleanLedger(target, after: "init killed after \(delay) ms")
        }
        XCTAssertGreaterThan(absent, 0, "no kill interrupted init; the loop proved nothing")
        print("init kill loop: \(absent) interrupted (\(leftBehind) mid-build), \(complete) completed before the kill")
    }

    func testCloneKilledAtAnyMomentLeavesNoDirectory() throws {
        let source = try sandbox.makeLedger()
        try sandbox.readinessOK("check", "1.1", "--ledger", source)
        try sandbox.readinessOK("check", "1.2", "--ledger", source)
        try sandbox.readinessOK("waive", "6.1", "--reason", "Ingen AI", "--until", "2099-12-31", "--ledger", source)
        let parent = sandbox.path("clones")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var absent = 0, leftBehind = 0, complete = 0
        for (round, delay) in delays.enumerated() {
            let target = parent + "/clone-\(round).git"
            let killed = try runKilled(after: delay, "clone", source, target)
            if FileManager.default.fileExists(atPath: target) {
                // The rename into place follows verification: whatever exists is a verified clone.
                complete += 1
            } else {
                XCTAssertTrue(killed, "clone exited without creating \(target)")
                absent += 1
                if !staging(in: parent, purpose: "clone").isEmpty { leftBehind += 1 }
                try sandbox.readinessOK("clone", source, target)
                XCTAssertEqual(staging(in: parent, purpose: "clone"), [], "a new clone removes what the killed one left beside the target")
            }
            try assertCleanLedger(target, after: "clone killed after \(delay) ms")
            XCTAssertEqual(try sandbox.git("--git-dir", target, "rev-parse", "main"), try sandbox.git("--git-dir", source, "rev-parse", "main"))
        }
        XCTAssertGreaterThan(absent, 0, "no kill interrupted clone; the loop proved nothing")
        print("clone kill loop: \(absent) interrupted (\(leftBehind) mid-clone), \(complete) completed before the kill")
    }

    /// Same loop into an existing empty directory, which init fills in place (built inside it,
    /// moved up `HEAD` last): whatever a kill leaves, the directory itself stays, and a new init
    /// there either finds a complete ledger or clears the remains and succeeds.
    func testInitKilledWhileFillingAnEmptyDirectoryLeavesItRecoverable() throws {
        var recovered = 0, complete = 0
        for (round, delay) in delays.enumerated() {
            let target = sandbox.path("prepared/ledger-\(round).git")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let inode = try fileNumber(target)
            _ = try runKilled(after: delay, "init", target)
            XCTAssertEqual(try fileNumber(target), inode, "the prepared directory itself is kept")
            if FileManager.default.fileExists(atPath: target + "/HEAD") {
                complete += 1
            } else {
                // Not a repository for git, and not a ledger for readiness, until init runs again.
                XCTAssertNotEqual(try sandbox.gitResult(["--git-dir", target, "rev-parse", "--git-dir"]).status, 0)
                recovered += 1
                try sandbox.readinessOK("init", target)
            }
            XCTAssertEqual(staging(in: target, purpose: "init"), [], "no staging directory is left inside")
            try assertCleanLedger(target, after: "init into an empty directory killed after \(delay) ms")
        }
        print("init into empty directories: \(recovered) recovered by a new init, \(complete) completed before the kill")
    }

    /// The one half-made state init can leave, made by hand: a killed init had moved all but
    /// `HEAD` into the directory. Nothing takes it for a ledger; a new init clears it and succeeds.
    /// The same remains of a live process are left alone.
    func testInitReplacesTheRemainsOfAnInterruptedMoveIntoAnEmptyDirectory() throws {
        let donor = try sandbox.makeLedger("donor.git")
        let target = sandbox.path("half.git")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let dead = try deadProcessID()
        let remains = target + "/.readiness-init-\(dead)-12345"
        try FileManager.default.createDirectory(atPath: remains, withIntermediateDirectories: false)
        for name in try FileManager.default.contentsOfDirectory(atPath: donor) {
            try FileManager.default.moveItem(atPath: donor + "/" + name, toPath: (name == "HEAD" ? remains : target) + "/" + name)
        }
        XCTAssertNotEqual(try sandbox.readiness("status", "--ledger", target).status, 0, "remains are not a ledger")
        try sandbox.readinessOK("init", target)
        XCTAssertEqual(staging(in: target, purpose: "init"), [])
        try assertCleanLedger(target, after: "replacing the remains of an interrupted init")

        let busy = sandbox.path("busy.git")
        let live = busy + "/.readiness-init-\(getpid())-1"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        XCTAssertNotEqual(try sandbox.readiness("init", busy).status, 0, "a live builder's directory is not touched")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    }

    /// An existing empty directory is filled in place: through a symbolic link, as the working
    /// directory (`init .`), keeping its permission bits; a non-empty one is refused untouched.
    /// Nothing is left beside or inside either.
    func testInitFillsAnEmptyDirectoryInPlaceAndRefusesANonEmptyOne() throws {
        let empty = sandbox.path("shared/empty.git")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let inode = try fileNumber(empty)
        let link = sandbox.path("link.git")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: empty)
        try sandbox.readinessOK("init", link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), empty, "the link is kept")
        XCTAssertEqual(try fileNumber(empty), inode, "the same directory, filled")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: empty)[.posixPermissions] as? NSNumber)?.intValue, 0o750)
        try assertCleanLedger(empty, after: "init into an empty directory")
        XCTAssertEqual(staging(in: sandbox.path("shared"), purpose: "init") + staging(in: empty, purpose: "init"), [])

        let working = sandbox.path("working")
        try FileManager.default.createDirectory(atPath: working, withIntermediateDirectories: true)
        let workingInode = try fileNumber(working)
        try sandbox.readinessOK("init", ".", in: working)
        XCTAssertEqual(try fileNumber(working), workingInode, "the caller's working directory is filled, not replaced")
        try assertCleanLedger(working, after: "init .")

        let occupied = sandbox.path("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: occupied + "/notes.txt"))
        let refused = try sandbox.readiness("init", occupied)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("not an empty directory"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: occupied), ["notes.txt"])
        XCTAssertEqual(staging(in: sandbox.root.path, purpose: "init"), [])
    }

    func testFailedCloneLeavesNoDirectory() throws {
        let notALedger = sandbox.path("empty.git")
        try sandbox.git("init", "-q", "--bare", notALedger)
        let target = sandbox.path("clones/clone.git")
        let result = try sandbox.readiness("clone", notALedger, target)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertEqual(staging(in: sandbox.path("clones"), purpose: "clone"), [])
    }

    func testStaleTemporaryIndexFilesOfDeadProcessesAreRemoved() throws {
        let ledger = try sandbox.makeLedger()
        try sandbox.readinessOK("check", "1.1", "--ledger", ledger)
        try sandbox.readinessOK("status", "--ledger", ledger)
        let cache = ledger + "/readiness/"
        let dead = try deadProcessID()
        let stale = ["events-v2.tmp-\(dead)", "tips-v2.tmp-\(dead)", "verified-head.tmp-\(dead)"]
        // This test's own process is alive: its file could be a write about to be renamed.
        let live = "tips-v2.tmp-\(getpid())"
        for name in stale + [live] {
            XCTAssertTrue(FileManager.default.createFile(atPath: cache + name, contents: Data("half-written".utf8)))
        }
        try sandbox.readinessOK("status", "--ledger", ledger)
        for name in stale {
            XCTAssertFalse(FileManager.default.fileExists(atPath: cache + name), "\(name) of a dead process is removed")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache + live), "a live process's temporary file is left alone")
        try FileManager.default.removeItem(atPath: cache + live)
        try assertCleanLedger(ledger, after: "removing stale index files")
    }

    // MARK: - Helpers

    /// Starts `readiness arguments`, sends SIGKILL after `milliseconds` if it still runs, and
    /// returns whether the signal ended it.
    private func runKilled(after milliseconds: Int, _ arguments: String...) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sandbox.binary)
        process.arguments = arguments
        process.environment = sandbox.environment
        process.currentDirectoryURL = sandbox.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(milliseconds * 1_000))
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    /// Staging directories (`.readiness-<purpose>-<pid>-<random>`) in `directory`.
    private func staging(in directory: String, purpose: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(".readiness-\(purpose)-") }.sorted()
    }

    /// Stock git finds no corruption and `readiness verify --full` no problem.
    private func assertCleanLedger(_ ledger: String, after what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fsck = try sandbox.gitResult(["--git-dir", ledger, "fsck", "--strict", "--no-dangling"])
        XCTAssertEqual(fsck.status, 0, "git fsck after \(what): \(fsck.stdout)\(fsck.stderr)", file: file, line: line)
        let verify = try sandbox.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(verify.status, 0, "verify --full after \(what): \(verify.stdout)\(verify.stderr)", file: file, line: line)
    }

    /// The inode number: the same directory, not a replacement at the same path.
    private func fileNumber(_ path: String) throws -> Int {
        try XCTUnwrap((FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.intValue)
    }

    /// The id of a process that has exited and been reaped.
    private func deadProcessID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let pid = process.processIdentifier
        guard kill(pid, 0) != 0, errno == ESRCH else { throw XCTSkip("pid \(pid) was reused at once") }
        return pid
    }
}
