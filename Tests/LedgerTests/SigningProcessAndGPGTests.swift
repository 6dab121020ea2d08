import Foundation
import XCTest
@testable import Ledger

final class SigningProcessAndGPGTests: XCTestCase {
    func testLargeOutputOnBothStreamsDoesNotDeadlock() throws {
        let script = "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2; cat"
        let input = Data(repeating: 65, count: 2_000_000)
        let result = try ProcessRunner.run("sh", ["-c", script], stdin: input, timeout: 60)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout.count, 5_000_000)
        XCTAssertEqual(result.stderr.count, 3_000_000)
    }

    func testChildThatIgnoresStdinDoesNotKillUs() throws {
        let result = try ProcessRunner.run("true", [], stdin: Data(repeating: 1, count: 1_000_000), timeout: 30)
        XCTAssertEqual(result.status, 0)
    }

    func testConcurrentRuns() throws {
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let input = Data("run \(index)\n".utf8)
            guard let result = try? ProcessRunner.run("cat", [], stdin: input, timeout: 60),
                  result.stdout == input, result.status == 0 else {
                failures.increment()
                return
            }
        }
        XCTAssertEqual(failures.value, 0)
    }

    func testStatusEnvironmentAndErrors() throws {
        let result = try ProcessRunner.run("/bin/sh", ["-c", "echo \"$FOO\"; exit 3"], environment: ["FOO": "bar", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "bar\n")
        XCTAssertThrowsError(try ProcessRunner.run("no-such-program-readiness", [])) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .signing)
            XCTAssertTrue((error as? LedgerError)?.message.contains("no-such-program-readiness") ?? false)
        }
        XCTAssertThrowsError(try ProcessRunner.run("sleep", ["30"], timeout: 0.5)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .signing)
        }
    }

    func testSignalExitAndStubbornChild() throws {
        // Killed by a signal: 128 + its number, as a shell reports it.
        XCTAssertEqual(try ProcessRunner.run("/bin/sh", ["-c", "kill -9 $$"]).status, 128 + 9)
        // A child that ignores SIGTERM is killed after the grace period, and the run still fails.
        XCTAssertThrowsError(try ProcessRunner.run("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"], timeout: 0.2)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .signing)
            XCTAssertTrue((error as? LedgerError)?.message.contains("did not finish") ?? false)
        }
    }

    func testChildGetsOnlyItsThreeStreams() throws {
        // A descriptor of ours without close-on-exec must not reach the child (as with Foundation.Process).
        let leaked = open("/dev/null", O_RDONLY)
        XCTAssertGreaterThan(leaked, 2)
        defer { close(leaked) }
        let result = try ProcessRunner.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "0\n1\n2\n")
        // Empty input is an immediate end of input, not a hang.
        XCTAssertEqual(try ProcessRunner.run("cat", []).stdout, Data())
        XCTAssertThrowsError(try ProcessRunner.run("/dev/null/nothing", [], failure: .storage)) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .storage)
        }
    }

    func testOpenPGPSignerVerifiesWithGPG() throws {
        guard (try? ProcessRunner.resolve("gpg", environment: nil)) != nil else {
            throw XCTSkip("gpg is not installed")
        }
        let dir = try TestDirectory()
        let home = dir.path + "/gnupg"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var environment = ProcessInfo.processInfo.environment
        environment["GNUPGHOME"] = home
        defer { _ = try? ProcessRunner.run("gpgconf", ["--kill", "all"], environment: environment, timeout: 30) }
        let generated = try ProcessRunner.run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "Test <t@example.com>", "ed25519", "sign", "never"], environment: environment, timeout: 120)
        XCTAssertEqual(generated.status, 0, generated.stderrText)

        let signer = try SignerFactory.makeSigner(SigningConfiguration(committerName: "Test", committerEmail: "t@example.com", environment: environment))
        let payload = Data("tree abc\n\nopenpgp æøå\n".utf8)
        let signature = try signer.sign(payload)
        XCTAssertTrue(signature.hasPrefix("-----BEGIN PGP SIGNATURE-----"))
        XCTAssertTrue(signature.hasSuffix("-----END PGP SIGNATURE-----\n"))
        let sigFile = try dir.write(signature, to: "sig.asc")
        let payloadFile = dir.path + "/payload"
        try payload.write(to: URL(fileURLWithPath: payloadFile))
        let verified = try ProcessRunner.run("gpg", ["--verify", sigFile, payloadFile], environment: environment, timeout: 60)
        XCTAssertEqual(verified.status, 0, verified.stderrText)
        var changed = payload
        changed[0] ^= 1
        try changed.write(to: URL(fileURLWithPath: payloadFile))
        XCTAssertNotEqual(try ProcessRunner.run("gpg", ["--verify", sigFile, payloadFile], environment: environment, timeout: 60).status, 0)

        let badKey = OpenPGPSigner(program: "gpg", keyID: "nobody@example.com", environment: environment)
        XCTAssertThrowsError(try badKey.sign(payload)) { XCTAssertEqual(($0 as? LedgerError)?.kind, .signing) }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
