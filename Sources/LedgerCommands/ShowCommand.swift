import ArgumentParser
import Foundation
import Ledger

/// `readiness show ITEM`: everything about one item in one place.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
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
                                        verified: try session.verifiedState(), limit: events)
            if output.json {
                var writer = JSONWriter()
                writer.write(ItemReportText.json(report), level: 0)
                writer.raw("\n")
                printData(Data(writer.drain()))
            } else {
                print(ItemReportText.render(report))
            }
        }
    }
}

/// Text and JSON forms of an item report.
enum ItemReportText {
    static func render(_ report: ItemReport) -> String {
        let item = report.item, status = report.status
        var lines = ["\(item.item.number) \(item.fullID)\(report.retired ? "  (retired: does not count)" : "")", "  \(item.item.title)"]
        var where_ = "  section \(item.section.number). \(item.section.title)"
        if !item.item.tags.isEmpty { where_ += " · tags " + item.item.tags.map { "#\($0)" }.joined(separator: " ") }
        lines.append(where_)
        var state = "  state   \(status.state.rawValue)"
        if let name = status.signerName, status.state != .open { state += " — \(name) <\(status.signerEmail ?? "")>, \(status.time ?? "")" }
        lines.append(state)
        if let signoffs = status.signoffs { lines.append("  signed  \(signoffs.joined(separator: ", ")) (\(signoffs.count) of \(status.requiredSignoffs ?? signoffs.count))") }
        if let requested = status.requestedBy { lines.append("  waiver requested by \(requested)") }
        if let until = status.waivedUntil, status.state == .waived || status.state == .pending { lines.append("  waived until \(until)") }
        if let through = status.validThrough { lines.append("  valid through \(through)\(status.expired == true ? " — EXPIRED" : "")") }
        if let commit = status.commit {
            lines.append("  signature \(report.signature ?? "not checked") (commit \(commit.prefix(12)))\(status.unverified == true ? " (unverified)" : "")")
        }
        if let note = status.note, !note.isEmpty {
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { "  \($0.offset == 0 ? "note    " : "        ")\($0.element)" }
        }
        lines += status.evidence.map { "  evidence \($0.summary)" }
        lines.append("  file    \(report.path)")
        lines.append(report.events.isEmpty ? "  no events" : "  last events (\(report.events.count) of \(report.totalEvents)), newest first:")
        for event in report.events {
            lines += EventText.line(event).split(separator: "\n").map { "    " + $0 }
        }
        return lines.map(TerminalText.escape).joined(separator: "\n")
    }

    static func json(_ report: ItemReport) -> JSONWriter.Value {
        let item = report.item, status = report.status
        return .object([
            ("commit", .optional(status.commit)),
            ("events", .array(report.events.map(\.json))),
            ("evidence", .array(status.evidence.map { .string($0.summary) })),
            ("expired", .bool(status.expired == true)),
            ("id", .string(item.fullID)),
            ("note", .optional(status.note)),
            ("number", .string(item.item.number)),
            ("path", .string(report.path)),
            ("requestedBy", .optional(status.requestedBy)),
            ("requiredSignoffs", .int(Int64(status.requiredSignoffs ?? 1))),
            ("retired", .bool(report.retired)),
            ("schema", .string("readiness/show/v1")),
            ("section", .object([("id", .string(item.section.id)), ("number", .string(item.section.number)), ("title", .string(item.section.title))])),
            ("signature", .optional(report.signature)),
            ("signerEmail", .optional(status.signerEmail)),
            ("signerName", .optional(status.signerName)),
            ("signoffs", .array((status.signoffs ?? []).map { .string($0) })),
            ("state", .string(status.state.rawValue)),
            ("tags", .array(item.item.tags.map { .string($0) })),
            ("time", .optional(status.time)),
            ("title", .string(item.item.title)),
            ("totalEvents", .int(Int64(report.totalEvents))),
            ("unverified", .bool(status.unverified == true)),
            ("validThrough", .optional(status.validThrough)),
            ("waivedUntil", .optional(status.waivedUntil)),
        ])
    }
}
