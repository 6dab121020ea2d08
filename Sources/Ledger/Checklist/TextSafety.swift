/// Checks and escapes for text that came from a file and will later be printed to a terminal
/// or written into a commit; shared by the importer, the JSON decoder and item resolution.
enum TextSafety {
    /// The first control character in `text`, if any. Tab is allowed because editors put
    /// tabs in titles harmlessly; everything else in Unicode category Cc can rewrite a
    /// terminal line or truncate a C string, so it is refused.
    static func firstControlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { $0 != "\t" && $0.properties.generalCategory == .control }
    }

    /// `text` with control characters and backslashes written as escapes, so an error
    /// message can quote hostile input without the terminal interpreting it.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if scalar.properties.generalCategory == .control {
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
