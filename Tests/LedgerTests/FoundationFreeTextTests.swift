import Foundation
import XCTest
@testable import Ledger

/// The standard-library replacements for Foundation's text, date and zone APIs (the shipped
/// binary links FoundationEssentials only), held to what Foundation itself answers: this test
/// target still links Foundation, so it serves as the reference.
final class FoundationFreeTextTests: XCTestCase {
    func testTrimmingMatchesFoundationSets() {
        let samples = [" \t a b \t ", "\n\r\nx\r\n", "\u{2028}x\u{2029}", "\u{00A0}\u{3000}x\u{2003}", "\u{85}x\u{0B}\u{0C}",
                       "", "   ", "\n", "x", " é\u{301} ", "\u{200B}x\u{200B}", "\u{FEFF}x"]
        let everyScalar = (0...0x3000).compactMap(Unicode.Scalar.init).map { "\($0)x\($0)" } + ["\u{FEFF}x\u{FEFF}"]
        for sample in samples + everyScalar {
            XCTAssertEqual(sample.trimming(.whitespaces), sample.trimmingCharacters(in: .whitespaces), sample.debugDescription)
            XCTAssertEqual(sample.trimming(.newlines), sample.trimmingCharacters(in: .newlines), sample.debugDescription)
            XCTAssertEqual(sample.trimming(.whitespacesAndNewlines), sample.trimmingCharacters(in: .whitespacesAndNewlines), sample.debugDescription)
        }
    }

    func testReplacingFindsScalarsInsideCharacters() {
        let samples: [(String, String, String)] = [
            ("a\r\nb\r\n", "\r", ""), ("line1\nline2\r\n", "\n", " / "), ("refs/heads/refs/heads/x", "refs/heads/", ""),
            ("say \"hi\"", "\"", "\\\""), ("aaa", "aa", "b"), ("", "x", "y"), ("é\u{301}", "\u{301}", ""), ("x", "", "y"),
        ]
        for (text, target, replacement) in samples {
            XCTAssertEqual(text.replacingEvery(target, with: replacement),
                           target.isEmpty ? text : text.replacingOccurrences(of: target, with: replacement), text.debugDescription)
        }
    }

    func testPaddingPathsAndNumbers() {
        XCTAssertEqual("12".padded(toLength: 6), "12    ")
        XCTAssertEqual("1234567".padded(toLength: 6), "123456", "cut like NSString's padding")
        // What NSString's path methods answer (spelled out: Foundation's own crashes on some of these).
        let paths: [(path: String, last: String, parent: String, joined: String)] = [
            ("/a/b", "b", "/a", "/a/b/c"), ("/a/b/", "b", "/a", "/a/b/c"), ("a/b", "b", "a", "a/b/c"), ("a", "a", "", "a/c"),
            ("/", "/", "/", "/c"), ("", "", "", "c"), ("/a", "a", "/", "/a/c"),
        ]
        for (path, last, parent, joined) in paths {
            XCTAssertEqual(PathText.lastComponent(path), last, path)
            XCTAssertEqual(PathText.deletingLastComponent(path), parent, path)
            XCTAssertEqual(PathText.appending("c", to: path), joined, path)
        }
        XCTAssertEqual(PathText.appending("/c", to: "/a/"), "/a/c")
        for value in [0.0, 12.25, 12.35, 99.95, 100.0, 33.333333, 66.666666, 0.05, 0.15, -0.0, 1e-9] {
            XCTAssertEqual(NumberText.fixed(value, places: 1), String(format: "%.1f", value), "\(value)")
        }
        let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xAB, 0xFF]
        XCTAssertEqual(NumberText.hex(bytes), bytes.map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(NumberText.hex([UInt8]()), "")
    }

    func testDatesPeopleType() throws {
        let accepted: [(String, TimeInterval)] = [
            ("2026-12-31", 1_798_675_200), (" 2026-12-31\t", 1_798_675_200), ("2026-12-31T12:00:00Z", 1_798_718_400),
            ("2026-12-31T12:00:00z", 1_798_718_400), ("2026-12-31T12:00:00+01:00", 1_798_714_800),
            ("2026-12-31T12:00:00+0100", 1_798_714_800), ("2026-12-31T12:00:00+01", 1_798_714_800),
            ("2026-12-31T12:00:00-05:30", 1_798_738_200), ("2026-12-31T12:00:00.5Z", 1_798_718_400.5),
            ("2026-12-31T12:00:00", 1_798_718_400), ("2026-12-31 12:00:00", 1_798_718_400), ("2026-12-31 12:00", 1_798_718_400),
            ("2024-02-29", 1_709_164_800), ("0001-01-01", -62_135_596_800), ("9999-12-31", 253_402_214_400),
            ("1969-12-31T23:59:59Z", -1),
        ]
        for (text, seconds) in accepted {
            XCTAssertEqual(DateParsing.parse(text)?.timeIntervalSince1970, seconds, text.debugDescription)
        }
        let refused = ["2026-12-31t12:00:00Z", "2026-12-31T12:00:00.Z", "2026-02-30", "2026-2-3", "2026-12-31T24:00:00Z",
                       "2026-12-31T23:59:60Z", "20261231", "+2026-12-31", "2026-12-31\n", "HEAD", "1700000000", "2026-13-01",
                       "2026-12-31 25:00", "2026-12-31T12:60:00Z", "２０２６-12-31", "2026-12-31T12:00:00,5Z", "2026-06-31",
                       "2023-02-29", "0000-01-01", "", "2026-12-31T12:00:00+01:00:00", "2026-12-31T12:00:00+25:00", "2026-12-31T"]
        for text in refused {
            XCTAssertNil(DateParsing.parse(text), text.debugDescription)
        }
        XCTAssertEqual(DateParsing.day("2024-02-29"), "2024-02-29")
        for text in ["2023-02-29", "2026-2-3", " 2026-12-31", "2026-12-31T00:00:00Z", "", "2026-12-3x"] {
            XCTAssertNil(DateParsing.day(text), text.debugDescription)
        }
    }

    func testWallClockZones() throws {
        let oslo = WallClockZone.zone(try XCTUnwrap(TimeZone(identifier: "Europe/Oslo")))
        XCTAssertEqual(CommitTime.iso8601(1_798_718_400, in: oslo), "2026-12-31T13:00:00+01:00")
        XCTAssertEqual(CommitTime.iso8601(1_782_900_000, in: oslo), "2026-07-01T12:00:00+02:00")
        XCTAssertEqual(CommitTime.iso8601(1_798_718_400, in: .zone(try XCTUnwrap(TimeZone(secondsFromGMT: -19_800)))), "2026-12-31T06:30:00-05:30")
        XCTAssertEqual(CommitTime.seconds(year: 2024, month: 1, day: 2, in: oslo), 1_704_153_600 - 3600)
        XCTAssertEqual(CommitTime.seconds(year: 2024, month: 7, day: 2, hour: 12, in: oslo), 1_719_914_400)
        // 02:30 on the day Norway moves its clocks forward does not exist there; in UTC it does.
        XCTAssertNil(CommitTime.seconds(year: 2024, month: 3, day: 31, hour: 2, minute: 30, in: oslo))
        XCTAssertEqual(CommitTime.seconds(year: 2024, month: 3, day: 31, hour: 2, minute: 30, in: .utc), 1_711_852_200)
        XCTAssertNil(CommitTime.seconds(year: 2023, month: 2, day: 29, in: .utc))
        XCTAssertNil(CommitTime.seconds(year: 2024, month: 1, day: 1, hour: 24, in: .utc))
        // The machine's zone is the C library's, which is what Foundation's TimeZone.current reads too.
        for instant: Int64 in [0, 1_704_153_600, 1_719_914_400, 1_798_718_400] {
            XCTAssertEqual(WallClockZone.local.secondsFromGMT(at: instant),
                           TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        }
        XCTAssertEqual(AllowedSigners.formatTimestamp(Date(timeIntervalSince1970: 1_704_191_415.9)), "20240102103015Z")
        XCTAssertEqual(AllowedSigners.formatTimestamp(Date(timeIntervalSince1970: -62_135_596_800)), "00010101000000Z")
    }

    func testSlugFoldingMatchesFoundation() {
        // Every Latin, Greek, Cyrillic and full-width letter on its own and between ASCII, plus
        // decomposed accents, folded as Foundation's diacritic- and width-insensitive folding did.
        var titles: [String] = ["Crème Brûlée", "Ærlig på én måte", "Ｆｕｌｌ ｗｉｄｔｈ １２", "e\u{301}te\u{301}", "ǖber", "Ǆemal",
                                "naïve café", "ﬁle ﬂow", "Ⅻ kings", "x\u{20D7}y", "a\u{0338}b", "Straße", "Œuvre", "ĳssel"]
        let ranges: [ClosedRange<UInt32>] = [0x00A0...0x05FF, 0x1E00...0x1FFF, 0x2100...0x218F, 0xFF00...0xFFEF]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                titles.append("a\(scalar)b")
            }
        }
        for title in titles {
            XCTAssertEqual(Slug.make(title), foundationSlug(title), title.debugDescription)
        }
    }

    /// Slug.make as it was written on Foundation's folding, for comparison.
    private func foundationSlug(_ title: String) -> String {
        let transliterations: [Character: String] = [
            "æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "ß": "ss",
            "ð": "d", "þ": "th", "œ": "oe", "đ": "d", "ł": "l", "ı": "i",
        ]
        var transliterated = ""
        for character in title.lowercased() {
            if let replacement = transliterations[character] { transliterated += replacement } else { transliterated.append(character) }
        }
        let folded = transliterated.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return slug
    }
}
