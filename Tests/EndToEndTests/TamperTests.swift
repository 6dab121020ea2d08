import Foundation
import XCTest

/// Records forged with stock git after the fact, caught by every path that decides: `verify`,
/// `pull`, `clone` and the gate. Each case is first judged by stock git on its own
/// (`git verify-commit`), so the expectation does not come from the code under test.
final class TamperTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger("origin.git")
        try box.readinessOK("check", "1.1", "--note", "Sertifikatet fornyes automatisk", "--ledger", ledger)
    }

    /// XCTest keeps every test case instance until the run ends, so the sandbox is freed here.
    override func tearDown() {
        box = nil
        super.tearDown()
    }

    private func rev(_ name: String, in repository: String? = nil) throws -> String {
        try box.git("--git-dir", repository ?? ledger, "rev-parse", name)
    }

    /// Rewrites the head commit object with `edit` applied to its raw text (the gpgsig header
    /// kept as it is), writes it with `git hash-object` and moves the branch to it with
    /// `git update-ref`. Returns the forged commit's id.
    private func forgeHead(_ edit: (String) -> String) throws -> String {
        let original = try rev("main")
        let raw = try box.run("/usr/bin/git", ["--git-dir", ledger, "cat-file", "commit", original]).stdout
        let altered = edit(raw)
        XCTAssertNotEqual(altered, raw, "the edit must change the commit")
        XCTAssertEqual(altered.utf8.count, raw.utf8.count, "a one-byte change keeps the length")
        XCTAssertTrue(altered.contains("\ngpgsig -----BEGIN SSH SIGNATURE-----"), "the signature header is kept")
        let forged = try box.run("/usr/bin/git", ["--git-dir", ledger, "hash-object", "-t", "commit", "-w", "--stdin"],
                                 stdin: Data(altered.utf8)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", forged, original)
        return forged
    }

    /// Problems reported by `readiness verify --full --json`.
    private func fullVerification() throws -> (status: Int32, problems: [(kind: String, commit: String)], output: String) {
        let result = try box.run(Sandbox.binary, ["verify", "--full", "--json", "--ledger", ledger])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let problems = (object?["problems"] as? [[String: Any]] ?? []).map {
            (kind: $0["kind"] as? String ?? "", commit: $0["commit"] as? String ?? "")
        }
        return (result.status, problems, result.stdout + result.stderr)
    }

    // MARK: - Altered after signing

    /// One byte of the message changed after signing: stock git rejects the signature, and so
    /// do `verify --full` (badSignature), `pull`, `clone` and the gate (exit 21 each).
    func testCommitAlteredAfterSigningIsCaughtEverywhere() throws {
        // A clone made before the forgery, to pull it into later.
        let mine = box.path("mine.git")
        try box.readinessOK("clone", ledger, mine)
        let mineBefore = try rev("main", in: mine)
        let signedHead = try rev("main")
        let allowed = try box.allowedSignersFile(from: ledger)
        XCTAssertEqual(try box.verifyCommit(signedHead, ledger: ledger, allowedSigners: allowed).status, 0, "the untouched commit verifies")

        // "automatisk" -> "automatiSk" in the body: a single byte.
        let forged = try forgeHead { $0.replacingOccurrences(of: "fornyes automatisk", with: "fornyes automatiSk") }

        // The independent judge: stock git.
        let git = try box.verifyCommit(forged, ledger: ledger, allowedSigners: allowed)
        XCTAssertNotEqual(git.status, 0, "git verify-commit must reject the altered commit: \(git.stderr)")

        let verified = try fullVerification()
        XCTAssertEqual(verified.status, 21, verified.output)
        XCTAssertTrue(verified.problems.contains { $0.kind == "badSignature" && $0.commit == forged },
                      "badSignature at \(forged.prefix(12)) expected, got \(verified.problems)")

        let pulled = try box.readiness("pull", "--ledger", mine)
        XCTAssertEqual(pulled.status, 21, pulled.stdout + pulled.stderr)
        XCTAssertTrue(pulled.stderr.contains("fails verification"), pulled.stderr)
        XCTAssertEqual(try rev("main", in: mine), mineBefore, "nothing was merged")

        let second = box.path("second.git")
        let cloned = try box.readiness("clone", ledger, second)
        XCTAssertEqual(cloned.status, 21, cloned.stdout + cloned.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second), "a refused clone leaves no directory")

        let gated = try box.readiness("gate", "--require", "1", "--ledger", ledger)
        XCTAssertEqual(gated.status, 21, gated.stdout + gated.stderr)
        XCTAssertTrue(gated.stderr.contains("altered after signing"), gated.stderr)
    }

    /// The tree line changed after signing (the parent's tree: the sign-off undone) is a bad
    /// signature too, though everything else about the commit still looks like a ledger commit.
    func testTreeSwappedAfterSigningIsABadSignature() throws {
        let parentTree = try rev("main~1^{tree}")
        let tree = try rev("main^{tree}")
        let forged = try forgeHead { $0.replacingOccurrences(of: "tree \(tree)\n", with: "tree \(parentTree)\n") }
        XCTAssertNotEqual(try box.verifyCommit(forged, ledger: ledger, allowedSigners: box.allowedSignersFile(from: ledger)).status, 0)
        let verified = try fullVerification()
        XCTAssertEqual(verified.status, 21, verified.output)
        XCTAssertTrue(verified.problems.contains { $0.kind == "badSignature" && $0.commit == forged }, "\(verified.problems)")
    }

    // MARK: - Unreadable ledger data, signed by a trusted key

    /// A sign-off whose item file is not JSON, and a definition that is garbage, each committed
    /// with `git commit -S` by the trusted key: stock git accepts the signature, so the only
    /// thing wrong is the data, reported as `unreadable`.
    func testSignedCommitsWithUnreadableDataAreReportedUnreadable() throws {
        let item = "items/sikkerhet/brannmurregler-konfigurert.json"
        let cases: [(path: String, message: String)] = [
            (item, "check sikkerhet/brannmurregler-konfigurert: Brannmurregler\n\nReadiness-Item: sikkerhet/brannmurregler-konfigurert\nReadiness-Action: check\nReadiness-State: open -> done\n"),
            ("checklist.json", "edit checklist: definisjonen\n\nReadiness-Action: edit\n"),
        ]
        let base = try rev("main")
        for (index, entry) in cases.enumerated() {
            try box.git("--git-dir", ledger, "update-ref", "refs/heads/main", base)
            let work = box.path("work\(index)")
            try box.git("clone", "-q", ledger, work)
            try "{ \"state\": \"done\", ikke json\n".write(toFile: "\(work)/\(entry.path)", atomically: true, encoding: .utf8)
            try entry.message.write(toFile: box.path("message\(index)"), atomically: true, encoding: .utf8)
            try box.git("commit", "-q", "-S", "-a", "-F", box.path("message\(index)"), in: work)
            try box.git("push", "-q", "-f", "origin", "main", in: work)
            let head = try rev("main")
            XCTAssertEqual(try box.verifyCommit(head, ledger: ledger, allowedSigners: box.allowedSignersFile(from: ledger)).status, 0,
                           "stock git accepts the signature of \(entry.path)")
            let verified = try box.run(Sandbox.binary, ["verify", "--full", "--json", "--accept-rewrite", "--ledger", ledger])
            XCTAssertEqual(verified.status, 21, verified.stdout + verified.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
            let problems = object?["problems"] as? [[String: Any]] ?? []
            XCTAssertTrue(problems.contains { $0["kind"] as? String == "unreadable" && $0["commit"] as? String == head },
                          "\(entry.path): unreadable at \(head.prefix(12)) expected, got \(problems)")
            XCTAssertFalse(problems.contains { $0["kind"] as? String == "badSignature" }, "the signature is sound: \(problems)")
        }
    }
}
