import Foundation
@testable import Ledger
import XCTest

/// The one-pass item file reader must read exactly what `JSONDecoder` reads, and decline (leave
/// to `JSONDecoder`) everything outside the plain form: it never accepts an input `JSONDecoder`
/// would refuse, and never reads one differently.
final class ItemRecordScannerTests: XCTestCase {
    private let person = Person(name: "Kari Nordmann", email: "kari@example.no", key: "SHA256:abc+/=")

    private var records: [ItemRecord] {
        [
            ItemRecord.created("sikkerhet/waf"),
            ItemRecord(item: "a/b", state: .done, action: .check, by: person, at: "2026-01-02T03:04:05Z", note: "Sjekket – æøå 🚀",
                       evidence: [.link("https://ci.example.no/run/1"), .file(name: "rapport.pdf", sha256: String(repeating: "ab", count: 32), size: 123_456_789)],
                       waivedUntil: nil, previous: ["0123456789abcdef0123456789abcdef01234567"]),
            ItemRecord(item: "a/c", state: .waived, action: .approve, by: Person(name: "Ola", email: "ola@example.no", key: nil), at: "2026-01-02T03:04:05Z",
                       note: "senere", evidence: [], waivedUntil: "2099-01-01", previous: ["a", "b"],
                       signoffs: [person, Person(name: "Ola", email: "ola@example.no", key: nil)], requestedBy: person),
            ItemRecord(item: "a/d", state: .pending, action: .waive, by: person, at: nil, note: "", evidence: [.file(name: "x", sha256: "0", size: 0)],
                       waivedUntil: "2099-01-01", previous: [], signoffs: [], requestedBy: nil),
        ]
    }

    private func decodedByJSONDecoder(_ data: Data) -> ItemRecord? {
        try? JSONDecoder().decode(ItemRecord.self, from: data)
    }

    func testReadsWhatThisToolWritesExactlyAsJSONDecoderDoes() throws {
        for record in records {
            let data = record.encoded()
            let scanned = try XCTUnwrap(ItemRecordScanner.record(from: data), String(decoding: data, as: UTF8.self))
            XCTAssertEqual(scanned, record)
            XCTAssertEqual(scanned, decodedByJSONDecoder(data))
            XCTAssertEqual(try ItemRecord.decode(data, path: "p"), record)
        }
    }

    func testCompactAndReorderedPlainJSONIsReadAsJSONDecoderReadsIt() throws {
        let texts = [
            #"{"item":"a/b","state":"open","action":"create","evidence":[],"previous":[]}"#,
            #" { "previous" : [ "x" , "y" ] , "evidence" : [ { "size" : 0 , "url" : null } ] , "action" : "check" , "state" : "done" , "item" : "a/b" , "by" : null } "#,
            "{\r\n\t\"item\": \"a/b\",\"state\":\"done\",\"action\":\"check\",\"evidence\":[],\"previous\":[],\"note\":\"\u{7F} ok\",\"signoffs\":null}\n",
        ]
        for text in texts {
            let data = Data(text.utf8)
            let scanned = try XCTUnwrap(ItemRecordScanner.record(from: data), text)
            XCTAssertEqual(scanned, try XCTUnwrap(decodedByJSONDecoder(data)), text)
        }
    }

    /// Valid JSON outside the plain form: declined, and `decode` gives JSONDecoder's reading.
    func testDeclinesEscapesUnknownAndRepeatedKeysAndUnusualNumbers() throws {
        let valid = [
            #"{"item":"a\/b","state":"open","action":"create","evidence":[],"previous":[]}"#,
            #"{"item":"a/b","state":"open","action":"create","evidence":[],"previous":[],"note":"linje\nto \u00e6"}"#,
            #"{"item":"a/b","state":"open","action":"create","evidence":[],"previous":[],"extra":1}"#,
            #"{"item":"a/b","item":"a/c","state":"open","action":"create","evidence":[],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":1.0}],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":1e3}],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"url":"x","url":"y"}],"previous":[]}"#,
            #"{"it\u0065m":"a/b","state":"open","action":"create","evidence":[],"previous":[]}"#,
        ]
        for text in valid {
            let data = Data(text.utf8)
            XCTAssertNil(ItemRecordScanner.record(from: data), text)
            switch Result(catching: { try JSONDecoder().decode(ItemRecord.self, from: data) }) {
            case let .success(expected): XCTAssertEqual(try ItemRecord.decode(data, path: "p"), expected, text)
            case .failure: XCTAssertThrowsError(try ItemRecord.decode(data, path: "p"), text)
            }
        }
    }

    /// Everything JSONDecoder refuses is refused by `decode` too (the scanner declines it first).
    func testMalformedOrWrongRecordsAreRefused() throws {
        let good = #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":12}],"previous":["x"],"by":{"name":"K","email":"k@x"}}"#
        var bad: [[UInt8]] = [
            #"{"item":"a/b","state":"finished","action":"check","evidence":[],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":null,"previous":[]}"#,
            #"{"item":null,"state":"done","action":"check","evidence":[],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[],"previous":[],"by":{"name":"K"}}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":-1}],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":012}],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[{"size":99999999999999999999}],"previous":[]}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[],"previous":[],}"#,
            #"{"item":"a/b","state":"done","action":"check","evidence":[,],"previous":[]}"#,
            #"[{"item":"a/b","state":"done","action":"check","evidence":[],"previous":[]}]"#,
            "{\"item\":\"a\tb\",\"state\":\"done\",\"action\":\"check\",\"evidence\":[],\"previous\":[]}",
            "",
            "null",
        ].map { Array($0.utf8) }
        // Every proper prefix of a good record, and the good record with junk after it.
        bad += (0..<good.utf8.count).map { Array(good.utf8.prefix($0)) }
        bad.append(Array((good + " x").utf8))
        bad.append(Array((good + "{}").utf8))
        // Invalid UTF-8 inside a string, and a byte-order mark.
        var invalid = Array(good.utf8)
        invalid.insert(0xFF, at: 10)
        bad.append(invalid)
        bad.append([0xEF, 0xBB, 0xBF] + Array(good.utf8))
        XCTAssertNotNil(ItemRecordScanner.record(from: Data(good.utf8)))
        for bytes in bad {
            let data = Data(bytes)
            let shown = String(decoding: bytes, as: UTF8.self)
            XCTAssertNil(ItemRecordScanner.record(from: data), shown)
            if decodedByJSONDecoder(data) == nil {
                XCTAssertThrowsError(try ItemRecord.decode(data, path: "p"), shown)
            }
        }
    }
}
