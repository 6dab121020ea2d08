import Foundation
import XCTest
@testable import Ledger

/// The pieces a pseudonymous ledger stores: pseudonyms, sealed commitments, directory text
/// files and paths. Each parser is fed what a forger or a damaged file would give it.
final class PrivacyFormatTests: XCTestCase {
    func testPseudonymsAreExactlyPLowercaseHex() {
        let random = Pseudonym.random()
        XCTAssertEqual(Pseudonym(name: random.name), random)
        XCTAssertEqual(Pseudonym(address: random.address), random)
        XCTAssertTrue(random.address.hasSuffix("@pseudonym.invalid"))
        for bad in ["p-0123456789a", "p-012345678", "p-0123456789".uppercased(), "p-01234567ZZ", "q-0123456789", "p-0123456789 "] {
            XCTAssertNil(Pseudonym(name: bad), bad)
        }
        XCTAssertNil(Pseudonym(address: "p-0123456789@example.no"))
        XCTAssertNil(Pseudonym(address: "kari@pseudonym.invalid"))
        XCTAssertNotEqual(Pseudonym.random(), Pseudonym.random())
    }

    func testACommitmentBindsTextAndSalt() throws {
        let sealed = SealedText(sealing: "ring meg på 4799887766")
        let reopened = try XCTUnwrap(SealedText(text: sealed.text, salt: sealed.salt))
        XCTAssertEqual(reopened.commitment, sealed.commitment)
        XCTAssertEqual(SealedText.commitment(in: sealed.stored), sealed.commitment)
        // Another text, or the same text under another salt, is another commitment.
        XCTAssertNotEqual(SealedText(text: "ring meg på 4799887767", salt: sealed.salt)?.commitment, sealed.commitment)
        XCTAssertNotEqual(SealedText(sealing: sealed.text).commitment, sealed.commitment)
        // The commitment is SHA-256 of the salt's bytes, then the text's UTF-8 bytes.
        let zeros = String(repeating: "00", count: 32)
        XCTAssertEqual(SealedText(text: "", salt: zeros)?.commitment, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925")
    }

    func testMalformedSaltsAndCommitmentsAreRefused() {
        for salt in ["", "00", String(repeating: "0", count: 63), String(repeating: "zz", count: 32), String(repeating: "00", count: 33)] {
            XCTAssertNil(SealedText(text: "x", salt: salt), salt)
        }
        let hex = String(repeating: "ab", count: 32)
        XCTAssertEqual(SealedText.commitment(in: "sealed:sha256:\(hex)"), hex)
        for field in [nil, "plain note", "sealed:sha256:\(hex.uppercased())", "sealed:sha256:\(hex.dropLast())", "sealed:sha1:\(hex)", " sealed:sha256:\(hex)"] {
            XCTAssertNil(SealedText.commitment(in: field), field ?? "nil")
        }
    }

    func testDirectoryFilesParseOnlyInTheirLayout() throws {
        let author = Pseudonym.random()
        let sealed = SealedText(sealing: "linje én\nlinje to")
        let text = DirectoryText(author: author.name, salt: sealed.salt, text: sealed.text)
        guard case let .success(.text(commitment, parsed)) = DirectoryFile.parse(path: "texts/\(sealed.commitment)", data: text.encoded) else {
            return XCTFail("a text written by the tool must parse")
        }
        XCTAssertEqual(commitment, sealed.commitment)
        XCTAssertEqual(parsed, text)
        let entry = DirectoryEntry(pseudonym: author, name: "Åse Ødegård", email: "ase@example.no")
        guard case .success(.person(entry)) = DirectoryFile.parse(path: "people/\(author.name).json", data: CanonicalJSON.encode(entry)) else {
            return XCTFail("an entry written by the tool must parse")
        }
        let failures: [(String, Data)] = [
            ("texts/\(sealed.commitment)", Data("no header line".utf8)),
            ("texts/\(sealed.commitment)", Data("kari@example.no \(sealed.salt)\ntext".utf8)),
            ("people/\(Pseudonym.random().name).json", CanonicalJSON.encode(entry)),          // entry filed under another pseudonym
            ("people/\(author.name).json", Data("{}".utf8)),
            ("people/\(author.name).json", CanonicalJSON.encode(DirectoryEntry(pseudonym: author, name: "Kari\u{1b}[2J", email: "k@example.no"))),
            ("notes/\(sealed.commitment)", text.encoded),
            ("texts/a/\(sealed.commitment)", text.encoded),
        ]
        for (path, data) in failures {
            if case .success = DirectoryFile.parse(path: path, data: data) { XCTFail("\(path) \(String(decoding: data, as: UTF8.self)) parsed") }
        }
    }

    func testErasureRecordPathsNameOnlyPseudonyms() {
        let pseudonym = Pseudonym.random()
        XCTAssertEqual(ErasureRecord.pseudonym(atPath: ErasureRecord.path(of: pseudonym)), pseudonym)
        XCTAssertEqual(LedgerPath(ErasureRecord.path(of: pseudonym)), .erasure(pseudonym))
        XCTAssertTrue(LedgerPath(ErasureRecord.path(of: pseudonym)).isAdministrative)
        for path in ["erasures/kari.json", "erasures/\(pseudonym.name)", "erasures/x/\(pseudonym.name).json", "erasure/\(pseudonym.name).json"] {
            XCTAssertNil(ErasureRecord.pseudonym(atPath: path), path)
        }
        XCTAssertEqual(LedgerPath("erasures/kari.json"), .outside)
    }

    func testPlainSettingsKeepTheirBytes() {
        let plain = String(decoding: LedgerSettings(name: "Shop").encoded(), as: UTF8.self)
        XCTAssertFalse(plain.contains("pseudonymous"), plain)
        XCTAssertTrue(plain.contains("\"format\" : 1"), plain)
        let pseudonymous = String(decoding: LedgerSettings(name: "Shop", pseudonymous: true).encoded(), as: UTF8.self)
        XCTAssertTrue(pseudonymous.contains("\"pseudonymous\" : true") && pseudonymous.contains("\"format\" : 3"), pseudonymous)
    }
}
