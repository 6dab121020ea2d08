/// Checks on text a person types into the ledger (notes, reasons, names): it is stored in commits
/// and printed to terminals later, so control characters, invisible format characters and
/// forged trailers are refused up front.
public enum FreeText {
    /// Why a character may not be written into the ledger.
    public enum Unsafe: Sendable, Equatable {
        /// A C0 or C1 control character (or DEL) other than tab and newline: terminals act on it.
        case control
        /// A character that changes how text around it is shown while showing nothing itself:
        /// bidirectional controls (a "Trojan Source" note reads differently from what it says),
        /// zero-width characters, the byte-order mark, tag characters, line and paragraph
        /// separators.
        case invisible
    }

    /// The one rule for characters that free text may not hold. Every write-time check and
    /// every terminal escape asks it, so what is refused and what is escaped never drift apart.
    /// Tab and newline are nil here; whether a field may hold them is the field's own rule.
    public static func unsafe(_ scalar: Unicode.Scalar) -> Unsafe? {
        switch scalar.value {
        case 0x09, 0x0A: return nil
        case 0x00...0x1F, 0x7F...0x9F: return .control
        case 0x061C,            // Arabic letter mark
             0x200B...0x200F,   // zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
             0x2028, 0x2029,    // line and paragraph separators
             0x202A...0x202E,   // bidirectional embeddings and overrides
             0x2060...0x2064,   // word joiner and invisible operators
             0x2066...0x2069,   // bidirectional isolates
             0xFEFF,            // byte-order mark (zero-width no-break space)
             0xE0000...0xE007F: // tag characters
            return .invisible
        default: return nil
        }
    }

    /// `U+0000`-style name of a scalar, for messages about characters that cannot be shown.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    /// Returns `text` if it is acceptable as a note; throws `.invalidInput` naming the problem.
    /// Newlines and tabs are allowed; other control characters, invisible format characters,
    /// and lines that imitate the `Readiness-` trailers the tool writes, are not.
    public static func validateNote(_ text: String, field: String) throws -> String {
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard let kind = unsafe(scalar) else { continue }
            throw LedgerError(.invalidInput,
                              "the \(field) contains \(kind == .control ? "control" : "invisible format") character \(describe(scalar)) at position \(index + 1)",
                              hint: "remove it; only plain text, tabs and newlines are stored")
        }
        for line in text.split(separator: "\n") where line.lowercased().hasPrefix("readiness-") && line.contains(":") {
            throw LedgerError(.invalidInput, "the \(field) has a line that looks like a ledger trailer: \(line.prefix(40))",
                              hint: "Readiness-* trailers are written by the tool; reword that line")
        }
        return text
    }

    /// Throws unless `text` is one line without control or invisible format characters (names,
    /// e-mails, evidence links).
    public static func validateLine(_ text: String, field: String) throws -> String {
        if let scalar = text.unicodeScalars.first(where: { unsafe($0) != nil || $0 == "\n" || $0 == "\t" }) {
            let what = unsafe(scalar) == .invisible ? "an invisible format character (\(describe(scalar)))" : "a control character or line break"
            throw LedgerError(.invalidInput, "the \(field) contains \(what)",
                              hint: "give it as a single line of plain text")
        }
        return text
    }
}

/// Escapes text read from a ledger before it reaches a terminal, so a stored escape sequence
/// cannot rewrite the screen and a stored bidirectional override cannot reorder what is shown.
public enum TerminalText {
    /// Replaces every character `FreeText.unsafe` names with a visible `\u{…}` escape; newline
    /// and tab stay.
    public static func escape(_ text: String) -> String {
        // Most text is ASCII the rule lets through, answered a byte at a time from the rule's
        // own table; anything else is asked scalar by scalar.
        if text.utf8.allSatisfy({ $0 < 0x80 && safeASCII[Int($0)] }) { return text }
        guard text.unicodeScalars.contains(where: { FreeText.unsafe($0) != nil }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if FreeText.unsafe(scalar) != nil {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// For each ASCII byte, true when `FreeText.unsafe` lets it through.
    private static let safeASCII: [Bool] = (0..<0x80).map { FreeText.unsafe(Unicode.Scalar(UInt8($0))) == nil }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
