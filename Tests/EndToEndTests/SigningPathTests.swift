import Foundation
import XCTest

/// The other ways git users sign: ssh-agent through ssh-keygen, OpenPGP through gpg, and
/// deliberately unsigned ledgers.
final class SigningPathTests: XCTestCase {
    func testAgentBackedKeyThroughSSHKeygenWritesTheSameCommitAsTheNativeSigner() throws {
        let box = try Sandbox()
        let socket = box.path("agent.sock")
        // A foreground agent we own: a daemonised one would inherit Foundation's process-monitor socket.
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer {
            agent.terminate()
            agent.waitUntilExit()
        }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        let agentEnvironment = ["SSH_AUTH_SOCK": socket]
        XCTAssertEqual(try box.run("/usr/bin/ssh-add", ["-q", box.keyPath], environment: agentEnvironment).status, 0)

        let date = ["GIT_COMMITTER_DATE": "@1790000000 +0000"]
        let native = box.path("native.git"), agentLedger = box.path("agent.git")
        try box.readinessOK("init", native, environment: date)
        try box.readinessOK("check", "1.1", "--note", "samme", "--ledger", native, environment: date)

        // The public key path: git signs through ssh-keygen and the agent; so must we.
        try box.git("config", "--global", "user.signingkey", box.keyPath + ".pub")
        let created = try box.readinessOK("init", agentLedger, environment: date.merging(agentEnvironment) { $1 })
        XCTAssertTrue(created.stdout.contains("ssh-keygen"), created.stdout)
        try box.readinessOK("check", "1.1", "--note", "samme", "--ledger", agentLedger, environment: date.merging(agentEnvironment) { $1 })
        XCTAssertEqual(try box.git("--git-dir", native, "rev-parse", "main"), try box.git("--git-dir", agentLedger, "rev-parse", "main"),
                       "native Ed25519 and ssh-keygen must produce byte-identical commits")
        let allowed = try box.allowedSignersFile(from: agentLedger)
        XCTAssertEqual(try box.verifyCommit("main", ledger: agentLedger, allowedSigners: allowed).status, 0)

        // A key:: literal works the same way.
        let literal = try String(contentsOfFile: box.keyPath + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try box.git("config", "--global", "user.signingkey", "key::" + literal)
        try box.readinessOK("check", "1.2", "--ledger", agentLedger, environment: agentEnvironment)
        XCTAssertEqual(try box.verifyCommit("main", ledger: agentLedger, allowedSigners: allowed).status, 0)
    }

    /// An RSA key signs through ssh-keygen: each commit's gpgsig, cut out of the raw object by
    /// hand, is checked with `ssh-keygen -Y verify` over the commit without that header, and
    /// by `git verify-commit`.
    func testRSASignOffsVerifyWithSSHKeygenAndStockGit() throws {
        let box = try Sandbox()
        let rsa = box.path("id_rsa")
        try box.makeKey(at: rsa, comment: box.email, type: "rsa")
        try box.git("config", "--global", "user.signingkey", rsa)
        let ledger = box.path("rsa.git")
        try box.readinessOK("init", ledger)
        try box.readinessOK("check", "1.1", "--note", "RSA", "--ledger", ledger)
        let publicKey = try String(contentsOfFile: rsa + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let allowed = box.path("allowed-rsa")
        try "\(box.email) \(publicKey)\n".write(toFile: allowed, atomically: true, encoding: .utf8)
        for commit in ["main", "main~1"] {
            let raw = try box.run("/usr/bin/git", ["--git-dir", ledger, "cat-file", "commit", commit]).stdout
            var payload = "", signature = "", inSignature = false
            for line in raw.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                if line.hasPrefix("gpgsig ") {
                    inSignature = true
                    signature += line.dropFirst("gpgsig ".count) + "\n"
                } else if inSignature, line.hasPrefix(" ") {
                    signature += line.dropFirst() + "\n"
                } else {
                    inSignature = false
                    payload += line + "\n"
                }
            }
            XCTAssertTrue(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----"), signature)
            let signatureFile = box.path("signature-\(commit)")
            try signature.write(toFile: signatureFile, atomically: true, encoding: .utf8)
            let judged = try box.run("/usr/bin/ssh-keygen", ["-Y", "verify", "-f", allowed, "-I", box.email, "-n", "git", "-s", signatureFile],
                                     stdin: Data(payload.utf8))
            XCTAssertEqual(judged.status, 0, "\(commit): \(judged.stdout)\(judged.stderr)")
            XCTAssertTrue(judged.stdout.contains("Good \"git\" signature for \(box.email) with RSA key"), judged.stdout)
            XCTAssertEqual(try box.verifyCommit(commit, ledger: ledger, allowedSigners: allowed).status, 0)
        }
        try box.readinessOK("verify", "--full", "--ledger", ledger)
    }

    func testOpenPGPSignOffsVerifyWithStockGit() throws {
        let box = try Sandbox()
        let gnupg = box.path("gnupg")
        try FileManager.default.createDirectory(atPath: gnupg, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        box.environment["GNUPGHOME"] = gnupg
        defer { _ = try? box.run("/usr/bin/gpgconf", ["--kill", "all"]) }
        let generated = try box.run("/usr/bin/gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "\(box.name) <\(box.email)>", "ed25519", "sign", "never"])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        try box.git("config", "--global", "--unset", "gpg.format")
        try box.git("config", "--global", "user.signingkey", box.email)
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger)
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        for commit in ["main", "main~1"] {
            let verdict = try box.gitResult(["--git-dir", ledger, "verify-commit", commit])
            XCTAssertEqual(verdict.status, 0, verdict.stderr)
            XCTAssertTrue(verdict.stderr.contains("Good signature"), verdict.stderr)
        }
        let trusted = try box.git("--git-dir", ledger, "show", "main:trust/openpgp_signers")
        XCTAssertTrue(trusted.hasPrefix(box.email + " "), trusted)
        let record = try box.git("--git-dir", ledger, "show", "main:items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json")
        XCTAssertTrue(record.contains("\"key\" : \"openpgp:"), record)

        // Another OpenPGP key of the same person is not trusted.
        let other = try box.run("/usr/bin/gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "Other <other@example.no>", "ed25519", "sign", "never"])
        XCTAssertEqual(other.status, 0, other.stderr)
        try box.git("config", "--global", "user.signingkey", "other@example.no")
        let refused = try box.readiness("check", "1.2", "--ledger", ledger)
        XCTAssertEqual(refused.status, 7, refused.stderr)
    }

    func testUnsignedOnlyWhereTheLedgerAllowsIt() throws {
        let box = try Sandbox()
        try box.git("config", "--global", "--unset", "user.signingkey")
        let ledger = box.path("open.git")
        let created = try box.readinessOK("init", ledger, "--allow-unsigned")
        XCTAssertTrue(created.stdout.contains("Unsigned"), created.stdout)
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        XCTAssertEqual(try box.git("--git-dir", ledger, "log", "--format=%G?", "-1"), "N")
        let strict = box.path("strict.git")
        let refused = try box.readiness("init", strict)
        XCTAssertEqual(refused.status, 6, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--allow-unsigned"), refused.stderr)
    }
}
