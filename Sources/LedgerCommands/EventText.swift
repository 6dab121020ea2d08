import Ledger

/// Text forms of events for a person: one block per event, escaped for the terminal.
enum EventText {
    static func line(_ view: EventView, style: TextStyle = .plain) -> String {
        var head = "\(style.time(view.time))  \(view.commit.prefix(12))  \(view.action)"
        if let item = view.item { head += " \(item)" } else { head += " \(view.path)" }
        if let before = view.stateBefore, let after = view.stateAfter, before != after {
            head += "  \(before) → \(after)"
        } else if let after = view.stateAfter {
            head += "  → \(after)"
        }
        head += "  by \(view.signerName) <\(view.signerEmail)>  [\(view.signature)]"
        var lines = [TerminalText.escape(head)]
        if let note = view.note, !note.isEmpty {
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + TerminalText.escape(String($0)) }
        }
        lines += view.evidence.map { "    evidence: " + TerminalText.escape($0) }
        if let until = view.waivedUntil { lines.append("    waived until \(until)") }
        return lines.joined(separator: "\n")
    }
}
