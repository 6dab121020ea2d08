import FoundationEssentials

/// Reads an item file in one pass over its bytes, for the plain JSON this tool writes: every
/// key known and present at most once, strings without escapes, sizes as plain digits. It
/// answers nil for anything else (escapes, unknown or repeated keys, malformed input), and
/// `ItemRecord.decode` then asks `JSONDecoder`, so a record it does read is the one
/// `JSONDecoder` would read, and every input it declines is judged by `JSONDecoder` alone.
/// Decoding was 6–10 µs an item file with `JSONDecoder`, the largest cost of indexing history.
enum ItemRecordScanner {
    /// The record in `data`, or nil when it is not in the plain form read here.
    static func record(from data: Data) -> ItemRecord? {
        PlainJSONScanner.read(data) { $0.itemRecord() }
    }
}

extension PlainJSONScanner {
    fileprivate mutating func itemRecord() -> ItemRecord? {
        var item: String?, state: ItemState?, action: ItemAction?, evidence: [Evidence]?, previous: [String]?
        var by: Person??, at: String??, note: String??, waivedUntil: String??, signoffs: [Person]??, requestedBy: Person??
        let complete = object { scanner, key in
            switch key {
            case "item": return once(&item, scanner.string())
            case "state": return once(&state, scanner.string().flatMap(ItemState.init(rawValue:)))
            case "action": return once(&action, scanner.string().flatMap(ItemAction.init(rawValue:)))
            case "evidence": return once(&evidence, scanner.array { $0.evidence() })
            case "previous": return once(&previous, scanner.array { $0.string() })
            case "by": return once(&by, scanner.nullable { $0.person() })
            case "at": return once(&at, scanner.nullable { $0.string() })
            case "note": return once(&note, scanner.nullable { $0.string() })
            case "waivedUntil": return once(&waivedUntil, scanner.nullable { $0.string() })
            case "signoffs": return once(&signoffs, scanner.nullable { $0.array { $0.person() } })
            case "requestedBy": return once(&requestedBy, scanner.nullable { $0.person() })
            default: return false
            }
        }
        guard complete, let item, let state, let action, let evidence, let previous else { return nil }
        return ItemRecord(item: item, state: state, action: action, by: by ?? nil, at: at ?? nil, note: note ?? nil,
                          evidence: evidence, waivedUntil: waivedUntil ?? nil, previous: previous,
                          signoffs: signoffs ?? nil, requestedBy: requestedBy ?? nil)
    }

    private mutating func person() -> Person? {
        var name: String?, email: String?, key: String??
        let complete = object { scanner, field in
            switch field {
            case "name": return once(&name, scanner.string())
            case "email": return once(&email, scanner.string())
            case "key": return once(&key, scanner.nullable { $0.string() })
            default: return false
            }
        }
        guard complete, let name, let email else { return nil }
        return Person(name: name, email: email, key: key ?? nil)
    }

    private mutating func evidence() -> Evidence? {
        var url: String??, file: String??, sha256: String??, size: Int??
        let complete = object { scanner, field in
            switch field {
            case "url": return once(&url, scanner.nullable { $0.string() })
            case "file": return once(&file, scanner.nullable { $0.string() })
            case "sha256": return once(&sha256, scanner.nullable { $0.string() })
            case "size": return once(&size, scanner.nullable { $0.integer() })
            default: return false
            }
        }
        guard complete else { return nil }
        return Evidence(url: url ?? nil, file: file ?? nil, sha256: sha256 ?? nil, size: size ?? nil)
    }
}
