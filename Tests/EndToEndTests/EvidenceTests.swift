import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Evidence packs an auditor checks with stock tools, tags, and the subject-access report.
final class EvidenceTests: XCTestCase {
    /// A second and third person: their own key and git config, trusted via `readiness trust add`.
    private func person(_ box: Sandbox, _ name: String, _ email: String, ledger: String, on date: String) throws -> [String: String] {
        let key = box.path("key-\(email)")
        try box.makeKey(at: key, comment: email)
        let config = box.path("gitconfig-\(email)")
        try "[user]\n\tname = \(name)\n\temail = \(email)\n\tsigningkey = \(key)\n[gpg]\n\tformat = ssh\n".write(toFile: config, atomically: true, encoding: .utf8)
        try box.readinessOK("trust", "add", email, key + ".pub", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": date])
        return ["GIT_CONFIG_GLOBAL": config]
    }

    /// A ledger with three people signing, a waiver, evidence and a trust change, at fixed times.
    private func makeBusyLedger(_ box: Sandbox) throws -> (ledger: String, ola: [String: String], per: [String: String]) {
        let ledger = box.path("ledger.git")
        try box.readinessOK("init", ledger, environment: ["GIT_COMMITTER_DATE": "2026-01-10T10:00:00Z"])
        var ola = try person(box, "Ola Hansen", "ola@example.no", ledger: ledger, on: "2026-01-15T10:00:00Z")
        var per = try person(box, "Per Berg", "per@example.no", ledger: ledger, on: "2026-01-16T10:00:00Z")
        ola["GIT_COMMITTER_DATE"] = "2026-02-01T10:00:00Z"
        try box.readinessOK("check", "1.1", "--note", "sertifikat fornyet", "--evidence", "https://ci.example.no/run/1", "--ledger", ledger, environment: ola)
        per["GIT_COMMITTER_DATE"] = "2026-02-03T10:00:00Z"
        try box.readinessOK("check", "1.6", "--note", "DPIA gjennomgått med Ola Hansen", "--ledger", ledger, environment: per)
        var liv = try person(box, "Liv Dahl", "liv@example.no", ledger: ledger, on: "2026-02-03T12:00:00Z")
        liv["GIT_COMMITTER_DATE"] = "2026-02-04T10:00:00Z"
        try box.readinessOK("check", "4.1", "--ledger", ledger, environment: liv)
        try box.readinessOK("check", "2.1", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "2026-02-05T10:00:00Z"])
        try box.readinessOK("waive", "7.1", "--reason", "neste kvartal", "--until", "2099-01-01", "--ledger", ledger,
                            environment: ["GIT_COMMITTER_DATE": "2026-02-06T10:00:00Z"])
        try box.readinessOK("trust", "revoke", "liv@example.no", "--ledger", ledger, environment: ["GIT_COMMITTER_DATE": "2026-02-07T10:00:00Z"])
        return (ledger, ola, per)
    }

    private func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testEvidencePackVerifiesWithStockToolsAndIsByteIdentical() throws {
        let box = try Sandbox()
        let (ledger, _, _) = try makeBusyLedger(box)
        let out = box.path("pack1")
        try box.readinessOK("evidence", "--out", out, "--ledger", ledger)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(names, ["MANIFEST.sha256", "README.txt", "allowed_signers", "events.json", "history.bundle", "report.html", "report.md"])

        // The manifest covers every other file and checks with sha256sum.
        let manifest = try String(contentsOfFile: out + "/MANIFEST.sha256", encoding: .utf8)
        XCTAssertEqual(manifest.split(separator: "\n").map { String($0.split(separator: " ").last!) }, names.filter { $0 != "MANIFEST.sha256" })
        let check = try box.run("/usr/bin/sha256sum", ["-c", "MANIFEST.sha256"], in: out)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        // events.json: every event with its real verdict, and the definition at the end.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: read(out + "/events.json")) as? [String: Any])
        let events = try XCTUnwrap(json["events"] as? [[String: Any]])
        let gitCommits = Set(try box.git("--git-dir", ledger, "log", "--format=%H").split(separator: "\n").map(String.init))
        XCTAssertEqual(Set(events.map { $0["commit"] as! String }), gitCommits)
        XCTAssertTrue(events.allSatisfy { $0["signature"] as? String == "good" }, "\(events.map { $0["signature"] ?? "" })")
        let check11 = try XCTUnwrap(events.first { $0["action"] as? String == "check" && $0["item"] as? String == "sikkerhet/ssl-sertifikater-installert-og-konfigurert" })
        XCTAssertEqual(check11["signerEmail"] as? String, "ola@example.no")
        XCTAssertEqual(check11["evidence"] as? [String], ["https://ci.example.no/run/1"])
        XCTAssertEqual(check11["stateBefore"] as? String, "open")
        let checklist = try XCTUnwrap(json["checklist"] as? [String: Any])
        let items = (checklist["sections"] as! [[String: Any]]).flatMap { $0["items"] as! [[String: Any]] }
        XCTAssertEqual(items.count, 56)
        XCTAssertEqual(items.first { $0["id"] as? String == "gdpr-compliance-verifisert" }?["tags"] as? [String], ["gdpr"])

        // The copied history verifies with stock git and the included allowed-signers file.
        let clone = box.path("audit.git")
        try box.git("clone", "--quiet", "--bare", out + "/history.bundle", clone)
        try box.git("-C", clone, "fsck", "--full", "--strict")
        XCTAssertEqual(try box.git("-C", clone, "rev-parse", "HEAD"), try box.git("--git-dir", ledger, "rev-parse", "main"))
        XCTAssertEqual(try box.git("-C", clone, "symbolic-ref", "HEAD"), "refs/heads/main")
        for commit in gitCommits {
            let result = try box.run("/usr/bin/git", ["-C", clone, "-c", "gpg.ssh.allowedSignersFile=\(out)/allowed_signers", "verify-commit", commit])
            XCTAssertEqual(result.status, 0, "verify-commit \(commit): \(result.stderr)")
        }
        // Liv's key was revoked after she signed: the pack's file bounds it instead of dropping it.
        let signers = try String(contentsOfFile: out + "/allowed_signers", encoding: .utf8)
        let livLine = try XCTUnwrap(signers.split(separator: "\n").first { $0.hasPrefix("liv@example.no ") })
        XCTAssertTrue(livLine.contains("valid-after=\"20260203120000Z\"") && livLine.contains("valid-before=\"20260207100001Z\""), String(livLine))
        XCTAssertEqual(signers.split(separator: "\n").count, 4, signers)
        let readme = try String(contentsOfFile: out + "/README.txt", encoding: .utf8)
        XCTAssertTrue(readme.contains("verify-commit") && readme.contains("sha256sum -c") && readme.contains("fsck"), readme)

        // Exporting again gives the same bytes, file for file, even after the ledger was repacked.
        try box.git("--git-dir", ledger, "repack", "-a", "-d", "-f", "-q")
        let again = box.path("pack2")
        try box.readinessOK("evidence", "--out", again, "--ledger", ledger)
        for name in names {
            XCTAssertEqual(try read(out + "/" + name), try read(again + "/" + name), "\(name) differs between two exports")
        }
        // An existing non-empty directory is refused, and nothing is written into it.
        let refused = try box.readiness("evidence", "--out", out, "--ledger", ledger)
        XCTAssertEqual(refused.status, 8, refused.stderr)
    }

    /// An auditor re-exporting days later must get the same bytes. The later export runs under
    /// a clock moved three days forward with libfaketime (`faketime`, installed by .ci/run), so
    /// any read of the wall clock, in this tool or in the git it runs, would show. Before that:
    /// every date written in the pack is a date of the ledger's own commits (or a waiver's
    /// until-day), never today's.
    func testReExportUnderAClockMovedForwardIsByteIdentical() throws {
        let faketime = "/usr/bin/faketime"
        guard FileManager.default.isExecutableFile(atPath: faketime) else {
            return XCTFail("\(faketime) is missing: apt-get install faketime (.ci/run installs it)")
        }
        let box = try Sandbox()
        let (ledger, _, _) = try makeBusyLedger(box)
        // Monotonic time stays real, so the tool's timeouts still mean what they say.
        let later = ["FAKETIME_DONT_FAKE_MONOTONIC": "1"]
        func day(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            return formatter.string(from: date)
        }
        let today = day(Date()), threeDaysOn = day(Date().addingTimeInterval(3 * 86_400))

        // The fake clock reaches the binary: a sign-off made under it is dated three days on.
        let probe = try box.makeLedger("probe.git")
        let probed = try box.run(faketime, ["-f", "+3d", Sandbox.binary, "check", "1.1", "--ledger", probe], environment: later)
        XCTAssertEqual(probed.status, 0, probed.stderr)
        XCTAssertEqual(try box.git("--git-dir", probe, "log", "-1", "--format=%cs", "main"), threeDaysOn)

        let first = box.path("pack-today"), second = box.path("pack-later")
        try box.readinessOK("evidence", "--out", first, "--ledger", ledger)
        let exported = try box.run(faketime, ["-f", "+3d", Sandbox.binary, "evidence", "--out", second, "--ledger", ledger], environment: later)
        XCTAssertEqual(exported.status, 0, exported.stderr)

        // Every date in the text files is one of the ledger's commit days or the waiver's day.
        let commitDays = Set(try box.git("--git-dir", ledger, "log", "--format=%cs", "main").split(separator: "\n").map(String.init))
        let allowedDays = commitDays.union(["2099-01-01"])
        // Not inside a hex run: a commit id holding "19080916" between two letters is no date.
        let pattern = try NSRegularExpression(pattern: "(?<![0-9a-fA-F])(\\d{4})-?(\\d{2})-?(\\d{2})(?![0-9a-fA-F-])|(?<![0-9a-fA-F])(\\d{4})(\\d{2})(\\d{2})\\d{6}Z")
        for name in ["README.txt", "events.json", "report.md", "report.html", "allowed_signers", "MANIFEST.sha256"] {
            let text = try String(contentsOfFile: "\(first)/\(name)", encoding: .utf8)
            XCTAssertFalse(text.contains(today) || text.contains(today.replacingOccurrences(of: "-", with: "")), "\(name) holds today's date")
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let groups = match.range(at: 1).location != NSNotFound ? [1, 2, 3] : [4, 5, 6]
                let parts = groups.map { String(text[Range(match.range(at: $0), in: text)!]) }
                let found = parts.joined(separator: "-")
                // Only plausible calendar days: hashes and other digit runs are not dates.
                guard let month = Int(parts[1]), let dayOfMonth = Int(parts[2]), (1...12).contains(month), (1...31).contains(dayOfMonth),
                      parts[0].hasPrefix("20") || parts[0].hasPrefix("19") else { continue }
                XCTAssertTrue(allowedDays.contains(found), "\(name) holds \(found), which is not a date of the ledger (\(allowedDays.sorted()))")
            }
        }
        for name in EvidenceTests.packFiles {
            XCTAssertEqual(try read("\(first)/\(name)"), try read("\(second)/\(name)"), "\(name) differs when exported three days later")
        }
    }

    private static let packFiles = ["MANIFEST.sha256", "README.txt", "allowed_signers", "events.json", "history.bundle", "report.html", "report.md"]

    func testHTMLReportIsSelfContainedAndWellFormed() throws {
        let box = try Sandbox()
        let (ledger, _, _) = try makeBusyLedger(box)
        let out = box.path("pack")
        try box.readinessOK("evidence", "--out", out, "--ledger", ledger)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for forbidden in ["<script", "<link", "src=", "href=", "@import", "url(", "=\"http", "='http"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), "report.html contains \(forbidden)")
        }
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 2, "a timeline and a readiness chart")
        XCTAssertTrue(html.contains("Ola Hansen &lt;ola@example.no&gt;"))
        XCTAssertTrue(html.contains("https://ci.example.no/run/1"), "evidence links are shown as text")
        // Well-formed as XML once the doctype is dropped.
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
        let parser = XMLParser(data: Data(body.utf8))
        XCTAssertTrue(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError))")
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("## Still open"))
        XCTAssertTrue(markdown.contains("| 1.1 | SSL-sertifikater installert og konfigurert | done | Ola Hansen"), markdown)

        // For an auditor: the page's language is the checklist's, a summary comes first, tags are tags.
        XCTAssertTrue(html.contains("<html lang=\"nb\">"))
        let summary = try XCTUnwrap(html.range(of: "<h2>Summary as of 2026-02-07</h2>"), "the summary is dated by the range's end")
        XCTAssertLessThan(summary.lowerBound, try XCTUnwrap(html.range(of: "<h2>Timeline</h2>")).lowerBound, "the summary comes first")
        XCTAssertEqual(html.components(separatedBy: "<div class=\"bar\"").count - 1, 11, "one progress bar per section")
        XCTAssertTrue(html.contains("title=\"2 done, 0 waived of 6\""), "section 1: 1.1 and 1.6 done")
        XCTAssertTrue(html.contains("<h3>Blocks a release (51)</h3>"), "56 items, 4 done, 1 waived")
        XCTAssertTrue(html.contains("<h3>Expiring within 30 days (0)</h3>"))
        XCTAssertTrue(html.contains("GDPR-compliance verifisert<span class=\"tag\">#gdpr</span>"))
        XCTAssertTrue(markdown.contains("## Summary as of 2026-02-07") && markdown.contains("### Blocks a release"), markdown)
    }

    /// A ledger whose events all fall within minutes still gets readable charts; what runs out
    /// soon is listed; Markdown and HTML in a note stay text in both reports.
    func testReportOfALedgerMadeWithinMinutes() throws {
        let box = try Sandbox()
        let ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--note", "see [the run](https://evil.example/x) ![pixel](https://t.example/p.png) <img src=x> *bold*",
                            "--ledger", ledger)
        try box.readinessOK("check", "2.1", "--ledger", ledger)
        let soon = ISO8601DateFormatter.string(from: Date().addingTimeInterval(10 * 86_400), timeZone: TimeZone(identifier: "UTC")!,
                                               formatOptions: [.withFullDate])
        try box.readinessOK("waive", "6.1", "--reason", "neste kvartal", "--until", soon, "--ledger", ledger)
        let out = box.path("pack")
        try box.readinessOK("evidence", "--out", out, "--ledger", ledger)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        // Time-of-day labels, not the same day at both ends of the axis.
        let labels = try NSRegularExpression(pattern: ">\\d{2}:\\d{2}(:\\d{2})?</text>")
        XCTAssertEqual(labels.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)), 6, "three inner ticks on each chart")
        let ends = try NSRegularExpression(pattern: ">\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z</text>")
        XCTAssertEqual(ends.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)), 4, "the axis ends carry day and time")
        XCTAssertTrue(html.contains("<h3>Expiring within 30 days (1)</h3>"))
        XCTAssertTrue(html.contains("waiver holds through \(soon)"))
        XCTAssertTrue(markdown.contains("- 6.1 AI modeller optimalisert for produksjon: waiver holds through \(soon)"), markdown)
        XCTAssertTrue(markdown.contains("see \\[the run\\](https://evil.example/x) !\\[pixel\\](https://t.example/p.png) &lt;img src=x&gt; \\*bold\\*"), markdown)
        XCTAssertFalse(markdown.contains("run](https://evil.example"), "an unescaped link")
        XCTAssertTrue(html.contains("see [the run](https://evil.example/x) ![pixel](https://t.example/p.png) &lt;img src=x&gt; *bold*"))
    }

    func testTagFiltersEvidenceAndTimeline() throws {
        let box = try Sandbox()
        let (ledger, _, _) = try makeBusyLedger(box)
        let timeline = try Sandbox.jsonList(box.readinessOK("timeline", "--json", "--tag", "gdpr", "--ledger", ledger).stdout)
        XCTAssertEqual(timeline.map { $0["action"] as? String }, ["create", "check"])
        XCTAssertTrue(timeline.allSatisfy { $0["item"] as? String == "sikkerhet/gdpr-compliance-verifisert" })
        let out = box.path("gdpr")
        try box.readinessOK("evidence", "--out", out, "--tag", "gdpr", "--since", "2026-02-01", "--ledger", ledger)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: read(out + "/events.json")) as? [String: Any])
        let events = try XCTUnwrap(json["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["signerName"] as? String }, ["Per Berg"])
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("GDPR-compliance verifisert #gdpr"))
        XCTAssertFalse(markdown.contains("SSL-sertifikater"))
        // --until ends the range at the newest commit of that day: later events and states are left out.
        let early = box.path("early")
        try box.readinessOK("evidence", "--out", early, "--until", "2026-02-03", "--item", "1.1", "--item", "2.1", "--ledger", ledger)
        let earlyJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: read(early + "/events.json")) as? [String: Any])
        let earlyEvents = try XCTUnwrap(earlyJSON["events"] as? [[String: Any]])
        XCTAssertEqual(earlyEvents.map { "\($0["action"] ?? "")" }, ["create", "create", "check"])
        XCTAssertEqual((earlyJSON["range"] as? [String: Any])?["endCommit"] as? String,
                       try box.git("--git-dir", ledger, "rev-list", "-1", "--before=2026-02-03T23:59:59Z", "main"))
        let earlyReport = try String(contentsOfFile: early + "/report.md", encoding: .utf8)
        XCTAssertTrue(earlyReport.contains("| 2.1 | CloudWatch alarmer satt opp | open |"), earlyReport)
        // The shipped Markdown itself is untouched: the tag comes from the sidecar.
        XCTAssertEqual(try box.git("--git-dir", ledger, "show", "main:checklist.json").contains("\"gdpr\""), true)
    }

    func testSubjectReportFindsEverythingAboutOnePerson() throws {
        let box = try Sandbox()
        let (ledger, _, _) = try makeBusyLedger(box)
        func report(_ query: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(box.readinessOK("subject", query, "--json", "--ledger", ledger).stdout.utf8)) as? [String: Any])
        }
        let ola = try report("ola@example.no")
        XCTAssertEqual(ola["names"] as? [String], ["Ola Hansen"])
        let events = try XCTUnwrap(ola["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["role"] as? String }, ["signer", "mentioned"])
        XCTAssertEqual((events[1]["event"] as? [String: Any])?["signerName"] as? String, "Per Berg")
        let keys = try XCTUnwrap(ola["keys"] as? [[String: Any]])
        XCTAssertEqual(keys.count, 1)
        let fingerprint = try XCTUnwrap(keys.first?["key"] as? String)
        let trust = try XCTUnwrap(ola["trustChanges"] as? [[String: Any]])
        XCTAssertEqual(trust.count, 1)
        XCTAssertEqual((trust.first?["added"] as? [String])?.first, "ola@example.no \(fingerprint)")
        XCTAssertEqual(trust.first?["committer"] as? String, "Kari Nordmann <kari@example.no>")
        let appearances = try XCTUnwrap(ola["appearances"] as? [[String: Any]])
        let olaCommit = try box.git("--git-dir", ledger, "log", "--format=%H", "--author=ola@example.no")
        XCTAssertTrue(appearances.contains { $0["kind"] as? String == "author" && $0["commit"] as? String == olaCommit })
        XCTAssertTrue(appearances.contains { $0["kind"] as? String == "committer" && $0["commit"] as? String == olaCommit })
        XCTAssertTrue(appearances.contains { $0["kind"] as? String == "file" && $0["path"] as? String == "trust/allowed_signers" })
        XCTAssertTrue(appearances.contains { $0["kind"] as? String == "file" && ($0["path"] as? String ?? "").hasSuffix("ssl-sertifikater-installert-og-konfigurert.json") })

        // The same person found by name and by key fingerprint.
        // Matched as `timeline --by` matches: any part of name, e-mail or key, ignoring case.
        for query in ["Ola Hansen", fingerprint, "hansen", "OLA@EXAMPLE"] {
            let again = try report(query)
            XCTAssertEqual((again["events"] as? [[String: Any]])?.count, 2, query)
            XCTAssertEqual(again["emails"] as? [String], ["ola@example.no"], query)
        }
        // Kari, who made the ledger, signed the init, the check of 2.1, the waiver and both trust additions.
        let kari = try report("kari@example.no")
        let kariActions = Set((kari["events"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["action"] as? String })
        XCTAssertTrue(kariActions.isSuperset(of: ["init", "check", "waive", "create"]), "\(kariActions)")
        XCTAssertEqual((kari["trustChanges"] as? [[String: Any]])?.count, 1, "the root entry, added by init")
        XCTAssertFalse((ola["signerKeys"] as? [String] ?? []).contains { $0.contains("kari") })
        // Liv, trusted and later revoked: her event, both trust changes, her key found by fingerprint from history.
        let liv = try report("Liv Dahl")
        XCTAssertEqual((liv["events"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual((liv["keys"] as? [[String: Any]])?.count, 0, "no key trusted at the head")
        let livTrust = try XCTUnwrap(liv["trustChanges"] as? [[String: Any]])
        XCTAssertEqual(livTrust.map { ($0["added"] as? [String])?.count ?? 0 }, [1, 0])
        XCTAssertEqual(livTrust.map { ($0["removed"] as? [String])?.count ?? 0 }, [0, 1])
        let livKey = try XCTUnwrap((liv["signerKeys"] as? [String])?.first)
        XCTAssertEqual((try report(livKey)["emails"] as? [String]), ["liv@example.no"])
        let nobody = try box.readinessOK("subject", "nobody@example.no", "--ledger", ledger).stdout
        XCTAssertTrue(nobody.contains("holds nothing about"), nobody)
        let text = try box.readinessOK("subject", "per@example.no", "--ledger", ledger).stdout
        XCTAssertTrue(text.contains("Per Berg"), text)
    }
}
