extension Checklist {
    /// The section `query` names: exact id, exact number (`3` or `3.`), the slug of its title,
    /// or a prefix of exactly one id or title (ASCII case ignored). The one resolver for every
    /// `--section` and `--require`. Unknown or ambiguous: `.unknownItem` listing the sections.
    public func resolveSection(_ query: String) throws -> ChecklistSection {
        let wanted = query.trimming(.whitespaces).lowercased()
        guard !wanted.isEmpty else {
            throw LedgerError(.invalidInput, "the section is empty", hint: "give a section id or number")
        }
        if let scalar = TextSafety.firstControlCharacter(in: query) {
            throw LedgerError(.invalidInput, "section reference '\(TextSafety.escaped(query))' contains the control character \(TextSafety.describe(scalar))",
                              hint: "give a section id or number")
        }
        let number = wanted.hasSuffix(".") ? String(wanted.dropLast()) : wanted
        if let exact = sections.first(where: { $0.id.lowercased() == wanted || $0.number == number }) { return exact }
        let slug = Slug.make(query)
        if !slug.isEmpty, let bySlug = sections.first(where: { $0.id == slug || Slug.make($0.title) == slug }) { return bySlug }
        let matches = sections.filter {
            $0.id.lowercased().hasPrefix(wanted) || (!slug.isEmpty && $0.id.hasPrefix(slug)) || $0.title.lowercased().hasPrefix(wanted)
        }
        if matches.count == 1 { return matches[0] }
        let shown = TextSafety.escaped(query)
        guard matches.isEmpty else {
            throw LedgerError(.unknownItem, "section '\(shown)' matches \(matches.count) sections: \(matches.map(\.id).joined(separator: ", "))",
                              hint: "give more of the id, or the number")
        }
        throw LedgerError(.unknownItem, "no section matches '\(shown)'",
                          hint: "sections are: \(sections.map { "\($0.number) \($0.id)" }.joined(separator: ", "))")
    }
}

extension Slug {
    /// True for `section/item` where both parts are valid ids.
    public static func isValidFullID(_ id: String) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isValidID(String($0)) }
    }
}
