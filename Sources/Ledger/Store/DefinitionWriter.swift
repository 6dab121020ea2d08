import FoundationEssentials
import Git

/// The action word of definition changes, shared by the writer and the verifier.
public enum DefinitionAction {
    /// `Readiness-Action: define`: the checklist's definition changed.
    public static let define = "define"
}

/// The outcome of one definition change.
public struct RecordedDefinitionChange: Sendable {
    /// The new commit.
    public let commit: ObjectID
    /// The plan as written (made again on the head the commit builds on).
    public let plan: ChecklistUpdatePlan
}

extension LedgerStore {
    /// The plan of re-importing `edited` on the current head: what `checklist update --dry-run` prints.
    public func planDefinitionUpdate(_ edited: ChecklistImport, source: String) throws -> (head: ObjectID, plan: ChecklistUpdatePlan) {
        let head = try head()
        return (head, try ChecklistUpdatePlan.make(current: snapshot(at: head).checklist, edited: edited, source: source))
    }

    /// Writes the definition `edited` describes as one signed commit through the one
    /// signed-write sequence (`writeSigned`): only an admin of the head's policy may; new items
    /// get open item files; moved, retitled and retired items keep their files untouched; a
    /// ledger still at format 1 is raised to the format that can express moves and retirements
    /// when the new definition needs it. With `base`, refuses (exit 8) when the head is no
    /// longer that commit, so what lands is the plan that was reviewed. An update that changes
    /// nothing is refused too: an empty commit would record nothing.
    public func updateDefinition(_ edited: ChecklistImport, source: String, base: ObjectID?, by author: LedgerAuthor) throws -> RecordedDefinitionChange {
        let written = try writeSigned(by: author, action: "update the checklist") { head, snapshot, _ in
            try Self.requirePlanBase(base, head: head, source: source)
            if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: LedgerLayout.checklistPath, under: try snapshot.policy()) {
                throw violation.refusal
            }
            let plan = try ChecklistUpdatePlan.make(current: snapshot.checklist, edited: edited, source: source)
            guard !plan.isEmpty else {
                throw LedgerError(.conflict, "\(TextSafety.escaped(source)) defines exactly the checklist the ledger has; nothing to update",
                                  hint: "edit the file (start from `readiness checklist export`) and run the update again")
            }
            var files: [TreeChange] = [.write(path: LedgerLayout.checklistPath, contents: plan.checklist.canonicalJSON())]
            for item in plan.addedItems {
                files.append(.write(path: item.path, contents: ItemRecord.created(item.fullID).encoded()))
            }
            if plan.checklist.needsLifecycleFormat, snapshot.settings.format < LedgerLayout.lifecycleFormat {
                var settings = snapshot.settings
                settings.format = LedgerLayout.lifecycleFormat
                files.append(.write(path: LedgerLayout.settingsPath, contents: settings.encoded()))
            }
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: files)
            return PlannedCommit(tree: tree, parents: [head], message: Self.definitionMessage(plan), value: plan)
        }
        return RecordedDefinitionChange(commit: written.commit, plan: written.value)
    }

    /// Refuses (exit 8) a plan reviewed on `base` when the head is now another commit.
    public static func requirePlanBase(_ base: ObjectID?, head: ObjectID, source: String) throws {
        guard let base, base != head else { return }
        throw LedgerError(.conflict, "the ledger moved since the plan: it was made on \(base.abbreviated()), the head is now \(head.abbreviated()); nothing was written",
                          hint: "run `readiness checklist update \(TextSafety.escaped(source)) --dry-run` again and review the new plan")
    }

    /// Subject `define checklist: 3 added, 1 retired`, every change in the body, and one
    /// trailer per added, retitled, moved, retired and restored item, which `verify` checks
    /// against the definitions before and after.
    static func definitionMessage(_ plan: ChecklistUpdatePlan) -> LedgerCommitMessage {
        LedgerCommitMessage(action: DefinitionAction.define, subjectID: "checklist", title: DefinitionSummary.line(plan.changes),
                            body: plan.changes.map(\.description).joined(separator: "\n"),
                            trailers: [("Action", DefinitionAction.define)] + DefinitionSummary.trailers(plan.changes))
    }
}

/// How definition changes are summed up in one line and recorded as trailers.
public enum DefinitionSummary {
    /// `3 added, 2 retitled, 1 moved`: counts per kind, in the kinds' order.
    public static func line(_ changes: [DefinitionChange]) -> String {
        let counts = DefinitionChange.Kind.allCases.compactMap { kind -> String? in
            let count = changes.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)"
        }
        return counts.isEmpty ? "no change" : counts.joined(separator: ", ")
    }

    /// The trailers of `changes`, grouped by key in `DefinitionChange.trailerKeys` order.
    public static func trailers(_ changes: [DefinitionChange]) -> [(String, String)] {
        DefinitionChange.trailerKeys.flatMap { key in
            changes.compactMap(\.trailer).filter { $0.key == key }.map { ($0.key, $0.value) }
        }
    }
}
