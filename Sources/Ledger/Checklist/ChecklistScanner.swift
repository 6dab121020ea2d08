import FoundationEssentials

/// Reads `checklist.json` in one pass over its bytes, for the form this tool writes
/// (``Checklist/canonicalJSON()``): every key known and present at most once, strings without
/// escapes. It answers nil for anything else (escapes, unknown or repeated keys, wrong types,
/// malformed input), and ``Checklist/decode(canonicalJSON:)`` then asks `JSONDecoder`: a
/// checklist read here is the one `JSONDecoder` would read, every file declined is judged by
/// `JSONDecoder` alone, and both go through the same validation afterwards. `JSONDecoder` was
/// the largest single cost of `status` and `gate` on a section of 10,000 items.
enum ChecklistScanner {
    /// The checklist in `data`, not yet validated, or nil when it is not in the form read here.
    static func checklist(from data: Data) -> Checklist? {
        PlainJSONScanner.read(data) { $0.checklist() }
    }
}

extension PlainJSONScanner {
    fileprivate mutating func checklist() -> Checklist? {
        var title: String?, sections: [ChecklistSection]?, retired: [RetiredItem]??
        let complete = object { scanner, key in
            switch key {
            case "title": return once(&title, scanner.string())
            case "sections": return once(&sections, scanner.array { $0.checklistSection() })
            case "retired": return once(&retired, scanner.nullable { $0.array { $0.retiredItem() } })
            default: return false
            }
        }
        guard complete, let title, let sections else { return nil }
        var checklist = Checklist(title: title, sections: sections)
        // Assigned as read: the initializer turns an empty list into nil, the synthesized
        // decoding keeps it, and validation refuses it.
        checklist.retired = retired ?? nil
        return checklist
    }

    private mutating func checklistSection() -> ChecklistSection? {
        var id: String?, number: String?, title: String?, items: [ChecklistItem]?
        let complete = object { scanner, key in
            switch key {
            case "id": return once(&id, scanner.string())
            case "number": return once(&number, scanner.string())
            case "title": return once(&title, scanner.string())
            case "items": return once(&items, scanner.array { $0.checklistItem() })
            default: return false
            }
        }
        guard complete, let id, let number, let title, let items else { return nil }
        return ChecklistSection(id: id, number: number, title: title, items: items)
    }

    private mutating func checklistItem() -> ChecklistItem? {
        var id: String?, number: String?, title: String?, tags: [String]?, file: String??
        let complete = object { scanner, key in
            switch key {
            case "id": return once(&id, scanner.string())
            case "number": return once(&number, scanner.string())
            case "title": return once(&title, scanner.string())
            case "tags": return once(&tags, scanner.array { $0.string() })
            case "file": return once(&file, scanner.nullable { $0.string() })
            default: return false
            }
        }
        guard complete, let id, let number, let title, let tags else { return nil }
        return ChecklistItem(id: id, number: number, title: title, tags: tags, file: file ?? nil)
    }

    private mutating func retiredItem() -> RetiredItem? {
        var section: String?, sectionNumber: String?, sectionTitle: String?, item: ChecklistItem?
        let complete = object { scanner, key in
            switch key {
            case "section": return once(&section, scanner.string())
            case "sectionNumber": return once(&sectionNumber, scanner.string())
            case "sectionTitle": return once(&sectionTitle, scanner.string())
            case "item": return once(&item, scanner.checklistItem())
            default: return false
            }
        }
        guard complete, let section, let sectionNumber, let sectionTitle, let item else { return nil }
        return RetiredItem(ChecklistItemRef(section: ChecklistSectionInfo(id: section, number: sectionNumber, title: sectionTitle), item: item))
    }
}
