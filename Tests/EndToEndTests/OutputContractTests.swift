import Foundation
import XCTest

/// Every `--json` output validates against its JSON Schema under `schemas/`, checked by a real
/// validator (Debian's python3-jsonschema, draft 2020-12), on a ledger that exercises every
/// field: sign-offs with evidence, a waiver, a four-eyes pending sign-off, a moved and a
/// retired item, a second signer. The CSV header uses the JSON names.
final class OutputContractTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let schemas = root.appendingPathComponent("schemas").path
    private static let validator = root.appendingPathComponent("Tests/contracts/validate.py").path
    private static let python = "/usr/bin/python3"

    private var box: Sandbox!
    private var ledger: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
    }

    override func tearDown() {
        box = nil
    }

    /// Runs the validator over (schema name, output file) pairs; returns its report.
    private func validate(_ pairs: [(String, String)]) throws -> RunResult {
        try box.run(Self.python, [Self.validator, Self.schemas] + pairs.map { "\($0.0)=\($0.1)" })
    }

    func testEveryJSONOutputValidatesAgainstItsSchema() throws {
        let evidence = box.path("rapport.txt")
        try "SSL-rapport\n".write(toFile: evidence, atomically: true, encoding: .utf8)
        try box.readinessOK("check", "1.1", "--note", "fornyet", "--evidence", "https://e.no/ssl", "--evidence-file", evidence, "--ledger", ledger)
        try box.readinessOK("waive", "1.2", "--reason", "senere", "--until", "2099-12-31", "--ledger", ledger)
        try box.readinessOK("policy", "approvals", "2", "2", "--ledger", ledger)
        try box.readinessOK("policy", "recertify", "1", "90", "--ledger", ledger)
        try box.readinessOK("check", "2.1", "--ledger", ledger) // pending: 1 of 2
        let olaKey = box.path("ola")
        try box.makeKey(at: olaKey, comment: "ola@example.no")
        try box.readinessOK("trust", "add", "ola@example.no", olaKey + ".pub", "--valid-after", "2020-01-01", "--ledger", ledger)
        let exported = try box.readinessOK("checklist", "export", "--ledger", ledger).stdout
        let edited = exported
            .replacingOccurrences(of: "- [ ] DDoS-beskyttelse aktivert {#sikkerhet/ddos-beskyttelse-aktivert}\n", with: "")
            .replacingOccurrences(of: "- [ ] Brannmurregler konfigurert {#sikkerhet/brannmurregler-konfigurert}\n", with: "")
            .replacingOccurrences(of: "## 3. Database {#database}\n", with: "## 3. Database {#database}\n- [ ] Brannmurregler konfigurert {#sikkerhet/brannmurregler-konfigurert}\n")
        let file = box.path("edited.md")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        try box.readinessOK("checklist", "update", file, "--ledger", ledger)

        let product = box.path("product")
        try box.git("init", "-q", product)
        let commands: [(schema: String, arguments: [String], code: Int32)] = [
            ("status", ["status", "--all"], 0),
            ("status", ["status", "--as-of", "main~3"], 0),
            ("history", ["history", "1.1"], 0),
            ("history", ["history", "database/brannmurregler-konfigurert"], 0),
            ("timeline", ["timeline"], 0),
            ("timeline", ["timeline", "--by", "nobody"], 0),
            ("blame", ["blame"], 0),
            ("diff", ["diff", "main~4"], 0),
            ("show", ["show", "1.1"], 0),
            ("show", ["show", "sikkerhet/ddos-beskyttelse-aktivert"], 0),
            ("show", ["show", "2.1"], 0),
            ("gate", ["gate"], 20),
            ("gate", ["gate", "--require", "1", "--at", "2100-01-01"], 20),
            ("due", ["due", "--within", "400"], 0),
            ("policy", ["policy", "show"], 0),
            ("trust", ["trust", "list"], 0),
            ("subject", ["subject", "kari@example.no"], 0),
            ("subject", ["subject", "nobody@example.no"], 0),
            ("verify", ["verify", "--full"], 0),
            ("verify-commit", ["verify", "--commit", "main~1"], 0),
        ]
        var pairs: [(String, String)] = []
        for (index, command) in commands.enumerated() {
            let result = try box.run(Sandbox.binary, command.arguments + ["--json", "--ledger", ledger])
            XCTAssertEqual(result.status, command.code, "\(command.arguments): \(result.stderr)")
            let output = box.path("output-\(index).json")
            try result.stdout.write(toFile: output, atomically: true, encoding: .utf8)
            pairs.append((command.schema, output))
        }
        let hook = try box.run(Sandbox.binary, ["hook", "status", "--json"], in: product)
        XCTAssertEqual(hook.status, 0, hook.stderr)
        try hook.stdout.write(toFile: box.path("hook.json"), atomically: true, encoding: .utf8)
        pairs.append(("hook", box.path("hook.json")))

        let report = try validate(pairs)
        XCTAssertEqual(report.status, 0, report.stdout + report.stderr)

        // The validator is real: an output missing a key, with a wrong enum value or an extra key fails.
        var status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pairs[0].1))) as? [String: Any])
        var items = try XCTUnwrap(status["items"] as? [[String: Any]])
        items[0]["note"] = nil
        items[1]["state"] = "finished"
        status["items"] = items
        status["extra"] = 1
        try JSONSerialization.data(withJSONObject: status).write(to: URL(fileURLWithPath: box.path("broken.json")))
        let broken = try validate([("status", box.path("broken.json"))])
        XCTAssertEqual(broken.status, 1)
        for expected in ["'note' is a required property", "'finished' is not one of", "'extra' was unexpected"] {
            XCTAssertTrue(broken.stdout.contains(expected), broken.stdout)
        }
    }

    func testCSVUsesTheJSONNamesAndJSONWithCSVIsRefused() throws {
        try box.readinessOK("check", "1.1", "--note", "a, \"b\"", "--ledger", ledger)
        let csv = try box.readinessOK("timeline", "--csv", "--ledger", ledger).stdout
        let header = try XCTUnwrap(csv.components(separatedBy: "\r\n").first).split(separator: ",").map(String.init)
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.schemas + "/common.schema.json"))) as? [String: Any])
        let event = try XCTUnwrap(((schema["$defs"] as? [String: Any])?["event"] as? [String: Any])?["properties"] as? [String: Any])
        XCTAssertEqual(header, ["time", "commit", "action", "item", "stateBefore", "stateAfter", "signerName", "signerEmail", "note", "evidence", "signature"])
        XCTAssertTrue(Set(header).isSubset(of: Set(event.keys)), "CSV columns not in the event schema: \(Set(header).subtracting(event.keys))")
        let both = try box.readiness("timeline", "--json", "--csv", "--ledger", ledger)
        XCTAssertEqual(both.status, 64, both.stderr)
        XCTAssertTrue(both.stderr.contains("--json and --csv"), both.stderr)
        XCTAssertTrue(both.stdout.isEmpty)
    }

    func testColourAndLocalTimesAreOptIn() throws {
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        let plain = try box.readinessOK("status", "--ledger", ledger).stdout
        XCTAssertFalse(plain.contains("\u{1B}["), "no colour into a pipe")
        XCTAssertTrue(try box.readinessOK("status", "--color", "always", "--ledger", ledger).stdout.contains("\u{1B}[32m[x]\u{1B}[0m"))
        XCTAssertFalse(try box.readinessOK("status", "--color", "auto", "--ledger", ledger, environment: ["NO_COLOR": "1"]).stdout.contains("\u{1B}["))
        XCTAssertEqual(try box.readinessOK("status", "--color", "never", "--ledger", ledger).stdout, plain)
        // Times: UTC unless asked; JSON always UTC.
        let oslo = ["TZ": "Europe/Oslo"]
        let utcTime = try XCTUnwrap(plain.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, options: .regularExpression).map { String(plain[$0]) })
        let local = try box.readinessOK("history", "1.1", "--local", "--ledger", ledger, environment: oslo).stdout
        XCTAssertFalse(local.contains(utcTime), local)
        XCTAssertTrue(local.range(of: #"T\d{2}:\d{2}:\d{2}\+0[12]:00"#, options: .regularExpression) != nil, local)
        try box.git("--git-dir", ledger, "config", "readiness.localTime", "true")
        XCTAssertTrue(try box.readinessOK("history", "1.1", "--ledger", ledger, environment: oslo).stdout.contains("+0"))
        XCTAssertTrue(try box.readinessOK("history", "1.1", "--json", "--ledger", ledger, environment: oslo).stdout.contains(utcTime))
    }
}
