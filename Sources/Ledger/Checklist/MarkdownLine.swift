/// What one physical line of Markdown means to the checklist importer. Only the few
/// constructs a checklist needs are recognised; everything else is `.other` and ignored.
enum MarkdownLine: Equatable {
    /// An ATX heading (`#` … `######`), with its closing `#`s removed.
    case heading(level: Int, text: String)
    /// A task list item (`- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`), at any indentation.
    case task(done: Bool, text: String)
    /// A code fence line (```` ``` ```` or `~~~`), with its character and length.
    case fence(marker: Character, length: Int)
    /// Anything else: paragraphs, plain bullets, blank lines.
    case other

    /// Classifies `line`, which must already be free of its line ending and trailing blanks.
    init(_ line: String) {
        let indentation = line.prefix { $0 == " " || $0 == "\t" }
        let body = line.dropFirst(indentation.count)
        if let fence = Self.fence(body) {
            self = fence
        } else if !indentation.contains("\t"), indentation.count <= 3, let heading = Self.heading(body) {
            // Four spaces of indentation make a code block in Markdown, not a heading.
            self = heading
        } else if let task = Self.task(body) {
            self = task
        } else {
            self = .other
        }
    }

    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    private static func fence(_ body: Substring) -> MarkdownLine? {
        guard let marker = body.first, marker == "`" || marker == "~" else { return nil }
        let length = body.prefix { $0 == marker }.count
        guard length >= 3 else { return nil }
        // A backtick fence's info string may not contain backticks (CommonMark), which keeps
        // inline code like ```` ```x``` ```` from being taken for a fence.
        if marker == "`", body.dropFirst(length).contains("`") { return nil }
        return .fence(marker: marker, length: length)
    }

    private static func heading(_ body: Substring) -> MarkdownLine? {
        let level = body.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let rest = body.dropFirst(level)
        guard rest.isEmpty || isBlank(rest.first!) else { return nil }
        var text = trimmed(rest)
        // Optional closing sequence: `## Title ##`; a `#` glued to a word (`C#`) is content.
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing == text.count {
            text = ""
        } else if closing > 0, isBlank(text.dropLast(closing).last!) {
            text = trimmed(text.dropLast(closing))
        }
        return .heading(level: level, text: String(text))
    }

    private static func task(_ body: Substring) -> MarkdownLine? {
        var rest = body
        if let bullet = rest.first, bullet == "-" || bullet == "*" || bullet == "+" {
            rest = rest.dropFirst()
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return nil }
            rest = rest.dropFirst()
        }
        guard let space = rest.first, isBlank(space) else { return nil }
        rest = rest.drop(while: isBlank)
        let box = Array(rest.prefix(3))
        guard box.count == 3, box[0] == "[", box[2] == "]" else { return nil }
        let done: Bool
        switch box[1] {
        case " ": done = false
        case "x", "X": done = true
        default: return nil
        }
        rest = rest.dropFirst(3)
        guard rest.isEmpty || isBlank(rest.first!) else { return nil }
        return .task(done: done, text: String(trimmed(rest)))
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !isBlank($0) }),
              let last = text.lastIndex(where: { !isBlank($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }
}
