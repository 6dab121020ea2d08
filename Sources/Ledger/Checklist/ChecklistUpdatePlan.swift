/// What `checklist update` would do: the edited checklist matched, line by line, against the
/// ledger's current definition, and the new definition that results. Matching never guesses:
/// an explicit id first (`{#section/item}` or `{#item}`), then an unchanged title; a line that
/// cannot be matched with certainty is an error naming it.
public struct ChecklistUpdatePlan: Sendable {
    /// The definition the plan starts from.
    public let current: Checklist
    /// The definition the update writes.
    public let checklist: Checklist
    /// Everything that changes, items in the new definition's order.
    public let changes: [DefinitionChange]

    /// True when the edited checklist defines exactly what the ledger has.
    public var isEmpty: Bool { changes.isEmpty }

    /// The items the update creates (each gets a new, open item file).
    public var addedItems: [ChecklistItemRef] {
        let added = Set(changes.filter { $0.kind == .added }.compactMap(\.fileKey))
        return checklist.allItems.filter { added.contains($0.fileKey) }
    }

    /// Matches `edited` (parsed with `referencesMayMove`) against `current`. `source` names the
    /// file in errors, which are `.invalidInput` as `<source>:<line>: <what>` with a hint.
    public static func make(current: Checklist, edited: ChecklistImport, source: String) throws -> ChecklistUpdatePlan {
        var matcher = Matcher(current: current, edited: edited, source: TextSafety.escaped(source))
        let checklist = try matcher.run()
        return ChecklistUpdatePlan(current: current, checklist: checklist, changes: DefinitionDiff.changes(from: current, to: checklist))
    }
}

/// The matching itself; one instance per plan.
private struct Matcher {
    /// An item of the current definition, active or retired.
    struct Entry {
        var ref: ChecklistItemRef
        var retired: Bool
    }

    /// An item line of the edited checklist.
    struct Line {
        var section: Int
        var item: ChecklistItem
        var source: ChecklistImport.ItemSource
    }

    let current: Checklist
    let edited: ChecklistImport
    let source: String
    let entries: [Entry]
    let lines: [Line]
    /// Entries by full id, by item id, by title and by file key: matching stays linear in the
    /// checklist's size (a 2,000-item checklist is matched in milliseconds).
    let byFullID: [String: Int]
    let byItemID: [String: [Int]]
    let byTitle: [String: [Int]]
    let byFileKey: [String: Int]
    var sectionIDs: [String] = []
    var matchOfLine: [Int: Int] = [:]
    var lineOfEntry: [Int: Int] = [:]

    init(current: Checklist, edited: ChecklistImport, source: String) {
        self.current = current
        self.edited = edited
        self.source = source
        let entries = current.allItems.map { Entry(ref: $0, retired: false) } + current.retiredItems.map { Entry(ref: $0, retired: true) }
        self.entries = entries
        var byFullID: [String: Int] = [:], byItemID: [String: [Int]] = [:], byTitle: [String: [Int]] = [:], byFileKey: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            byFullID[entry.ref.fullID] = byFullID[entry.ref.fullID] ?? index
            byItemID[entry.ref.item.id, default: []].append(index)
            byTitle[entry.ref.item.title, default: []].append(index)
            byFileKey[entry.ref.fileKey] = byFileKey[entry.ref.fileKey] ?? index
        }
        (self.byFullID, self.byItemID, self.byTitle, self.byFileKey) = (byFullID, byItemID, byTitle, byFileKey)
        var lines: [Line] = []
        var position = 0
        for (index, section) in edited.checklist.sections.enumerated() {
            for item in section.items {
                let origin = position < edited.itemSources.count ? edited.itemSources[position] : ChecklistImport.ItemSource(line: 1, reference: nil)
                lines.append(Line(section: index, item: item, source: origin))
                position += 1
            }
        }
        self.lines = lines
    }

    func fail(_ line: Int, _ what: String, hint: String) -> LedgerError {
        LedgerError(.invalidInput, "\(source):\(line): \(what)", hint: hint)
    }

    func describe(_ entry: Int) -> String {
        let ref = entries[entry].ref
        return "\(entries[entry].retired ? "retired item" : "item") \(ref.fullID) ('\(TextSafety.escaped(ref.item.title))')"
    }

    mutating func run() throws -> Checklist {
        try assignSections()
        for index in lines.indices where lines[index].source.reference != nil { try matchByID(index) }
        try checkMeanings()
        for index in lines.indices where lines[index].source.reference == nil { try matchByTitle(index) }
        return try build()
    }

    /// A section keeps its id when it gives it explicitly or keeps its title.
    mutating func assignSections() throws {
        var seen: [String: Int] = [:]
        for (index, section) in edited.checklist.sections.enumerated() {
            let origin = index < edited.sectionSources.count ? edited.sectionSources[index] : ChecklistImport.SectionSource(line: 1, explicitID: nil)
            var id = section.id
            if origin.explicitID == nil, let same = current.sections.first(where: { $0.title == section.title }) { id = same.id }
            if let earlier = seen[id] {
                throw fail(origin.line, "section id '\(id)' is already used by the section on line \(earlier)",
                           hint: "give each section a different {#id}")
            }
            seen[id] = origin.line
            sectionIDs.append(id)
        }
    }

    mutating func claim(_ entry: Int, for index: Int) throws {
        if let earlier = lineOfEntry[entry] {
            throw fail(lines[index].source.line, "\(describe(entry)) is already named on line \(lines[earlier].source.line)",
                       hint: "an item appears once; give the other line its own {#id}, or remove it")
        }
        lineOfEntry[entry] = index
        matchOfLine[index] = entry
    }

    /// Phase one: explicit ids. A full id names an item (active or retired) wherever it now
    /// stands; an item id alone names the item with that id in the line's section, else the
    /// only item anywhere with that id. No item: a new item with that id.
    mutating func matchByID(_ index: Int) throws {
        let line = lines[index]
        guard let reference = line.source.reference else { return }
        let sectionID = sectionIDs[line.section]
        var found: Int?
        if reference.contains("/") {
            // A full id names an item as it is now or as it was created (its file): an export made
            // before a move still names the moved item.
            found = byFullID[reference] ?? byFileKey[reference]
            if found == nil, !reference.hasPrefix("\(sectionID)/") {
                throw fail(line.source.line, "{#\(reference)} names no item of this ledger",
                           hint: "to add a new item here, write its own id alone ({#\(line.item.id)}) or leave the id out")
            }
        } else if let here = byFullID["\(sectionID)/\(reference)"] {
            found = here
        } else {
            let same = byItemID[reference] ?? []
            if same.count > 1 {
                throw fail(line.source.line, "{#\(reference)} could name \(same.map { entries[$0].ref.fullID }.joined(separator: ", "))",
                           hint: "write the full id, like {#\(entries[same[0]].ref.fullID)}")
            }
            found = same.first
        }
        guard let entry = found else { return }
        try claim(entry, for: index)
    }

    /// An id keeps its meaning: a line that gives item A's id to the unchanged title of item B,
    /// which no other line names by id, is a mistake, never a retitle of A.
    func checkMeanings() throws {
        for (index, entry) in matchOfLine.sorted(by: { $0.key < $1.key }) {
            let line = lines[index]
            guard entries[entry].ref.item.title != line.item.title,
                  let other = (byTitle[line.item.title] ?? []).first(where: { lineOfEntry[$0] == nil }) else { continue }
            throw fail(line.source.line, "{#\(line.source.reference ?? "")} names \(describe(entry)), but the line's title is that of \(describe(other))",
                       hint: "an id keeps its meaning: write {#\(entries[other].ref.fullID)} for that title, or give the line its own title")
        }
    }

    /// Phase two: an unchanged title, preferring the line's own section. Several candidates,
    /// or only a retired item with that title, is an error: never a guess.
    mutating func matchByTitle(_ index: Int) throws {
        let line = lines[index]
        let sectionID = sectionIDs[line.section]
        let same = (byTitle[line.item.title] ?? []).filter { lineOfEntry[$0] == nil }
        let active = same.filter { !entries[$0].retired }
        let here = active.filter { entries[$0].ref.section.id == sectionID }
        let shown = TextSafety.escaped(line.item.title)
        if here.count == 1 { return try claim(here[0], for: index) }
        if here.count > 1 || (here.isEmpty && active.count > 1) {
            let candidates = (here.isEmpty ? active : here).map { entries[$0].ref.fullID }
            throw fail(line.source.line, "'\(shown)' is the title of \(candidates.count) items (\(candidates.joined(separator: ", "))); cannot tell which this line is",
                       hint: "add the item's id to the line, like {#\(candidates[0])}")
        }
        if active.count == 1 { return try claim(active[0], for: index) }
        if let retired = same.first {
            throw fail(line.source.line, "'\(shown)' is the title of \(describe(retired))",
                       hint: "write {#\(entries[retired].ref.fullID)} at the end of the line to restore it, or give the new item its own {#id}")
        }
    }

    func build() throws -> Checklist {
        var fullIDs: [String: Int] = [:]
        var sections: [ChecklistSection] = []
        var position = 0
        for (sectionIndex, draft) in edited.checklist.sections.enumerated() {
            let sectionID = sectionIDs[sectionIndex]
            var items: [ChecklistItem] = []
            for item in draft.items {
                let line = lines[position]
                defer { position += 1 }
                var next = item
                if let entry = matchOfLine[position] {
                    let ref = entries[entry].ref
                    next.id = ref.item.id
                    next.file = ref.fileKey == "\(sectionID)/\(ref.item.id)" ? nil : ref.fileKey
                } else {
                    let fullID = "\(sectionID)/\(item.id)"
                    if let owner = byFullID[fullID] ?? byFileKey[fullID] {
                        throw fail(line.source.line, "the new item '\(TextSafety.escaped(item.title))' would get the id \(fullID), which belongs to \(describe(owner))",
                                   hint: "give the new item its own id, like {#\(item.id)-2}, or write {#\(entries[owner].ref.fullID)} if it is that item")
                    }
                    next.file = nil
                }
                let fullID = "\(sectionID)/\(next.id)"
                if let earlier = fullIDs[fullID] {
                    throw fail(line.source.line, "two items would be \(fullID) (this line and line \(earlier))",
                               hint: "give one of them its own {#id}")
                }
                fullIDs[fullID] = line.source.line
                items.append(next)
            }
            sections.append(ChecklistSection(id: sectionID, number: draft.number, title: draft.title, items: items))
        }
        var retired = (current.retired ?? []).enumerated().filter { lineOfEntry[current.allItems.count + $0.offset] == nil }.map(\.element)
        let retiring = current.allItems.indices.filter { lineOfEntry[$0] == nil }
        if !current.allItems.isEmpty, retiring.count == current.allItems.count {
            throw fail(lines.first?.source.line ?? 1, "this file would retire every item of the checklist (\(retiring.count) of \(retiring.count)): none of its lines matches an item by id or title",
                       hint: "start from `readiness checklist export`, which writes every item with its id")
        }
        retired += retiring.map { RetiredItem(current.allItems[$0]) }
        let checklist = Checklist(title: edited.checklist.title, sections: sections, retired: retired)
        try checklist.validate()
        return checklist
    }
}
