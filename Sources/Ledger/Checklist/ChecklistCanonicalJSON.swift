import FoundationEssentials

extension Checklist {
    /// The checklist as `checklist.json`: pretty-printed, keys sorted, slashes unescaped,
    /// ending in a newline. The same checklist always gives the same bytes, so the file's
    /// git blob (and therefore history and signatures) changes only when the content does.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and arrays cannot fail; a failure here is a programming error.
        guard var data = try? encoder.encode(self) else {
            preconditionFailure("Checklist is always encodable as JSON")
        }
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads `checklist.json` back, checking everything the importer guarantees, because a
    /// ledger on disk may have been edited by hand or crafted: ids must be valid (no `/`,
    /// no `..`) and unique, numbers unique, titles free of control characters.
    /// Throws ``LedgerError`` `.invalidInput` on any failure. The form this tool writes is read
    /// in one pass (`ChecklistScanner`), anything it declines by `JSONDecoder`; both are validated alike.
    public static func decode(canonicalJSON data: Data) throws -> Checklist {
        let checklist: Checklist
        do {
            checklist = try ChecklistScanner.checklist(from: data) ?? JSONDecoder().decode(Checklist.self, from: data)
        } catch {
            throw LedgerError(
                .invalidInput, "checklist.json is not a valid checklist: \(describe(error))",
                hint: "restore checklist.json from the ledger's history")
        }
        try checklist.validate()
        return checklist
    }

    /// Throws the first structural problem found, phrased for `checklist.json`.
    func validate() throws {
        func invalid(_ what: String) -> LedgerError {
            LedgerError(
                .invalidInput, "checklist.json: \(what)",
                hint: "restore checklist.json from the ledger's history")
        }
        try checkText(title, "the title", invalid)
        var sectionIDs = Set<String>(minimumCapacity: sections.count)
        var sectionNumbers = Set<String>(minimumCapacity: sections.count)
        var itemNumbers = Set<String>(minimumCapacity: sections.reduce(0) { $0 + $1.items.count })
        for section in sections {
            let shownID = TextSafety.escaped(section.id)
            guard Slug.isValidID(section.id) else {
                throw invalid("section id '\(shownID)' is not allowed (\(Slug.validIDDescription))")
            }
            guard sectionIDs.insert(section.id).inserted else {
                throw invalid("section id '\(shownID)' is used twice")
            }
            try checkText(section.title, "the title of section '\(shownID)'", invalid)
            try checkText(section.number, "the number of section '\(shownID)'", invalid)
            guard sectionNumbers.insert(section.number).inserted else {
                throw invalid("section number '\(section.number)' is used twice")
            }
            var itemIDs = Set<String>(minimumCapacity: section.items.count)
            for item in section.items {
                // Built only for a message: escaping every id of a large checklist on each read cost more than the checks.
                func shownItem() -> String { "\(shownID)/\(TextSafety.escaped(item.id))" }
                guard Slug.isValidID(item.id) else {
                    throw invalid("item id '\(shownItem())' is not allowed (\(Slug.validIDDescription))")
                }
                guard itemIDs.insert(item.id).inserted else {
                    throw invalid("item id '\(shownItem())' is used twice")
                }
                try checkText(item.title, "the title of item '\(shownItem())'", invalid)
                try checkText(item.number, "the number of item '\(shownItem())'", invalid)
                guard itemNumbers.insert(item.number).inserted else {
                    throw invalid("item number '\(item.number)' is used twice")
                }
                for tag in item.tags {
                    try checkText(tag, "a tag of item '\(shownItem())'", invalid)
                }
            }
        }
        try validateRetiredAndFiles(invalid)
    }

    /// Retired items are checked like active ones, and every item, active or retired, must
    /// have its own full id and its own file: a file names one item's history for good.
    private func validateRetiredAndFiles(_ invalid: (String) -> LedgerError) throws {
        if retired?.isEmpty == true { throw invalid("'retired' is empty; leave it out instead") }
        for entry in retired ?? [] {
            let shownItem = "\(TextSafety.escaped(entry.section))/\(TextSafety.escaped(entry.item.id))"
            guard Slug.isValidID(entry.section), Slug.isValidID(entry.item.id) else {
                throw invalid("retired item id '\(shownItem)' is not allowed (\(Slug.validIDDescription))")
            }
            try checkText(entry.item.title, "the title of retired item '\(shownItem)'", invalid)
            try checkText(entry.sectionTitle, "the section title of retired item '\(shownItem)'", invalid)
            try checkText(entry.item.number, "the number of retired item '\(shownItem)'", invalid)
            try checkText(entry.sectionNumber, "the section number of retired item '\(shownItem)'", invalid)
            for tag in entry.item.tags { try checkText(tag, "a tag of retired item '\(shownItem)'", invalid) }
        }
        let items = everyItem
        // Without a moved item every file key is its full id, whose uniqueness is checked
        // first: the second set could never refuse anything, and cost as much as the first.
        let anyMoved = items.contains { $0.item.file != nil }
        var fullIDs = Set<String>(minimumCapacity: items.count)
        var files = Set<String>(minimumCapacity: anyMoved ? items.count : 0)
        for ref in items {
            // Built once for the checks and messages below.
            let fullID = ref.fullID
            func shown() -> String { TextSafety.escaped(fullID) }
            guard fullIDs.insert(fullID).inserted else { throw invalid("item id '\(shown())' is used twice") }
            if let file = ref.item.file {
                guard Slug.isValidFullID(file), file != fullID else {
                    throw invalid("the file key '\(TextSafety.escaped(file))' of item '\(shown())' is not allowed (section/item, differing from its id)")
                }
            }
            // The item's own rule (`fileKey`), asked only when some item moved.
            guard !anyMoved || files.insert(ref.fileKey).inserted else {
                throw invalid("two items share the file of '\(TextSafety.escaped(ref.fileKey))'")
            }
        }
    }

    private func checkText(_ text: String, _ what: @autoclosure () -> String, _ invalid: (String) -> LedgerError) throws {
        // Printable ASCII with something besides spaces passes both checks below: asked first,
        // byte by byte, it spares the scalar-by-scalar checks nearly every title and number.
        if Self.isVisibleASCII(text) { return }
        // Blank means only tabs and space separators (CharacterSet.whitespaces), checked without
        // bridging every title through NSString.
        guard text.unicodeScalars.contains(where: { $0 != "\t" && $0.properties.generalCategory != .spaceSeparator }) else {
            throw invalid("\(what()) is empty")
        }
        if let scalar = TextSafety.firstControlCharacter(in: text) {
            throw invalid("\(what()) contains the control character \(TextSafety.describe(scalar))")
        }
    }

    /// True when `text` is printable ASCII (U+0020 to U+007E) and not only spaces.
    private static func isVisibleASCII(_ text: String) -> Bool {
        var visible = false
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F else { return false }
            visible = visible || byte != 0x20
        }
        return visible
    }

    /// A one-line reason from a decoding error, without Foundation's multi-line dumps.
    private static func describe(_ error: Error) -> String {
        (error as? DecodingError).map(ErrorText.describe) ?? "not JSON"
    }
}
