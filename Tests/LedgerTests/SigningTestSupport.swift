import Foundation
import XCTest
@testable import Ledger

/// A fresh temporary directory per test, removed at the end.
final class TestDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "ledger-signing-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Generates a throwaway key with ssh-keygen and returns the private key path.
    func makeKey(_ name: String = "key", type: [String] = ["-t", "ed25519"], passphrase: String = "") throws -> String {
        let file = path + "/" + name
        let result = try ProcessRunner.run("ssh-keygen", type + ["-q", "-N", passphrase, "-f", file, "-C", "test"], timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderrText)
        return file
    }

    func write(_ text: String, to name: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// Signs `payload` with `ssh-keygen -Y sign -n git -f key [extra]` and returns the .sig text.
func sshKeygenSign(_ payload: Data, key: String, in dir: TestDirectory, extra: [String] = [], environment: [String: String]? = nil) throws -> String {
    let file = dir.path + "/payload-" + UUID().uuidString
    try payload.write(to: URL(fileURLWithPath: file))
    let result = try ProcessRunner.run("ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key] + extra + [file], environment: environment, timeout: 60)
    XCTAssertEqual(result.status, 0, result.stderrText)
    return try String(contentsOfFile: file + ".sig", encoding: .utf8)
}

let testPayloads: [Data] = [
    Data(),
    Data("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1700000000 +0100\n\nhello\n".utf8),
    Data("Sjekkliste: æøå ÆØÅ — produksjon ✓\n".utf8),
    Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }),
]

/// Checks `armored` over `payload` with stock `ssh-keygen -Y verify` in namespace `namespace`,
/// trusting `publicKey` for one principal: the independent judge of a signature this tool made.
func sshKeygenVerify(_ armored: String, payload: Data, publicKey: SSHPublicKey, namespace: String = "git", in dir: TestDirectory) throws -> ProcessResult {
    var bare = publicKey
    bare.comment = nil
    let name = UUID().uuidString
    let allowed = try dir.write("signer@example.com \(bare.openSSHString)\n", to: "allowed-\(name)")
    let signature = try dir.write(armored, to: "signature-\(name)")
    return try ProcessRunner.run("ssh-keygen", ["-Y", "verify", "-f", allowed, "-I", "signer@example.com", "-n", namespace, "-s", signature],
                                 stdin: payload, timeout: 60)
}
