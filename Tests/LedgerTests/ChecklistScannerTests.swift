import Foundation
@testable import Ledger
import XCTest

/// The one-pass `checklist.json` reader must read exactly what `JSONDecoder` reads, and decline
/// (leave to `JSONDecoder`) everything outside the plain form: it never accepts a file
/// `JSONDecoder` would refuse, never reads one differently, and validation judges both alike.
final class ChecklistScannerTests: XCTestCase {
    private var checklists: [Checklist] {
        let plain = Checklist(title: "Produksjonssjekkliste", sections: [
            ChecklistSection(id: "sikkerhet", number: "1", title: "Sikkerhet", items: [
                ChecklistItem(id: "waf", number: "1.1", title: "WAF foran alt – æøå 🚀", tags: ["sikkerhet", "nett"]),
                ChecklistItem(id: "tls", number: "1.2", title: "TLS / skråstrek", tags: []),
            ]),
            ChecklistSection(id: "tom", number: "2", title: "Tom", items: []),
        ])
        var lifecycle = plain
        lifecycle.sections[0].items.append(ChecklistItem(id: "flyttet", number: "1.3", title: "Flyttet", file: "drift/flyttet"))
        lifecycle.retired = [
            RetiredItem(ChecklistItemRef(section: ChecklistSectionInfo(id: "drift", number: "3", title: "Drift"),
                                         item: ChecklistItem(id: "gammel", number: "3.1", title: "Gammel", tags: ["x"]))),
        ]
        return [plain, lifecycle, Checklist(title: "Tom liste", sections: [])]
    }

    private func decodedByJSONDecoder(_ data: Data) -> Checklist? {
        try? JSONDecoder().decode(Checklist.self, from: data)
    }

    /// What `decode(canonicalJSON:)` must answer for `data`: JSONDecoder's reading, validated.
    private func assertDecodesAsJSONDecoderDoes(_ data: Data, file: StaticString = #filePath, line: UInt = #line) {
        let shown = String(decoding: data, as: UTF8.self)
        switch Result(catching: { try JSONDecoder().decode(Checklist.self, from: data) }) {
        case let .success(expected):
            switch Result(catching: { try expected.validate() }) {
            case .success:
                XCTAssertEqual(try Checklist.decode(canonicalJSON: data).canonicalJSON(), expected.canonicalJSON(), shown, file: file, line: line)
            case .failure:
                XCTAssertThrowsError(try Checklist.decode(canonicalJSON: data), shown, file: file, line: line)
            }
        case .failure:
            XCTAssertThrowsError(try Checklist.decode(canonicalJSON: data), shown, file: file, line: line)
        }
    }

    func testReadsWhatThisToolWritesExactlyAsJSONDecoderDoes() throws {
        for checklist in checklists {
            let data = checklist.canonicalJSON()
            let scanned = try XCTUnwrap(ChecklistScanner.checklist(from: data), String(decoding: data, as: UTF8.self))
            XCTAssertEqual(scanned, checklist)
            XCTAssertEqual(scanned, decodedByJSONDecoder(data))
            // Byte for byte, not only equal as Swift strings (which compare canonically).
            XCTAssertEqual(scanned.canonicalJSON(), data)
            XCTAssertEqual(try Checklist.decode(canonicalJSON: data), checklist)
        }
    }

    func testCompactReorderedAndNullPlainJSONIsReadAsJSONDecoderReadsIt() throws {
        let texts = [
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[]}]}]}"#,
            #" { "sections" : [ { "items" : [ { "tags" : [ "x" ] , "title" : "A" , "number" : "1.1" , "id" : "a" , "file" : null } ] , "title" : "S" , "number" : "1" , "id" : "s" } ] , "retired" : null , "title" : "T" } "#,
            "{\r\n\t\"title\": \"T \u{7F}\u{85}\",\"sections\":[],\"retired\":[{\"section\":\"d\",\"sectionNumber\":\"2\",\"sectionTitle\":\"D\",\"item\":{\"id\":\"g\",\"number\":\"2.1\",\"title\":\"G\",\"tags\":[],\"file\":\"x/y\"}}]}\n",
        ]
        for text in texts {
            let data = Data(text.utf8)
            let scanned = try XCTUnwrap(ChecklistScanner.checklist(from: data), text)
            let expected = try XCTUnwrap(decodedByJSONDecoder(data), text)
            XCTAssertEqual(scanned, expected, text)
            XCTAssertEqual(scanned.canonicalJSON(), expected.canonicalJSON(), text)
            assertDecodesAsJSONDecoderDoes(data)
        }
    }

    /// An empty `retired` list is kept as read (the synthesized decoding keeps it too), so
    /// validation refuses it on both paths instead of the reader quietly dropping it.
    func testEmptyRetiredListIsReadAsAnEmptyListAndRefused() throws {
        let data = Data(#"{"title":"T","sections":[],"retired":[]}"#.utf8)
        XCTAssertEqual(ChecklistScanner.checklist(from: data)?.retired, [])
        XCTAssertEqual(decodedByJSONDecoder(data)?.retired, [])
        XCTAssertThrowsError(try Checklist.decode(canonicalJSON: data)) { error in
            XCTAssertTrue((error as? LedgerError)?.message.contains("'retired' is empty") == true, "\(error)")
        }
    }

    /// Valid JSON outside the plain form: declined, and `decode` gives JSONDecoder's reading.
    func testDeclinesEscapesUnknownAndRepeatedKeys() throws {
        let item = #"{"id":"a","number":"1.1","title":"A","tags":[]}"#
        let valid = [
            #"{"title":"T\/U","sections":[]}"#,
            #"{"title":"linje\nto \u00e6","sections":[]}"#,
            #"{"title":"\u0054","sections":[]}"#,
            #"{"tit\u006ce":"T","sections":[]}"#,
            #"{"title":"T","sections":[],"extra":1}"#,
            #"{"title":"T","sections":[],"extra":{"title":"U"}}"#,
            #"{"title":"T","title":"U","sections":[]}"#,
            #"{"title":"T","sections":[],"sections":[]}"#,
            #"{"title":"T","sections":[],"retired":null,"retired":null}"#,
            #"{"title":"T","sections":[{"id":"s","id":"t","number":"1","title":"S","items":[]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[],"colour":"red"}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[],"tags":["x"]}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[],"file":null,"file":"s/b"}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[],"done":true}]}]}"#,
            #"{"title":"T","sections":[],"retired":[{"section":"d","sectionNumber":"2","sectionTitle":"D","item":\#(item),"item":\#(item)}]}"#,
            #"{"title":"T","sections":[],"retired":[{"section":"d","sectionNumber":"2","sectionTitle":"D","item":\#(item),"why":"old"}]}"#,
        ]
        // A title with a quote or backslash is written escaped by this tool too: left to JSONDecoder.
        let escapedByThisTool = String(decoding: Checklist(title: #"Sitat "slik" \ og slik"#, sections: []).canonicalJSON(), as: UTF8.self)
        for text in valid + [escapedByThisTool] {
            let data = Data(text.utf8)
            XCTAssertNil(ChecklistScanner.checklist(from: data), text)
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: data), "not valid JSON: \(text)")
            assertDecodesAsJSONDecoderDoes(data)
        }
    }

    /// Everything JSONDecoder refuses is refused by `decode` too (the reader declines it first).
    func testMalformedOrWrongChecklistsAreRefused() throws {
        let good = #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":["x"],"file":"s/b"}]}],"retired":[{"section":"d","sectionNumber":"2","sectionTitle":"D","item":{"id":"g","number":"2.1","title":"G","tags":[]}}]}"#
        var bad: [[UInt8]] = [
            // Missing keys, at every level.
            #"{"sections":[]}"#,
            #"{"title":"T"}"#,
            #"{"title":"T","sections":[{"number":"1","title":"S","items":[]}]}"#,
            #"{"title":"T","sections":[{"id":"s","title":"S","items":[]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","items":[]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S"}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A"}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"number":"1.1","title":"A","tags":[]}]}]}"#,
            #"{"title":"T","sections":[],"retired":[{"section":"d","sectionNumber":"2","item":{"id":"g","number":"2.1","title":"G","tags":[]}}]}"#,
            #"{"title":"T","sections":[],"retired":[{"section":"d","sectionNumber":"2","sectionTitle":"D"}]}"#,
            // Wrong types and nulls where a value is required.
            #"{"title":1,"sections":[]}"#,
            #"{"title":null,"sections":[]}"#,
            #"{"title":["T"],"sections":[]}"#,
            #"{"title":"T","sections":null}"#,
            #"{"title":"T","sections":{}}"#,
            #"{"title":"T","sections":[null]}"#,
            #"{"title":"T","sections":[[]]}"#,
            #"{"title":"T","sections":[{"id":"s","number":1,"title":"S","items":[]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":null}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":null}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[1]}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[],"file":7}]}]}"#,
            #"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a","number":"1.1","title":"A","tags":[],"file":false}]}]}"#,
            #"{"title":"T","sections":[],"retired":{}}"#,
            #"{"title":"T","sections":[],"retired":[null]}"#,
            #"{"title":"T","sections":[],"retired":[{"section":"d","sectionNumber":"2","sectionTitle":"D","item":null}]}"#,
            // Not JSON, or not one object.
            #"{"title":"T","sections":[],}"#,
            #"{"title":"T","sections":[,]}"#,
            #"{"title":"T" "sections":[]}"#,
            #"{"title":"T","sections":[]"#,
            #"[{"title":"T","sections":[]}]"#,
            #"{'title':'T','sections':[]}"#,
            #"{title:"T","sections":[]}"#,
            "{\"title\":\"a\tb\",\"sections\":[]}",
            "{\"title\":\"a\nb\",\"sections\":[]}",
            "{\"title\":\"T\",\"sections\":[]}\u{0}",
            "",
            " ",
            "null",
            "\"T\"",
        ].map { Array($0.utf8) }
        // Every proper prefix of a good checklist, and the good checklist with junk after it.
        bad += (0..<good.utf8.count).map { Array(good.utf8.prefix($0)) }
        bad.append(Array((good + " x").utf8))
        bad.append(Array((good + "{}").utf8))
        bad.append(Array((good + ",").utf8))
        // Invalid UTF-8 in a string (a stray byte, a cut sequence, an encoded surrogate, an
        // overlong slash), and a byte-order mark.
        let titleAt = Array(good.utf8).firstIndex(of: UInt8(ascii: "T"))!
        for invalid: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x80]] {
            var bytes = Array(good.utf8)
            bytes.insert(contentsOf: invalid, at: titleAt)
            bad.append(bytes)
        }
        bad.append([0xEF, 0xBB, 0xBF] + Array(good.utf8))
        let goodData = Data(good.utf8)
        XCTAssertNotNil(ChecklistScanner.checklist(from: goodData))
        XCTAssertEqual(ChecklistScanner.checklist(from: goodData), decodedByJSONDecoder(goodData))
        for bytes in bad {
            let data = Data(bytes)
            let shown = String(decoding: bytes, as: UTF8.self)
            XCTAssertNil(ChecklistScanner.checklist(from: data), shown)
            assertDecodesAsJSONDecoderDoes(data)
        }
    }

    /// Validation runs after the reader exactly as after JSONDecoder: a checklist that reads in
    /// the plain form but breaks a rule is refused with the same message on both paths.
    func testReadChecklistsAreValidatedAsDecodedOnesAre() throws {
        func text(_ sectionID: String, _ itemIDs: [String], title: String = "A") -> String {
            let items = itemIDs.enumerated().map { #"{"id":"\#($1)","number":"1.\#($0 + 1)","title":"\#(title)","tags":[]}"# }
            return #"{"title":"T","sections":[{"id":"\#(sectionID)","number":"1","title":"S","items":[\#(items.joined(separator: ","))]}]}"#
        }
        let refused = [text("../up", ["a"]), text("s", [".."]), text("s", ["a", "a"]), text("s", ["Upper"]), text("s", ["a"], title: " "),
                       text("s", ["a"], title: "bad\u{85}")]
        for text in refused {
            let data = Data(text.utf8)
            let scanned = try XCTUnwrap(ChecklistScanner.checklist(from: data), text)
            let decoded = try XCTUnwrap(decodedByJSONDecoder(data), text)
            XCTAssertEqual(scanned, decoded)
            let viaScanner = Result { try scanned.validate() }.failureMessage
            XCTAssertNotNil(viaScanner, text)
            XCTAssertEqual(viaScanner, Result { try decoded.validate() }.failureMessage, text)
            XCTAssertThrowsError(try Checklist.decode(canonicalJSON: data), text) { error in
                XCTAssertEqual((error as? LedgerError)?.message, viaScanner, text)
            }
        }
    }
}

private extension Result where Success == Void, Failure == Error {
    var failureMessage: String? {
        if case let .failure(error) = self { return (error as? LedgerError)?.message ?? "\(error)" }
        return nil
    }
}
