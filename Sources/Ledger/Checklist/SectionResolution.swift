extension Checklist {
    /// The section `query` names: its id, its number, or an unambiguous prefix of its id or
    /// title (case-insensitive). Unknown or ambiguous: `.unknownItem` listing the sections.
    public func resolveSection(_ query: String) throws -> ChecklistSection {
        let wanted = query.trimmingCharacters(in: .whitespaces).lowercased()
        guard !wanted.isEmpty else {
            throw LedgerError(.invalidInput, "the section is empty", hint: "give a section id or number")
        }
        if let exact = sections.first(where: { $0.id == wanted || $0.number == wanted }) { return exact }
        let slug = Slug.make(wanted)
        let matches = sections.filter { $0.id.hasPrefix(wanted) || (!slug.isEmpty && $0.id.hasPrefix(slug)) || $0.title.lowercased().hasPrefix(wanted) }
        if matches.count == 1 { return matches[0] }
        let listing = (matches.isEmpty ? sections : matches).map { "\($0.number) \($0.id)" }.joined(separator: ", ")
        if matches.isEmpty {
            throw LedgerError(.unknownItem, "no section matches '\(query)'", hint: "sections: \(listing)")
        }
        throw LedgerError(.unknownItem, "'\(query)' matches \(matches.count) sections: \(listing)", hint: "give more of the id or the number")
    }
}

extension Slug {
    /// True for `section/item` where both parts are valid ids.
    public static func isValidFullID(_ id: String) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isValidID(String($0)) }
    }
}
