extension Checklist {
    /// The definition as Markdown in the import format, every section and item carrying its id
    /// (items as full ids, `{#section/item}`) and tags, so that editing it and giving it to
    /// `checklist update` changes exactly what was edited. Retired items follow as comment
    /// lines the importer ignores; un-commenting one (as a task line in a section) restores it.
    public func markdown(header: [String] = []) -> String {
        var lines = ["# \(title)", ""]
        if !header.isEmpty {
            lines.append("<!--")
            lines += header.map { "  \($0)" }
            lines += ["-->", ""]
        }
        for section in sections {
            lines.append("## \(section.number). \(section.title) {#\(section.id)}")
            let info = ChecklistSectionInfo(section)
            for item in section.items {
                lines.append("- [ ] \(Self.itemText(ChecklistItemRef(section: info, item: item)))")
            }
            lines.append("")
        }
        if let retired, !retired.isEmpty {
            lines.append("<!-- Retired items: they keep their history and no longer count. To restore one, put its line back in a section without the comment marks. -->")
            for entry in retired {
                lines.append("<!-- retired from \(entry.sectionNumber). \(entry.sectionTitle): - [ ] \(Self.itemText(entry.ref)) -->")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func itemText(_ ref: ChecklistItemRef) -> String {
        ([ref.item.title] + ref.item.tags.map { "#\($0)" } + ["{#\(ref.fullID)}"]).joined(separator: " ")
    }
}
