import Foundation
import XCTest

/// Racing writers and killed writers: nothing lost, nothing broken.
final class ConcurrencyTests: XCTestCase {
    func testFourWritersTenSignOffsEachAllLand() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        let numbers = (1...11).flatMap { section in (1...5).map { "\(section).\($0)" } }
        let groups = (0..<4).map { writer in Array(numbers[(writer * 10)..<(writer * 10 + 10)]) }
        let script = groups.map { group in
            "( for n in \(group.joined(separator: " ")); do \"\(Sandbox.binary)\" check $n --ledger \"\(ledger)\" >/dev/null || echo FAIL $n; done ) &"
        }.joined(separator: "\n") + "\nwait\n"
        let result = try box.run("/bin/bash", ["-c", script])
        XCTAssertEqual(result.stdout, "", "failed sign-offs: \(result.stdout) \(result.stderr)")
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-list", "--count", "main"), "41")
        let status = try box.readinessOK("status", "--json", "--ledger", ledger).stdout
        XCTAssertEqual(status.components(separatedBy: "\"state\" : \"done\"").count - 1, 40)
        let allowed = try box.allowedSignersFile(from: ledger)
        for commit in try box.git("--git-dir", ledger, "rev-list", "main").split(separator: "\n") {
            XCTAssertEqual(try box.verifyCommit(String(commit), ledger: ledger, allowedSigners: allowed).status, 0)
        }
        XCTAssertEqual(try box.gitResult(["--git-dir", ledger, "fsck", "--strict"]).status, 0)
    }

    func testKilledWritersLeaveAValidLedger() throws {
        let box = try Sandbox()
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        // 100 sign-offs, each killed with SIGKILL after a random delay (some finish first).
        let script = """
            for i in $(seq 1 100); do
              if [ $((i % 2)) -eq 1 ]; then args="check 3.1"; else args="uncheck 3.1 --reason again"; fi
              "\(Sandbox.binary)" $args --ledger "\(ledger)" >/dev/null 2>&1 &
              pid=$!
              sleep 0.$(printf '%03d' $((RANDOM % 40)))
              kill -9 $pid 2>/dev/null
              wait $pid 2>/dev/null
            done
            """
        _ = try box.run("/bin/bash", ["-c", script])
        let fsck = try box.gitResult(["--git-dir", ledger, "fsck", "--strict"])
        XCTAssertEqual(fsck.status, 0, fsck.stderr + fsck.stdout)
        let allowed = try box.allowedSignersFile(from: ledger)
        let head = try box.git("--git-dir", ledger, "rev-parse", "main")
        XCTAssertEqual(try box.verifyCommit(head, ledger: ledger, allowedSigners: allowed).status, 0)
        for commit in try box.git("--git-dir", ledger, "rev-list", "main").split(separator: "\n") {
            XCTAssertEqual(try box.verifyCommit(String(commit), ledger: ledger, allowedSigners: allowed).status, 0)
        }
        // A kill inside libgit2's tiny ref-lock window leaves a lock file, as it would for git:
        // the ref is intact, and the next writer names the lock instead of guessing it is stale.
        let lock = "\(ledger)/refs/heads/main.lock"
        if FileManager.default.fileExists(atPath: lock) {
            let blocked = try box.readiness("check", "3.2", "--ledger", ledger)
            XCTAssertEqual(blocked.status, 10)
            XCTAssertTrue(blocked.stderr.contains("main.lock"), blocked.stderr)
            try FileManager.default.removeItem(atPath: lock)
        }
        _ = try box.readinessOK("status", "--ledger", ledger)
        let result = try box.readiness("check", "3.2", "--ledger", ledger)
        XCTAssertEqual(result.status, 0, result.stderr)
    }
}
