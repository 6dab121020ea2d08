import FoundationEssentials

/// Imports a checklist from a Markdown task list, such as the shipped
/// `produksjons-sjekkliste.md`.
///
/// What is read:
/// - ATX headings (`#` … `######`). A heading with task items directly under it is a
///   section. Before the first section, a heading without items is a title candidate: the
///   first such `#` heading wins, else the first such heading, else the `source` file name.
///   Headings without items between sections only group sections and are ignored.
/// - A section heading may start with a number (`3.`, `3)` or `3` then a space), which
///   becomes the section number; otherwise sections are numbered by position. Items are
///   numbered `<section>.<position>`.
/// - Task items `- [ ]`, `* [ ]`, `+ [ ]`, `1. [ ]`, checked or not, at any indentation;
///   nested items are flattened into their section in document order.
/// - An explicit id `{#id}` at the end of a section or item title; otherwise the id is the
///   title's ``Slug`` (cut at a word to 48 characters for items and sections).
/// - Tags: trailing `#word` hashtags of an item title (each preceded by a space, the word
///   starting with a letter and made of letters, digits and `_`) are removed from the title
///   and become the item's lowercased tags. `Fix issue #12` keeps its `#12`.
///
/// Everything else (paragraphs, plain bullets, blank lines, anything inside code fences)
/// is ignored. Checked items are imported as open, with a warning: only a signed sign-off
/// may mark an item done.
public enum MarkdownChecklistParser {
    /// Parses `data` (UTF-8, optionally with a byte-order mark, LF or CRLF line endings).
    /// `source` names the document in messages and supplies the title when none is found.
    /// Throws ``LedgerError`` `.invalidInput` as `<source>:<line>: <what>` with a hint.
    ///
    /// An item's explicit id may be a full id (`{#section/item}`, as `checklist export` writes
    /// it). On import its section part must be the section the item stands in; with
    /// `referencesMayMove` (a re-import by `checklist update`) it names the existing item the
    /// line stands for, which may have been moved to another section.
    public static func parse(_ data: Data, source: String, referencesMayMove: Bool = false) throws -> ChecklistImport {
        var parser = Parser(source: source, referencesMayMove: referencesMayMove)
        return try parser.run(Array(data))
    }
}

/// The import's working state; one instance per parse.
private struct Parser {
    struct Heading {
        var line: Int
        var level: Int
        var text: String
    }

    struct DraftItem {
        var line: Int
        var title: String
        var explicitID: String?
        /// The explicit id as written, `section/item` or `item`.
        var reference: String?
        var tags: [String]
        var done: Bool
        var id = ""
    }

    struct DraftSection {
        var line: Int
        var number: String
        var explicitNumber: Bool
        var title: String
        var explicitID: String?
        var items: [DraftItem] = []
        var id = ""
    }

    let source: String
    let referencesMayMove: Bool
    var shownSource: String { TextSafety.escaped(source) }
    var titleCandidates: [Heading] = []
    var currentHeading: Heading?
    var currentIsSection = false
    var sections: [DraftSection] = []
    var warnings: [ChecklistWarning] = []

    init(source: String, referencesMayMove: Bool) {
        self.source = source
        self.referencesMayMove = referencesMayMove
    }

    mutating func run(_ input: [UInt8]) throws -> ChecklistImport {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let offset = UTF8Validation.firstInvalidOffset(in: Array(bytes)) {
            let absolute = bytes.startIndex + offset
            let line = 1 + input[..<absolute].count { $0 == UInt8(ascii: "\n") }
            throw error(line, "invalid UTF-8 (byte 0x\(String(input[absolute], radix: 16, uppercase: true)))",
                        hint: "save the checklist as UTF-8")
        }

        // Lines are split on bytes, not Characters: Swift treats "\r\n" as one Character.
        let rawLines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var fence: (marker: Character, length: Int, line: Int)?
        for (offset, raw) in rawLines.enumerated() {
            let lineNumber = offset + 1
            var lineBytes = raw
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
            while let last = lineBytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                lineBytes = lineBytes.dropLast()
            }
            let line = MarkdownLine(String(decoding: lineBytes, as: UTF8.self))
            if let open = fence {
                if case .fence(open.marker, let length) = line, length >= open.length { fence = nil }
                continue
            }
            switch line {
            case .fence(let marker, let length):
                fence = (marker, length, lineNumber)
            case .heading(let level, let text):
                startHeading(Heading(line: lineNumber, level: level, text: text))
            case .task(let done, let text):
                try addItem(line: lineNumber, text: text, done: done)
            case .other:
                break
            }
        }
        if let open = fence {
            warnings.append(ChecklistWarning(
                line: open.line,
                message: "code fence opened here is never closed; everything after it was ignored"))
        }

        guard !sections.isEmpty else {
            throw error(1, "no task items found", hint: "write items as `- [ ] title` under a `## Section` heading")
        }
        try checkSectionNumbers()
        try assignSectionIDs()
        if !referencesMayMove { try checkReferencedSections() }
        for index in sections.indices {
            try assignItemIDs(&sections[index])
        }
        let checklist = Checklist(title: try title(), sections: sections.map(build))
        for section in sections {
            for item in section.items where item.done {
                warnings.append(ChecklistWarning(
                    line: item.line,
                    message: "item '\(item.title)' is marked done in the source but is imported as open: "
                        + "a sign-off must be signed (use `readiness check \(section.id)/\(item.id)`)"))
            }
        }
        warnings.sort { $0.line < $1.line }
        let itemSources = sections.flatMap { section in
            section.items.map { ChecklistImport.ItemSource(line: $0.line, reference: $0.reference) }
        }
        let sectionSources = sections.map { ChecklistImport.SectionSource(line: $0.line, explicitID: $0.explicitID) }
        return ChecklistImport(checklist: checklist, warnings: warnings, itemSources: itemSources, sectionSources: sectionSources)
    }

    // MARK: Structure

    mutating func startHeading(_ heading: Heading) {
        if sections.isEmpty { titleCandidates.append(heading) }
        currentHeading = heading
        currentIsSection = false
    }

    mutating func addItem(line: Int, text: String, done: Bool) throws {
        guard let heading = currentHeading else {
            throw error(line, "task item before any heading",
                        hint: "put items under a section heading such as `## 1. Section`")
        }
        if !currentIsSection {
            try openSection(heading)
        }
        let (withoutID, reference) = try splitExplicitID(text, line: line, what: "item")
        let (title, tags) = splitTags(withoutID)
        try checkTitle(title, line: line, what: "item")
        sections[sections.count - 1].items.append(
            DraftItem(line: line, title: title, explicitID: reference.map(Self.itemPart), reference: reference, tags: tags, done: done))
    }

    mutating func openSection(_ heading: Heading) throws {
        if sections.isEmpty { titleCandidates.removeLast() }
        currentIsSection = true
        let (withoutID, explicitID) = try splitExplicitID(heading.text, line: heading.line, what: "section")
        let (number, title) = splitNumber(withoutID)
        try checkTitle(title, line: heading.line, what: "section")
        sections.append(DraftSection(
            line: heading.line, number: number ?? String(sections.count + 1), explicitNumber: number != nil,
            title: title, explicitID: explicitID))
    }

    func title() throws -> String {
        let candidates = titleCandidates.filter { !$0.text.isEmpty }
        if let heading = candidates.first(where: { $0.level == 1 }) ?? candidates.first {
            // A title may carry an id like any heading; the checklist has no use for it.
            let text = heading.text.hasSuffix("}") && heading.text.contains("{#")
                ? String(MarkdownLine.trimmed(heading.text[..<heading.text.ranges(of: "{#").last!.lowerBound]))
                : heading.text
            if !text.isEmpty {
                try checkTitle(text, line: heading.line, what: "title")
                return text
            }
        }
        let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        guard !name.isEmpty, TextSafety.firstUnsafeCharacter(in: name) == nil else { return "Checklist" }
        return name
    }

    func build(_ draft: DraftSection) -> ChecklistSection {
        ChecklistSection(
            id: draft.id, number: draft.number, title: draft.title,
            items: draft.items.enumerated().map { position, item in
                ChecklistItem(id: item.id, number: "\(draft.number).\(position + 1)", title: item.title, tags: item.tags)
            })
    }

    // MARK: Numbers and ids

    func checkSectionNumbers() throws {
        var seen: [String: DraftSection] = [:]
        for section in sections {
            if let earlier = seen[section.number] {
                throw error(section.line,
                            "section number \(section.number) is already used by '\(earlier.title)' (line \(earlier.line))",
                            hint: "renumber the headings, or remove all numbers to number sections by position")
            }
            seen[section.number] = section
        }
    }

    mutating func assignSectionIDs() throws {
        var seen: [String: DraftSection] = [:]
        for index in sections.indices {
            let section = sections[index]
            let id: String
            if let explicit = section.explicitID {
                id = explicit
            } else {
                id = Slug.truncated(Slug.make(section.title))
                guard !id.isEmpty else {
                    throw error(section.line, "section '\(section.title)' has no letters or digits to make an id from",
                                hint: "add an explicit id after the title, like `## \(section.title) {#my-section}`")
                }
            }
            if let earlier = seen[id] {
                throw error(section.line,
                            "section id '\(id)' is already used by '\(earlier.title)' (line \(earlier.line))",
                            hint: section.explicitID != nil && earlier.explicitID != nil
                                ? "give each section a different {#id}"
                                : "add an explicit id to one of them, like `## \(section.title) {#other-id}`")
            }
            sections[index].id = id
            seen[id] = sections[index]
        }
    }

    /// Derived ids are cut to 48 characters; where that makes two items collide, the full
    /// slug is tried, and only if that still collides is the user asked for an explicit id.
    func assignItemIDs(_ section: inout DraftSection) throws {
        var explicitOwners: [String: DraftItem] = [:]
        for item in section.items {
            guard let id = item.explicitID else { continue }
            if let earlier = explicitOwners[id] {
                throw error(item.line,
                            "item id '\(id)' is already used by '\(earlier.title)' (line \(earlier.line)) in section '\(section.id)'",
                            hint: "give each item a different {#id}")
            }
            explicitOwners[id] = item
        }

        var truncatedCounts: [String: Int] = [:]
        var slugs: [Int: String] = [:]
        for (index, item) in section.items.enumerated() where item.explicitID == nil {
            let slug = Slug.make(item.title)
            guard !slug.isEmpty else {
                throw error(item.line, "item '\(item.title)' has no letters or digits to make an id from",
                            hint: "add an explicit id after the title, like `- [ ] \(item.title) {#my-item}`")
            }
            slugs[index] = slug
            truncatedCounts[Slug.truncated(slug), default: 0] += 1
        }

        var owners = explicitOwners
        for index in section.items.indices {
            var item = section.items[index]
            if let explicit = item.explicitID {
                item.id = explicit
            } else if let slug = slugs[index] {
                let short = Slug.truncated(slug)
                let collides = truncatedCounts[short, default: 0] > 1 || explicitOwners[short] != nil
                item.id = collides && Slug.isValidID(slug) ? slug : short
                if let earlier = owners[item.id] {
                    throw error(item.line,
                                "item '\(item.title)' gets the id '\(item.id)', already used by '\(earlier.title)' (line \(earlier.line)) in section '\(section.id)'",
                                hint: "add an explicit id to one of them, like `- [ ] \(item.title) {#other-id}`")
                }
            }
            owners[item.id] = item
            section.items[index] = item
        }
    }

    /// The item id of an explicit reference: what follows the section, if one is given.
    static func itemPart(_ reference: String) -> String {
        reference.split(separator: "/").last.map(String.init) ?? reference
    }

    /// On a first import, a full-id reference must name the section it stands in.
    func checkReferencedSections() throws {
        for section in sections {
            for item in section.items {
                guard let reference = item.reference, reference.contains("/"),
                      let named = reference.split(separator: "/").first, String(named) != section.id else { continue }
                throw error(item.line, "item id '\(reference)' names section '\(named)' but the item stands in section '\(section.id)'",
                            hint: "write the item's own id alone (`{#\(Self.itemPart(reference))}`) or put it under its section")
            }
        }
    }

    /// Splits a trailing `{#id}` off `text`, refusing ids that could not be used safely. An
    /// item's id may be a full id (`section/item`).
    func splitExplicitID(_ text: String, line: Int, what: String) throws -> (String, String?) {
        guard text.hasSuffix("}"), let open = text.ranges(of: "{#").last else { return (text, nil) }
        let id = String(text[open.upperBound..<text.index(before: text.endIndex)])
        guard Slug.isValidID(id) || (what == "item" && Slug.isValidFullID(id)) else {
            throw error(line, "\(what) id '\(TextSafety.escaped(id))' is not allowed",
                        hint: "use \(Slug.validIDDescription)")
        }
        return (String(MarkdownLine.trimmed(text[..<open.lowerBound])), id)
    }

    /// Splits a leading section number (`3.`, `3)`, `3 `, also `3.1`) off a heading title.
    /// Leading zeros are dropped so `03` and `3` are recognised as the same number.
    func splitNumber(_ text: String) -> (String?, String) {
        var rest = Substring(text)
        var components: [String] = []
        while true {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { break }
            let withoutZeros = digits.drop { $0 == "0" }
            components.append(withoutZeros.isEmpty ? "0" : String(withoutZeros))
            rest = rest.dropFirst(digits.count)
            let next = rest.dropFirst()
            guard rest.first == ".", let following = next.first, following.isASCII, following.isNumber else { break }
            rest = next
        }
        guard !components.isEmpty else { return (nil, text) }
        if rest.first == "." || rest.first == ")" { rest = rest.dropFirst() }
        guard let blank = rest.first, blank == " " || blank == "\t" else { return (nil, text) }
        let title = MarkdownLine.trimmed(rest)
        guard !title.isEmpty else { return (nil, text) }
        return (components.joined(separator: "."), String(title))
    }

    /// Takes trailing `#tag` words off an item title; see the type's documentation.
    func splitTags(_ text: String) -> (String, [String]) {
        var title = Substring(text)
        var tags: [String] = []
        while let hash = title.lastIndex(of: "#"), hash > title.startIndex {
            let word = title[title.index(after: hash)...]
            let before = title[title.index(before: hash)]
            guard before == " " || before == "\t",
                  let first = word.first, first.isLetter,
                  word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else { break }
            tags.insert(word.lowercased(), at: 0)
            title = MarkdownLine.trimmed(title[..<hash])
        }
        var seen = Set<String>()
        return (String(title), tags.filter { seen.insert($0).inserted })
    }

    func checkTitle(_ title: String, line: Int, what: String) throws {
        guard !title.isEmpty else {
            throw error(line, "\(what) has no title", hint: "write the \(what)'s text after the marker, or remove the line")
        }
        if let scalar = TextSafety.firstUnsafeCharacter(in: title) {
            let kind = FreeText.unsafe(scalar) == .invisible ? "invisible format" : "control"
            throw error(line, "\(what) title contains the \(kind) character \(TextSafety.describe(scalar))",
                        hint: "remove control, bidirectional and zero-width characters from titles")
        }
    }

    func error(_ line: Int, _ what: String, hint: String) -> LedgerError {
        LedgerError(.invalidInput, "\(shownSource):\(line): \(what)", hint: hint)
    }
}
