import Foundation
import XCTest

/// Progress of long work goes to standard error only when it is a terminal: run in a real
/// pseudo-terminal (util-linux `script`), `verify --full`, `clone` and a cold index build show
/// it there and keep standard output and `--json` clean; with standard error sent to a file they
/// are silent. No timing is asserted: the first update of a report is always drawn.
final class ProgressTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    /// How many commits the ledger has, as stock git counts them.
    private var commits = 0

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a pseudo-terminal")
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        try box.readinessOK("check", "1.2", "--ledger", ledger)
        commits = try XCTUnwrap(Int(try box.git("--git-dir", ledger, "rev-list", "--count", "main")))
    }

    override func tearDown() {
        box = nil
        super.tearDown()
    }

    /// Runs `shellCommand` under `script`, whose pseudo-terminal is the command's standard input,
    /// output and error; returns what the terminal showed.
    private func onTerminal(_ shellCommand: String) throws -> RunResult {
        let result = try box.run("/usr/bin/script", ["-qec", shellCommand, "/dev/null"], environment: ["TERM": "xterm"])
        XCTAssertEqual(result.status, 0, "\(shellCommand): \(result.stdout) \(result.stderr)")
        return result
    }

    private var binary: String { "'\(Sandbox.binary)'" }

    private func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testVerifyFullShowsProgressOnATerminalAndNeverInStandardOutput() throws {
        let out = box.path("verify.out")
        let screen = try onTerminal("\(binary) verify --full --ledger '\(ledger!)' > '\(out)'")
        XCTAssertTrue(screen.stdout.contains("verifying the ledger's history, commits: 0 of \(commits)"), screen.stdout)
        XCTAssertTrue(screen.stdout.contains("\r\u{1B}[2K"), "the count redraws one line and is erased at the end: \(screen.stdout)")
        XCTAssertFalse(screen.stdout.contains("verified \(commits) commits"), "the result went to standard output, not the terminal")
        let text = try read(out)
        XCTAssertTrue(text.hasPrefix("verified \(commits) commits (full history)"), text)
        XCTAssertFalse(text.contains("\u{1B}") || text.contains("\r"), "no progress in standard output: \(text)")

        let json = box.path("verify.json")
        _ = try onTerminal("\(binary) verify --full --json --ledger '\(ledger!)' > '\(json)'")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try read(json).utf8)) as? [String: Any])
        XCTAssertEqual(object["commitsChecked"] as? Int, commits)
    }

    func testVerifyFullIsSilentWhenStandardErrorIsAFileOrAPipe() throws {
        let errors = box.path("verify.err")
        let screen = try onTerminal("\(binary) verify --full --ledger '\(ledger!)' 2> '\(errors)'")
        XCTAssertEqual(try read(errors), "", "standard error is a file: no progress")
        XCTAssertTrue(screen.stdout.contains("verified \(commits) commits"), screen.stdout)
        XCTAssertFalse(screen.stdout.contains("verifying the ledger's history"), screen.stdout)

        let piped = try box.readinessOK("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(piped.stderr, "", "standard error is a pipe: no progress")
    }

    func testCloneShowsTransferAndVerificationOnATerminalOnly() throws {
        for source in [ledger!, "file://\(ledger!)"] {
            let target = box.path("clone-\(UUID().uuidString).git")
            let out = box.path("clone.out")
            let screen = try onTerminal("\(binary) clone '\(source)' '\(target)' > '\(out)'")
            XCTAssertTrue(screen.stdout.contains("cloning, objects received: "), screen.stdout)
            XCTAssertTrue(screen.stdout.contains("verifying the ledger's history, commits: 0 of \(commits)"), screen.stdout)
            XCTAssertTrue(screen.stdout.hasSuffix("\r\u{1B}[2K"), "the last progress line is erased: \(screen.stdout.debugDescription)")
            XCTAssertFalse(screen.stdout.contains(ledger), "the address is not shown in progress (it may carry a token)")
            let text = try read(out)
            XCTAssertTrue(text.hasPrefix("cloned "), text)
            XCTAssertFalse(text.contains("\u{1B}") || text.contains("\r"), text)
            XCTAssertEqual(try box.git("--git-dir", target, "rev-parse", "main"), try box.git("--git-dir", ledger, "rev-parse", "main"))

            let quiet = box.path("clone-\(UUID().uuidString).git")
            let errors = box.path("clone.err")
            let silent = try onTerminal("\(binary) clone '\(source)' '\(quiet)' 2> '\(errors)'")
            XCTAssertEqual(try read(errors), "", "standard error is a file: no progress")
            XCTAssertTrue(silent.stdout.contains("cloned "), silent.stdout)
            XCTAssertFalse(silent.stdout.contains("\u{1B}"), silent.stdout)
            XCTAssertEqual(try box.readinessOK("clone", source, box.path("clone-\(UUID().uuidString).git")).stderr, "", "a pipe: no progress")
        }
    }

    func testColdIndexBuildShowsProgressOnATerminalOnly() throws {
        try FileManager.default.removeItem(atPath: "\(ledger!)/readiness")
        let out = box.path("timeline.json")
        let screen = try onTerminal("\(binary) timeline --json --ledger '\(ledger!)' > '\(out)'")
        XCTAssertTrue(screen.stdout.contains("indexing the ledger's history, commits: 0 of \(commits)"), screen.stdout)
        XCTAssertNoThrow(try Sandbox.jsonList(try read(out)))
        try FileManager.default.removeItem(atPath: "\(ledger!)/readiness")
        XCTAssertEqual(try box.readinessOK("timeline", "--json", "--ledger", ledger).stderr, "")
    }
}
