import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness history`: every event of one item, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", _superCommandName: ReadinessCommand.name, abstract: "Show every event of one item, newest first.",
        discussion: HelpExamples.history)

    @Argument(help: "The item: id, number (1.1) or unambiguous prefix; a retired item by its full id.", completion: LedgerCompletion.item)
    var item: String

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var signatures: SignatureOptions

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let queries = try LedgerQueries(store: session.store)
            let verdicts = try signatures.verdicts(for: session)
            let people = try session.people()
            let views = try queries.history(of: item).map { EventView($0, signature: verdicts.verdict(for: $0.commit), naming: queries.naming, people: people) }
            if output.json {
                let path = try queries.itemPath(item)
                JSONOutput.print("history", fields: [("events", .array(views.map(\.json))), ("head", .string(queries.index.head.hex)),
                                                     ("item", .optional(queries.naming.item(atPath: path))), ("path", .string(path))])
            } else {
                let style = output.style(session)
                views.forEach { print(EventText.line($0, style: style)) }
            }
        }
    }
}

/// `readiness blame`: the commit, signer and time behind every item's current state.
struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame", _superCommandName: ReadinessCommand.name, abstract: "For every item, the commit, signer and time that made its current state.",
        discussion: HelpExamples.blame)

    @Option(name: .long, help: "Only this section (id, number or prefix).", completion: LedgerCompletion.section)
    var section: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var signatures: SignatureOptions

    struct Line: Codable {
        var id: String
        var number: String
        var title: String
        var state: ItemState
        var event: EventView?
    }

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let queries = try LedgerQueries(store: session.store)
            let verdicts = try signatures.verdicts(for: session)
            let people = try session.people()
            let lines = try queries.blame(section: section).map { line in
                Line(id: line.item.fullID, number: line.item.item.number, title: line.item.item.title, state: line.record.state,
                     event: line.event.map { EventView($0, signature: verdicts.verdict(for: $0.commit), naming: queries.naming, people: people) })
            }
            if output.json {
                JSONOutput.print("blame", fields: [("head", .string(queries.index.head.hex)), ("items", .array(lines.map { line in
                    .object([("event", line.event?.json ?? .null), ("item", .string(line.id)), ("number", .string(line.number)),
                             ("state", .string(line.state.rawValue)), ("title", .string(line.title))])
                }))])
                return
            }
            for line in lines {
                let who = line.event.map { "\($0.commit.prefix(12)) \($0.time) \($0.signerName) <\($0.signerEmail)> [\($0.signature)]" } ?? "(no event)"
                print(TerminalText.escape("\(line.number.padded(toLength: 6)) \(line.state.rawValue.padded(toLength: 7)) \(who)  \(line.id)"))
            }
        }
    }
}

/// `readiness timeline`: every event across the ledger in time order.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", _superCommandName: ReadinessCommand.name, abstract: "Show every event in time order, definition and trust changes included.",
        discussion: HelpExamples.timeline)

    @Option(name: .long, help: "From this date, date-time or commit.") var since: String?
    @Option(name: .long, help: "Up to this date (inclusive), date-time or commit.") var until: String?
    @Option(name: .long, help: "Only events by this person (part of name, e-mail or key).") var by: String?
    @Option(name: .long, help: "Only this section.", completion: LedgerCompletion.section) var section: String?
    @Option(name: .long, help: "Only this item.", completion: LedgerCompletion.item) var item: String?
    @Option(name: .long, help: "Only this action (check, uncheck, waive, create, init, …).", completion: LedgerCompletion.action) var action: String?
    @Option(name: .long, help: "Only items carrying this tag in the current definition (e.g. gdpr).", completion: LedgerCompletion.tag) var tag: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var signatures: SignatureOptions
    @Flag(name: .long, help: "Print CSV (the same names as the JSON).") var csv = false

    func validate() throws {
        guard !(csv && output.json) else { throw ValidationError("--json and --csv cannot be combined; choose one") }
    }

    func run() throws {
        try reportingErrors {
            let session = try ledgerOptions.session()
            let queries = try LedgerQueries(store: session.store)
            let people = try session.people()
            let filter = try queries.filter(since: since, until: until, person: by.map(people.principal(for:)), section: section, item: item,
                                            action: action, tag: tag)
            let verdicts = try signatures.verdicts(for: session)
            // Each event is decoded, viewed and written in turn: the whole timeline is never held.
            let views = try queries.timeline(filter).lazy.map { event in
                EventView(event, signature: verdicts.verdict(for: event.commit), naming: queries.naming, people: people)
            }
            if output.json {
                JSONOutput.print("timeline", fields: [("head", .string(queries.index.head.hex))], streaming: "events", elements: views)
            } else if csv {
                var text = EventView.csvHeader + "\r\n"
                for view in views {
                    text += view.csvRow + "\r\n"
                    if text.utf8.count > 1 << 16 { printData(Data(text.utf8)); text = "" }
                }
                printData(Data(text.utf8))
            } else {
                let style = output.style(session)
                views.forEach { print(EventText.line($0, style: style)) }
            }
        }
    }
}

/// `readiness diff`: what changed between two points.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", _superCommandName: ReadinessCommand.name, abstract: "Show what changed between two points (dates or commits), item by item.",
        discussion: HelpExamples.diff)

    @Argument(help: "The earlier point: a date, date-time or commit.") var from: String
    @Argument(help: "The later point (default: the head).") var to: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let store = try ledgerOptions.session().store
            let queries = try LedgerQueries(store: store)
            let old = try LedgerPoint.commit(for: from, in: store)
            let new = try to.map { try LedgerPoint.commit(for: $0, in: store) } ?? store.head()
            let differences = try queries.diff(from: old, to: new)
            if output.json {
                JSONOutput.print("diff", fields: [("changes", JSONWriter.Value(reflecting: differences)), ("from", .string(old.hex)), ("to", .string(new.hex))])
                return
            }
            print(DiffText.summary(differences, from: old.abbreviated(), to: new.abbreviated()))
            for difference in differences where difference.change != nil {
                print(TerminalText.escape("  definition \(difference.change ?? "")"))
            }
            for difference in differences where difference.change == nil {
                let states = "\(difference.stateBefore?.rawValue ?? "—") → \(difference.stateAfter?.rawValue ?? "—")"
                let who = difference.signerName.map { " by \($0), \(difference.time ?? "")" } ?? ""
                print(TerminalText.escape("  \(difference.kind.padded(toLength: 8)) \(difference.number ?? "") \(difference.item)  \(states)\(who)"))
            }
        }
    }
}

/// The text summary line of a diff.
enum DiffText {
    static func summary(_ differences: [LedgerQueries.Difference], from old: String, to new: String) -> String {
        let states = differences.filter { $0.change == nil }.count
        let definition = differences.count - states
        var line = "\(old) → \(new): \(states) item\(states == 1 ? "" : "s") changed"
        if definition > 0 { line += ", \(definition) definition change\(definition == 1 ? "" : "s")" }
        return line
    }
}
