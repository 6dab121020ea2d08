/// Checks on text a person types into the ledger (notes, reasons, names): it is stored in commits
/// and printed to terminals later, so control characters and forged trailers are refused up front.
public enum FreeText {
    /// Returns `text` if it is acceptable as a note; throws `.invalidInput` naming the problem.
    /// Newlines and tabs are allowed; other control characters, and lines that imitate the
    /// `Readiness-` trailers the tool writes, are not.
    public static func validateNote(_ text: String, field: String) throws -> String {
        for (index, scalar) in text.unicodeScalars.enumerated() where isForbidden(scalar) {
            throw LedgerError(.invalidInput,
                              "the \(field) contains control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)) at position \(index + 1)",
                              hint: "remove it; only plain text, tabs and newlines are stored")
        }
        for line in text.split(separator: "\n") where line.lowercased().hasPrefix("readiness-") && line.contains(":") {
            throw LedgerError(.invalidInput, "the \(field) has a line that looks like a ledger trailer: \(line.prefix(40))",
                              hint: "Readiness-* trailers are written by the tool; reword that line")
        }
        return text
    }

    /// Throws unless `text` is one line without control characters (names, e-mails, evidence links).
    public static func validateLine(_ text: String, field: String) throws -> String {
        if text.unicodeScalars.contains(where: { isForbidden($0) || $0 == "\n" || $0 == "\t" }) {
            throw LedgerError(.invalidInput, "the \(field) contains a control character or line break",
                              hint: "give it as a single line of plain text")
        }
        return text
    }

    /// True for C0/C1 controls (except tab and newline) and DEL, which terminals interpret.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" || scalar == "\t" { return false }
        return scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// Escapes text read from a ledger before it reaches a terminal, so a stored escape sequence
/// cannot rewrite the screen.
public enum TerminalText {
    /// Replaces control characters other than newline with visible `\u{…}` escapes.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: FreeText.isForbidden) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if FreeText.isForbidden(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
