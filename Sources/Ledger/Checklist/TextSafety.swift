/// Checks and escapes for text that came from a file and will later be printed to a terminal
/// or written into a commit; shared by the importer, the JSON decoder and item resolution.
/// Which characters are unsafe is `FreeText.unsafe`'s one rule; this adds only what titles
/// and ids differ in (a tab is harmless in a title, a newline is not).
enum TextSafety {
    /// The first control character in `text` (a newline included), if any: what a stored
    /// checklist may never hold, because it can rewrite a terminal line or truncate a C string.
    /// Invisible format characters are not refused here, so a ledger written before they were
    /// refused stays readable; printing escapes them.
    static func firstControlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 == "\n" || FreeText.unsafe($0) == .control }
    }

    /// The first character that text imported into a ledger may not hold: a control character
    /// (newline included) or an invisible format character. Tab is allowed, because editors
    /// put tabs in titles harmlessly.
    static func firstUnsafeCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 == "\n" || FreeText.unsafe($0) != nil }
    }

    /// `text` with unsafe characters, newlines and backslashes written as escapes, so an error
    /// message can quote hostile input without the terminal interpreting it.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if scalar == "\n" || FreeText.unsafe(scalar) != nil {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `U+0000`-style name of a scalar, for messages about characters that cannot be shown.
    static func describe(_ scalar: Unicode.Scalar) -> String { FreeText.describe(scalar) }
}
