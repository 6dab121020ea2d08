/// One difference between two definitions of the same ledger. Items are matched by their file
/// key (the full id they were created under), which never changes, so a moved, retitled or
/// renumbered item is recognised as the same item.
public struct DefinitionChange: Equatable, Sendable, CustomStringConvertible {
    /// What kind of change.
    public enum Kind: String, Sendable, CaseIterable {
        /// The checklist's title changed.
        case titleChanged = "title"
        /// A new section.
        case sectionAdded = "section-added"
        /// A section with a new title.
        case sectionRetitled = "section-retitled"
        /// A section no longer in the checklist (its items moved or retired).
        case sectionRemoved = "section-removed"
        /// A new item (it starts open).
        case added
        /// Same item, another section (its full id changes, its file does not).
        case moved
        /// Same item, new title.
        case retitled
        /// Same item, other tags.
        case retagged
        /// Taken out of the checklist: keeps its history and last state, stops counting.
        case retired
        /// A retired item back in the checklist.
        case restored
        /// Same item, new number (listed last: one insertion renumbers everything after it).
        case renumbered
        /// Not a change any update may make: an item vanished from the definition altogether.
        case dropped
        /// Not a change any update may make: a retired item's record was rewritten, or an item
        /// that never existed appears as retired.
        case retiredRewritten = "retired-rewritten"

        /// True for the kinds only a broken or forged definition change has.
        public var isForbidden: Bool { self == .dropped || self == .retiredRewritten }
    }

    /// What kind of change.
    public var kind: Kind
    /// The item's full id after the change (before it, for retired and dropped items), or the
    /// section id for section changes, or empty for the title.
    public var subject: String
    /// The item's file key (nil for section and title changes).
    public var fileKey: String?
    /// The old value, where there is one (title, number, full id, tags).
    public var before: String?
    /// The new value, where there is one.
    public var after: String?

    /// Creates a change.
    public init(_ kind: Kind, _ subject: String, fileKey: String? = nil, before: String? = nil, after: String? = nil) {
        self.kind = kind
        self.subject = subject
        self.fileKey = fileKey
        self.before = before
        self.after = after
    }

    /// One line for people and for the commit body: `moved drift/x -> sikkerhet/x`.
    public var description: String {
        switch kind {
        case .added, .retired, .restored, .dropped, .retiredRewritten, .sectionAdded, .sectionRemoved:
            return "\(kind.rawValue) \(subject)\(after.map { ": \($0)" } ?? before.map { ": \($0)" } ?? "")"
        case .moved:
            return "moved \(before ?? "?") -> \(subject)"
        case .retitled, .renumbered, .retagged, .sectionRetitled:
            return "\(kind.rawValue) \(subject): \(before ?? "") -> \(after ?? "")"
        case .titleChanged:
            return "title: \(before ?? "") -> \(after ?? "")"
        }
    }

    /// The commit trailer recording this change, for the kinds that have one. Renumbering,
    /// tags and sections follow from the definition and are listed in the body only.
    public var trailer: (key: String, value: String)? {
        switch kind {
        case .added: return ("Added", subject)
        case .retired: return ("Retired", subject)
        case .restored: return ("Restored", subject)
        case .moved: return ("Moved", "\(before ?? "?") -> \(subject)")
        case .retitled: return ("Retitled", subject)
        default: return nil
        }
    }

    /// The trailer keys a definition change carries, in the order they are written.
    public static let trailerKeys = ["Added", "Retitled", "Moved", "Retired", "Restored"]
}

/// The differences between two definitions, items in the new definition's order.
public enum DefinitionDiff {
    /// Everything that differs from `old` to `new`; empty when they define the same checklist.
    public static func changes(from old: Checklist, to new: Checklist) -> [DefinitionChange] {
        let rank = Dictionary(uniqueKeysWithValues: DefinitionChange.Kind.allCases.enumerated().map { ($0.element, $0.offset) })
        return unordered(from: old, to: new).enumerated()
            .sorted { (rank[$0.element.kind]!, $0.offset) < (rank[$1.element.kind]!, $1.offset) }.map(\.element)
    }

    private static func unordered(from old: Checklist, to new: Checklist) -> [DefinitionChange] {
        var out: [DefinitionChange] = []
        if old.title != new.title { out.append(DefinitionChange(.titleChanged, "", before: old.title, after: new.title)) }
        let oldSections = Dictionary(old.sections.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newSectionIDs = Set(new.sections.map(\.id))
        for section in new.sections {
            if let before = oldSections[section.id] {
                if before.title != section.title {
                    out.append(DefinitionChange(.sectionRetitled, section.id, before: before.title, after: section.title))
                }
            } else {
                out.append(DefinitionChange(.sectionAdded, section.id, after: section.title))
            }
        }
        for section in old.sections where !newSectionIDs.contains(section.id) {
            out.append(DefinitionChange(.sectionRemoved, section.id, before: section.title))
        }

        var oldActive: [String: ChecklistItemRef] = [:]
        for ref in old.allItems { oldActive[ref.fileKey] = oldActive[ref.fileKey] ?? ref }
        var oldRetired: [String: RetiredItem] = [:]
        for entry in old.retired ?? [] { oldRetired[entry.ref.fileKey] = oldRetired[entry.ref.fileKey] ?? entry }
        var seen = Set<String>()
        for ref in new.allItems {
            let key = ref.fileKey
            seen.insert(key)
            if let before = oldActive[key] {
                out += itemChanges(from: before, to: ref)
            } else if let entry = oldRetired[key] {
                out.append(DefinitionChange(.restored, ref.fullID, fileKey: key, after: ref.item.title))
                out += itemChanges(from: entry.ref, to: ref)
            } else {
                out.append(DefinitionChange(.added, ref.fullID, fileKey: key, after: ref.item.title))
            }
        }
        for entry in new.retired ?? [] {
            let ref = entry.ref
            seen.insert(ref.fileKey)
            if let before = oldActive[ref.fileKey] {
                // Retiring records the item as it stood; anything else is a rewrite.
                if RetiredItem(before) == entry {
                    out.append(DefinitionChange(.retired, ref.fullID, fileKey: ref.fileKey, before: ref.item.title))
                } else {
                    out.append(DefinitionChange(.retiredRewritten, ref.fullID, fileKey: ref.fileKey, before: before.fullID, after: ref.fullID))
                }
            } else if oldRetired[ref.fileKey] != entry {
                out.append(DefinitionChange(.retiredRewritten, ref.fullID, fileKey: ref.fileKey,
                                            before: oldRetired[ref.fileKey]?.ref.fullID, after: ref.fullID))
            }
        }
        for ref in old.everyItem where !seen.contains(ref.fileKey) {
            seen.insert(ref.fileKey)
            out.append(DefinitionChange(.dropped, ref.fullID, fileKey: ref.fileKey, before: ref.item.title))
        }
        return out
    }

    private static func itemChanges(from before: ChecklistItemRef, to after: ChecklistItemRef) -> [DefinitionChange] {
        var out: [DefinitionChange] = []
        let key = after.fileKey
        if before.fullID != after.fullID {
            out.append(DefinitionChange(.moved, after.fullID, fileKey: key, before: before.fullID, after: after.fullID))
        }
        if before.item.title != after.item.title {
            out.append(DefinitionChange(.retitled, after.fullID, fileKey: key, before: before.item.title, after: after.item.title))
        }
        if before.item.number != after.item.number {
            out.append(DefinitionChange(.renumbered, after.fullID, fileKey: key, before: before.item.number, after: after.item.number))
        }
        if before.item.tags != after.item.tags {
            func shown(_ tags: [String]) -> String { tags.isEmpty ? "(none)" : tags.map { "#\($0)" }.joined(separator: " ") }
            out.append(DefinitionChange(.retagged, after.fullID, fileKey: key, before: shown(before.item.tags), after: shown(after.item.tags)))
        }
        return out
    }
}
