import Foundation
import XCTest
@testable import Ledger

final class SigningFactoryTests: XCTestCase {
    private func ssh(_ key: String?, environment: [String: String]? = nil, defaultKeyCommand: String? = nil) -> SigningConfiguration {
        SigningConfiguration(format: "ssh", signingKey: key, sshDefaultKeyCommand: defaultKeyCommand, committerName: "T", committerEmail: "t@example.com", environment: environment)
    }

    func testUnencryptedEd25519IsNative() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let signer = try SignerFactory.makeSigner(ssh(key))
        XCTAssertTrue(signer is NativeEd25519Signer, signer.description)
        XCTAssertEqual(signer.publicKey, try SSHPublicKey(authorizedKeysLine: String(contentsOfFile: key + ".pub", encoding: .utf8)))
    }

    func testEncryptedAndRSAKeysUseSSHKeygen() throws {
        let dir = try TestDirectory()
        let encrypted = try dir.makeKey("enc", passphrase: "secret")
        XCTAssertTrue(try OpenSSHPrivateKey.parse(String(contentsOfFile: encrypted, encoding: .utf8)).isEncrypted)
        let encryptedSigner = try SignerFactory.makeSigner(ssh(encrypted))
        XCTAssertTrue(encryptedSigner is SSHKeygenSigner)
        XCTAssertNotNil(encryptedSigner.publicKey)
        XCTAssertThrowsError(try NativeEd25519Signer(privateKeyFile: encrypted)) { XCTAssertEqual(($0 as? LedgerError)?.kind, .signing) }

        let rsa = try dir.makeKey("rsa", type: ["-t", "rsa", "-b", "2048"])
        let rsaSigner = try SignerFactory.makeSigner(ssh(rsa))
        XCTAssertTrue(rsaSigner is SSHKeygenSigner)
        XCTAssertEqual(rsaSigner.publicKey?.keyType, "ssh-rsa")
        // The ssh-keygen signer really signs with an RSA key file.
        let payload = Data("rsa payload\n".utf8)
        let armored = try rsaSigner.sign(payload)
        let signature = try SSHSignature.parse(armored: armored)
        XCTAssertEqual(signature.publicKey, rsaSigner.publicKey)
        // Stock ssh-keygen judges it: good over this payload in namespace git, bad otherwise.
        let publicKey = try XCTUnwrap(rsaSigner.publicKey)
        let good = try sshKeygenVerify(armored, payload: payload, publicKey: publicKey, in: dir)
        XCTAssertEqual(good.status, 0, good.stderrText)
        XCTAssertNotEqual(try sshKeygenVerify(armored, payload: Data("rsa payloaD\n".utf8), publicKey: publicKey, in: dir).status, 0)
        XCTAssertNotEqual(try sshKeygenVerify(armored, payload: payload, publicKey: publicKey, namespace: "file", in: dir).status, 0)
    }

    func testMissingKeyFileNamesThePath() throws {
        let dir = try TestDirectory()
        let missing = dir.path + "/nope"
        XCTAssertThrowsError(try SignerFactory.makeSigner(ssh(missing))) { error in
            let ledgerError = error as? LedgerError
            XCTAssertEqual(ledgerError?.kind, .signing)
            XCTAssertTrue(ledgerError?.message.contains(missing) ?? false)
            XCTAssertTrue(ledgerError?.hint?.contains("user.signingkey") ?? false)
        }
        XCTAssertThrowsError(try SignerFactory.makeSigner(ssh(nil))) { XCTAssertEqual(($0 as? LedgerError)?.kind, .signing) }
        XCTAssertThrowsError(try SignerFactory.makeSigner(SigningConfiguration(format: "x509"))) { XCTAssertEqual(($0 as? LedgerError)?.kind, .signing) }
    }

    func testTildeIsExpanded() throws {
        let dir = try TestDirectory()
        _ = try dir.makeKey()
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = dir.path
        let signer = try SignerFactory.makeSigner(ssh("~/key", environment: environment))
        XCTAssertTrue(signer is NativeEd25519Signer)
    }

    func testOpenPGPConfigurationFallsBackToCommitterIdentity() throws {
        let signer = try SignerFactory.makeSigner(SigningConfiguration(committerName: "Test", committerEmail: "t@example.com"))
        XCTAssertEqual((signer as? OpenPGPSigner)?.keyID, "Test <t@example.com>")
        XCTAssertNil(signer.publicKey)
    }

    func testAgentBackedPublicKeyFileAndLiterals() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let publicKeyText = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let socket = dir.path + "/agent.sock"
        var environment = ProcessInfo.processInfo.environment
        environment["SSH_AUTH_SOCK"] = socket
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: try ProcessRunner.resolve("ssh-agent", environment: nil))
        agent.arguments = ["-D", "-a", socket]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { agent.terminate(); agent.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline { usleep(20_000) }
        let add = try ProcessRunner.run("ssh-add", [key], environment: environment, timeout: 30)
        XCTAssertEqual(add.status, 0, add.stderrText)
        // With the private key file gone, only the agent can sign.
        try FileManager.default.removeItem(atPath: key)
        let payload = Data("agent signed æøå\n".utf8)
        for value in [key + ".pub", "key::" + publicKeyText, publicKeyText] {
            let signer = try SignerFactory.makeSigner(ssh(value, environment: environment))
            XCTAssertTrue(signer is SSHKeygenSigner, value)
            XCTAssertEqual(signer.publicKey?.openSSHString, try SSHPublicKey(authorizedKeysLine: publicKeyText).openSSHString)
            let armored = try signer.sign(payload)
            XCTAssertTrue(try SSHSignature.parse(armored: armored).verify(payload, namespace: "git"), value)
            // Stock ssh-keygen agrees, and rejects the signature over anything else.
            let publicKey = try XCTUnwrap(signer.publicKey)
            let judged = try sshKeygenVerify(armored, payload: payload, publicKey: publicKey, in: dir)
            XCTAssertEqual(judged.status, 0, "\(value): \(judged.stderrText)")
            XCTAssertNotEqual(try sshKeygenVerify(armored, payload: payload + Data("x".utf8), publicKey: publicKey, in: dir).status, 0, value)
        }
        // gpg.ssh.defaultKeyCommand: first line of `ssh-add -L` as a literal.
        let signer = try SignerFactory.makeSigner(ssh(nil, environment: environment, defaultKeyCommand: "ssh-add -L"))
        let armored = try signer.sign(payload)
        XCTAssertTrue(try SSHSignature.parse(armored: armored).verify(payload, namespace: "git"))
        let judged = try sshKeygenVerify(armored, payload: payload, publicKey: try SSHPublicKey(authorizedKeysLine: publicKeyText), in: dir)
        XCTAssertEqual(judged.status, 0, judged.stderrText)
    }
}
