import ArgumentParser
import Foundation
@testable import Ledger
@testable import LedgerCommands
import XCTest

// MARK: - Helpers in the style of swift-argument-parser's own AssertParseCommand / AssertHelp

/// Parses `arguments` as the `readiness` command line and hands the subcommand of type `T`
/// to `closure`; fails when parsing fails or yields another command.
func AssertParseCommand<T: ParsableCommand>(_ type: T.Type, _ arguments: [String],
                                            file: StaticString = #filePath, line: UInt = #line,
                                            closure: (T) throws -> Void) {
    do {
        let command = try ReadinessCommand.parseAsRoot(arguments)
        guard let parsed = command as? T else {
            return XCTFail("\(arguments) parsed as \(Swift.type(of: command)), not \(T.self)", file: file, line: line)
        }
        try closure(parsed)
    } catch {
        XCTFail("\(arguments) did not parse: \(ReadinessCommand.message(for: error))", file: file, line: line)
    }
}

/// Compares rendered text with the expected text line by line, naming the first line that
/// differs, so a formatting change shows where it is rather than as two walls of text.
func AssertRendered(_ actual: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    guard actual != expected else { return }
    let actualLines = actual.components(separatedBy: "\n"), expectedLines = expected.components(separatedBy: "\n")
    for index in 0..<max(actualLines.count, expectedLines.count) {
        let got = index < actualLines.count ? actualLines[index] : "<no line>"
        let wanted = index < expectedLines.count ? expectedLines[index] : "<no line>"
        if got != wanted {
            return XCTFail("line \(index + 1) differs:\n  expected: \(wanted)\n  actual:   \(got)\n--- whole output ---\n\(actual)", file: file, line: line)
        }
    }
}

/// An event view as a query would build it, from plain values (EventView is Codable).
func makeEventView(commit: String = String(repeating: "ab", count: 20), time: String = "2026-02-01T10:00:00Z",
                   path: String = "items/sikkerhet/ssl.json", item: String? = "sikkerhet/ssl", section: String? = "sikkerhet",
                   action: String = "check", stateBefore: String? = "open", stateAfter: String? = "done",
                   signerName: String = "Ola Hansen", signerEmail: String = "ola@example.no", signerKey: String? = "SHA256:abc",
                   note: String? = nil, evidence: [String] = [], waivedUntil: String? = nil, previous: [String] = [],
                   signature: String = "good") throws -> EventView {
    var fields: [String: Any] = ["commit": commit, "time": time, "path": path, "action": action, "signerName": signerName,
                                 "signerEmail": signerEmail, "evidence": evidence, "previous": previous, "signature": signature]
    let optionals: [String: String?] = ["item": item, "section": section, "stateBefore": stateBefore, "stateAfter": stateAfter,
                                        "signerKey": signerKey, "note": note, "waivedUntil": waivedUntil]
    for (key, value) in optionals { if let value { fields[key] = value } }
    return try JSONDecoder().decode(EventView.self, from: JSONSerialization.data(withJSONObject: fields))
}

/// The JSON text `JSONWriter` gives for `value`, as the commands print it.
func jsonText(_ value: JSONWriter.Value) -> String {
    var writer = JSONWriter()
    writer.write(value)
    return writer.text
}

// MARK: - Tests

/// The pure renderers of LedgerCommands, without the binary: status, gate and history text;
/// JSON; CSV. Expected texts are written out by hand.
final class RenderingTests: XCTestCase {
    private let head = "0123456789abcdef0123456789abcdef01234567"

    /// A status report built from plain values (StatusReport is Codable; its only initialiser reads a ledger).
    private func statusReport() throws -> StatusReport {
        func item(_ number: String, _ id: String, _ title: String, _ section: String, _ state: String,
                  signer: String? = nil, time: String? = nil, until: String? = nil) -> [String: Any] {
            var fields: [String: Any] = ["item": "\(section)/\(id)", "number": number, "title": title, "section": section,
                                         "sectionTitle": section.capitalized, "state": state, "evidence": [Any](),
                                         "unverified": false, "expired": false]
            if let signer {
                fields["signerName"] = signer
                fields["signerEmail"] = "ola@example.no"
                fields["commit"] = head
            }
            if let time { fields["time"] = time }
            if let until { fields["waivedUntil"] = until }
            return fields
        }
        let report: [String: Any] = [
            "ledger": "Butikk",
            "head": head,
            "today": "2026-03-01",
            "sections": [
                ["section": "sikkerhet", "number": "1", "title": "Sikkerhet", "total": 3, "done": 1, "waived": 1, "open": 1, "pending": 0],
                ["section": "drift", "number": "2", "title": "Drift", "total": 1, "done": 0, "waived": 0, "open": 1, "pending": 0],
            ],
            "items": [
                item("1.1", "ssl", "SSL på plass", "sikkerhet", "done", signer: "Ola Hansen", time: "2026-02-01T10:00:00Z"),
                item("1.2", "waf", "WAF \u{1B}[31m", "sikkerhet", "waived", signer: "Per Berg", time: "2026-02-02T10:00:00Z", until: "2099-01-01"),
                item("1.3", "dpia", "DPIA", "sikkerhet", "open"),
                item("2.1", "alarmer", "Alarmer", "drift", "open"),
            ],
        ]
        return try JSONDecoder().decode(StatusReport.self, from: JSONSerialization.data(withJSONObject: report))
    }

    func testStatusTextWithItemsAndSummary() throws {
        // 1.1 done + 1.2 waived of 3 = 66%; the bar has one '#' per full 10%.
        AssertRendered(StatusText.render(try statusReport(), itemsToo: true), """
            Butikk — 1/4 done, 1 waived (head 0123456789ab)

            1. Sikkerhet  1/3 done, 1 waived  [######....] 66%
              [x] 1.1 SSL på plass  (sikkerhet/ssl) — Ola Hansen, 2026-02-01T10:00:00Z
              [~] 1.2 WAF \\u{1b}[31m  (sikkerhet/waf) — Per Berg, 2026-02-02T10:00:00Z, until 2099-01-01
              [ ] 1.3 DPIA  (sikkerhet/dpia)

            2. Drift  0/1 done  [..........] 0%
              [ ] 2.1 Alarmer  (drift/alarmer)
            """)
        AssertRendered(StatusText.render(try statusReport(), itemsToo: false), """
            Butikk — 1/4 done, 1 waived (head 0123456789ab)
            1. Sikkerhet  1/3 done, 1 waived  [######....] 66%
            2. Drift  0/1 done  [..........] 0%
            """)
    }

    func testStatusItemsWriteExactlyTheirStoredProperties() throws {
        var items = try statusReport().items
        // Every optional field set too, with text that needs escaping.
        var full = items[1]
        full.note = "line\nnext \"quoted\" \\ \u{1B}"
        full.evidence = ["https://ci.example.no/1", "sha256:00ff rapport.pdf"]
        full.signoffs = ["ola@example.no", "per@example.no"]
        full.requiredSignoffs = 2
        full.requestedBy = "kari@example.no"
        full.validThrough = "2026-12-31"
        full.commit = head
        full.unverified = true
        full.expired = true
        items.append(full)
        for item in items {
            // The reference: each stored property through the one reflection rule, keys sorted.
            let stored = Mirror(reflecting: item).children.sorted { $0.label! < $1.label! }
            let reference = JSONWriter.Value.object(stored.map { ($0.label!, JSONWriter.Value(reflecting: $0.value)) })
            for level in [0, 1, 2, 5] {
                var written = JSONWriter(), expected = JSONWriter()
                item.write(to: &written, level: level)
                expected.write(reference, level: level)
                XCTAssertEqual(written.text, expected.text, "hand-written JSON drifted from the type (level \(level))")
                var fields = JSONWriter()
                fields.write(item.json, level: level)
                XCTAssertEqual(fields.text, expected.text, "the fields `show` uses drifted from the type (level \(level))")
            }
        }
    }

    /// `gate --json` writes its verdict by hand and streams the missing items: the same
    /// document, byte for byte, as reflecting the verdict's stored properties.
    func testGateJSONIsTheVerdictsStoredPropertiesStreamed() throws {
        var missing = [
            GateVerdict.Missing(number: "1.1", item: "sikkerhet/ssl", title: "SSL \"på\" plass \u{1B}[31m", section: "sikkerhet", state: .open),
            GateVerdict.Missing(number: "1.2", item: "sikkerhet/waf", title: "WAF", section: "sikkerhet", state: .waived, waivedUntil: "2026-01-31"),
            GateVerdict.Missing(number: "1.3", item: "sikkerhet/dpia", title: "DPIA", section: "sikkerhet", state: .pending,
                                signoffs: 1, requiredSignoffs: 2),
            GateVerdict.Missing(number: "2.1", item: "drift/alarmer", title: "Alarmer", section: "drift", state: .done, expired: "2026-02-28"),
        ]
        var request = missing[1]
        request.state = .pending
        request.awaitingApproval = true
        missing.append(request)
        func reference(_ value: Any) -> JSONWriter.Value {
            .object(Mirror(reflecting: value).children.sorted { $0.label! < $1.label! }.map { ($0.label!, JSONWriter.Value(reflecting: $0.value)) })
        }
        for item in missing {
            for level in [0, 1, 2, 5] {
                var written = JSONWriter(), expected = JSONWriter()
                item.write(to: &written, level: level)
                expected.write(reference(item), level: level)
                XCTAssertEqual(written.text, expected.text, "hand-written JSON drifted from the type (level \(level))")
            }
        }
        for list in [[], missing] {
            let verdict = GateVerdict(passed: list.isEmpty, ledger: "Butikk", head: head, source: "/tmp/ledger \"x\"", fetched: false,
                                      today: "2026-03-01", required: ["sikkerhet", "drift"], requiredItems: 7, missing: list)
            var streamed: [UInt8] = []
            JSONOutput.stream("gate", fields: verdict.fieldsBesideMissing, streaming: "missing", elements: verdict.missing) {
                streamed.append(contentsOf: $0)
            }
            // Reflection writes each missing item through its own JSON, so the whole reference
            // is built from stored properties here.
            var fields = reference(verdict).fields.filter { $0.0 != "missing" }
            fields.append(("missing", .array(list.map(reference))))
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), JSONOutput.text("gate", fields: fields))
            XCTAssertEqual(JSONOutput.text("gate", fields: verdict.json.fields), JSONOutput.text("gate", fields: fields))
        }
    }

    /// `status --json` streams its items after the other fields: the same document, byte for
    /// byte, as the whole report written at once.
    func testStatusJSONStreamedIsTheReportWrittenAtOnce() throws {
        var report = try statusReport()
        for retired in [nil, [report.items[0]]] {
            report.retired = retired
            var streamed: [UInt8] = []
            JSONOutput.stream("status", fields: report.fieldsBesideItems, streaming: "items", elements: report.items) {
                streamed.append(contentsOf: $0)
            }
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), JSONOutput.text("status", fields: report.json.fields))
            XCTAssertEqual(report.json.fields.map(\.0), report.json.fields.map(\.0).sorted())
        }
        report.items = []
        var streamed: [UInt8] = []
        JSONOutput.stream("status", fields: report.fieldsBesideItems, streaming: "items", elements: report.items) { streamed.append(contentsOf: $0) }
        XCTAssertEqual(String(decoding: streamed, as: UTF8.self), JSONOutput.text("status", fields: report.json.fields))
    }

    func testStatusReportAndSectionsWriteExactlyTheirStoredProperties() throws {
        var report = try statusReport()
        for retired in [nil, [report.items[0]]] {
            report.retired = retired
            let fields = JSONWriter.Value(reflecting: report).fields
            XCTAssertEqual(fields.map(\.0), Mirror(reflecting: report).children.compactMap(\.label).sorted(), "hand-written JSON drifted from the type")
            var written = JSONWriter(), expected = JSONWriter()
            written.write(.array(fields.map(\.1)))
            // What the stored values write on their own, each through the same one rule.
            expected.write(.array(Mirror(reflecting: report).children.sorted { $0.label! < $1.label! }.map { JSONWriter.Value(reflecting: $0.value) }))
            XCTAssertEqual(written.text, expected.text)
        }
        for section in try statusReport().sections {
            let fields = JSONWriter.Value(reflecting: section).fields
            let stored = Mirror(reflecting: section).children.sorted { $0.label! < $1.label! }
            XCTAssertEqual(fields.map(\.0), stored.map(\.label!), "hand-written JSON drifted from the type")
            var written = JSONWriter(), expected = JSONWriter()
            written.write(.array(fields.map(\.1)))
            expected.write(.array(stored.map { JSONWriter.Value(reflecting: $0.value) }))
            XCTAssertEqual(written.text, expected.text)
        }
    }

    func testStatusJSONHasSortedKeysAndEveryItem() throws {
        let text = JSONOutput.text("status", fields: JSONWriter.Value(reflecting: try statusReport()).fields)
        XCTAssertTrue(text.hasPrefix("{\n  \"head\": \"\(head)\",\n  \"items\": [\n    {\n      \"commit\": \"\(head)\","), text)
        XCTAssertTrue(text.hasSuffix("\n}\n"), "newline-terminated")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["schema"] as? String, "readiness/status/v1")
        // Every key is present in every item: an open item's signer is null, not missing.
        let open = try XCTUnwrap((object["items"] as? [[String: Any]])?[2])
        XCTAssertTrue(open["signerName"] is NSNull && open["waivedUntil"] is NSNull && open["expired"] as? Bool == false, "\(open)")
        XCTAssertEqual(Set((object["items"] as? [[String: Any]])?[0].keys.map { $0 } ?? []), Set(open.keys))
        XCTAssertTrue(object["retired"] is NSNull && object["verified"] is NSNull)
        XCTAssertEqual((object["items"] as? [[String: Any]])?.compactMap { $0["number"] as? String }, ["1.1", "1.2", "1.3", "2.1"])
        XCTAssertEqual((object["items"] as? [[String: Any]])?[1]["title"] as? String, "WAF \u{1B}[31m", "JSON keeps the text; escaping is for terminals")
    }

    private func verdict(passed: Bool, fetched: Bool) -> GateVerdict {
        GateVerdict(passed: passed, ledger: "Butikk", head: head, source: fetched ? "https://git.example.no/ledger.git" : "/srv/ledger.git",
                    fetched: fetched, today: "2026-03-01", required: ["sikkerhet", "drift"], requiredItems: 4,
                    missing: passed ? [] : [
                        GateVerdict.Missing(number: "1.3", item: "sikkerhet/dpia", title: "DPIA", section: "sikkerhet", state: .open, waivedUntil: nil),
                        GateVerdict.Missing(number: "2.1", item: "drift/alarmer-satt-opp", title: "Alarmer", section: "drift", state: .waived,
                                            waivedUntil: "2026-02-28"),
                    ])
    }

    func testGateTextPassedBlockedAndFetched() {
        AssertRendered(GateText.render(verdict(passed: true, fetched: false), ledgerOption: nil), """
            readiness gate: judged Butikk at commit \(head) (in /srv/ledger.git)
            passed: all 4 items of the 2 required sections are done or validly waived
            """)
        // Columns padded to the widest number and id; the ledger option is shell-quoted.
        AssertRendered(GateText.render(verdict(passed: false, fetched: true), ledgerOption: "/tmp/my ledger.git"), """
            readiness gate: judged Butikk at commit \(head) (fetched from https://git.example.no/ledger.git)
            blocked: 2 of the 4 items of the 2 required sections are not done:
              1.3  sikkerhet/dpia          DPIA  [open]
              2.1  drift/alarmer-satt-opp  Alarmer  [waiver expired 2026-02-28]
            Record the missing sign-offs with:
              readiness check sikkerhet/dpia --ledger '/tmp/my ledger.git'
              readiness check drift/alarmer-satt-opp --ledger '/tmp/my ledger.git'
            (only the state at https://git.example.no/ledger.git counts: sign off in a clone of it and push the ledger there)
            """)
    }

    func testGateJSONNamesTheVerdictForMachines() throws {
        let text = JSONOutput.text("gate", fields: JSONWriter.Value(reflecting: verdict(passed: false, fetched: false)).fields)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["schema"] as? String, "readiness/gate/v1")
        XCTAssertEqual(object["passed"] as? Bool, false)
        XCTAssertEqual(object["head"] as? String, head)
        XCTAssertEqual(object["required"] as? [String], ["sikkerhet", "drift"])
        let missing = try XCTUnwrap(object["missing"] as? [[String: Any]])
        XCTAssertEqual(missing.map { $0["number"] as? String }, ["1.3", "2.1"])
        XCTAssertEqual(missing[1]["state"] as? String, "waived")
        XCTAssertEqual(missing[1]["waivedUntil"] as? String, "2026-02-28")
        XCTAssertEqual(missing.map { $0["item"] as? String }, ["sikkerhet/dpia", "drift/alarmer-satt-opp"])
        XCTAssertTrue(text.contains("\"missing\": [\n    {\n      \"awaitingApproval\": null,"), text)
    }

    func testHistoryLineShowsStatesSignerNoteEvidenceAndEscapes() throws {
        let view = try makeEventView(note: "Fornyet\nav Ola \u{7}", evidence: ["https://ci.example.no/run/1", "rapport.pdf sha256:00ff"])
        AssertRendered(EventText.line(view), """
            2026-02-01T10:00:00Z  abababababab  check sikkerhet/ssl  open → done  by Ola Hansen <ola@example.no>  [good]
                Fornyet
                av Ola \\u{7}
                evidence: https://ci.example.no/run/1
                evidence: rapport.pdf sha256:00ff
            """)
        let waiver = try makeEventView(action: "waive", stateBefore: "waived", stateAfter: "waived", waivedUntil: "2099-01-01", signature: "unsigned")
        AssertRendered(EventText.line(waiver), """
            2026-02-01T10:00:00Z  abababababab  waive sikkerhet/ssl  → waived  by Ola Hansen <ola@example.no>  [unsigned]
                waived until 2099-01-01
            """)
        let trust = try makeEventView(path: "trust/allowed_signers", item: nil, section: nil, action: "trust-add", stateBefore: nil, stateAfter: nil)
        AssertRendered(EventText.line(trust),
                       "2026-02-01T10:00:00Z  abababababab  trust-add trust/allowed_signers  by Ola Hansen <ola@example.no>  [good]")
    }

    func testEventJSONHasEveryKeySortedWithNulls() throws {
        // Query output (history, timeline) is streamed by JSONWriter: `"key": value`, unlike the
        // Foundation-encoded status and gate JSON (`"key" : value`).
        let view = try makeEventView(signerKey: nil, evidence: ["https://e.no/1"], previous: ["cd"])
        AssertRendered(jsonText(view.json), """
            {
              "action": "check",
              "commit": "\(String(repeating: "ab", count: 20))",
              "evidence": [
                "https://e.no/1"
              ],
              "item": "sikkerhet/ssl",
              "note": null,
              "path": "items/sikkerhet/ssl.json",
              "previous": [
                "cd"
              ],
              "section": "sikkerhet",
              "signature": "good",
              "signerEmail": "ola@example.no",
              "signerKey": null,
              "signerName": "Ola Hansen",
              "stateAfter": "done",
              "stateBefore": "open",
              "time": "2026-02-01T10:00:00Z",
              "waivedUntil": null
            }
            """)
        XCTAssertEqual(jsonText(.array([])), "[]")
        XCTAssertEqual(jsonText(.string("\"æ\"\n\u{1}")), "\"\\\"æ\\\"\\n\\u0001\"")
    }

    func testCSVQuotesWhatNeedsQuotingAndDefusesFormulas() throws {
        XCTAssertEqual(EventView.csvHeader, "time,commit,action,item,stateBefore,stateAfter,signerName,signerEmail,note,evidence,signature")
        let plain = try makeEventView(commit: "c1", evidence: ["https://e.no/1", "https://e.no/2"])
        XCTAssertEqual(plain.csvRow, "2026-02-01T10:00:00Z,c1,check,sikkerhet/ssl,open,done,Ola Hansen,ola@example.no,,https://e.no/1 https://e.no/2,good")
        let awkward = try makeEventView(commit: "c2", signerName: "Hansen, Ola", note: "sa \"ja\"\nså nei", signature: "=HYPERLINK(\"x\")")
        XCTAssertEqual(awkward.csvRow,
                       "2026-02-01T10:00:00Z,c2,check,sikkerhet/ssl,open,done,\"Hansen, Ola\",ola@example.no,\"sa \"\"ja\"\"\nså nei\",,\"'=HYPERLINK(\"\"x\"\")\"")
        let ledgerWide = try makeEventView(commit: "c3", path: "checklist.json", item: nil, action: "create", stateBefore: nil, stateAfter: nil, note: "-1")
        XCTAssertEqual(ledgerWide.csvRow, "2026-02-01T10:00:00Z,c3,create,checklist.json,,,Ola Hansen,ola@example.no,'-1,,good")
        // Spreadsheets skip leading blanks before they look for a formula.
        let blanks = try makeEventView(commit: "c4", note: " \t=1+1")
        XCTAssertEqual(blanks.csvRow, "2026-02-01T10:00:00Z,c4,check,sikkerhet/ssl,open,done,Ola Hansen,ola@example.no,' \t=1+1,,good")
    }

    func testCommandLinesParseIntoTheOptionsTheRenderersGet() throws {
        AssertParseCommand(StatusCommand.self, ["status", "--summary", "--json", "--as-of", "2026-01-31"]) { status in
            XCTAssertTrue(status.summary)
            XCTAssertTrue(status.output.json)
            XCTAssertEqual(status.asOf, "2026-01-31")
        }
        AssertParseCommand(GateCommand.self, ["gate", "--require", "sikkerhet", "3", "--json", "--ledger", "/srv/l.git"]) { gate in
            XCTAssertEqual(gate.require, ["sikkerhet", "3"])
            XCTAssertTrue(gate.output.json)
            XCTAssertEqual(gate.ledgerOptions.ledger, "/srv/l.git")
        }
        AssertParseCommand(TimelineCommand.self, ["timeline", "--csv", "--by", "kari", "--since", "2026-01-01"]) { timeline in
            XCTAssertTrue(timeline.csv)
            XCTAssertFalse(timeline.output.json)
            XCTAssertEqual(timeline.by, "kari")
        }
        AssertParseCommand(HistoryCommand.self, ["history", "1.1", "--skip-signatures"]) { history in
            XCTAssertEqual(history.item, "1.1")
            XCTAssertTrue(history.signatures.skipSignatures)
        }
        XCTAssertThrowsError(try ReadinessCommand.parseAsRoot(["gate", "--fetch-timeout", "soon"]))
    }
}
