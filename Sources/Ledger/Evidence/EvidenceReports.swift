import FoundationEssentials

/// report.md: a summary, then per section and item who signed, when, with what evidence, the
/// state at the end of the range and what is still open, with the two charts. The helpers are
/// shared with report.html (``EvidenceHTMLReport``).
enum EvidenceReports {
    static func who(_ line: EvidenceContent.ItemLine, _ content: EvidenceContent) -> String {
        line.record.by.map(content.show) ?? "—"
    }

    static func evidence(_ line: EvidenceContent.ItemLine, _ content: EvidenceContent) -> String {
        line.record.evidence.isEmpty ? "—" : content.evidence(line.record.evidence)
    }

    private static func markdownCell(_ text: String) -> String { MarkdownText.escape(text) }

    private static func list(_ values: [String]) -> String { values.isEmpty ? "all" : values.joined(separator: ", ") }

    static func heading(_ content: EvidenceContent) -> [String] {
        [
            "Ledger: \(content.ledgerName)",
            "Range: \(content.since ?? "beginning") to \(content.endTime)",
            "End commit: \(content.endCommit)",
            "Filters: sections \(list(content.request.sections)), items \(list(content.request.items)), tags \(list(content.request.tags))",
            "Events in range: \(content.events.count); items covered: \(content.lines.count); still open: \(content.openLines.count)",
            content.identityMode.line,
        ]
    }

    static func markdown(_ content: EvidenceContent) -> Data {
        var out = "# Evidence report: \(markdownCell(content.checklist.title))\n\n"
        for line in heading(content) { out += "- \(markdownCell(line))\n" }
        out += summary(EvidenceSummary(content))
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
                             who(line, content), line.record.at ?? "—", evidence(line, content), content.text(line.record.note) ?? "—",
                             line.event.map { String($0.commit.prefix(12)) } ?? "—", line.event?.signature ?? "—"]
                out += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
            }
        }
        out += "\n## Still open\n\n"
        out += content.openLines.isEmpty ? "Nothing: every selected item is done or waived.\n"
            : content.openLines.map { "- \($0.item.item.number) \(markdownCell($0.item.item.title)) (`\($0.item.fullID)`)\n" }.joined()
        out += "\n## Events in range\n\n| Time | Action | Item | Before → after | Signer | Note | Evidence | Commit | Signature |\n|---|---|---|---|---|---|---|---|---|\n"
        for (event, view) in zip(content.rawEvents, content.events) {
            let cells = [view.time, view.action, view.item ?? view.path, "\(view.stateBefore ?? "—") → \(view.stateAfter ?? "—")",
                         content.signer(view), content.text(view.note) ?? "", content.evidence(event.evidence),
                         view.commit, view.signature]
            out += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
        }
        return Data(out.utf8)
    }

    /// The summary as Markdown: one line per section, then blockers and expiring items.
    private static func summary(_ summary: EvidenceSummary) -> String {
        var out = "\n## Summary as of \(summary.day)\n\n| Section | Done | Waived | Items | Progress |\n|---|---|---|---|---|\n"
        for progress in summary.sections {
            out += "| \(progress.section.number). \(markdownCell(progress.section.title)) | \(progress.done) | \(progress.waived) | \(progress.total) | \(progress.percent)% |\n"
        }
        out += "\n### Blocks a release\n\n"
        out += summary.blockers.isEmpty ? "Nothing: every selected item is done or validly waived.\n"
            : summary.blockers.map { "- \($0.line.item.item.number) \(markdownCell($0.line.item.item.title)): \(markdownCell($0.reason))\n" }.joined()
        out += "\n### Expiring within \(EvidenceSummary.horizonDays) days\n\n"
        out += summary.expiring.isEmpty ? "Nothing.\n"
            : summary.expiring.map { "- \($0.line.item.item.number) \(markdownCell($0.line.item.item.title)): \($0.kind) holds through \($0.lastDay)\n" }.joined()
        return out
    }
}
