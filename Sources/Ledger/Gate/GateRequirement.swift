import Foundation

/// Which sections a gate requires: all of them, or the ones named.
public enum GateRequirement: Equatable, Sendable {
    /// Every section of the checklist.
    case all
    /// The sections these references name (id, number or unambiguous id prefix).
    case sections([String])

    /// Reads `--require` values (or `readiness.require` config values): each may hold several
    /// references separated by commas; `all` anywhere means every section; none means all.
    public static func parse(_ values: [String]) -> GateRequirement {
        let parts = values.flatMap { $0.split(separator: ",").map(String.init) }
        if parts.isEmpty || parts.contains(where: { $0.lowercased() == "all" }) { return .all }
        return .sections(parts)
    }

    /// The sections required, in checklist order, without duplicates.
    /// Throws `.unknownItem` (exit 4) naming a reference that matches no section or several.
    public func resolve(in checklist: Checklist) throws -> [ChecklistSection] {
        guard case let .sections(references) = self else { return checklist.sections }
        var wanted = Set<String>()
        for reference in references {
            wanted.insert(try Self.section(reference, in: checklist).id)
        }
        return checklist.sections.filter { wanted.contains($0.id) }
    }

    /// The one section `reference` names: exact id, exact number (`3` or `3.`), the slug of its
    /// title, or a prefix of exactly one id; ASCII case is ignored.
    static func section(_ reference: String, in checklist: Checklist) throws -> ChecklistSection {
        let query = reference.trimmingCharacters(in: .whitespaces).lowercased()
        if let scalar = TextSafety.firstControlCharacter(in: reference) {
            throw LedgerError(.invalidInput, "section reference '\(TextSafety.escaped(reference))' contains the control character \(TextSafety.describe(scalar))")
        }
        let sections = checklist.sections
        let number = query.hasSuffix(".") ? String(query.dropLast()) : query
        if let exact = sections.first(where: { $0.id.lowercased() == query || $0.number == number }) { return exact }
        let slug = Slug.make(reference)
        if !slug.isEmpty, let bySlug = sections.first(where: { $0.id == slug || Slug.make($0.title) == slug }) { return bySlug }
        let prefixed = sections.filter { $0.id.lowercased().hasPrefix(query) || (!slug.isEmpty && $0.id.hasPrefix(slug)) }
        if prefixed.count == 1 { return prefixed[0] }
        let known = sections.map { "\($0.number) \($0.id)" }.joined(separator: ", ")
        if prefixed.count > 1 {
            throw LedgerError(.unknownItem, "section '\(TextSafety.escaped(reference))' matches \(prefixed.count) sections: \(prefixed.map(\.id).joined(separator: ", "))",
                              hint: "give more of the id, or the number")
        }
        throw LedgerError(.unknownItem, "no section matches '\(TextSafety.escaped(reference))'",
                          hint: "sections are: \(known)")
    }
}
