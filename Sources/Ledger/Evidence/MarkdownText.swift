/// Escapes text from the ledger (titles, notes, names, evidence) for report.md, so that what a
/// person typed stays text: a `[link](…)` or `![image](…)` in a note is shown, not followed or
/// loaded, emphasis and code marks show as typed, and a `|` cannot split a table cell.
enum MarkdownText {
    /// Characters that start inline Markdown (and GitHub's) constructs; each is written with a
    /// backslash, which CommonMark defines for every ASCII punctuation character. Brackets
    /// are enough to disarm links and images: `(url)` and `!` without them are plain text.
    private static let special: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "~", "|", "$"]

    /// `text` for one table cell or list line: Markdown escaped, HTML's `<`, `>` and `&` as
    /// entities (raw HTML is allowed in Markdown), line breaks as spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            default:
                if special.contains(scalar) { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
