import FoundationEssentials
import Git

/// The last verdict a gate reached, kept in `<gitdir>/readiness/gate-verdict`, so that the next
/// gate of the same head, requirement and day answers without decoding the checklist and the
/// policy and reading every required item again (a quarter of a gate's instructions).
///
/// Like every file there it is derived data, never trusted over history: it is consulted only
/// after the one judge has verified the head and the rollback guard has admitted it, and only
/// for the very head it was computed from (a commit id names its whole tree, and the verdict is
/// a function of that tree, the requirement and the day alone). A missing, short, garbled or
/// differently keyed file is absent, and deleting it only makes the next gate read the tree.
enum GateVerdictCache {
    static let fileName = "gate-verdict"
    /// Part of the key: raise it whenever what a verdict holds or how it is reached changes, so
    /// that a newer binary never answers from an older one's verdict.
    static let format = 1

    /// Everything a verdict depends on besides where the ledger came from (source, fetched).
    struct Key: Equatable {
        /// The verified head judged (full hex id).
        var head: String
        /// The day waivers and re-certification were judged against.
        var today: String
        /// The section references required; nil for all of them.
        var sections: [String]?

        init(head: ObjectID, today: String, requirement: GateRequirement) {
            self.head = head.hex
            self.today = today
            if case let .sections(references) = requirement { sections = references }
        }

        fileprivate init(head: String, today: String, sections: [String]?) {
            self.head = head
            self.today = today
            self.sections = sections
        }
    }

    /// The verdict stored for `key`, with `source` and `fetched` filled in; nil when there is
    /// none, it was stored for another key or format, or it does not read.
    static func read(_ store: LedgerStore, key: Key, source: String, fetched: Bool) -> GateVerdict? {
        guard let path = try? store.cacheFile(fileName), let bytes = DerivedFile.load(path, limit: 1 << 24),
              // Copied into Data in one move: `Data(bytes)` copied the array byte by byte.
              let found = PlainJSONScanner.read(bytes.withUnsafeBufferPointer { Data(buffer: $0) }, { $0.storedVerdict(source: source, fetched: fetched) }),
              found.key == key else { return nil }
        return found.verdict
    }

    /// Stores `verdict` as the answer for `key`; best effort (a read-only ledger is judged all the same).
    static func write(_ verdict: GateVerdict, key: Key, to store: LedgerStore) {
        guard let path = try? store.cacheFile(fileName) else { return }
        var writer = JSONWriter()
        writer.write(.object([
            ("format", .int(Int64(format))),
            ("head", .string(key.head)),
            ("ledger", .string(verdict.ledger)),
            ("missing", .array(verdict.missing.map(\.json))),
            ("required", .array(verdict.required.map { .string($0) })),
            ("requiredItems", .int(Int64(verdict.requiredItems))),
            ("sections", key.sections.map { .array($0.map { .string($0) }) } ?? .null),
            ("today", .string(key.today)),
        ]))
        store.save(Data(writer.bytes), to: path)
    }
}

extension PlainJSONScanner {
    fileprivate mutating func storedVerdict(source: String, fetched: Bool) -> (key: GateVerdictCache.Key, verdict: GateVerdict)? {
        var format: Int?, head: String?, ledger: String?, missing: [GateVerdict.Missing]?, required: [String]?
        var requiredItems: Int?, sections: [String]??, today: String?
        let complete = object { scanner, key in
            switch key {
            case "format": return once(&format, scanner.integer())
            case "head": return once(&head, scanner.string())
            case "ledger": return once(&ledger, scanner.string())
            case "missing": return once(&missing, scanner.array { $0.missingItem() })
            case "required": return once(&required, scanner.array { $0.string() })
            case "requiredItems": return once(&requiredItems, scanner.integer())
            case "sections": return once(&sections, scanner.nullable { $0.array { $0.string() } })
            case "today": return once(&today, scanner.string())
            default: return false
            }
        }
        guard complete, format == GateVerdictCache.format, let head, let ledger, let missing, let required,
              let requiredItems, let sections, let today else { return nil }
        let verdict = GateVerdict(passed: missing.isEmpty, ledger: ledger, head: head, source: source, fetched: fetched,
                                  today: today, required: required, requiredItems: requiredItems, missing: missing)
        return (GateVerdictCache.Key(head: head, today: today, sections: sections), verdict)
    }

    private mutating func missingItem() -> GateVerdict.Missing? {
        var awaitingApproval: Bool??, expired: String??, item: String?, number: String?, requiredSignoffs: Int??
        var section: String?, signoffs: Int??, state: ItemState?, title: String?, waivedUntil: String??
        let complete = object { scanner, key in
            switch key {
            case "awaitingApproval": return once(&awaitingApproval, scanner.nullable { $0.boolean() })
            case "expired": return once(&expired, scanner.nullable { $0.string() })
            case "item": return once(&item, scanner.string())
            case "number": return once(&number, scanner.string())
            case "requiredSignoffs": return once(&requiredSignoffs, scanner.nullable { $0.integer() })
            case "section": return once(&section, scanner.string())
            case "signoffs": return once(&signoffs, scanner.nullable { $0.integer() })
            case "state": return once(&state, scanner.string().flatMap(ItemState.init(rawValue:)))
            case "title": return once(&title, scanner.string())
            case "waivedUntil": return once(&waivedUntil, scanner.nullable { $0.string() })
            default: return false
            }
        }
        guard complete, let awaitingApproval, let expired, let item, let number, let requiredSignoffs, let section,
              let signoffs, let state, let title, let waivedUntil else { return nil }
        var missing = GateVerdict.Missing(number: number, item: item, title: title, section: section, state: state,
                                          waivedUntil: waivedUntil)
        missing.signoffs = signoffs
        missing.requiredSignoffs = requiredSignoffs
        missing.awaitingApproval = awaitingApproval
        missing.expired = expired
        return missing
    }
}
