import Foundation
import XCTest
@testable import Ledger

final class SigningSSHTests: XCTestCase {
    func testNativeSignerIsByteIdenticalToSSHKeygen() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let signer = try NativeEd25519Signer(privateKeyFile: key)
        for payload in testPayloads {
            let native = try signer.sign(payload)
            let reference = try sshKeygenSign(payload, key: key, in: dir)
            XCTAssertEqual(native, reference, "payload of \(payload.count) bytes")
        }
    }

    func testNativeSignaturePassesSSHKeygenVerify() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let signer = try NativeEd25519Signer(privateKeyFile: key)
        let allowed = AllowedSigners(entries: [.init(principals: ["t@example.com"], key: try XCTUnwrap(signer.publicKey))])
        let allowedFile = try dir.write(allowed.serialized(), to: "allowed_signers")
        for payload in testPayloads {
            let sigFile = try dir.write(try signer.sign(payload), to: "sig")
            let result = try ProcessRunner.run("ssh-keygen", ["-Y", "verify", "-f", allowedFile, "-I", "t@example.com", "-n", "git", "-s", sigFile], stdin: payload, timeout: 60)
            XCTAssertEqual(result.status, 0, String(decoding: result.stdout + result.stderr, as: UTF8.self))
        }
    }

    func testVerifyAcceptsSSHKeygenSignaturesAndRejectsTampering() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let other = try dir.makeKey("other")
        let payload = Data("ready: sikkerhet/ssl æøå\n".utf8)
        for extra in [[], ["-O", "hashalg=sha256"], ["-O", "hashalg=sha512"]] {
            let signature = try SSHSignature.parse(armored: try sshKeygenSign(payload, key: key, in: dir, extra: extra))
            XCTAssertEqual(signature.hashAlgorithm, extra.isEmpty ? "sha512" : String(extra[1].dropFirst(8)))
            XCTAssertEqual(signature.namespace, "git")
            XCTAssertEqual(signature.signatureType, "ssh-ed25519")
            XCTAssertTrue(try signature.verify(payload, namespace: "git"))
            var changed = payload
            changed[3] ^= 0x01
            XCTAssertFalse(try signature.verify(changed, namespace: "git"))
            XCTAssertFalse(try signature.verify(payload, namespace: "file"))
            // Round-trip of the armored text.
            XCTAssertEqual(try SSHSignature.parse(armored: signature.armored()).armored(), signature.armored())
        }
        // Another key's signature with this key's public key substituted must fail.
        let otherSignature = try SSHSignature.parse(armored: try sshKeygenSign(payload, key: other, in: dir))
        var forged = otherSignature
        forged.publicKey = try SSHPublicKey(authorizedKeysLine: String(contentsOfFile: key + ".pub", encoding: .utf8))
        XCTAssertFalse(try forged.verify(payload, namespace: "git"))
        XCTAssertNotEqual(otherSignature.publicKey, forged.publicKey)
    }

    func testVerifyThrowsForRSA() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey("rsa", type: ["-t", "rsa", "-b", "2048"])
        let payload = Data("x".utf8)
        let signature = try SSHSignature.parse(armored: try sshKeygenSign(payload, key: key, in: dir))
        XCTAssertEqual(signature.publicKey.keyType, "ssh-rsa")
        XCTAssertThrowsError(try signature.verify(payload, namespace: "git")) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
        }
    }

    func testFingerprintMatchesSSHKeygen() throws {
        let dir = try TestDirectory()
        for (name, type) in [("ed", ["-t", "ed25519"]), ("rsa", ["-t", "rsa", "-b", "2048"])] {
            let key = try dir.makeKey(name, type: type)
            let result = try ProcessRunner.run("ssh-keygen", ["-lf", key + ".pub"], timeout: 60)
            let expected = String(decoding: result.stdout, as: UTF8.self).split(separator: " ")[1]
            let publicKey = try SSHPublicKey(authorizedKeysLine: String(contentsOfFile: key + ".pub", encoding: .utf8))
            XCTAssertEqual(publicKey.fingerprint, String(expected))
            XCTAssertEqual(publicKey.comment, "test")
            let privateKey = try OpenSSHPrivateKey.parse(String(contentsOfFile: key, encoding: .utf8))
            XCTAssertEqual(privateKey.publicKey, publicKey)
            XCTAssertEqual(privateKey.comment, "test")
            XCTAssertFalse(privateKey.isEncrypted)
        }
    }

    func testBadInputsAreInvalidInput() {
        for text in ["", "ssh-ed25519", "ssh-ed25519 !!!", "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIGCsFyeAoj7JS3JSTfx968okgUM3yHEq0lypIQU5iHKv"] {
            XCTAssertThrowsError(try SSHPublicKey(authorizedKeysLine: text)) { XCTAssertEqual(($0 as? LedgerError)?.kind, .invalidInput) }
        }
        XCTAssertThrowsError(try SSHSignature.parse(armored: "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n")) {
            XCTAssertEqual(($0 as? LedgerError)?.kind, .invalidInput)
        }
        XCTAssertThrowsError(try OpenSSHPrivateKey.parse("hello")) { XCTAssertEqual(($0 as? LedgerError)?.kind, .invalidInput) }
    }
}
