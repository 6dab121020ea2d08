import Foundation
import ServerFixtures
import XCTest

/// Sharing a ledger through git remotes: clone, pull, push and sync, against a local bare
/// repository and against a real `git daemon` on 127.0.0.1.
final class SyncTests: XCTestCase {
    /// A small deterministic generator, so a failing order can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    /// Four clones sign off interleaved (different items, and the same item on two clones at
    /// once), syncing in a random order; everyone ends at one head with every sign-off, and the
    /// result passes `readiness verify --full` and stock `git fsck`.
    func testFourClonesSyncInRandomOrderConverge() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        try box.converge(origin: origin, url: origin, seed: 7)
    }

    /// A remote whose history holds a commit signed by a stranger (pushed with stock git) is
    /// refused, saying why, and the local ledger does not move.
    func testTamperedRemoteIsRefused() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let clone = box.path("mine.git")
        try box.readinessOK("clone", origin, clone)
        try box.readinessOK("check", "1.1", "--note", "mine", "--ledger", clone)
        let before = try box.git("--git-dir", clone, "rev-parse", "main")
        let stranger = box.path("stranger_key")
        try box.makeKey(at: stranger, comment: "mallory@example.com")
        let work = box.path("work")
        try box.git("clone", "-q", origin, work)
        try box.git("-c", "user.email=mallory@example.com", "-c", "user.signingkey=\(stranger)",
                    "commit", "-q", "-S", "--allow-empty", "-m", "nothing to see", in: work)
        try box.git("push", "-q", "origin", "HEAD:main", in: work)
        let refused = try box.readiness("sync", "--ledger", clone)
        XCTAssertEqual(refused.status, 21, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("fails verification"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not in"), refused.stderr)
        XCTAssertEqual(try box.git("--git-dir", clone, "rev-parse", "main"), before)
        // A clone of the tampered ledger is refused too, and leaves nothing behind.
        let second = box.path("second.git")
        XCTAssertEqual(try box.readiness("clone", origin, second).status, 21)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second))
    }

    /// A push that loses the race (the remote moved) fetches, merges and pushes again.
    func testPushRaceIsRetried() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let left = box.path("left.git"), right = box.path("right.git")
        try box.readinessOK("clone", origin, left)
        try box.readinessOK("clone", origin, right)
        try box.readinessOK("check", "1.1", "--note", "left", "--ledger", left)
        try box.readinessOK("check", "2.1", "--note", "right", "--ledger", right)
        let rightCommit = try box.git("--git-dir", right, "rev-parse", "main")
        try box.readinessOK("push", "--ledger", left)
        let pushed = try box.readinessOK("push", "--ledger", right)
        XCTAssertTrue(pushed.stdout.contains("after 1 retry"), pushed.stdout)
        let head = try box.git("--git-dir", origin, "rev-parse", "main")
        XCTAssertEqual(head, try box.git("--git-dir", right, "rev-parse", "main"))
        XCTAssertEqual(try box.git("--git-dir", origin, "merge-base", "--is-ancestor", rightCommit, head), "")
        XCTAssertEqual(try box.git("--git-dir", origin, "log", "-1", "--format=%P", head).split(separator: " ").count, 2)
        try box.readinessOK("verify", "--full", "--ledger", origin)
        // Stock git accepts the merge's signature with the ledger's trust file.
        let signers = try box.allowedSignersFile(from: origin)
        XCTAssertEqual(try box.verifyCommit(head, ledger: origin, allowedSigners: signers).status, 0)
    }

    /// The same item changed on both sides: the later event wins, the merged file back-links
    /// both sides, and both events stay in history.
    func testSameItemResolvesToLaterEventAndLinksBothSides() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let left = box.path("left.git"), right = box.path("right.git")
        try box.readinessOK("clone", origin, left)
        try box.readinessOK("clone", origin, right)
        // Left's sign-off is the later event; right syncs last, so its merge keeps the remote's record.
        let now = Int(Date().timeIntervalSince1970)
        try box.readinessOK("check", "3.2", "--note", "later", "--ledger", left,
                            environment: ["GIT_COMMITTER_DATE": "@\(now + 60) +0000"])
        try box.readinessOK("check", "3.2", "--note", "earlier", "--ledger", right,
                            environment: ["GIT_COMMITTER_DATE": "@\(now) +0000"])
        let leftCommit = try box.git("--git-dir", left, "rev-parse", "main")
        let rightCommit = try box.git("--git-dir", right, "rev-parse", "main")
        try box.readinessOK("sync", "--ledger", left)
        let synced = try box.readinessOK("sync", "--ledger", right)
        XCTAssertTrue(synced.stdout.contains("later event kept"), synced.stdout)
        var path: String?
        for candidate in try box.git("--git-dir", origin, "ls-tree", "-r", "--name-only", "main", "items/").split(separator: "\n")
        where try box.git("--git-dir", origin, "show", "main:\(candidate)").contains("\"later\"") {
            path = String(candidate)
        }
        XCTAssertNotNil(path, "the later note wins")
        let record = try box.git("--git-dir", origin, "show", "main:\(path!)")
        XCTAssertTrue(record.contains(rightCommit) && record.contains(leftCommit), record)
        let log = try box.git("--git-dir", origin, "log", "--format=%H", "main")
        XCTAssertTrue(log.contains(leftCommit) && log.contains(rightCommit))
        try box.readinessOK("verify", "--full", "--ledger", origin)
        try box.readinessOK("verify", "--full", "--ledger", left)
        try box.readinessOK("sync", "--ledger", left)
        try box.readinessOK("verify", "--ledger", left)
        // Queries keep working across the merge; the item can be changed again after it.
        try box.readinessOK("uncheck", "3.2", "--reason", "redo", "--ledger", left)
        try box.readinessOK("history", "3.2", "--ledger", left)
        try box.readinessOK("verify", "--full", "--ledger", left)
    }

    /// `verify` checks merges with a Readiness-Action `merge`: a resolution that is not the
    /// later event's record is reported, and so is one without the trailer.
    func testForgedMergeResolutionIsReported() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let left = box.path("left.git"), right = box.path("right.git")
        try box.readinessOK("clone", origin, left)
        try box.readinessOK("clone", origin, right)
        try box.readinessOK("check", "5.1", "--note", "venstre", "--ledger", left)
        try box.readinessOK("check", "5.1", "--note", "høyre", "--ledger", right)
        try box.readinessOK("sync", "--ledger", left)
        try box.readinessOK("sync", "--ledger", right)
        let merge = try box.git("--git-dir", origin, "rev-parse", "main")
        let item = try box.git("--git-dir", origin, "log", "-1", "--format=%(trailers:key=Readiness-Item,valueonly)", merge)
        let path = try box.git("--git-dir", origin, "diff-tree", "--cc", "--name-only", merge).split(separator: "\n").last.map(String.init)!
        let merged = try box.git("--git-dir", origin, "show", "\(merge):\(path)")
        let forgedNote = merged.contains("venstre") ? merged.replacingOccurrences(of: "venstre", with: "forfalsket")
            : merged.replacingOccurrences(of: "høyre", with: "forfalsket")
        let work = box.path("work")
        try box.git("clone", "-q", origin, work)
        for (name, message) in [("forged", "merge origin: forged\n\nReadiness-Action: merge\nReadiness-Item: \(item)\n"),
                                ("bare", "Merge without trailers\n")] {
            try box.git("checkout", "-q", "-b", name, "\(merge)^1", in: work)
            _ = try box.gitResult(["-C", work, "merge", "-q", "--no-ff", "--no-commit", "\(merge)^2"])
            try (forgedNote + "\n").write(toFile: "\(work)/\(path)", atomically: true, encoding: .utf8)
            try box.git("add", path, in: work)
            try box.git("commit", "-q", "-S", "-m", message, in: work)
            let report = try box.readiness("verify", "--full", "--ledger", "\(work)/.git")
            XCTAssertEqual(report.status, 21, report.stdout)
            XCTAssertTrue(report.stdout.contains(name == "forged" ? "not the record of the later event" : "without a Readiness-Action trailer"),
                          report.stdout)
        }
    }

    /// Clone and sync over git:// against a real `git daemon`; a connection cut in the middle
    /// of a push leaves the local ledger intact and the next sync succeeds.
    func testSyncOverGitDaemonSurvivesACutConnection() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let daemon = try GitDaemon(host: box, basePath: box.root.path)
        defer { daemon.stop() }
        try box.converge(origin: origin, url: "git://127.0.0.1:\(daemon.port)/origin.git", seed: 11, clones: 2, rounds: 2)

        // A push that loses the race over git:// fetches, merges and retries too.
        let url = "git://127.0.0.1:\(daemon.port)/origin.git"
        let left = box.path("left.git"), right = box.path("right.git")
        try box.readinessOK("clone", url, left)
        try box.readinessOK("clone", url, right)
        try box.readinessOK("check", "8.1", "--ledger", left)
        try box.readinessOK("check", "8.2", "--ledger", right)
        try box.readinessOK("push", "--ledger", left)
        let raced = try box.readinessOK("push", "--ledger", right)
        XCTAssertTrue(raced.stdout.contains("after 1 retry"), raced.stdout)
        try box.readinessOK("verify", "--full", "--ledger", origin)

        // Cut the connection after the pack is sent, before the remote updates its branch.
        let mine = box.path("cut.git")
        try box.readinessOK("clone", "git://127.0.0.1:\(daemon.port)/origin.git", mine)
        let marker = box.path("cut-next-push")
        let hook = "\(origin)/hooks/pre-receive"
        try "#!/bin/sh\nif [ -e '\(marker)' ]; then rm -f '\(marker)'; kill -9 $PPID; exit 1; fi\nexit 0\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        XCTAssertTrue(FileManager.default.createFile(atPath: marker, contents: Data()))
        try box.readinessOK("check", "9.5", "--note", "cut", "--ledger", mine)
        let local = try box.git("--git-dir", mine, "rev-parse", "main")
        let remoteBefore = try box.git("--git-dir", origin, "rev-parse", "main")
        let cut = try box.readiness("sync", "--ledger", mine)
        XCTAssertEqual(cut.status, 10, "the push was cut: \(cut.stdout) \(cut.stderr)")
        XCTAssertTrue(cut.stderr.contains("cannot push"), cut.stderr)
        XCTAssertEqual(try box.git("--git-dir", mine, "rev-parse", "main"), local, "local ledger intact")
        XCTAssertEqual(try box.git("--git-dir", origin, "rev-parse", "main"), remoteBefore)
        try box.readinessOK("verify", "--full", "--ledger", mine)
        try box.readinessOK("sync", "--ledger", mine)
        XCTAssertEqual(try box.git("--git-dir", origin, "rev-parse", "main"), local)
        XCTAssertEqual(try box.run("/usr/bin/git", ["--git-dir", origin, "fsck", "--strict"]).status, 0)
    }
}

extension Sandbox {
    /// Clones `url` `clones` times; each round every clone signs off (distinct items, and
    /// pairs of clones on one shared item), then all sync in a seeded random order; at the end
    /// everyone converges on the remote's head with every sign-off and a clean verification.
    func converge(origin: String, url: String, seed: UInt64, clones: Int = 4, rounds: Int = 3,
                  file: StaticString = #filePath, line: UInt = #line) throws {
        var random = SyncTests.SeededGenerator(state: seed)
        let paths = (0..<clones).map { path("clone\($0).git") }
        for path in paths { try readinessOK("clone", url, path, file: file, line: line) }
        var notes: [String] = []
        for round in 1...rounds {
            for (index, path) in paths.enumerated() {
                let own = "\(index + 1).\(round)"
                let shared = "\(10 + index / 2).\(round)"
                for item in [own, shared] {
                    let note = "clone\(index)-round\(round)-\(item)"
                    try readinessOK("check", item, "--note", note, "--ledger", path, file: file, line: line)
                    notes.append(note)
                }
            }
            for path in paths.shuffled(using: &random) {
                try readinessOK("sync", "--ledger", path, file: file, line: line)
            }
        }
        for path in paths { try readinessOK("sync", "--ledger", path, file: file, line: line) }
        let head = try git("--git-dir", origin, "rev-parse", "main")
        for path in paths {
            XCTAssertEqual(try git("--git-dir", path, "rev-parse", "main"), head, "\(path) converged", file: file, line: line)
            try readinessOK("verify", "--full", "--ledger", path, file: file, line: line)
        }
        try readinessOK("verify", "--full", "--ledger", origin, file: file, line: line)
        let bodies = try git("--git-dir", origin, "log", "--format=%B", "main")
        for note in notes { XCTAssertTrue(bodies.contains(note), "sign-off \(note) present", file: file, line: line) }
        let fsck = try run("/usr/bin/git", ["--git-dir", origin, "fsck", "--strict"])
        XCTAssertEqual(fsck.status, 0, fsck.stderr, file: file, line: line)
        let signers = try allowedSignersFile(from: origin)
        XCTAssertEqual(try verifyCommit(head, ledger: origin, allowedSigners: signers).status, 0, file: file, line: line)
    }}
