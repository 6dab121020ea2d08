import FoundationEssentials

extension Checklist {
    /// Finds the one item a person means by `query`, trying in order:
    /// the exact full id (`sikkerhet/ssl-sertifikater-installert-og-konfigurert`),
    /// the exact number (`1.1`), the exact item id alone when only one section has it,
    /// and finally a prefix of the full id (`sikkerhet/ssl`) or of the item id alone (`ssl`)
    /// that matches exactly one item.
    ///
    /// Matching ignores ASCII case; when the query as typed matches nothing, it is tried again
    /// slugged per `/`-separated part, so `Overvåking og Logging/CloudWatch` works too.
    ///
    /// Throws ``LedgerError`` `.unknownItem` when nothing or more than one item matches
    /// (with suggestions or the candidates in the hint), and `.invalidInput` for an empty
    /// query or one containing control characters.
    /// A retired item is not resolved: it cannot change until restored, and the error says so.
    public func resolve(_ query: String) throws -> ChecklistItemRef {
        do {
            return try Self.resolve(query, in: allItems)
        } catch let error as LedgerError where error.kind == .unknownItem {
            guard let retired = try? Self.resolve(query, in: retiredItems, suggesting: false) else { throw error }
            throw LedgerError(.unknownItem, "\(retired.fullID) is retired: it no longer counts and cannot change",
                              hint: "to restore it, put its line, ending in {#\(retired.fullID)}, back in a section and run `readiness checklist update`")
        }
    }

    /// The item `query` names among the active items, else among the retired ones: for the
    /// queries that look at an item's past (history, show, timeline).
    public func resolveIncludingRetired(_ query: String) throws -> (ref: ChecklistItemRef, retired: Bool) {
        do {
            return (try Self.resolve(query, in: allItems), false)
        } catch let error as LedgerError where error.kind == .unknownItem {
            guard let retired = try? Self.resolve(query, in: retiredItems, suggesting: false) else { throw error }
            return (retired, true)
        }
    }

    private static func resolve(_ query: String, in items: [ChecklistItemRef], suggesting: Bool = true) throws -> ChecklistItemRef {
        let trimmed = query.trimming(.whitespaces)
        guard !trimmed.isEmpty else {
            throw LedgerError(.invalidInput, "an empty item reference matches nothing",
                              hint: "give an item id, number (like 1.1) or id prefix")
        }
        if let scalar = TextSafety.firstControlCharacter(in: query) {
            throw LedgerError(
                .invalidInput,
                "item reference '\(TextSafety.escaped(query))' contains the control character \(TextSafety.describe(scalar))",
                hint: "give an item id, number (like 1.1) or id prefix")
        }
        let lowered = trimmed.lowercased()
        switch Self.match(lowered, in: items) {
        case .one(let ref): return ref
        case .many(let refs): throw Self.ambiguous(trimmed, refs)
        case .none: break
        }
        let slugged = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            .map { Slug.make(String($0)) }.joined(separator: "/")
        if slugged != lowered, !slugged.isEmpty {
            switch Self.match(slugged, in: items) {
            case .one(let ref): return ref
            case .many(let refs): throw Self.ambiguous(trimmed, refs)
            case .none: break
            }
        }
        let suggestions = !suggesting ? [] : Self.suggestions(for: slugged.isEmpty ? lowered : slugged, lowered, in: items)
        throw LedgerError(
            .unknownItem, "no item matches '\(trimmed)'",
            hint: suggestions.isEmpty
                ? "run `readiness status` to list items"
                : "did you mean: " + suggestions.map(\.fullID).joined(separator: ", "))
    }

    private enum Match {
        case none
        case one(ChecklistItemRef)
        case many([ChecklistItemRef])
    }

    /// One pass of the resolution order for an already-normalised query.
    private static func match(_ query: String, in items: [ChecklistItemRef]) -> Match {
        if let exact = items.first(where: { $0.fullID.lowercased() == query }) { return .one(exact) }
        if let numbered = items.first(where: { $0.item.number == query }) { return .one(numbered) }
        let sameItemID = items.filter { $0.item.id.lowercased() == query }
        if sameItemID.count == 1 { return .one(sameItemID[0]) }
        // Full-id and item-id prefixes are pooled so that a query is only accepted when it
        // is unambiguous under both readings.
        let prefixed = items.filter {
            $0.fullID.lowercased().hasPrefix(query) || $0.item.id.lowercased().hasPrefix(query)
        }
        switch prefixed.count {
        case 0: return .none
        case 1: return .one(prefixed[0])
        default: return .many(prefixed)
        }
    }

    private static func ambiguous(_ query: String, _ refs: [ChecklistItemRef]) -> LedgerError {
        let shownLimit = 8
        var listed = refs.prefix(shownLimit).map(\.fullID).joined(separator: ", ")
        if refs.count > shownLimit { listed += ", …" }
        return LedgerError(.unknownItem, "'\(query)' matches \(refs.count) items: \(listed)",
                           hint: "give more of the id or the number")
    }

    /// Up to five items the user probably meant: first those whose id contains the query,
    /// then those within a small edit distance of it (whole id, or the id's start when the
    /// query looks like a mistyped prefix).
    private static func suggestions(
        for query: String, _ rawQuery: String, in items: [ChecklistItemRef]
    ) -> [ChecklistItemRef] {
        let queryChars = Array(query.unicodeScalars)
        // Long queries are not typos of ids; skipping them keeps the quadratic distance cheap.
        guard !queryChars.isEmpty, queryChars.count <= 2 * Slug.maxIDLength + 1 else { return [] }
        let threshold = max(2, queryChars.count / 3)

        var scored: [(score: Int, order: Int, ref: ChecklistItemRef)] = []
        for (order, ref) in items.enumerated() {
            let fullID = ref.fullID.lowercased()
            let itemID = ref.item.id.lowercased()
            if fullID.contains(query) || fullID.contains(rawQuery) || query.hasPrefix(itemID) || query.hasPrefix(fullID) {
                scored.append((0, order, ref))
                continue
            }
            var best = Int.max
            for candidate in [fullID, itemID] {
                let chars = Array(candidate.unicodeScalars)
                best = min(best, EditDistance.between(queryChars, chars))
                if chars.count > queryChars.count {
                    best = min(best, EditDistance.between(queryChars, Array(chars.prefix(queryChars.count))))
                }
            }
            if best <= threshold { scored.append((1 + best, order, ref)) }
        }
        scored.sort { ($0.score, $0.order) < ($1.score, $1.order) }
        return scored.prefix(5).map(\.ref)
    }
}
