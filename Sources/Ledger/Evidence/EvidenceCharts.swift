import FoundationEssentials

/// The two inline SVG charts of an evidence report. Self-contained (no fonts, links or
/// scripts), well-formed XML, and deterministic: positions are computed from commit times only.
enum EvidenceCharts {
    static let palette = ["#1b6ca8", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8d6e63", "#c2185b",
                          "#558b2f", "#37474f", "#f57c00", "#0097a7", "#7b1fa2", "#9e9d24"]

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Shown, not obeyed: a stored bidirectional override must not reorder the report.
                if FreeText.unsafe(character) != nil { out += "\\u{\(String(character.value, radix: 16))}" } else { out.unicodeScalars.append(character) }
            }
        }
        return out
    }

    static func color(_ action: String) -> String {
        switch action {
        case "check": "#2e8540"
        case "uncheck": "#d1495b"
        case "waive": "#edae49"
        case "create": "#9e9e9e"
        default: "#1b6ca8"
        }
    }

    private static func x(_ time: Int64, _ content: EvidenceContent, left: Double, width: Double) -> Double {
        let span = max(content.rangeEnd - content.rangeStart, 1)
        let fraction = Double(time - content.rangeStart) / Double(span)
        return left + min(max(fraction, 0), 1) * width
    }

    private static func format(_ value: Double) -> String { NumberText.fixed(value, places: 1) }

    /// The time axis. A range of two days or more is labelled with its first and last day. A
    /// shorter one (a ledger whose events all fall within minutes) gets five ticks labelled with
    /// the time of day, to the second when it spans less than ten minutes, and the day only at
    /// its ends, so that no label names a day the range does not start or end on.
    private static func axis(_ content: EvidenceContent, left: Double, width: Double, y: Double) -> String {
        var svg = "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + width))\" y2=\"\(format(y))\" stroke=\"#444\"/>\n"
        let span = content.rangeEnd - content.rangeStart
        let ticks = span >= 2 * 86_400 ? 1 : 4
        for tick in 0...ticks {
            let time = content.rangeStart + span * Int64(tick) / Int64(ticks)
            let tx = left + width * Double(tick) / Double(ticks)
            let anchor = tick == 0 ? "start" : tick == ticks ? "end" : "middle"
            if ticks > 1 { svg += "<line x1=\"\(format(tx))\" y1=\"\(format(y))\" x2=\"\(format(tx))\" y2=\"\(format(y + 4))\" stroke=\"#444\"/>" }
            let label = tickLabel(time, span: span, withDay: tick == 0 || tick == ticks)
            svg += "<text x=\"\(format(tx))\" y=\"\(format(y + 16))\" font-size=\"11\" text-anchor=\"\(anchor)\">\(escape(label))</text>\n"
        }
        return svg
    }

    /// A tick's label: the day for ranges of two days or more; for shorter ones the UTC time
    /// of day (with seconds under ten minutes), written as the report writes times
    /// (`2026-03-01T10:05Z`) when `withDay`. Short enough that neighbouring labels never touch.
    static func tickLabel(_ time: Int64, span: Int64, withDay: Bool) -> String {
        let iso = CommitTime.iso8601(time)
        if span >= 2 * 86_400 { return String(iso.prefix(10)) }
        let clock = String(iso.dropFirst(11).prefix(span >= 600 ? 5 : 8))
        return withDay ? String(iso.prefix(11)) + clock + "Z" : clock
    }

    /// One row per section (plus one for ledger-wide changes), one mark per event, coloured by action.
    static func timeline(_ content: EvidenceContent) -> String {
        var rows = content.sections.map { ($0.id, "\($0.number). \($0.title)") }
        if content.rawEvents.contains(where: { $0.sectionID == nil }) { rows.append(("", "Ledger: definition, trust")) }
        let left = 230.0, width = 630.0, rowHeight = 22.0, top = 10.0
        let height = top + Double(rows.count) * rowHeight + 50
        var svg = "<svg role=\"img\" aria-label=\"Timeline of events\" width=\"900\" height=\"\(format(height))\" viewBox=\"0 0 900 \(format(height))\" font-family=\"sans-serif\">\n"
        svg += "<title>Timeline: \(content.events.count) events</title>\n"
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight + rowHeight / 2
            svg += "<text x=\"\(format(left - 8))\" y=\"\(format(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(escape(String(row.1.prefix(36))))</text>\n"
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + width))\" y2=\"\(format(y))\" stroke=\"#ddd\"/>\n"
        }
        let rowIndex = Dictionary(rows.enumerated().map { ($0.element.0, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for (event, view) in zip(content.rawEvents, content.events) {
            guard let row = rowIndex[event.sectionID ?? ""] else { continue }
            let y = top + Double(row) * rowHeight + rowHeight / 2
            let label = "\(view.time) \(view.action) \(view.item ?? view.path) by \(content.identities == nil ? view.signerName : content.signer(view))"
            svg += "<circle cx=\"\(format(x(event.time, content, left: left, width: width)))\" cy=\"\(format(y))\" r=\"5\" fill=\"\(color(view.action))\" fill-opacity=\"0.8\"><title>\(escape(label))</title></circle>\n"
        }
        let axisY = top + Double(rows.count) * rowHeight + 4
        svg += axis(content, left: left, width: width, y: axisY)
        var legendX = left
        for action in ["check", "uncheck", "waive", "create", "other"] {
            svg += "<circle cx=\"\(format(legendX))\" cy=\"\(format(axisY + 32))\" r=\"5\" fill=\"\(color(action))\"/>"
            svg += "<text x=\"\(format(legendX + 9))\" y=\"\(format(axisY + 36))\" font-size=\"11\">\(action)</text>\n"
            legendX += 80
        }
        return svg + "</svg>"
    }

    /// Percent done per section by date: one step line per section.
    static func readiness(_ content: EvidenceContent) -> String {
        let left = 50.0, width = 580.0, top = 15.0, plot = 200.0
        let legendRows = content.sections.count
        let height = max(top + plot + 40, top + Double(legendRows) * 16 + 20)
        var svg = "<svg role=\"img\" aria-label=\"Readiness over time\" width=\"900\" height=\"\(format(height))\" viewBox=\"0 0 900 \(format(height))\" font-family=\"sans-serif\">\n"
        svg += "<title>Percent done per section by date</title>\n"
        for percent in stride(from: 0, through: 100, by: 25) {
            let y = top + plot - Double(percent) / 100 * plot
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + width))\" y2=\"\(format(y))\" stroke=\"#e0e0e0\"/>"
            svg += "<text x=\"\(format(left - 6))\" y=\"\(format(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(percent)%</text>\n"
        }
        for (index, section) in content.sections.enumerated() {
            let colour = palette[index % palette.count]
            var points: [String] = []
            var previousY: Double?
            for point in content.readiness {
                let px = x(point.time, content, left: left, width: width)
                let py = top + plot - Double(point.percent[section.id] ?? 0) / 100 * plot
                if let previousY { points.append("\(format(px)),\(format(previousY))") }
                points.append("\(format(px)),\(format(py))")
                previousY = py
            }
            if let previousY { points.append("\(format(left + width)),\(format(previousY))") }
            let final = content.readiness.last?.percent[section.id] ?? 0
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"><title>\(escape("\(section.number). \(section.title): \(final)%"))</title></polyline>\n"
            let legendY = top + Double(index) * 16 + 6
            svg += "<rect x=\"650\" y=\"\(format(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            svg += "<text x=\"665\" y=\"\(format(legendY))\" font-size=\"11\">\(escape(String("\(section.number). \(section.title)".prefix(30)))) \(final)%</text>\n"
        }
        svg += axis(content, left: left, width: width, y: top + plot)
        return svg + "</svg>"
    }
}
