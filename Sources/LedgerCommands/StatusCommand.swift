import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness status`: progress per section and every item's state.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", _superCommandName: ReadinessCommand.name, abstract: "Show progress per section and each item's state (reads one tree).",
        discussion: HelpExamples.status)

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "List only the section totals.")
    var summary = false

    @Option(name: .long, help: ArgumentHelp("The checklist as it stood at this date, date-time or commit.", valueName: "point"))
    var asOf: String?

    @Flag(name: .long, help: "Also list retired items with their last state (they do not count).")
    var all = false

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let store = session.store
            let snapshot = try store.snapshot(at: asOf.map { try LedgerPoint.commit(for: $0, in: store) })
            var report = try StatusReport(snapshot: snapshot, lookup: EventLookup(store: store), includeRetired: all, people: session.people())
            if asOf == nil { report.mark(try session.verifiedState()) }
            if output.json {
                // Items streamed as they are written: 10,000 of them made a 6 MB text held three times over.
                JSONOutput.print("status", fields: report.fieldsBesideItems, streaming: "items", elements: report.items)
            } else {
                print(StatusText.render(report, itemsToo: !summary, style: output.style(session)))
            }
        }
    }
}

/// The text form of a status report.
enum StatusText {
    static func render(_ report: StatusReport, itemsToo: Bool, style: TextStyle = .plain) -> String {
        // One text grown in place (about 80 bytes an item reserved up front), not a line array
        // joined at the end; counted in one pass that copies no item.
        var text = ""
        text.reserveCapacity(256 + (itemsToo ? 80 * report.items.count : 0))
        func line(_ part: String) {
            if !text.isEmpty { text += "\n" }
            text += part
        }
        var done = 0, waived = 0, pending = 0
        for item in report.items {
            switch item.state {
            case .done: done += 1
            case .waived: waived += 1
            case .pending: pending += 1
            case .open: break
            }
        }
        line("\(TerminalText.escape(report.ledger)) — \(done)/\(report.items.count) done, \(waived) waived\(pending > 0 ? ", \(pending) pending" : "") (head \(report.head.prefix(12)))")
        if let verified = report.verified {
            line("warning: the history after \(verified.prefix(12)) does not verify; states marked (unverified) come from it (run `readiness verify`)")
        }
        for section in report.sections {
            let percent = section.total == 0 ? 100 : (section.done + section.waived) * 100 / section.total
            if itemsToo { text += "\n" }
            let progress = "\(section.done)/\(section.total) done\(section.waived > 0 ? ", \(section.waived) waived" : "")\(section.pending > 0 ? ", \(section.pending) pending" : "")  \(bar(percent)) \(percent)%"
            // The title gives way on a narrow terminal; the progress never does.
            let title = "\(section.number). \(TerminalText.escape(section.title))"
            let room = (style.width ?? Int.max) - progress.count - 2
            let shown = title.count > room && room > 1 ? String(title.prefix(room - 1)) + "…" : title
            line(shown + "  " + (percent == 100 ? style.paint(progress, 32) : progress))
            guard itemsToo else { continue }
            for item in report.items where item.section == section.section {
                line(itemLine(item, style))
            }
        }
        if let retired = report.retired, itemsToo {
            text += "\n"
            line(retired.isEmpty ? "No retired items." : "Retired (\(retired.count), not counted):")
            for item in retired {
                line(itemLine(item, style, retiredFrom: item.sectionTitle))
            }
        }
        return text
    }

    private static func itemLine(_ item: StatusReport.Item, _ style: TextStyle, retiredFrom section: String? = nil) -> String {
        let mark: String
        switch item.state {
        case .done: mark = "[x]"
        case .waived: mark = "[~]"
        case .open: mark = "[ ]"
        case .pending: mark = "[/]"
        }
        // Appended piece by piece: interpolating it was half the cost of a 10,000-item listing.
        var line = "  "
        line.reserveCapacity(96)
        line += mark
        line += " "
        line += item.number
        line += " "
        line += TerminalText.escape(item.title)
        line += "  ("
        line += item.item
        line += ")"
        if let name = item.signerName, item.state != .open {
            line += " — \(TerminalText.escape(name)), \(item.time.map(style.time) ?? "")"
        }
        if let until = item.waivedUntil, item.state == .waived { line += ", until \(until)" }
        if item.state == .pending {
            line += item.signoffs.map { " — pending: \($0.count) of \(item.requiredSignoffs ?? $0.count + 1) sign-offs" } ?? " — pending: waiver awaiting approval"
        }
        if item.expired, item.state == .done { line += " — EXPIRED \(item.validThrough ?? ""), re-certify" }
        if !item.expired, item.state == .done, let through = item.validThrough { line += ", valid through \(through)" }
        if item.unverified { line += " (unverified)" }
        if let section { line += "  [retired from \(TerminalText.escape(section))]" }
        // Cut first, colour after, so escape codes never count against the width.
        let fitted = style.fit(line)
        let colour: Int
        switch item.state {
        case .done: colour = item.expired ? 31 : 32
        case .waived: colour = 33
        case .pending: colour = 36
        case .open: colour = 0
        }
        guard colour != 0, fitted.hasPrefix("  \(mark)") else { return fitted }
        return "  " + style.paint(mark, colour) + fitted.dropFirst(2 + mark.count)
    }

    private static func bar(_ percent: Int) -> String {
        let filled = percent / 10
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 10 - filled) + "]"
    }
}
