import Foundation
import XCTest
@testable import Ledger

final class SigningAllowedSignersTests: XCTestCase {
    static let keyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGCsFyeAoj7JS3JSTfx968okgUM3yHEq0lypIQU5iHKv"

    func testParseSerializeRoundTrip() throws {
        let text = """
        # who may sign
        alice@example.com \(Self.keyA) alice laptop

        *@example.com,!mallory@example.com namespaces="git,file",valid-after="20240101" \(Self.keyA)
        "bob@example.com" VALID-BEFORE="20300101120000Z",cert-authority \(Self.keyA)
        """
        let parsed = try AllowedSigners.parse(text)
        XCTAssertEqual(parsed.entries.count, 3)
        XCTAssertEqual(parsed.entries[0].key.comment, "alice laptop")
        XCTAssertEqual(parsed.entries[1].namespaces, ["git", "file"])
        XCTAssertTrue(parsed.entries[2].isCertificateAuthority)
        XCTAssertEqual(parsed.entries[2].principals, ["bob@example.com"])
        let serialized = parsed.serialized()
        XCTAssertEqual(serialized, """
        alice@example.com \(Self.keyA) alice laptop
        *@example.com,!mallory@example.com namespaces="git,file",valid-after="20240101" \(Self.keyA)
        bob@example.com valid-before="20300101120000Z",cert-authority \(Self.keyA)

        """)
        XCTAssertEqual(try AllowedSigners.parse(serialized), parsed)
        XCTAssertEqual(try AllowedSigners.parse(serialized).serialized(), serialized)
        XCTAssertEqual(parsed.entries(for: try SSHPublicKey(authorizedKeysLine: Self.keyA)).count, 3)
    }

    func testWildcardsAndNegation() throws {
        let entry = try XCTUnwrap(AllowedSigners.parse("*@example.com,!mallory@example.com,bo?@other.org \(Self.keyA)").entries.first)
        XCTAssertTrue(entry.matches(principal: "alice@example.com"))
        XCTAssertFalse(entry.matches(principal: "mallory@example.com"))
        XCTAssertTrue(entry.matches(principal: "bob@other.org"))
        XCTAssertFalse(entry.matches(principal: "bobby@other.org"))
        XCTAssertFalse(entry.matches(principal: "alice@example.org"))
        XCTAssertTrue(entry.allows(namespace: "anything"))
    }

    func testTimestamps() throws {
        let utc = TimeZone(identifier: "UTC")!
        XCTAssertEqual(try AllowedSigners.parseTimestamp("20240102Z"), Date(timeIntervalSince1970: 1_704_153_600))
        XCTAssertEqual(try AllowedSigners.parseTimestamp("202401021030Z"), Date(timeIntervalSince1970: 1_704_191_400))
        XCTAssertEqual(try AllowedSigners.parseTimestamp("20240102103015z"), Date(timeIntervalSince1970: 1_704_191_415))
        let oslo = TimeZone(identifier: "Europe/Oslo")!
        XCTAssertEqual(try AllowedSigners.parseTimestamp("20240102", timeZone: .zone(oslo)), Date(timeIntervalSince1970: 1_704_153_600 - 3600))
        XCTAssertEqual(try AllowedSigners.parseTimestamp("20240102", timeZone: .zone(utc)), Date(timeIntervalSince1970: 1_704_153_600))
        for bad in ["2024010", "20240231", "202401021060", "2024-01-02", "20240102ZZ", ""] {
            XCTAssertThrowsError(try AllowedSigners.parseTimestamp(bad), bad)
        }
        let entry = try XCTUnwrap(AllowedSigners.parse("a@b valid-after=\"20240101Z\",valid-before=\"20250101Z\" \(Self.keyA)").entries.first)
        XCTAssertEqual(entry.validAfter, Date(timeIntervalSince1970: 1_704_067_200))
        XCTAssertTrue(entry.isValid(at: Date(timeIntervalSince1970: 1_720_000_000)))
        XCTAssertFalse(entry.isValid(at: Date(timeIntervalSince1970: 1_700_000_000)))
        XCTAssertFalse(entry.isValid(at: Date(timeIntervalSince1970: 1_740_000_000)))
        var changed = entry
        changed.validBefore = Date(timeIntervalSince1970: 1_735_689_600.5)
        XCTAssertEqual(changed.options["valid-before"], "20250101000000Z")
    }

    func testBadLinesNameTheLineNumber() {
        let bad = [
            "a@b namespaces=git \(Self.keyA)",                 // unquoted value, as ssh-keygen rejects
            "a@b foo=\"x\" \(Self.keyA)",                      // unknown option
            "a@b valid-after=\"2024\" \(Self.keyA)",           // bad date
            "a@b",                                              // no key
            "a@b ssh-ed25519 notbase64!",                       // bad key
            "a@b namespaces=\"git\",namespaces=\"x\" \(Self.keyA)",
            "a@b valid-after=\"20250101Z\",valid-before=\"20240101Z\" \(Self.keyA)",
        ]
        for line in bad {
            XCTAssertThrowsError(try AllowedSigners.parse("# comment\n\n\(line)\n"), line) { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
                XCTAssertTrue((error as? LedgerError)?.message.contains("line 3") ?? false, "\(error)")
            }
        }
    }

    func testSerializedFileIsAcceptedBySSHKeygen() throws {
        let dir = try TestDirectory()
        let key = try dir.makeKey()
        let signer = try NativeEd25519Signer(privateKeyFile: key)
        var entry = AllowedSigners.Entry(principals: ["*@example.com"], key: try XCTUnwrap(signer.publicKey))
        entry.namespaces = ["git"]
        entry.validAfter = Date(timeIntervalSince1970: 1_600_000_000)
        let file = try dir.write(AllowedSigners(entries: [entry]).serialized(), to: "allowed")
        let payload = Data("p".utf8)
        let sig = try dir.write(try signer.sign(payload), to: "sig")
        let result = try ProcessRunner.run("ssh-keygen", ["-Y", "verify", "-f", file, "-I", "t@example.com", "-n", "git", "-s", sig], stdin: payload, timeout: 60)
        XCTAssertEqual(result.status, 0, String(decoding: result.stdout + result.stderr, as: UTF8.self))
    }
}
