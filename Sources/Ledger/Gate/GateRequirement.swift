import FoundationEssentials

/// Which sections a gate requires: all of them, or the ones named.
public enum GateRequirement: Equatable, Sendable {
    /// Every section of the checklist.
    case all
    /// The sections these references name (id, number or unambiguous id prefix).
    case sections([String])

    /// Reads `--require` values (or `readiness.require` config values): each may hold several
    /// references separated by commas; `all` anywhere means every section; none means all.
    /// An empty reference (`--require ""`, `a,,b`) is refused rather than read as `all`.
    public static func parse(_ values: [String]) throws -> GateRequirement {
        let parts = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimming(.whitespaces) } }
        if parts.contains(where: \.isEmpty) {
            throw LedgerError(.invalidInput, "an empty section reference in --require / readiness.require",
                              hint: "give section ids or numbers separated by commas, or `all`")
        }
        if parts.isEmpty || parts.contains(where: { $0.lowercased() == "all" }) { return .all }
        return .sections(parts)
    }

    /// The sections required, in checklist order, without duplicates.
    /// Throws `.unknownItem` (exit 4) naming a reference that matches no section or several.
    public func resolve(in checklist: Checklist) throws -> [ChecklistSection] {
        guard case let .sections(references) = self else { return checklist.sections }
        var wanted = Set<String>()
        for reference in references {
            wanted.insert(try checklist.resolveSection(reference).id)
        }
        return checklist.sections.filter { wanted.contains($0.id) }
    }
}
