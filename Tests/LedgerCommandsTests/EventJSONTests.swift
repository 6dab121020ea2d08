import Foundation
@testable import Ledger
@testable import LedgerCommands
import XCTest

/// Events write their own JSON field by field, and a timeline streams them: both must give,
/// byte for byte, what the tree of values gave before (the output contract of `history`,
/// `blame` and `timeline --json`).
final class EventJSONTests: XCTestCase {
    /// An event as the tree of values it was written from before it wrote itself: the reference.
    private func valueTree(_ view: EventView) -> JSONWriter.Value {
        .object([
            ("action", .string(view.action)),
            ("commit", .string(view.commit)),
            ("evidence", .array(view.evidence.map { .string($0) })),
            ("item", .optional(view.item)),
            ("note", .optional(view.note)),
            ("path", .string(view.path)),
            ("previous", .array(view.previous.map { .string($0) })),
            ("section", .optional(view.section)),
            ("signature", .string(view.signature)),
            ("signerEmail", .string(view.signerEmail)),
            ("signerKey", .optional(view.signerKey)),
            ("signerName", .string(view.signerName)),
            ("stateAfter", .optional(view.stateAfter)),
            ("stateBefore", .optional(view.stateBefore)),
            ("time", .string(view.time)),
            ("waivedUntil", .optional(view.waivedUntil)),
        ])
    }

    /// Every control character, the JSON escapes, DEL, non-ASCII (two, three and four bytes,
    /// combining marks, U+2028), terminal escapes and empty text.
    private let awkward = [
        "", " ", "\"", "\\", "/", "\\\"\\n", "a\u{0}b", String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }), "\u{7F}",
        "\u{1B}[31mrød\u{1B}[0m", "Blåbærsyltetøy", "e\u{301}", "line\r\nnext", "\u{2028}\u{2029}", "𝄞 🚀", "日本語",
        "sealed:v1:0123456789abcdef", "[erased]", "=SUM(A1)", "\t tab ",
    ]

    private func views() throws -> [EventView] {
        var views = [
            try makeEventView(),
            try makeEventView(item: nil, section: nil, stateBefore: nil, stateAfter: nil, signerKey: nil),
            try makeEventView(note: "", evidence: [""], waivedUntil: "", previous: [""]),
            try makeEventView(evidence: ["https://ci.example.no/run/1", "rapport.pdf sha256:00ff 12 bytes"], waivedUntil: "2099-01-01",
                              previous: [String(repeating: "cd", count: 20), String(repeating: "ef", count: 20)]),
        ]
        for text in awkward {
            views.append(try makeEventView(path: text, item: text, section: text, action: text, stateBefore: text, stateAfter: text,
                                           signerName: text, signerEmail: text, signerKey: text, note: text, evidence: [text, text],
                                           waivedUntil: text, previous: [text], signature: text))
        }
        return views
    }

    func testAnEventWritesWhatItsValueTreeWrote() throws {
        for view in try views() {
            for level in [0, 1, 2, 3, 9, 17] {
                var direct = JSONWriter(), tree = JSONWriter()
                view.write(to: &direct, level: level)
                tree.write(valueTree(view), level: level)
                XCTAssertEqual(direct.text, tree.text, "level \(level): \(view)")
            }
            XCTAssertEqual(jsonText(view.json), jsonText(valueTree(view)))
            // Inside other values (blame's lines, history's list) too.
            XCTAssertEqual(jsonText(.object([("event", view.json), ("x", .array([view.json, .null]))])),
                           jsonText(.object([("event", valueTree(view)), ("x", .array([valueTree(view), .null]))])))
        }
    }

    /// The streamed document equals the whole document written at once, for no event, one,
    /// a few, and enough to be written out in many pieces.
    func testAStreamedTimelineIsTheDocumentWrittenAtOnce() throws {
        let all = try views()
        let many = (0..<2_000).map { all[$0 % all.count] }
        for events in [[], [all[0]], all, many] {
            let head = String(repeating: "0a", count: 20)
            var streamed: [UInt8] = [], pieces = 0
            JSONOutput.stream("timeline", fields: [("head", .string(head))], streaming: "events", elements: events) { bytes in
                streamed.append(contentsOf: bytes)
                pieces += 1
            }
            let whole = JSONOutput.text("timeline", fields: [("head", .string(head)), ("events", .array(events.map(valueTree)))])
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), whole, "\(events.count) events")
            XCTAssertEqual(Array(whole.utf8), streamed)
            if events.count == many.count { XCTAssertGreaterThan(pieces, 10, "written out as it goes, not held whole") }
        }
    }

    /// Strings are escaped eight bytes at a time where nothing needs it: every ASCII byte at
    /// every place in a word, between plain and non-ASCII neighbours, escapes as the rule says.
    func testEveryByteEscapesWhereverItStands() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        for byte in UInt8(0)..<0x80 {
            let special = String(Unicode.Scalar(byte))
            for before in 0..<17 {
                for filler in ["a", "æ", "€", "🚀"] {
                    let text = String(repeating: filler, count: before) + special + String(repeating: "z", count: 17 - before) + special
                    XCTAssertEqual(jsonText(.string(text)), reference(text), "byte \(byte) after \(before) × \(filler)")
                }
            }
        }
        for text in ["", "a", "abcdefgh", "abcdefg\"", "\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}", String(repeating: "~}|{ ", count: 9)] {
            XCTAssertEqual(jsonText(.string(text)), reference(text), text.debugDescription)
        }
    }

    func testTheStreamKeepsTheOtherKeysInOrder() {
        // The list key sorts among the others; the schema key is added and a caller's is dropped.
        var streamed: [UInt8] = []
        JSONOutput.stream("x", fields: [("zeta", .int(1)), ("alpha", .null), ("schema", .string("other"))], streaming: "m",
                          elements: [EventView]()) { streamed.append(contentsOf: $0) }
        XCTAssertEqual(String(decoding: streamed, as: UTF8.self), """
            {
              "alpha": null,
              "m": [],
              "schema": "readiness/x/v1",
              "zeta": 1
            }

            """)
    }
}
