import ArgumentParser
import FoundationEssentials
import Ledger

/// `readiness gate`: exit 0 when every required item is done or validly waived, 20 otherwise.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", _superCommandName: ReadinessCommand.name,
        abstract: "Pass (exit 0) when every required item is done or validly waived; otherwise list what is missing and exit 20.",
        discussion: HelpExamples.after("""
            Exit codes: 0 passed, 20 blocked, 21 the ledger's history fails verification or it is not the pinned \
            ledger, 4 unknown section, 3 no ledger, 10 fetch failed. A ledger given as a git URL, or a ledger \
            clone with a remote, is fetched first (bounded by --fetch-timeout), so only the shared state counts. \
            The whole history up to the judged head must verify (incrementally, from the last verified commit), \
            and its root commit must be the pinned one (--ledger-root, readiness.ledgerRoot). A head older than \
            one this machine has seen (kept as refs/readiness/seen in the ledger or mirror, and as \
            refs/readiness/seen/<root> in the product repository) is a rollback, exit 21, unless accepted with \
            --accept-rollback. Run it as a CI step: client hooks can be skipped.
            """, HelpExamples.gate))

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Required sections by id, number or unambiguous id prefix, or `all`. Default: `git config readiness.require`, else all.",
        valueName: "section"), completion: LedgerCompletion.requirement)
    var require: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for fetching a remote ledger. Default: readiness.fetchTimeout, else 20.", valueName: "seconds"))
    var fetchTimeout: Double?

    @Option(name: .long, help: ArgumentHelp(
        "The root commit the ledger must have (7 to 40 hex digits). Default: readiness.ledgerRoot, which `hook install` and `clone` record.",
        valueName: "commit"))
    var ledgerRoot: String?

    @Option(name: .long, help: ArgumentHelp(
        "Accept this ledger commit although a newer one was seen before (a deliberate rollback); recorded and logged.",
        valueName: "commit"))
    var acceptRollback: String?

    @Option(name: .long, help: ArgumentHelp(
        "Refuse a ledger whose newest commit is older than this many days (freeze protection). Default: readiness.maxAge.",
        valueName: "days"))
    var maxAge: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Judge waivers and re-certification as of this day (YYYY-MM-DD), e.g. next month's release day. Default: today (UTC).",
        valueName: "date"))
    var at: String?

    @OptionGroup var ledgerOptions: LedgerOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let verdict = try reportingErrors {
            if let at, DateParsing.day(at) == nil {
                throw LedgerError(.invalidInput, "--at '\(TerminalText.escape(at))' is not a date", hint: "give the day as YYYY-MM-DD")
            }
            // One dictionary of the environment for the whole gate: each costs 0.37 M instructions.
            let environment = ProcessInfo.processInfo.environment
            let opened = try GateLedger.open(option: ledgerOptions.ledger, timeout: fetchTimeout, environment: environment)
            let session = try LedgerSession(store: opened.store, environment: environment)
            let maxAgeDays = try maxAge.map { try Gate.maxAge(String($0), source: "--max-age") }
                ?? opened.configuredMaxAge.map { try Gate.maxAge($0, source: "git config readiness.maxAge") }
            let gate = Gate(today: at, pinnedRoot: ledgerRoot ?? opened.pinnedRoot, acceptRollback: acceptRollback, maxAgeDays: maxAgeDays)
            return try gate.judge(opened, session: session,
                                  requirement: GateRequirement.parse(require.isEmpty ? opened.configuredRequirement : require))
        }
        if output.json {
            JSONOutput.print("gate", fields: verdict.fieldsBesideMissing, streaming: "missing", elements: verdict.missing)
        } else {
            print(GateText.render(verdict, ledgerOption: ledgerOptions.ledger, style: output.style(nil)))
        }
        if !verdict.passed { throw ExitCode(LedgerError(.gateBlocked, "").exitCode) }
    }
}

/// The text form of a verdict.
enum GateText {
    static func render(_ verdict: GateVerdict, ledgerOption: String?, style: TextStyle = .plain) -> String {
        let origin = verdict.fetched ? "fetched from \(verdict.source)" : "in \(verdict.source)"
        // One text grown in place (about 150 bytes a missing item reserved up front), not a line
        // array joined at the end.
        var text = "readiness gate: judged \(TerminalText.escape(verdict.ledger)) at commit \(verdict.head) (\(TerminalText.escape(origin)))"
        let sections = "\(verdict.required.count) required section\(verdict.required.count == 1 ? "" : "s")"
        guard !verdict.passed else {
            text += "\n" + style.paint("passed", 32) + ": all \(verdict.requiredItems) items of the \(sections) are done or validly waived"
            return text
        }
        text.reserveCapacity(text.utf8.count + 256 + 150 * verdict.missing.count)
        text += "\n" + style.paint("blocked", 31) + ": \(verdict.missing.count) of the \(verdict.requiredItems) items of the \(sections) are not done:"
        // Widths counted once an item, in a loop: key-path maps and `String(repeating:)` a
        // column were half of rendering 53 missing items.
        var numberWidth = 0, idWidth = 0
        for item in verdict.missing {
            numberWidth = max(numberWidth, item.number.count)
            idWidth = max(idWidth, item.item.count)
        }
        for item in verdict.missing {
            // Padded in Swift: NSString's padding(toLength:) bridged every line (numbers and ids
            // are ASCII, so characters and UTF-16 units agree).
            text += "\n  "
            text += item.number
            pad(&text, numberWidth - item.number.count + 2)
            text += item.item
            pad(&text, idWidth - item.item.count + 2)
            text += TerminalText.escape(item.title)
            text += "  [\(item.stateDescription)]"
        }
        text += "\nRecord the missing sign-offs with:"
        let ledger = ledgerOption.map { " --ledger \(shellQuoted($0))" } ?? ""
        for item in verdict.missing {
            // A waiver request needs another owner's approval, not a sign-off.
            text += item.awaitingApproval == true ? "\n  readiness approve " : "\n  readiness check "
            text += item.item
            text += ledger
        }
        if verdict.fetched {
            text += "\n(only the state at \(TerminalText.escape(verdict.source)) counts: sign off in a clone of it and push the ledger there)"
        }
        return text
    }

    /// Appends `count` spaces, sliced from a constant row when it is long enough.
    private static func pad(_ text: inout String, _ count: Int) {
        let row = "                                                                "
        if count <= row.utf8.count {
            text.append(contentsOf: Substring(row.utf8.prefix(count)))
        } else {
            text += String(repeating: " ", count: count)
        }
    }

    private static func shellQuoted(_ text: String) -> String {
        text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-:@+=".contains($0) }) ? text : "'" + text.replacingEvery("'", with: "'\\''") + "'"
    }
}
