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

    /// Evidence labels (a link, a file name) can name a person: sealed like notes, shown through
    /// the directory, erased by `forget`.
    func testEvidenceLinksAndFileNamesAreSealedShownAndForgotten() throws {
        let link = "https://jira.example.no/browse/OPS-7/ola-nordmann-review"
        let fileName = "ola-nordmann-pentest.pdf"
        try Data("rapport".utf8).write(to: URL(fileURLWithPath: box.path(fileName)))
        try box.readinessOK("check", "1.1", "--evidence", link, "--evidence-file", box.path(fileName), "--ledger", ledger, environment: ola)
        let path = try box.git("--git-dir", ledger, "show", "--name-only", "--format=", "main")
        let signed = try box.git("--git-dir", ledger, "log", "-p", "--format=%an %ae %B", "main")
            + box.git("--git-dir", ledger, "cat-file", "-p", "main:\(path)") + box.git("--git-dir", ledger, "cat-file", "-p", "main")
        for secret in [link, fileName, "ola-nordmann"] {
            XCTAssertFalse(signed.contains(secret), "\(secret) is in the signed history: \(signed)")
        }
        XCTAssertTrue(signed.contains("Readiness-Evidence: sealed:sha256:"), signed)
        // Its digest is no personal data and stays in the clear.
        XCTAssertTrue(signed.contains("sha256:862f957bff971a511b2a804c86639d819d6c5a78cc82800440a14316ce692fd0 sealed:sha256:"), signed)
        for command in ["show", "history"] {
            let shown = try box.readinessOK(command, "1.1", "--ledger", ledger).stdout
            XCTAssertTrue(shown.contains(link) && shown.contains(fileName), shown)
        }
        let json = try box.readinessOK("history", "1.1", "--json", "--ledger", ledger).stdout
        XCTAssertTrue(json.contains(link), json)
        let sealedPack = box.path("pack-sealed"), openedPack = box.path("pack-opened")
        try box.readinessOK("evidence", "--out", sealedPack, "--ledger", ledger)
        try box.readinessOK("evidence", "--out", openedPack, "--with-identities", "--ledger", ledger)
        XCTAssertNil(try packBytes(sealedPack).range(of: Data("ola-nordmann".utf8)))
        let report = try String(contentsOfFile: "\(openedPack)/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains(link) && report.contains(fileName), report)
        let subject = try box.readinessOK("subject", "ola@example.no", "--ledger", ledger).stdout
        XCTAssertTrue(subject.contains("would erase the entry above and these 2 text(s)"), subject)

        try box.readinessOK("forget", "ola@example.no", "--reason", reason, "--ledger", ledger)
        try box.git("--git-dir", ledger, "gc", "-q", "--prune=now")
        let bytes = try everything(in: ledger)
        for secret in [link, fileName, "ola-nordmann"] {
            XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(secret) is still in the ledger")
        }
        let verify = try box.readinessOK("verify", "--full", "--ledger", ledger)
        XCTAssertTrue(verify.stdout.contains("2 sealed texts erased") && verify.stdout.contains("clean"), verify.stdout)
        let after = try box.readinessOK("show", "1.1", "--ledger", ledger).stdout
        XCTAssertTrue(after.contains("evidence [erased]") && after.contains(" [erased]"), after)
    }

    func testPlainEvidenceLinkByStockGitIsCaught() throws {
        try box.readinessOK("check", "1.1", "--evidence", "https://ci.example.no/7", "--ledger", ledger)
        let kari = try kariPseudonym()
        let work = box.path("work")
        try box.git("clone", "-q", ledger, work)
        let path = try box.git("show", "--name-only", "--format=", "HEAD", in: work)
        let record = try String(contentsOfFile: "\(work)/\(path)", encoding: .utf8)
        let commitment = #"sealed:sha256:[0-9a-f]{64}"#
        let plain = record.replacingOccurrences(of: commitment, with: "https://jira.example.no/kari-nordmann", options: .regularExpression)
        XCTAssertNotEqual(plain, record)
        try plain.write(toFile: "\(work)/\(path)", atomically: true, encoding: .utf8)
        // The trailer agrees with the record, so only the plain link is wrong.
        let message = try box.git("log", "-1", "--format=%B", in: work)
            .replacingOccurrences(of: commitment, with: "https://jira.example.no/kari-nordmann", options: .regularExpression)
        try message.write(toFile: box.path("message"), atomically: true, encoding: .utf8)
        let date = try box.git("log", "-1", "--format=%cd", "--date=raw", in: work)
        try box.git("commit", "-q", "-a", "-S", "--amend", "-F", box.path("message"), "--cleanup=verbatim", in: work,
                    environment: ["GIT_COMMITTER_NAME": kari.name, "GIT_COMMITTER_EMAIL": kari.email, "GIT_COMMITTER_DATE": date])
        try box.git("push", "-q", "-f", "origin", "HEAD:main", in: work)
        let verify = try box.readiness("verify", "--full", "--accept-rewrite", "--ledger", ledger)
        XCTAssertEqual(verify.status, 21, verify.stdout)
        XCTAssertTrue(verify.stdout.contains("holds an evidence link or file name as plain text"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("1 problem"), verify.stdout)
    }

    /// Every file of the pack at `pack` as one blob of bytes, for a byte search.
    private func packBytes(_ pack: String) throws -> Data {
        var data = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: pack).sorted() {
            data.append(try Data(contentsOf: URL(fileURLWithPath: "\(pack)/\(name)")))
        }
        return data
    }

    /// The shell lines of the pack README's text check (from `for c in` to `done`).
    private func readmeTextCheck(_ pack: String) throws -> String {
        let readme = try String(contentsOfFile: "\(pack)/README.txt", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  for c in ") && $0.contains(":texts") }, readme)
        let end = try XCTUnwrap(lines[start...].firstIndex { $0 == "  done" }, readme)
        return lines[start...end].joined(separator: "\n")
    }

    func testEvidencePackHoldsIdentitiesOnlyWhenAskedAndTheyCheckWithStockTools() throws {
        let kariNote = "Kari sjekket sertifikatet"
        let evaNote = "Eva: brannmur ok, se sak 77"
        try box.readinessOK("check", "1.1", "--note", kariNote, "--ledger", ledger)
        try box.readinessOK("check", "1.2", "--note", olaNote, "--ledger", ledger, environment: ola)
        try box.readinessOK("check", "2.1", "--note", evaNote, "--ledger", ledger, environment: eva)
        let secrets = ["Kari Nordmann", "kari@example.no", "Ola Hansen", "ola@example.no", "Eva Berg", "eva@example.no", kariNote, olaNote, evaNote]

        // Default: pseudonyms and sealed texts only, in every file, and the README says so.
        let plainPack = box.path("pack-pseudonyms")
        try box.readinessOK("evidence", "--out", plainPack, "--ledger", ledger)
        XCTAssertFalse(FileManager.default.fileExists(atPath: plainPack + "/identities.json"))
        let pseudonymous = try packBytes(plainPack)
        for secret in secrets { XCTAssertNil(pseudonymous.range(of: Data(secret.utf8)), "\(secret) is in a pack without identities") }
        XCTAssertTrue(try String(contentsOfFile: plainPack + "/README.txt", encoding: .utf8).contains("Identities: NOT INCLUDED"))
        XCTAssertTrue(try String(contentsOfFile: plainPack + "/report.md", encoding: .utf8).contains("sealed:sha256:"))

        // With identities: names, e-mails and texts, tied to a directory commit stock git checks.
        let pack = box.path("pack-identities")
        try box.readinessOK("evidence", "--out", pack, "--with-identities", "--ledger", ledger)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: pack).sorted(),
                       ["MANIFEST.sha256", "README.txt", "allowed_signers", "directory.pack", "events.json", "history.bundle", "identities.json", "report.html", "report.md"])
        let manifest = try box.run("/usr/bin/sha256sum", ["-c", "MANIFEST.sha256"], in: pack)
        XCTAssertEqual(manifest.status, 0, manifest.stdout + manifest.stderr)
        let readme = try String(contentsOfFile: pack + "/README.txt", encoding: .utf8)
        XCTAssertTrue(readme.contains("Identities: INCLUDED"), readme)
        let report = try String(contentsOfFile: pack + "/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("Ola Hansen &lt;ola@example.no&gt; (p-") && report.contains(olaNote) && report.contains(evaNote), report)
        XCTAssertFalse(report.contains("sealed:sha256:"), report)
        let html = try String(contentsOfFile: pack + "/report.html", encoding: .utf8)
        XCTAssertTrue(html.contains("Eva Berg &lt;eva@example.no&gt; (p-") && html.contains(kariNote), html)
        let identities = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pack + "/identities.json"))) as? [String: Any])
        let directory = try XCTUnwrap(identities["directoryCommit"] as? String)
        XCTAssertEqual(directory, try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory"))
        XCTAssertEqual((identities["people"] as? [[String: Any]])?.count, 3)
        XCTAssertEqual((identities["texts"] as? [[String: Any]])?.count, 3)

        // The auditor's commands from the README, with stock git, xxd and sha256sum only.
        try box.git("clone", "-q", "--bare", pack + "/history.bundle", pack + "/ledger.git")
        try box.git("init", "-q", "--bare", pack + "/directory.git")
        let unpack = try box.run("/bin/sh", ["-c", "git -C directory.git unpack-objects -q < directory.pack"], in: pack)
        XCTAssertEqual(unpack.status, 0, unpack.stderr)
        try box.git("-C", pack + "/ledger.git", "show", "main:trust/allowed_signers").appending("\n")
            .write(toFile: pack + "/head_allowed_signers", atomically: true, encoding: .utf8)
        for signers in ["head_allowed_signers", "allowed_signers"] {
            let stock = try box.run("/usr/bin/git", ["-C", pack + "/directory.git", "-c", "gpg.ssh.allowedSignersFile=\(pack)/\(signers)", "verify-commit", directory])
            XCTAssertEqual(stock.status, 0, "git verify-commit of the directory commit with \(signers): \(stock.stderr)")
        }
        // Ola's entry, vouched for by Kari (the admin), checked as the README says.
        let olaName = try olaPseudonym()
        let vouch = try box.run("/bin/sh", ["-c", """
            git -C directory.git cat-file blob \(directory):people/\(olaName).json > entry &&
            git -C directory.git cat-file blob \(directory):people/\(olaName).sig > entry.sig &&
            ssh-keygen -Y verify -f head_allowed_signers -n git -I "$(sed -n 's/.*"vouchedBy" : "\\(.*\\)".*/\\1/p' entry)" -s entry.sig < entry
            """], in: pack)
        XCTAssertEqual(vouch.status, 0, vouch.stdout + vouch.stderr)
        XCTAssertTrue(try String(contentsOfFile: pack + "/entry", encoding: .utf8).contains("ola@example.no"))
        let check = try box.run("/bin/bash", ["-c", try readmeTextCheck(pack)], in: pack)
        XCTAssertEqual(check.status, 0, check.stderr)
        let lines = check.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.count, 3, check.stdout)
        for line in lines { XCTAssertEqual(line.count == 2 ? line[0] : "", line.last, "a text does not match its commitment: \(check.stdout)") }
        let sealed = try String(contentsOfFile: pack + "/events.json", encoding: .utf8)
        for line in lines { XCTAssertTrue(sealed.contains("sealed:sha256:\(line[0])"), "events.json lacks \(line[0])") }

        // Data minimisation: a pack of item 1.2 holds Ola and his note, and nobody else's.
        let narrow = box.path("pack-narrow")
        try box.readinessOK("evidence", "--out", narrow, "--item", "1.2", "--with-identities", "--ledger", ledger)
        let narrowBytes = try packBytes(narrow)
        XCTAssertNotNil(narrowBytes.range(of: Data(olaNote.utf8)))
        for secret in ["Eva Berg", "eva@example.no", evaNote, kariNote] {
            XCTAssertNil(narrowBytes.range(of: Data(secret.utf8)), "\(secret) is in a pack of item 1.2")
        }
        // The same range twice gives the same bytes.
        let again = box.path("pack-again")
        try box.readinessOK("evidence", "--out", again, "--with-identities", "--ledger", ledger)
        for name in try FileManager.default.contentsOfDirectory(atPath: again) {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(again)/\(name)")), try Data(contentsOf: URL(fileURLWithPath: "\(pack)/\(name)")), name)
        }

        // After forget: "[erased]" where Ola was, and no trace of him in any file.
        let forgot = try box.readinessOK("forget", "ola@example.no", "--reason", reason, "--ledger", ledger).stdout
        XCTAssertTrue(forgot.contains("\(olaName)'s key stays trusted until `readiness trust revoke \(olaName)@pseudonym.invalid`"), forgot)
        let after = box.path("pack-after-forget")
        try box.readinessOK("evidence", "--out", after, "--with-identities", "--ledger", ledger)
        let afterReport = try String(contentsOfFile: after + "/report.md", encoding: .utf8)
        XCTAssertTrue(afterReport.contains("[erased] (\(olaName))") && afterReport.contains(evaNote), afterReport)
        let afterBytes = try packBytes(after)
        for secret in ["Ola Hansen", "ola@example.no", olaNote] {
            XCTAssertNil(afterBytes.range(of: Data(secret.utf8)), "\(secret) is in a pack made after the erasure")
        }
    }

    /// Ola's pseudonym, as the directory maps it.
    private func olaPseudonym() throws -> String {
        try pseudonym(of: "ola@example.no")
    }

    func testWithIdentitiesChangesNothingOnAPlainLedger() throws {
        let plain = try box.makeLedger("plain.git")
        try box.readinessOK("check", "1.1", "--note", "fornyet", "--ledger", plain)
        let without = box.path("plain-pack"), with = box.path("plain-pack-identities")
        try box.readinessOK("evidence", "--out", without, "--ledger", plain)
        try box.readinessOK("evidence", "--out", with, "--with-identities", "--ledger", plain)
        let names = try FileManager.default.contentsOfDirectory(atPath: with).sorted()
        XCTAssertEqual(names, try FileManager.default.contentsOfDirectory(atPath: without).sorted())
        XCTAssertFalse(names.contains("identities.json"))
        for name in names {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(with)/\(name)")), try Data(contentsOf: URL(fileURLWithPath: "\(without)/\(name)")), name)
        }
        XCTAssertTrue(try String(contentsOfFile: with + "/README.txt", encoding: .utf8).contains("Identities: INCLUDED. This ledger is not pseudonymous"))
    }

    func testSubjectJSONHasTheDirectoryPartAndValidates() throws {
        try box.readinessOK("check", "1.2", "--note", olaNote, "--ledger", ledger, environment: ola)
        let before = try box.readinessOK("subject", "ola@example.no", "--json", "--ledger", ledger).stdout
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(before.utf8)) as? [String: Any])
        let directory = try XCTUnwrap(object["directory"] as? [String: Any], before)
        XCTAssertEqual((directory["entry"] as? [String: Any])?["name"] as? String, "Ola Hansen")
        XCTAssertEqual(directory["erased"] as? Bool, false)
        let texts = try XCTUnwrap(directory["texts"] as? [[String: Any]])
        XCTAssertEqual(texts.map { $0["text"] as? String }, [olaNote])
        let wouldErase = try XCTUnwrap(directory["forgetWouldErase"] as? [String: Any])
        XCTAssertEqual(wouldErase["entry"] as? Bool, true)
        XCTAssertEqual(wouldErase["texts"] as? [String], texts.map { $0["commitment"] as! String })
        try box.readinessOK("forget", "ola@example.no", "--reason", reason, "--ledger", ledger)
        let after = try box.readinessOK("subject", try XCTUnwrap(directory["pseudonym"] as? String), "--json", "--ledger", ledger).stdout
        XCTAssertFalse(after.contains("Ola Hansen") || after.contains(olaNote), after)
        let erased = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any])?["directory"] as? [String: Any], after)
        XCTAssertEqual(erased["erased"] as? Bool, true)
        XCTAssertTrue(erased["entry"] is NSNull, after)
        let plain = try box.makeLedger("plain.git")
        let none = try box.readinessOK("subject", box.email, "--json", "--ledger", plain).stdout
        XCTAssertTrue(none.contains("\"directory\": null"), none)
        // All three against the schema, with the contract tests' validator.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var pairs: [String] = []
        for (index, text) in [before, after, none].enumerated() {
            try text.write(toFile: box.path("subject-\(index).json"), atomically: true, encoding: .utf8)
            pairs.append("subject=\(box.path("subject-\(index).json"))")
        }
        let validated = try box.run("/usr/bin/python3", [root.appendingPathComponent("Tests/contracts/validate.py").path, root.appendingPathComponent("schemas").path] + pairs)
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
    }

    /// An insider who is trusted but not an admin remaps a pseudonym with plain git: a directory
    /// commit signed by their trusted key (stock git accepts it), with an entry they vouch for.
    func testOnlyAnAdminVouchesForWhoAPseudonymIs() throws {
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        // The tool refuses a non-admin's write of the directory's people, and writes nothing.
        let before = try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory")
        try box.makeKey(at: box.path("per"), comment: "per@example.no")
        let refused = try box.readiness("trust", "add", "per@example.no", box.path("per.pub"), "--name", "Per Ukjent", "--ledger", ledger, environment: ola)
        XCTAssertEqual(refused.status, 7, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not an admin"), refused.stderr)
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory"), before)

        let kari = try kariPseudonym()
        let olaAddress = "\(try olaPseudonym())@pseudonym.invalid"
        let original = try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory")
        /// Kari's entry remapped to Per, naming `voucher` and signed by Ola's key, in a directory
        /// commit Ola signs; returns what `verify` says of it.
        func remap(voucher: String) throws -> RunResult {
            let entry = box.path("entry.json")
            try? FileManager.default.removeItem(atPath: entry + ".sig")
            try "{\"email\":\"per@example.no\",\"name\":\"Per Ukjent\",\"pseudonym\":\"\(kari.name)\",\"vouchedBy\":\"\(voucher)\"}\n"
                .write(toFile: entry, atomically: true, encoding: .utf8)
            let signed = try box.run("/usr/bin/ssh-keygen", ["-q", "-Y", "sign", "-f", box.path("ola"), "-n", "git", entry])
            XCTAssertEqual(signed.status, 0, signed.stderr)
            let environment = ola.merging(["GIT_INDEX_FILE": box.path("index"), "GIT_COMMITTER_NAME": String(olaAddress.prefix(12)), "GIT_COMMITTER_EMAIL": olaAddress,
                                           "GIT_AUTHOR_NAME": String(olaAddress.prefix(12)), "GIT_AUTHOR_EMAIL": olaAddress]) { $1 }
            try box.git("--git-dir", ledger, "read-tree", original, environment: environment)
            for (file, path) in [(entry, "people/\(kari.name).json"), (entry + ".sig", "people/\(kari.name).sig")] {
                let blob = try box.git("--git-dir", ledger, "hash-object", "-w", file)
                try box.git("--git-dir", ledger, "update-index", "--add", "--cacheinfo", "100644,\(blob),\(path)", environment: environment)
            }
            let tree = try box.git("--git-dir", ledger, "write-tree", environment: environment)
            let commit = try box.git("--git-dir", ledger, "commit-tree", "-S", tree, "-m", "directory", environment: environment)
            let stock = try box.verifyCommit(commit, ledger: ledger, allowedSigners: try box.allowedSignersFile(from: ledger))
            XCTAssertEqual(stock.status, 0, "stock git accepts the insider's directory commit: \(stock.stderr)")
            try box.git("--git-dir", ledger, "update-ref", "refs/readiness/directory", commit)
            let verify = try box.readiness("verify", "--full", "--ledger", ledger)
            XCTAssertEqual(verify.status, 21, verify.stdout)
            return verify
        }
        // Naming the admin does not help: Ola's key is not Kari's.
        let posing = try remap(voucher: kari.email)
        XCTAssertTrue(posing.stdout.contains("does not vouch for people/\(kari.name).json as \(kari.email)"), posing.stdout)
        let verify = try remap(voucher: olaAddress)
        XCTAssertTrue(verify.stdout.contains("vouched for by \(olaAddress), who is not an admin"), verify.stdout)
        // Not used for display: Kari's sign-off does not turn into Per's.
        for arguments in [["history", "1.1"], ["status", "--json"], ["timeline"]] {
            let shown = try box.run(Sandbox.binary, arguments + ["--ledger", ledger])
            XCTAssertEqual(shown.status, 0, "\(arguments): \(shown.stderr)")
            XCTAssertFalse(shown.stdout.contains("Per Ukjent") || shown.stdout.contains("per@example.no"), "\(arguments): \(shown.stdout)")
        }
        // Nor for a pack with identities: it refuses a directory that does not verify.
        let pack = try box.readiness("evidence", "--out", box.path("pack"), "--with-identities", "--ledger", ledger)
        XCTAssertEqual(pack.status, 21, pack.stderr)
    }

    /// The pseudonym the directory maps `email` to, from `subject --json` (which shows every entry).
    private func pseudonym(of email: String) throws -> String {
        let json = try box.readinessOK("subject", email, "--json", "--ledger", ledger).stdout
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try XCTUnwrap((object["directory"] as? [String: Any])?["pseudonym"] as? String, json)
    }

    /// A ledger made before entries were vouched for, built with stock git: the directory
    /// without `vouchedBy` and `.sig`, re-committed parentless and signed by Kari's trusted key.
    /// Verify reports it and displays show bare pseudonyms; a non-admin's `trust vouch --all` is
    /// refused; the admin's repairs it in one directory commit that stock git and ssh-keygen accept.
    func testTrustVouchRepairsTheEntriesOfAnOlderLedger() throws {
        let kari = try kariPseudonym()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        try box.readinessOK("check", "1.2", "--note", olaNote, "--ledger", ledger, environment: ola)
        let olaName = try pseudonym(of: "ola@example.no"), evaName = try pseudonym(of: "eva@example.no")
        XCTAssertEqual(try pseudonym(of: box.email), kari.name)
        let environment = ["GIT_INDEX_FILE": box.path("index"), "GIT_COMMITTER_NAME": kari.name, "GIT_COMMITTER_EMAIL": kari.email,
                           "GIT_AUTHOR_NAME": kari.name, "GIT_AUTHOR_EMAIL": kari.email]
        try box.git("--git-dir", ledger, "read-tree", "refs/readiness/directory", environment: environment)
        let people = try box.git("--git-dir", ledger, "ls-files", "people/", environment: environment).split(separator: "\n").map(String.init)
        XCTAssertEqual(people.filter { $0.hasSuffix(".sig") }.count, 3, people.joined(separator: " "))
        for path in people {
            if path.hasSuffix(".sig") {
                // Mode 0 removes the path from the index (a bare repository has no work tree for --force-remove).
                let removed = try box.run("/usr/bin/git", ["--git-dir", ledger, "update-index", "--index-info"], environment: environment,
                                          stdin: Data("0 \(String(repeating: "0", count: 40))\t\(path)\n".utf8))
                XCTAssertEqual(removed.status, 0, removed.stderr)
                continue
            }
            let entry = box.path("entry.json")
            let old = try box.run("/bin/sh", ["-c", "git --git-dir '\(ledger!)' show 'refs/readiness/directory:\(path)' | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop(\"vouchedBy\"); print(json.dumps(d, sort_keys=True))' > \(entry)"])
            XCTAssertEqual(old.status, 0, old.stderr)
            let blob = try box.git("--git-dir", ledger, "hash-object", "-w", entry)
            try box.git("--git-dir", ledger, "update-index", "--cacheinfo", "100644,\(blob),\(path)", environment: environment)
        }
        let tree = try box.git("--git-dir", ledger, "write-tree", environment: environment)
        let older = try box.git("--git-dir", ledger, "commit-tree", "-S", tree, "-m", "directory", environment: environment)
        let allowed = try box.allowedSignersFile(from: ledger)
        XCTAssertEqual(try box.verifyCommit(older, ledger: ledger, allowedSigners: allowed).status, 0)
        try box.git("--git-dir", ledger, "update-ref", "refs/readiness/directory", older)
        XCTAssertFalse(try box.git("--git-dir", ledger, "ls-tree", "-r", "--name-only", "refs/readiness/directory").contains(".sig"))

        // Verify reports every entry; displays show bare pseudonyms.
        let broken = try box.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(broken.status, 21, broken.stdout)
        for name in [kari.name, olaName, evaName] {
            XCTAssertTrue(broken.stdout.contains("people/\(name).json names no admin who vouches for it"), broken.stdout)
        }
        let bare = try box.readinessOK("history", "1.2", "--ledger", ledger).stdout
        XCTAssertTrue(bare.contains("\(olaName) <\(olaName)@pseudonym.invalid>") && !bare.contains("Ola Hansen"), bare)
        XCTAssertFalse(try box.readinessOK("status", "--json", "--ledger", ledger).stdout.contains("Kari Nordmann"))

        // Ola is trusted but no admin: refused, the directory unchanged.
        let denied = try box.readiness("trust", "vouch", "--all", "--ledger", ledger, environment: ola)
        XCTAssertEqual(denied.status, 7, denied.stderr)
        XCTAssertTrue(denied.stderr.contains("not an admin"), denied.stderr)
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory"), older)

        // Kari (the admin) repairs all three in one directory commit.
        let repaired = try box.readinessOK("trust", "vouch", "--all", "--ledger", ledger).stdout
        XCTAssertTrue(repaired.contains("3 entries vouched for by \(kari.email)"), repaired)
        XCTAssertTrue(repaired.contains("vouched \(olaName) Ola Hansen <ola@example.no> (was: people/\(olaName).json names no admin"), repaired)
        let directory = try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory")
        XCTAssertNotEqual(directory, older)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "--format=%P", "-1", directory), "")
        let verify = try box.readinessOK("verify", "--full", "--ledger", ledger).stdout
        XCTAssertTrue(verify.contains("clean"), verify)
        let shown = try box.readinessOK("history", "1.2", "--ledger", ledger).stdout
        XCTAssertTrue(shown.contains("Ola Hansen <ola@example.no>") && shown.contains(olaNote), shown)
        XCTAssertTrue(try box.readinessOK("status", "--json", "--ledger", ledger).stdout.contains("Kari Nordmann"))
        // Stock tools: git accepts the directory commit, ssh-keygen Kari's signature on Ola's entry.
        let stock = try box.verifyCommit(directory, ledger: ledger, allowedSigners: allowed)
        XCTAssertEqual(stock.status, 0, stock.stderr)
        let entry = try box.run("/bin/sh", ["-c", """
            git --git-dir '\(ledger!)' cat-file blob \(directory):people/\(olaName).json > entry &&
            git --git-dir '\(ledger!)' cat-file blob \(directory):people/\(olaName).sig > entry.sig &&
            ssh-keygen -Y verify -f '\(allowed)' -n git -I '\(kari.email)' -s entry.sig < entry
            """], in: box.path(""))
        XCTAssertEqual(entry.status, 0, entry.stdout + entry.stderr)

        // A second run has nothing to do and writes nothing.
        let again = try box.readinessOK("trust", "vouch", "--all", "--ledger", ledger).stdout
        XCTAssertTrue(again.contains("nothing written"), again)
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory"), directory)
    }

    func testTrustVouchRefusesErasedPeopleUnknownPeopleAndPlainLedgers() throws {
        let evaName = try pseudonym(of: "eva@example.no")
        // Named explicitly (here by name), a validly vouched entry is signed anew: by the same admin, the same bytes.
        let named = try box.readinessOK("trust", "vouch", "Ola Hansen", "--ledger", ledger).stdout
        XCTAssertTrue(named.contains("vouched for by you already; nothing written"), named)
        try box.readinessOK("forget", "eva@example.no", "--reason", reason, "--ledger", ledger)
        let before = try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory")
        let erased = try box.readiness("trust", "vouch", evaName, "--ledger", ledger)
        XCTAssertEqual(erased.status, 8, erased.stderr)
        XCTAssertTrue(erased.stderr.contains("was erased"), erased.stderr)
        let unknown = try box.readiness("trust", "vouch", "per@example.no", "--ledger", ledger)
        XCTAssertEqual(unknown.status, 5, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("nobody called per@example.no"), unknown.stderr)
        XCTAssertNotEqual(try box.readiness("trust", "vouch", "--ledger", ledger).status, 0)
        XCTAssertEqual(try box.git("--git-dir", ledger, "rev-parse", "refs/readiness/directory"), before)
        XCTAssertTrue(try box.readinessOK("verify", "--full", "--ledger", ledger).stdout.contains("clean"))
        let plain = try box.makeLedger("plain.git")
        let refused = try box.readiness("trust", "vouch", "--all", "--ledger", plain)
        XCTAssertEqual(refused.status, 5, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not pseudonymous"), refused.stderr)
    }

    /// Eva, an admin for a while, adds Per; once she is no admin, Per's entry stops counting
    /// until an admin vouches for it anew, named by the e-mail no display resolves any more.
    func testTrustVouchRepairsAnEntryAfterAnAdminChange() throws {
        try box.readinessOK("policy", "admins", box.email, "eva@example.no", "--ledger", ledger)
        try box.makeKey(at: box.path("per"), comment: "per@example.no")
        try box.readinessOK("trust", "add", "per@example.no", box.path("per.pub"), "--name", "Per Ukjent", "--ledger", ledger, environment: eva)
        try box.readinessOK("policy", "admins", box.email, "--ledger", ledger)
        let evaAddress = "\(try pseudonym(of: "eva@example.no"))@pseudonym.invalid"
        let stale = try box.readiness("verify", "--full", "--ledger", ledger)
        XCTAssertEqual(stale.status, 21, stale.stdout)
        XCTAssertTrue(stale.stdout.contains("is vouched for by \(evaAddress), who is not an admin"), stale.stdout)
        // Eva may not repair it herself any more.
        let denied = try box.readiness("trust", "vouch", "per@example.no", "--ledger", ledger, environment: eva)
        XCTAssertEqual(denied.status, 7, denied.stderr)
        let repaired = try box.readinessOK("trust", "vouch", "per@example.no", "--ledger", ledger).stdout
        XCTAssertTrue(repaired.contains("Per Ukjent <per@example.no> (was: ") && repaired.contains("1 entry vouched"), repaired)
        XCTAssertTrue(try box.readinessOK("verify", "--full", "--ledger", ledger).stdout.contains("clean"))
        XCTAssertTrue(try box.readinessOK("trust", "vouch", "--all", "--ledger", ledger).stdout.contains("nothing written"))
    }
}
