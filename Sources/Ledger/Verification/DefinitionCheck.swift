import FoundationEssentials
import Git

/// The lifecycle rules a definition change (`Readiness-Action: define`) must keep, judged from
/// the definitions before and after and the files the commit changes: the same rules
/// `checklist update` follows when it writes one, so a hand-made change is held to them too.
/// - No item is dropped: every item of the parent's definition, active or retired, is still
///   there (active, retired, moved, retitled), matched by its file.
/// - No item file is removed or rewritten: moved, retitled and retired items keep their files
///   untouched; a retired item's record stays exactly as it was retired.
/// - Each added item gets a new file holding the record of an item just created (open, no
///   history), at a path no item ever used: a retired item's id or file is never re-used.
/// - Besides `checklist.json` and new item files, only the format in `ledger.json` may change
///   (raised, never lowered).
/// - The `Readiness-Added/Retitled/Moved/Retired/Restored` trailers say exactly what changed.
struct DefinitionCheck {
    let repository: Repository
    let data: LedgerDataCache

    func check(_ commit: Commit, trailers: CommitTrailers, parents: [Commit], changes: [ChangedFile], defined: DefinedItems,
               report: (VerificationProblem.Kind, String) -> Void) throws {
        guard parents.count == 1, let parent = parents.first else {
            report(.trailerMismatch, "a definition change has one parent, but it has \(parents.count)")
            return
        }
        guard case let .success(before) = try data.definition(ofTree: parent.treeID) else { return }
        let diff = DefinitionDiff.changes(from: before.checklist, to: defined.checklist)
        guard changes.contains(where: { LedgerPath($0.path) == .checklist }), !diff.isEmpty else {
            report(.trailerMismatch, "claims a definition change but defines the same checklist as its parent")
            return
        }
        for change in diff where change.kind.isForbidden {
            switch change.kind {
            case .dropped:
                report(.definitionRule, "drops \(change.subject) from the definition: an item is retired, never dropped, so that its history stays part of the ledger")
            default:
                report(.definitionRule, "rewrites the retired item \(change.subject): a retired item stays as it was retired until it is restored")
            }
        }
        let added = Dictionary(diff.filter { $0.kind == .added }.compactMap { change in change.fileKey.map { ("\(LedgerLayout.itemsFolder)/\($0).json", change.subject) } },
                               uniquingKeysWith: { first, _ in first })
        for change in changes {
            switch LedgerPath(change.path) {
            case .checklist:
                break
            case .settings:
                try checkSettings(change, parent: parent, commit: commit, report: report)
            case .item:
                try checkItemFile(change, added: added, before: before, report: report)
            case .outside:
                break // reported by the layout check
            default:
                report(.definitionRule, "a definition change may change only \(LedgerLayout.checklistPath), the format in \(LedgerLayout.settingsPath) and new item files, but it changes \(change.path)")
            }
        }
        for (path, fullID) in added where !changes.contains(where: { $0.path == path && $0.blob != nil }) {
            report(.definitionRule, "adds \(fullID) without creating its file \(path)")
        }
        let expected = DefinitionSummary.trailers(diff)
        for key in DefinitionChange.trailerKeys {
            let claimed = trailers[key].sorted(), actual = expected.filter { $0.0 == key }.map(\.1).sorted()
            if claimed != actual {
                report(.trailerMismatch, "Readiness-\(key) says \(claimed.isEmpty ? "nothing" : claimed.joined(separator: ", ")) but the definitions say \(actual.isEmpty ? "nothing" : actual.joined(separator: ", "))")
            }
        }
    }

    /// An item file a definition change writes must be a new item's, created open, at a path
    /// that held no item before.
    private func checkItemFile(_ change: ChangedFile, added: [String: String], before: DefinedItems,
                               report: (VerificationProblem.Kind, String) -> Void) throws {
        guard let blob = change.blob else { return } // removal: reported by the layout check
        if let retired = before.retired[change.path] {
            report(.definitionRule, "re-uses the file of the retired item \(retired) (\(change.path)) for another item: restore the item instead")
            return
        }
        if let active = before.active[change.path] {
            report(.definitionRule, "rewrites the history of \(active): a definition change never changes an existing item's file")
            return
        }
        guard let fullID = added[change.path], change.previousBlob == nil else {
            report(.definitionRule, "writes \(change.path), which is not the file of an item it adds")
            return
        }
        guard case let .success(record) = try data.record(blob, path: change.path), record == .created(fullID) else {
            report(.definitionRule, "the new item \(fullID) must start open, with no signer and no history")
            return
        }
    }

    /// `ledger.json` may change only by raising the format.
    private func checkSettings(_ change: ChangedFile, parent: Commit, commit: Commit, report: (VerificationProblem.Kind, String) -> Void) throws {
        guard let oldData = try repository.file(atPath: LedgerLayout.settingsPath, inTree: parent.treeID),
              let newData = try repository.file(atPath: LedgerLayout.settingsPath, inTree: commit.treeID),
              var old = try? LedgerSettings.decode(oldData), let new = try? LedgerSettings.decode(newData) else {
            report(.unreadable, "\(LedgerLayout.settingsPath) cannot be read before or after this definition change")
            return
        }
        let raised = new.format > old.format
        old.format = new.format
        if !raised || old != new {
            report(.definitionRule, "a definition change may only raise the format in \(LedgerLayout.settingsPath), but it changes more")
        }
    }
}
