import Foundation
import Git
import XCTest
@testable import Ledger

/// The fast paths a long timeline goes through when it decodes and prints events, held to the
/// plain forms they replaced: splitting the characters, interpolating the date, hex by array.
final class EventDecodingTests: XCTestCase {
    private let awkward = ["", ",", ",,", "a", "a,b", ",a,,b,", "é,x", "a,\u{301}b", "\r\n,x", "x,\r\n", "日本,語", "🚀,🚀",
                           String(repeating: "ab", count: 20), String(repeating: "ab", count: 20) + "," + String(repeating: "cd", count: 20)]

    func testBackLinksSplitAsTheCharactersDid() {
        for text in awkward + awkward.map({ $0 + "," + $0 }) {
            XCTAssertEqual(BackLinkText.decode(text), text.split(separator: ",").map(String.init), text.debugDescription)
        }
    }

    func testEvidenceSplitsAsTheCharactersDid() {
        /// The decoder before it split bytes.
        func characterSplit(_ text: String) -> [Evidence] {
            text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { entry in
                let fields = entry.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
                return Evidence(url: field(0), file: field(1), sha256: field(2), size: field(3).flatMap { Int($0) })
            }
        }
        let evidence = [
            Evidence(url: "https://ci.example.no/é", file: nil, sha256: nil, size: nil),
            Evidence(url: nil, file: "rapport \u{301}.pdf", sha256: String(repeating: "0f", count: 32), size: 12),
            Evidence(url: "\r\n", file: "\u{301}", sha256: "", size: 0),
        ]
        var samples = awkward.flatMap { [$0, "\u{1E}\($0)", "\($0)\u{1F}\u{301}", "\u{1F}\u{1E}\($0)\u{1E}\u{1F}"] }
        samples += [EvidenceText.encode(evidence), EvidenceText.encode([]), "\u{1E}\u{301}\u{1F}\u{301}", "\r\u{1E}\n"]
        for text in samples {
            XCTAssertEqual(EvidenceText.decode(text), characterSplit(text), text.debugDescription)
        }
        XCTAssertEqual(EvidenceText.decode(EvidenceText.encode(evidence)).map(\.summary), evidence.map(\.summary))
    }

    func testDatesWriteAsInterpolationDid() {
        /// The formatter before it wrote digits.
        func interpolated(_ seconds: Int64) -> String {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let year = Int(parts.tm_year) + 1900
            let yearText = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
            return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        }
        var seconds: Int64 = -62_135_596_800 - 86_400 * 400 // before year 1
        while seconds < 253_402_300_800 + 86_400 * 800 { // after 9999
            XCTAssertEqual(CommitTime.iso8601(seconds), interpolated(seconds), "\(seconds)")
            seconds += 86_399 * 97 + 3_599
        }
        for edge: Int64 in [0, -1, 59, 3_599, 86_399, 951_782_400, 1_709_164_799, -30_610_224_000, -30_610_224_001,
                            253_402_300_799, 253_402_300_800] {
            XCTAssertEqual(CommitTime.iso8601(edge), interpolated(edge), "\(edge)")
        }
    }

    func testHexIsEveryByteInLowercase() throws {
        for bytes in [[UInt8](repeating: 0, count: 20), [UInt8](repeating: 0xff, count: 20), (0..<20).map { UInt8($0 * 13 + 7) }] {
            let id = try XCTUnwrap(ObjectID(bytes: bytes))
            XCTAssertEqual(id.hex, bytes.map { String(format: "%02x", $0) }.joined())
            XCTAssertEqual(ObjectID(hex: id.hex), id)
        }
    }
}

/// Pseudonyms and sealed commitments are judged on their bytes when they are ASCII: the same
/// answers as the character rule, fullwidth digits, uppercase and combining marks included.
final class LowercaseHexTests: XCTestCase {
    func testTheByteRuleAnswersAsTheCharacterRule() {
        func characterRule(_ text: Substring, count: Int) -> Bool {
            text.count == count && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        }
        let pieces = ["0", "9", "a", "f", "g", "A", "F", "０", "９", "ａ", "ｆ", "Ａ", "٣", "a\u{301}", "\u{301}", " ", "-", "\r\n", "é"]
        var samples: [String] = []
        for count in [9, 10, 11, 63, 64, 65] {
            let plain = String((0..<count).map { "0123456789abcdef"[String.Index(utf16Offset: $0 % 16, in: "0123456789abcdef")] })
            samples.append(plain)
            for piece in pieces {
                samples.append(piece + plain.dropFirst())
                samples.append(plain.dropLast() + piece)
                samples.append(String(plain.prefix(count / 2)) + piece + String(plain.dropFirst(count / 2 + 1)))
            }
        }
        for text in samples + pieces + [""] {
            for count in [10, 64] {
                XCTAssertEqual(LowercaseHex.matches(text[...], count: count), characterRule(text[...], count: count), "\(text.debugDescription) \(count)")
            }
        }
        XCTAssertNotNil(Pseudonym(name: "p-0123456789"))
        XCTAssertNil(Pseudonym(name: "p-012345678A"))
        XCTAssertNotNil(Pseudonym(name: "p-012345678ａ"), "the character rule takes fullwidth digits, and so does this")
        XCTAssertEqual(SealedText.commitment(in: "sealed:sha256:" + String(repeating: "ab", count: 32)), String(repeating: "ab", count: 32))
        XCTAssertNil(SealedText.commitment(in: "sealed:sha256:" + String(repeating: "AB", count: 32)))
    }
}
