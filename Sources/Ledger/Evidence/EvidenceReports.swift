import Foundation

/// report.md and report.html: per section and item, who signed, when, with what evidence, the
/// state at the end of the range and what is still open, with the two charts.
enum EvidenceReports {
    private static func who(_ line: EvidenceContent.ItemLine) -> String {
        guard let by = line.record.by else { return "—" }
        return "\(by.name) <\(by.email)>"
    }

    private static func evidence(_ line: EvidenceContent.ItemLine) -> String {
        line.record.evidence.isEmpty ? "—" : line.record.evidence.map(\.summary).joined(separator: "; ")
    }

    private static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func list(_ values: [String]) -> String { values.isEmpty ? "all" : values.joined(separator: ", ") }

    private static func heading(_ content: EvidenceContent) -> [String] {
        [
            "Ledger: \(content.ledgerName)",
            "Range: \(content.since ?? "beginning") to \(content.endTime)",
            "End commit: \(content.endCommit)",
            "Filters: sections \(list(content.request.sections)), items \(list(content.request.items)), tags \(list(content.request.tags))",
            "Events in range: \(content.events.count); items covered: \(content.lines.count); still open: \(content.openLines.count)",
        ]
    }

    static func markdown(_ content: EvidenceContent) -> Data {
        var out = "# Evidence report: \(markdownCell(content.checklist.title))\n\n"
        for line in heading(content) { out += "- \(markdownCell(line))\n" }
        out += "\n## Timeline\n\n" + EvidenceCharts.timeline(content) + "\n\n## Readiness over time\n\n" + EvidenceCharts.readiness(content) + "\n\n"
        out += "| Date | " + content.sections.map { "\($0.number). \(markdownCell($0.title))" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: content.sections.count) + "\n"
        for point in content.readiness {
            out += "| \(point.day) | " + content.sections.map { "\(point.percent[$0.id] ?? 0)%" }.joined(separator: " | ") + " |\n"
        }
        out += "\n## Policy in force at the end of the range\n\n" + EvidencePolicy.lines(content).map { "- \(markdownCell($0))\n" }.joined()
        for section in content.sections {
            out += "\n## \(section.number). \(markdownCell(section.title))\n\n"
            out += "| # | Item | State | Signed by | When | Evidence | Note | Commit | Signature |\n|---|---|---|---|---|---|---|---|---|\n"
            for line in content.lines where line.item.section.id == section.id {
                let cells = [line.item.item.number, line.item.item.title + (line.item.item.tags.isEmpty ? "" : " " + line.item.item.tags.map { "#\($0)" }.joined(separator: " ")),
                             EvidencePolicy.state(line, content),
                             who(line), line.record.at ?? "—", evidence(line), line.record.note ?? "—",
                             line.event.map { String($0.commit.prefix(12)) } ?? "—", line.event?.signature ?? "—"]
                out += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
            }
        }
        out += "\n## Still open\n\n"
        out += content.openLines.isEmpty ? "Nothing: every selected item is done or waived.\n"
            : content.openLines.map { "- \($0.item.item.number) \(markdownCell($0.item.item.title)) (`\($0.item.fullID)`)\n" }.joined()
        out += "\n## Events in range\n\n| Time | Action | Item | Before → after | Signer | Note | Evidence | Commit | Signature |\n|---|---|---|---|---|---|---|---|---|\n"
        for view in content.events {
            let cells = [view.time, view.action, view.item ?? view.path, "\(view.stateBefore ?? "—") → \(view.stateAfter ?? "—")",
                         "\(view.signerName) <\(view.signerEmail)>", view.note ?? "", view.evidence.joined(separator: "; "),
                         view.commit, view.signature]
            out += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
        }
        return Data(out.utf8)
    }

    private static let style = """
        body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}
        table{border-collapse:collapse;width:100%;margin:0.5em 0 1.5em;font-size:12px}
        th,td{border:1px solid #bbb;padding:3px 5px;text-align:left;vertical-align:top}
        th{background:#eee} td.mono{font-family:monospace;word-break:break-all}
        .done{color:#2e8540;font-weight:bold} .open{color:#d1495b;font-weight:bold} .waived{color:#b07d00;font-weight:bold} .pending{color:#6a4c93;font-weight:bold}
        svg{max-width:100%;height:auto} h2{border-bottom:1px solid #ccc;page-break-after:avoid}
        @media print{body{margin:0;max-width:none} tr,svg{page-break-inside:avoid}}
        """

    static func html(_ content: EvidenceContent) -> Data {
        let e = EvidenceCharts.escape
        var out = "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>\(e("Evidence report: \(content.checklist.title)"))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        out += "<h1>\(e("Evidence report: \(content.checklist.title)"))</h1>\n<ul>\n"
        for line in heading(content) { out += "<li>\(e(line))</li>\n" }
        out += "</ul>\n<h2>Timeline</h2>\n\(EvidenceCharts.timeline(content))\n<h2>Readiness over time</h2>\n\(EvidenceCharts.readiness(content))\n"
        out += "<h2>Policy in force at the end of the range</h2>\n<ul>\n" + EvidencePolicy.lines(content).map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        for section in content.sections {
            out += "<h2>\(e("\(section.number). \(section.title)"))</h2>\n<table>\n<tr><th>#</th><th>Item</th><th>State</th><th>Signed by</th><th>When</th><th>Evidence</th><th>Note</th><th>Commit</th><th>Signature</th></tr>\n"
            for line in content.lines where line.item.section.id == section.id {
                let state = line.record.state.rawValue
                let tags = line.item.item.tags.map { " #\($0)" }.joined()
                out += "<tr><td>\(e(line.item.item.number))</td><td>\(e(line.item.item.title + tags))</td>"
                out += "<td class=\"\(state)\">\(e(EvidencePolicy.state(line, content)))</td>"
                out += "<td>\(e(who(line)))</td><td>\(e(line.record.at ?? "—"))</td><td>\(e(evidence(line)))</td><td>\(e(line.record.note ?? "—"))</td>"
                out += "<td class=\"mono\">\(e(line.event.map { String($0.commit.prefix(12)) } ?? "—"))</td><td>\(e(line.event?.signature ?? "—"))</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += "<h2>Still open</h2>\n"
        if content.openLines.isEmpty {
            out += "<p>Nothing: every selected item is done or waived.</p>\n"
        } else {
            out += "<ul>\n" + content.openLines.map { "<li>\(e("\($0.item.item.number) \($0.item.item.title) (\($0.item.fullID))"))</li>\n" }.joined() + "</ul>\n"
        }
        out += "<h2>Events in range</h2>\n<table>\n<tr><th>Time</th><th>Action</th><th>Item</th><th>Before → after</th><th>Signer</th><th>Note</th><th>Evidence</th><th>Commit</th><th>Signature</th></tr>\n"
        for view in content.events {
            out += "<tr><td>\(e(view.time))</td><td>\(e(view.action))</td><td>\(e(view.item ?? view.path))</td>"
            out += "<td>\(e("\(view.stateBefore ?? "—") → \(view.stateAfter ?? "—")"))</td><td>\(e("\(view.signerName) <\(view.signerEmail)>"))</td>"
            out += "<td>\(e(view.note ?? ""))</td><td>\(e(view.evidence.joined(separator: "; ")))</td><td class=\"mono\">\(e(view.commit))</td><td>\(e(view.signature))</td></tr>\n"
        }
        out += "</table>\n</body>\n</html>\n"
        return Data(out.utf8)
    }
}
