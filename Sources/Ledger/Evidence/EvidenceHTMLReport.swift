import FoundationEssentials

/// report.html: one self-contained page (no scripts, links, fonts or external styles) that
/// reads top down as an auditor works: a summary (progress bars per section, what blocks a
/// release, what runs out soon), the charts, the policy, every item, and every event.
/// Its language is the checklist's (``ReportLanguage``); tags are shown as tags.
enum EvidenceHTMLReport {
    private static let style = """
        body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px;line-height:1.35}
        table{border-collapse:collapse;width:100%;margin:0.5em 0 1.5em;font-size:12px}
        th,td{border:1px solid #bbb;padding:3px 5px;text-align:left;vertical-align:top}
        th{background:#eee} td.mono{font-family:monospace;word-break:break-all}
        .done{color:#2e8540;font-weight:bold} .open{color:#d1495b;font-weight:bold} .waived{color:#b07d00;font-weight:bold} .pending{color:#6a4c93;font-weight:bold}
        .summary{display:flex;flex-wrap:wrap;gap:1.5em} .summary>div{flex:1 1 320px}
        table.progress td{border:none;border-bottom:1px solid #eee;padding:4px 5px}
        .bar{width:180px;height:12px;background:#eee;border-radius:6px;overflow:hidden;display:flex}
        .bar span{display:block;height:100%} .bar .d{background:#2e8540} .bar .w{background:#edae49}
        .tag{display:inline-block;background:#e8eef7;color:#1b4f8a;border:1px solid #b9cbe6;border-radius:9px;padding:0 6px;margin-left:4px;font-size:11px;white-space:nowrap}
        .box{border:1px solid #ccc;border-radius:4px;padding:0.4em 1em;margin-bottom:0.8em} .box h3{margin:0.3em 0;font-size:14px}
        .box ul{margin:0.3em 0;padding-left:1.2em;font-size:13px} .blocking{border-color:#d1495b} .expiring{border-color:#edae49}
        .blocking ul{columns:3 260px;column-gap:1.5em} .blocking li{break-inside:avoid}
        svg{max-width:100%;height:auto} h2{border-bottom:1px solid #ccc;page-break-after:avoid}
        @media print{body{margin:0;max-width:none} tr,svg,.box{page-break-inside:avoid} .bar span{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    private static func e(_ text: String) -> String { EvidenceCharts.escape(text) }

    /// An item's title with its tags as tag chips.
    private static func title(_ item: ChecklistItemRef) -> String {
        e(item.item.title) + item.item.tags.map { "<span class=\"tag\">#\(e($0))</span>" }.joined()
    }

    static func render(_ content: EvidenceContent) -> Data {
        let heading = "Evidence report: \(content.checklist.title)"
        var out = "<!DOCTYPE html>\n<html lang=\"\(ReportLanguage.of(content.checklist))\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<title>\(e(heading))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        out += "<h1>\(e(heading))</h1>\n<ul>\n"
        for line in EvidenceReports.heading(content) { out += "<li>\(e(line))</li>\n" }
        out += "</ul>\n" + summary(EvidenceSummary(content))
        out += "<h2>Timeline</h2>\n\(EvidenceCharts.timeline(content))\n<h2>Readiness over time</h2>\n\(EvidenceCharts.readiness(content))\n"
        out += "<h2>Policy in force at the end of the range</h2>\n<ul>\n" + EvidencePolicy.lines(content).map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        for section in content.sections {
            out += "<h2>\(e("\(section.number). \(section.title)"))</h2>\n<table>\n<tr><th>#</th><th>Item</th><th>State</th><th>Signed by</th><th>When</th><th>Evidence</th><th>Note</th><th>Commit</th><th>Signature</th></tr>\n"
            for line in content.lines where line.item.section.id == section.id {
                out += "<tr><td>\(e(line.item.item.number))</td><td>\(title(line.item))</td>"
                out += "<td class=\"\(line.record.state.rawValue)\">\(e(EvidencePolicy.state(line, content)))</td>"
                out += "<td>\(e(EvidenceReports.who(line, content)))</td><td>\(e(line.record.at ?? "—"))</td><td>\(e(EvidenceReports.evidence(line, content)))</td><td>\(e(content.text(line.record.note) ?? "—"))</td>"
                out += "<td class=\"mono\">\(e(line.event.map { String($0.commit.prefix(12)) } ?? "—"))</td><td>\(e(line.event?.signature ?? "—"))</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += "<h2>Still open</h2>\n"
        if content.openLines.isEmpty {
            out += "<p>Nothing: every selected item is done or waived.</p>\n"
        } else {
            out += "<ul>\n" + content.openLines.map { "<li>\(e($0.item.item.number)) \(title($0.item)) (\(e($0.item.fullID)))</li>\n" }.joined() + "</ul>\n"
        }
        out += "<h2>Events in range</h2>\n<table>\n<tr><th>Time</th><th>Action</th><th>Item</th><th>Before → after</th><th>Signer</th><th>Note</th><th>Evidence</th><th>Commit</th><th>Signature</th></tr>\n"
        for (event, view) in zip(content.rawEvents, content.events) {
            out += "<tr><td>\(e(view.time))</td><td>\(e(view.action))</td><td>\(e(view.item ?? view.path))</td>"
            out += "<td>\(e("\(view.stateBefore ?? "—") → \(view.stateAfter ?? "—")"))</td><td>\(e(content.signer(view)))</td>"
            out += "<td>\(e(content.text(view.note) ?? ""))</td><td>\(e(content.evidence(event.evidence)))</td><td class=\"mono\">\(e(view.commit))</td><td>\(e(view.signature))</td></tr>\n"
        }
        out += "</table>\n</body>\n</html>\n"
        return Data(out.utf8)
    }

    /// Progress bars per section beside what runs out soon; below them, what blocks a release.
    private static func summary(_ summary: EvidenceSummary) -> String {
        var out = "<h2>Summary as of \(e(summary.day))</h2>\n<div class=\"summary\">\n<div>\n<table class=\"progress\">\n"
        for progress in summary.sections {
            let total = max(progress.total, 1)
            let done = Double(progress.done) * 100 / Double(total), waived = Double(progress.waived) * 100 / Double(total)
            out += "<tr><td>\(e("\(progress.section.number). \(progress.section.title)"))</td>"
            out += "<td><div class=\"bar\" title=\"\(progress.done) done, \(progress.waived) waived of \(progress.total)\">"
            out += "<span class=\"d\" style=\"width:\(NumberText.fixed(done, places: 1))%\"></span><span class=\"w\" style=\"width:\(NumberText.fixed(waived, places: 1))%\"></span></div></td>"
            out += "<td>\(progress.done)/\(progress.total)\(progress.waived > 0 ? " (+\(progress.waived) waived)" : "")</td></tr>\n"
        }
        out += "</table>\n</div>\n<div class=\"box expiring\">\n<h3>Expiring within \(EvidenceSummary.horizonDays) days (\(summary.expiring.count))</h3>\n"
        if summary.expiring.isEmpty {
            out += "<p>No waiver or sign-off runs out.</p>\n"
        } else {
            out += "<ul>\n" + summary.expiring.map { "<li>\(e($0.line.item.item.number)) \(title($0.line.item)): \($0.kind) holds through \(e($0.lastDay))</li>\n" }.joined() + "</ul>\n"
        }
        out += "</div>\n</div>\n<div class=\"box blocking\">\n<h3>Blocks a release (\(summary.blockers.count))</h3>\n"
        if summary.blockers.isEmpty {
            out += "<p>Nothing: every selected item is done or validly waived.</p>\n"
        } else {
            out += "<ul>\n" + summary.blockers.map { "<li>\(e($0.line.item.item.number)) \(title($0.line.item)): <span class=\"\($0.line.record.state.rawValue)\">\(e($0.reason))</span></li>\n" }.joined() + "</ul>\n"
        }
        return out + "</div>\n"
    }
}
