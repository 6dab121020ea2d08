import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness show ITEM`: everything about one item in one place.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", _superCommandName: ReadinessCommand.name,
        abstract: "Everything about one item: number, id, title, section, tags, state and who made it so, note, evidence, signature, last events.",
        discussion: HelpExamples.show)

    @Argument(help: "The item: id, number (1.1) or unambiguous prefix; a retired item by its id.", completion: LedgerCompletion.item)
    var item: String

    @Option(name: .long, help: "How many of its newest events to show.")
    var events = 10

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var signatures: SignatureOptions

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let queries = try LedgerQueries(store: session.store)
            let report = try ItemReport(query: item, queries: queries, verdicts: signatures.verdicts(for: session),
                                        verified: try session.verifiedState(), limit: events, people: session.people())
            if output.json {
                JSONOutput.print("show", fields: ItemReportText.json(report).fields)
            } else {
                print(ItemReportText.render(report, style: output.style(session)))
            }
        }
    }
}

/// Text and JSON forms of an item report.
enum ItemReportText {
    static func render(_ report: ItemReport, style: TextStyle = .plain) -> String {
        let item = report.item, status = report.status
        var lines = ["\(item.item.number) \(item.fullID)\(report.retired ? "  (retired: does not count)" : "")", "  \(item.item.title)"]
        var where_ = "  section \(item.section.number). \(item.section.title)"
        if !item.item.tags.isEmpty { where_ += " · tags " + item.item.tags.map { "#\($0)" }.joined(separator: " ") }
        lines.append(where_)
        var state = "  state   \(status.state.rawValue)"
        if let name = status.signerName, status.state != .open { state += " — \(name) <\(status.signerEmail ?? "")>, \(status.time.map(style.time) ?? "")" }
        lines.append(state)
        if let signoffs = status.signoffs { lines.append("  signed  \(signoffs.joined(separator: ", ")) (\(signoffs.count) of \(status.requiredSignoffs ?? signoffs.count))") }
        if let requested = status.requestedBy { lines.append("  waiver requested by \(requested)") }
        if let until = status.waivedUntil, status.state == .waived || status.state == .pending { lines.append("  waived until \(until)") }
        if let through = status.validThrough { lines.append("  valid through \(through)\(status.expired ? " — EXPIRED" : "")") }
        if let commit = status.commit {
            lines.append("  signature \(report.signature ?? "not checked") (commit \(commit.prefix(12)))\(status.unverified ? " (unverified)" : "")")
        }
        if let note = status.note, !note.isEmpty {
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { "  \($0.offset == 0 ? "note    " : "        ")\($0.element)" }
        }
        lines += status.evidence.map { "  evidence \($0)" }
        lines.append("  file    \(report.path)")
        lines.append(report.events.isEmpty ? "  no events" : "  last events (\(report.events.count) of \(report.totalEvents)), newest first:")
        for event in report.events {
            lines += EventText.line(event, style: style).split(separator: "\n").map { "    " + $0 }
        }
        return lines.map(TerminalText.escape).joined(separator: "\n")
    }

    /// The status line of the item (the same keys as in `status --json`) and what only `show` adds.
    static func json(_ report: ItemReport) -> JSONWriter.Value {
        let item = report.item
        let extra: [(String, JSONWriter.Value)] = [
            ("events", .array(report.events.map(\.json))),
            ("path", .string(report.path)),
            ("retired", .bool(report.retired)),
            ("sectionNumber", .string(item.section.number)),
            ("signature", .optional(report.signature)),
            ("tags", .array(item.item.tags.map { .string($0) })),
            ("totalEvents", .int(Int64(report.totalEvents))),
        ]
        return .object((JSONWriter.Value(reflecting: report.status).fields + extra).sorted { $0.0 < $1.0 })
    }
}
