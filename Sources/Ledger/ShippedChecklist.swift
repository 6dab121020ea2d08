import FoundationEssentials

/// The checklist `readiness init` imports when none is given.
public enum ShippedChecklist {
    /// File name of the default checklist, as it stands in the repository's `ledger/` folder.
    public static let defaultName = "produksjons-sjekkliste.md"

    /// The bytes of the default checklist, exactly as shipped.
    public static var defaultMarkdown: Data { Data(PackageResources.produksjons_sjekkliste_md) }

    /// The sidecar `produksjons-sjekkliste.tags`: tags for the shipped checklist's items, kept
    /// apart so the Markdown stays byte for byte as shipped. One item per line,
    /// `<item id> <tag> [<tag>…]`; `#` starts a comment line.
    public static var defaultTags: String { String(decoding: PackageResources.produksjons_sjekkliste_tags, as: UTF8.self) }

    /// `checklist` with the sidecar's tags added to the items they name (by item id, in any
    /// section), lowercased, after the item's own tags and without duplicates.
    public static func applyingTags(_ sidecar: String = defaultTags, to checklist: Checklist) -> Checklist {
        var tagsByItem: [String: [String]] = [:]
        for line in sidecar.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let id = words.first, !id.hasPrefix("#"), words.count > 1 else { continue }
            tagsByItem[id, default: []] += words.dropFirst().map { $0.lowercased() }
        }
        var result = checklist
        for sectionIndex in result.sections.indices {
            for itemIndex in result.sections[sectionIndex].items.indices {
                var item = result.sections[sectionIndex].items[itemIndex]
                for tag in tagsByItem[item.id] ?? [] where !item.tags.contains(tag) { item.tags.append(tag) }
                result.sections[sectionIndex].items[itemIndex] = item
            }
        }
        return result
    }
}
