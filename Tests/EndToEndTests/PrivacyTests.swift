import Foundation
import XCTest

/// Issue 17: a pseudonymous ledger with three signers through sign-offs, a four-eyes rule, sync
/// between two clones and an evidence pack; `forget` of one person, `git gc` everywhere, and a
/// byte search for what was erased; verification (ours and stock git's) after the erasure;
/// forged commitments and swapped texts caught.
final class PrivacyTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private var ola: [String: String]!
    private var eva: [String: String]!
    private let olaNote = "Ola skrev: ring meg på 4799887766"
    private let reason = "Art. 17 request 2026-42"

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = box.path("ledger.git")
        ola = try signer("ola", name: "Ola Hansen", email: "ola@example.no")
        eva = try signer("eva", name: "Eva Berg", email: "eva@example.no")
        try box.readinessOK("init", "--pseudonymous", ledger)
        try box.readinessOK("trust", "add", "ola@example.no", box.path("ola.pub"), "--name", "Ola Hansen", "--ledger", ledger)
        try box.readinessOK("trust", "add", "eva@example.no", box.path("eva.pub"), "--name", "Eva Berg", "--ledger", ledger)
    }

    override func tearDown() {
        box = nil
    }

    /// A second git user: own key and global config, selected by the returned environment.
    private func signer(_ file: String, name: String, email: String) throws -> [String: String] {
        try box.makeKey(at: box.path(file), comment: email)
        let config = box.path("\(file).gitconfig")
        try "[user]\n\tname = \(name)\n\temail = \(email)\n\tsigningkey = \(box.path(file))\n[gpg]\n\tformat = ssh\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        return ["GIT_CONFIG_GLOBAL": config]
    }

    /// Every byte the repository at `path` holds, as files and as decompressed objects.
    private func everything(in path: String) throws -> Data {
        var data = Data()
        let files = FileManager.default.enumerator(atPath: path)!
        while let relative = files.nextObject() as? String {
            if let contents = FileManager.default.contents(atPath: "\(path)/\(relative)") { data.append(contents) }
        }
        let objects = try box.run("/usr/bin/git", ["--git-dir", path, "cat-file", "--batch-all-objects", "--batch"])
        XCTAssertEqual(objects.status, 0, objects.stderr)
        data.append(Data(objects.stdout.utf8))
        return data
    }

    func testForgetErasesAPersonFromEveryCloneAndVerificationSurvives() throws {
        // The signed history holds no name, e-mail or note: only pseudonyms and commitments.
        let server = box.path("server.git")
        try box.git("init", "-q", "--bare", server)
        try box.readinessOK("policy", "approvals", "2", "2", "--ledger", ledger)
        try box.readinessOK("check", "1.1", "--note", "Kari sjekket sertifikatet", "--ledger", ledger)
        try box.readinessOK("push", "--set-remote", server, "--ledger", ledger)
        let clone = box.path("clone.git")
        try box.readinessOK("clone", server, clone, environment: ola)
        try box.readinessOK("check", "1.2", "--note", olaNote, "--ledger", clone, environment: ola)
        try box.readinessOK("check", "2.1", "--note", "første av to", "--ledger", clone, environment: ola)
        try box.readinessOK("sync", "--ledger", clone, environment: ola)
        try box.readinessOK("sync", "--ledger", ledger, environment: eva)
        // Four eyes: Eva's is the second signature on 2.1.
        try box.readinessOK("check", "2.1", "--note", "andre av to", "--ledger", ledger, environment: eva)
        try box.readinessOK("sync", "--ledger", ledger)
        try box.readinessOK("sync", "--ledger", clone, environment: ola)
        let log = try box.git("--git-dir", ledger, "log", "--format=%an %ae %B", "main")
        for secret in ["Ola Hansen", "ola@example.no", "Kari", "kari@example.no", olaNote] {
            XCTAssertFalse(log.contains(secret), "\(secret) is in the signed history")
        }
        XCTAssertFalse(try box.git("--git-dir", ledger, "show", "main:trust/allowed_signers").contains("@example.no"))
        // Everything that shows people resolves them through the directory, in both clones.
        let history = try box.readinessOK("history", "1.2", "--ledger", ledger).stdout
        XCTAssertTrue(history.contains("Ola Hansen <ola@example.no>") && history.contains(olaNote), history)
        let shown = try box.readinessOK("show", "1.2", "--ledger", ledger).stdout
        XCTAssertTrue(shown.contains("Ola Hansen <ola@example.no>") && shown.contains(olaNote) && !shown.contains("pseudonym.invalid"), shown)
        let status = try box.readinessOK("status", "--json", "--ledger", clone, environment: ola).stdout
        XCTAssertTrue(status.contains("\"Eva Berg\"") && status.contains("andre av to"), status)
        XCTAssertTrue(try box.readinessOK("timeline", "--by", "eva@example.no", "--ledger", clone, environment: ola).stdout.contains("Eva Berg"))
        try box.readinessOK("evidence", "--out", box.path("pack-before"), "--ledger", ledger)

        let subject = try box.readinessOK("subject", "ola@example.no", "--ledger", ledger).stdout
        XCTAssertTrue(subject.contains("Ola Hansen <ola@example.no>") && subject.contains(olaNote), subject)
        XCTAssertTrue(subject.contains("would erase the entry above and these 2 text(s)"), subject)

        // Kari (the admin) erases Ola; both clones sync; gc everywhere.
        let forget = try box.readinessOK("forget", "ola@example.no", "--reason", reason, "--ledger", ledger).stdout
        XCTAssertTrue(forget.contains("2 text(s) dropped"), forget)
        try box.readinessOK("sync", "--ledger", ledger)
        try box.readinessOK("sync", "--ledger", clone, environment: eva)
        for repository in [ledger!, clone, server] {
            try box.git("--git-dir", repository, "gc", "-q", "--prune=now")
            let bytes = try everything(in: repository)
            for secret in ["Ola Hansen", "ola@example.no", olaNote, "første av to"] {
                XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(secret) is still in \(repository)")
            }
            // What is not erased stays: Eva is still resolvable.
            XCTAssertNotNil(bytes.range(of: Data("eva@example.no".utf8)), repository)
        }

        // Verification survives: ours in full, and stock git on every commit.
        for repository in [ledger!, clone] {
            let verify = try box.readinessOK("verify", "--full", "--ledger", repository, environment: eva)
            XCTAssertTrue(verify.stdout.contains("2 sealed texts erased") && verify.stdout.contains("clean"), verify.stdout)
            let allowed = try box.allowedSignersFile(from: repository)
            for commit in try box.git("--git-dir", repository, "rev-list", "main").split(separator: "\n") {
                let stock = try box.verifyCommit(String(commit), ledger: repository, allowedSigners: allowed)
                XCTAssertEqual(stock.status, 0, "git verify-commit \(commit): \(stock.stderr)")
            }
        }
        let erasedSubject = try box.readinessOK("subject", "ola@example.no", "--ledger", clone, environment: eva).stdout
        XCTAssertFalse(erasedSubject.contains("Ola Hansen"), erasedSubject)
        let after = try box.readinessOK("history", "1.2", "--ledger", clone, environment: eva).stdout
        XCTAssertTrue(after.contains("[erased] <p-"), after)
        // The gate judges the history as before: blocked by open items (20), not by verification (21).
        XCTAssertEqual(try box.readiness("gate", "--ledger", ledger).status, 20)
        try box.readinessOK("evidence", "--out", box.path("pack-after"), "--ledger", ledger)
        // Ola's pseudonym no longer maps to anyone: the tool will not write for him.
        let refused = try box.readiness("check", "1.3", "--ledger", clone, environment: ola)
        XCTAssertEqual(refused.status, 7, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("no pseudonym"), refused.stderr)
    }

    func testOnlyAnAdminForgetsAndAPlainLedgerRefuses() throws {
        let denied = try box.readiness("forget", "eva@example.no", "--reason", reason, "--ledger", ledger, environment: ola)
        XCTAssertEqual(denied.status, 7, denied.stderr)
        XCTAssertEqual(try box.git("--git-dir", ledger, "ls-tree", "-r", "--name-only", "main", "erasures/"), "")
        let yourself = try box.readiness("forget", box.email, "--reason", reason, "--ledger", ledger)
        XCTAssertEqual(yourself.status, 8, yourself.stderr)
        // A refused write takes its sealed text out of the directory again.
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        let conflict = try box.readiness("check", "1.1", "--note", "hemmelig notat", "--ledger", ledger)
        XCTAssertEqual(conflict.status, 8, conflict.stderr)
        XCTAssertFalse(try box.git("--git-dir", ledger, "ls-tree", "-r", "--name-only", "refs/readiness/directory").contains("texts/"))
        // Someone the directory does not know cannot write.
        let stranger = try signer("stranger", name: "Per Ukjent", email: "per@example.no")
        let unknown = try box.readiness("check", "1.2", "--ledger", ledger, environment: stranger)
        XCTAssertEqual(unknown.status, 7, unknown.stderr)
        let plain = try box.makeLedger("plain.git")
        let refused = try box.readiness("forget", box.email, "--reason", reason, "--ledger", plain)
        XCTAssertEqual(refused.status, 5, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("break every signature"), refused.stderr)
    }

    /// The pseudonym Kari commits as (the root commit's committer).
    private func kariPseudonym() throws -> (name: String, email: String) {
        let line = try box.git("--git-dir", ledger, "log", "-1", "--format=%cn %ce", "refs/readiness/directory")
        let parts = line.split(separator: " ")
        return (String(parts[0]), String(parts[1]))
    }

    func testSwappedTextInTheDirectoryIsCaught() throws {
        try box.readinessOK("check", "1.1", "--note", "den ekte teksten", "--ledger", ledger)
        let kari = try kariPseudonym()
        let index = box.path("index")
        let environment = ["GIT_INDEX_FILE": index, "GIT_COMMITTER_NAME": kari.name, "GIT_COMMITTER_EMAIL": kari.email,
                           "GIT_AUTHOR_NAME": kari.name, "GIT_AUTHOR_EMAIL": kari.email]
        try box.git("--git-dir", ledger, "read-tree", "refs/readiness/directory", environment: environment)
        let textPath = try box.git("--git-dir", ledger, "ls-files", "texts/", environment: environment).split(separator: "\n")[0]
        let original = try box.git("--git-dir", ledger, "show", "refs/readiness/directory:\(textPath)")
        XCTAssertTrue(original.contains("den ekte teksten"), original)
        let forged = box.path("forged.json")
        try original.replacingOccurrences(of: "den ekte teksten", with: "en annen tekst").write(toFile: forged, atomically: true, encoding: .utf8)
        let blob = try box.git("--git-dir", ledger, "hash-object", "-w", forged)
        try box.git("--git-dir", ledger, "update-index", "--cacheinfo", "100644,\(blob),\(textPath)", environment: environment)
        let tree = try box.git("--git-dir", ledger, "write-tree", environment: environment)
        // Signed by a trusted key as the right pseudonym: only the text betrays it.
        let commit = try box.git("--git-dir", ledger, "commit-tree", "-S", tree, "-m", "directory", environment: environment)
        try box.git("--git-dir", ledger, "update-ref", "refs/readiness/directory", commit)
        let verify = try box.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stdout)
        XCTAssertTrue(verify.stdout.contains("textMismatch"), verify.stdout)
        XCTAssertFalse(verify.stdout.contains("badSignature"), verify.stdout)
    }

    func testForgedCommitmentInTheHistoryIsCaught() throws {
        try box.readinessOK("check", "1.1", "--note", "den ekte teksten", "--ledger", ledger)
        let kari = try kariPseudonym()
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let path = try box.git("show", "--name-only", "--format=", "HEAD", in: work)
        let record = try String(contentsOfFile: "\(work)/\(path)", encoding: .utf8)
        guard let range = record.range(of: "sealed:sha256:") else { return XCTFail(record) }
        let forgedHex = String(repeating: "ab", count: 32)
        let old = String(record[range.upperBound...].prefix(64))
        try record.replacingOccurrences(of: old, with: forgedHex).write(toFile: "\(work)/\(path)", atomically: true, encoding: .utf8)
        let date = try box.git("log", "-1", "--format=%cd", "--date=raw", in: work)
        // The same commit re-signed by the same trusted key at the same time, with another commitment.
        try box.git("commit", "-q", "-a", "-S", "--amend", "--no-edit", in: work,
                    environment: ["GIT_COMMITTER_NAME": kari.name, "GIT_COMMITTER_EMAIL": kari.email, "GIT_COMMITTER_DATE": date])
        try box.git("push", "-q", "-f", "origin", "HEAD:main", in: work)
        let verify = try box.readiness("verify", "--full", "--accept-rewrite", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stdout)
        XCTAssertTrue(verify.stdout.contains("textMissing"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("1 problem"), verify.stdout)
    }

    func testPlainTextNoteByStockGitIsCaught() throws {
        try box.readinessOK("check", "1.1", "--note", "den ekte teksten", "--ledger", ledger)
        let kari = try kariPseudonym()
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let path = try box.git("show", "--name-only", "--format=", "HEAD", in: work)
        let record = try String(contentsOfFile: "\(work)/\(path)", encoding: .utf8)
        let plain = record.replacingOccurrences(of: #""sealed:sha256:[0-9a-f]{64}""#, with: "\"Kari Nordmann sjekket\"", options: .regularExpression)
        XCTAssertNotEqual(plain, record)
        try plain.write(toFile: "\(work)/\(path)", atomically: true, encoding: .utf8)
        let date = try box.git("log", "-1", "--format=%cd", "--date=raw", in: work)
        try box.git("commit", "-q", "-a", "-S", "--amend", "--no-edit", in: work,
                    environment: ["GIT_COMMITTER_NAME": kari.name, "GIT_COMMITTER_EMAIL": kari.email, "GIT_COMMITTER_DATE": date])
        try box.git("push", "-q", "-f", "origin", "HEAD:main", in: work)
        let verify = try box.readiness("verify", "--full", "--accept-rewrite", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stdout)
        XCTAssertTrue(verify.stdout.contains("holds its note as plain text"), verify.stdout)
    }
}
