/// Checks and escapes for text that came from a file and will later be printed to a terminal
/// or written into a commit; shared by the importer, the JSON decoder and item resolution.
enum TextSafety {
    /// The first control character in `text`, if any. Tab is allowed because editors put
    /// tabs in titles harmlessly; everything else in Unicode category Cc can rewrite a
    /// terminal line or truncate a C string, so it is refused.
    static func firstControlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 != "\t" && isControl($0) }
    }

    /// Unicode category Cc, which is fixed at U+0000–U+001F and U+007F–U+009F: compared
    /// directly, since a property lookup per character dominated reading a checklist of
    /// thousands of items.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with control characters and backslashes written as escapes, so an error
    /// message can quote hostile input without the terminal interpreting it.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\\" || isControl($0) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `U+0000`-style name of a scalar, for messages about characters that cannot be shown.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
