import Foundation
import XCTest

/// The merge rules of `readiness pull`, judged against the rule as written here, never by
/// calling the library's own `LedgerMerge`:
/// - an item changed on both sides keeps the record of the later event (committer time);
///   on equal times, the one whose commit id is greater as lower-case hex;
/// - its back-link lists the commit that last changed the item on each side, in parent order;
/// - any other file changed differently on both sides is a conflict (exit 8), nothing merged.
final class MergeRuleTests: XCTestCase {
    /// The rule, written out: later committer time wins; on a tie, the greater commit id.
    private func expectedWinner(_ a: (id: String, time: Int), _ b: (id: String, time: Int)) -> String {
        if a.time != b.time { return a.time > b.time ? a.id : b.id }
        return a.id > b.id ? a.id : b.id
    }

    /// The item 3.2 changed on both sides at the same second. `oursWins` chooses which side's
    /// commit id must be the greater one: of two clones signing off at that second, the one
    /// that pulls ("ours") is chosen by comparing their ids, so both outcomes of the tie-break
    /// are exercised deterministically, whatever the hashes happen to be.
    private func tieBreak(oursWins: Bool) throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let time = Int(try box.git("--git-dir", origin, "log", "-1", "--format=%ct", "main"))! + 60
        let sameSecond = ["GIT_COMMITTER_DATE": "@\(time) +0000"]
        var sides: [(ledger: String, commit: String, note: String)] = []
        for name in ["a", "b"] {
            let ledger = box.path("\(name).git")
            try box.readinessOK("clone", origin, ledger)
            try box.readinessOK("check", "3.2", "--note", "side \(name)", "--ledger", ledger, environment: sameSecond)
            sides.append((ledger, try box.git("--git-dir", ledger, "rev-parse", "main"), "side \(name)"))
        }
        XCTAssertNotEqual(sides[0].commit, sides[1].commit)
        let greater = sides[0].commit > sides[1].commit ? 0 : 1
        let oursIndex = oursWins ? greater : 1 - greater
        let (ours, ourCommit, ourNote) = sides[oursIndex]
        let (theirs, theirCommit, theirNote) = sides[1 - oursIndex]
        XCTAssertEqual(ourCommit > theirCommit, oursWins, "commit ids in the wanted order")
        XCTAssertEqual(try box.git("--git-dir", ours, "log", "-1", "--format=%ct", "main"),
                       try box.git("--git-dir", theirs, "log", "-1", "--format=%ct", "main"), "equal committer times")

        try box.readinessOK("push", "--ledger", theirs)
        try box.readinessOK("pull", "--ledger", ours)
        let merge = try box.git("--git-dir", ours, "rev-parse", "main")
        let parents = try box.git("--git-dir", ours, "log", "-1", "--format=%P", merge).split(separator: " ").map(String.init)
        XCTAssertEqual(parents, [ourCommit, theirCommit], "our head is the first parent")

        let path = try box.git("--git-dir", ours, "diff-tree", "--no-commit-id", "--name-only", "-r", ourCommit)
        let merged = try JSONSerialization.jsonObject(with: Data(box.git("--git-dir", ours, "show", "\(merge):\(path)").utf8)) as! [String: Any]
        let winner = expectedWinner((ourCommit, time), (theirCommit, time))
        XCTAssertEqual(winner == ourCommit, oursWins)
        XCTAssertEqual(merged["note"] as? String, winner == ourCommit ? ourNote : theirNote,
                       "tie at \(time): the greater id \(winner.prefix(12)) must win (ours \(ourCommit.prefix(12)), theirs \(theirCommit.prefix(12)))")
        XCTAssertEqual(merged["previous"] as? [String], [ourCommit, theirCommit], "back-links in parent order")
        // The merge is a commit stock git accepts, and the whole history verifies.
        XCTAssertEqual(try box.verifyCommit(merge, ledger: ours, allowedSigners: box.allowedSignersFile(from: ours)).status, 0)
        try box.readinessOK("verify", "--full", "--ledger", ours)
    }

    func testEqualTimesTheGreaterCommitIdWinsOurs() throws {
        try tieBreak(oursWins: true)
    }

    func testEqualTimesTheGreaterCommitIdWinsTheirs() throws {
        try tieBreak(oursWins: false)
    }

    /// Both sides add a different key to trust/allowed_signers: not an item file, so the pull
    /// refuses with exit 8, names the file, and neither the branch nor the remote moves.
    func testNonItemFileChangedOnBothSidesIsAConflict() throws {
        let box = try Sandbox()
        let origin = try box.makeLedger("origin.git")
        let ours = box.path("ours.git"), theirs = box.path("theirs.git")
        try box.readinessOK("clone", origin, ours)
        try box.readinessOK("clone", origin, theirs)
        for (name, ledger) in [("ola", ours), ("per", theirs)] {
            let key = box.path("key-\(name)")
            try box.makeKey(at: key, comment: name)
            try box.readinessOK("trust", "add", "\(name)@example.no", key + ".pub", "--ledger", ledger)
        }
        try box.readinessOK("push", "--ledger", theirs)
        let before = try box.git("--git-dir", ours, "rev-parse", "main")
        let originHead = try box.git("--git-dir", origin, "rev-parse", "main")
        // The premise, judged by stock git: both sides changed the file, to different contents.
        try box.git("--git-dir", ours, "fetch", "-q", origin, "main:refs/judge/theirs")
        let mergeBase = try box.git("--git-dir", ours, "merge-base", "main", "refs/judge/theirs")
        let ourFile = try box.git("--git-dir", ours, "rev-parse", "main:trust/allowed_signers")
        let theirFile = try box.git("--git-dir", ours, "rev-parse", "refs/judge/theirs:trust/allowed_signers")
        let baseFile = try box.git("--git-dir", ours, "rev-parse", "\(mergeBase):trust/allowed_signers")
        XCTAssertTrue(ourFile != baseFile && theirFile != baseFile && ourFile != theirFile)
        try box.git("--git-dir", ours, "update-ref", "-d", "refs/judge/theirs")

        let pulled = try box.readiness("pull", "--ledger", ours)
        XCTAssertEqual(pulled.status, 8, pulled.stdout + pulled.stderr)
        XCTAssertTrue(pulled.stderr.contains("trust/allowed_signers"), pulled.stderr)
        XCTAssertEqual(try box.git("--git-dir", ours, "rev-parse", "main"), before, "nothing merged")
        XCTAssertEqual(try box.git("--git-dir", origin, "rev-parse", "main"), originHead)
        let synced = try box.readiness("sync", "--ledger", ours)
        XCTAssertEqual(synced.status, 8, synced.stdout + synced.stderr)
        XCTAssertEqual(try box.git("--git-dir", origin, "rev-parse", "main"), originHead, "the remote did not move")
    }
}
