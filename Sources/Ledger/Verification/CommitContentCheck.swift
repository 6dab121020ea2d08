import FoundationEssentials
import Git

/// Checks what a commit changes against the layout and against what its trailers claim:
/// the tree is the truth, and the message must agree with it. For item events it also checks
/// the record against the commit (who, when) and the back-link against history.
struct CommitContentCheck {
    let repository: Repository
    let data: LedgerDataCache
    /// The trust contexts (trust files, settings, policy) of trees: a commit's policy is its parent's.
    let contexts: TrustContextCache
    /// The commit that introduced `blob` at `path` below `parent` (an item file's content
    /// identifies its event); `claimed` are the record's own back-links, tried first.
    let introducer: (_ blob: ObjectID, _ path: String, _ parent: Commit, _ claimed: [String]) throws -> ObjectID?

    private static let itemActions = Set(ItemAction.allCases.filter { $0 != .create }.map(\.rawValue))

    func problems(of commit: Commit, parents: [Commit], changes: [ChangedFile]) throws -> [VerificationProblem] {
        var out: [VerificationProblem] = []
        func report(_ kind: VerificationProblem.Kind, _ reason: String) {
            out.append(VerificationProblem(commit: commit.id.hex, kind: kind, reason: reason))
        }
        let defined: DefinedItems
        switch try data.definition(ofTree: commit.treeID) {
        case let .success(value): defined = value
        case let .failure(error):
            report(.unreadable, "\(LedgerLayout.checklistPath): \(error.message)")
            return out
        }

        // Item files are addressed by path; the definition says which item each holds now.
        var items: [(fullID: String, change: ChangedFile)] = []
        for change in changes {
            switch LedgerPath(change.path) {
            case .outside:
                report(.pathOutsideLayout, "changes \(change.path), which is not part of the ledger layout")
            case .item:
                if change.blob == nil {
                    report(.definitionRule, "removes \(change.path): an item's file is never removed (a retired item keeps its file and history)")
                } else if let fullID = defined.active[change.path] {
                    items.append((fullID, change))
                } else if let fullID = defined.retired[change.path] {
                    report(.definitionRule, "changes \(change.path), the file of the retired item \(fullID); restore the item with `readiness checklist update` first")
                } else {
                    report(.pathOutsideLayout, "changes \(change.path), which the checklist definition does not allow")
                }
            default:
                break
            }
        }
        if changes.contains(where: { LedgerPath($0.path) == .checklist }), defined.checklist.needsLifecycleFormat,
           case let .success(settings)? = try? self.settings(ofTree: commit.treeID), settings.format < LedgerLayout.lifecycleFormat {
            report(.definitionRule, "its definition has moved or retired items, which format \(settings.format) cannot express; \(LedgerLayout.settingsPath) must say format \(LedgerLayout.lifecycleFormat)")
        }

        let trailers = CommitTrailers(commit.message)
        let actions = trailers["Action"]
        guard actions.count <= 1 else {
            report(.trailerMismatch, "has \(actions.count) Readiness-Action trailers; a ledger commit records one action")
            return out
        }
        let action = actions.first
        if parents.isEmpty && action != "init" {
            report(.trailerMismatch, "is a root commit but not an init commit (Readiness-Action: \(action ?? "none"))")
        }
        switch action {
        case nil:
            if !changes.isEmpty {
                report(.trailerMismatch, "changes \(Self.list(changes.map(\.path))) without a Readiness-Action trailer")
            }
        case "init":
            if !parents.isEmpty { report(.trailerMismatch, "claims to be an init commit but has parents") }
        case let action? where Self.itemActions.contains(action):
            try checkItemEvent(commit, trailers: trailers, parents: parents, changes: changes, items: items, action: action, report: report)
        case LedgerMerge.action:
            try checkMergeEvent(commit, trailers: trailers, parents: parents, changes: changes, items: items, report: report)
        case TrustAction.add, TrustAction.revoke:
            try checkTrustEvent(commit, trailers: trailers, parents: parents, changes: changes, action: action!, report: report)
        case PolicyAction.change:
            if changes.count != 1 || LedgerPath(changes[0].path) != .policy || changes[0].blob == nil {
                report(.trailerMismatch, "a \(PolicyAction.change) must change only \(LedgerLayout.policyPath), but it changes \(changes.isEmpty ? "nothing" : Self.list(changes.map(\.path)))")
            } else if case let .failure(error) = try contexts.context(ofTree: commit.treeID) {
                report(.unreadable, error.message)
            }
        case ErasureRecord.action:
            break // judged with the other pseudonymity rules below
        case DefinitionAction.define:
            try DefinitionCheck(repository: repository, data: data).check(commit, trailers: trailers, parents: parents, changes: changes,
                                                                         defined: defined, report: report)
        case let action?:
            if changes.contains(where: { LedgerPath($0.path) == .checklist }) {
                report(.trailerMismatch, "changes the definition with Readiness-Action '\(action)'; definition changes are '\(DefinitionAction.define)' commits")
            } else {
                report(.trailerMismatch, "has Readiness-Action '\(action)', which is not a ledger action")
            }
        }
        try PseudonymityCheck(repository: repository, data: data, contexts: contexts)
            .check(commit, parents: parents, changes: changes, action: action, report: report)
        try checkAdministrative(commit, parents: parents, changes: changes, report: report)
        return out
    }

    /// The settings of `tree`, as the definition rules need them.
    private func settings(ofTree tree: ObjectID) throws -> Result<LedgerSettings, LedgerError> {
        guard let data = try repository.file(atPath: LedgerLayout.settingsPath, inTree: tree) else {
            return .failure(LedgerError(.notALedger, "no \(LedgerLayout.settingsPath)"))
        }
        do { return .success(try LedgerSettings.decode(data)) } catch let error as LedgerError { return .failure(error) }
    }

    // MARK: - Policy

    /// The context (and so the policy) that judges a commit: its parent's (a merge: the first
    /// parent's; merges change only item files). Nil for the root, and when the parent's files
    /// cannot be read (the signature check reports that).
    private func parentContext(_ parents: [Commit]) throws -> TrustContext? {
        guard let parent = parents.first, case let .success(context) = try contexts.context(ofTree: parent.treeID) else { return nil }
        return context
    }

    /// Rule `admins`: a commit (not the root, which the trust on first use judges) that changes
    /// trust, policy, settings or the definition must be signed by an admin of its parent.
    private func checkAdministrative(_ commit: Commit, parents: [Commit], changes: [ChangedFile],
                                     report: (VerificationProblem.Kind, String) -> Void) throws {
        let administrative = changes.map(\.path).filter { LedgerPath($0).isAdministrative }
        guard !administrative.isEmpty, let judging = try parentContext(parents) else { return }
        if let violation = PolicyJudge.judgeAdministrative(by: commit.committer.email, changing: Self.list(administrative), under: judging.policy) {
            report(.policyViolation, "breaks the policy of its parent: \(violation.description)")
        }
    }

    // MARK: - Item events

    private func checkItemEvent(_ commit: Commit, trailers: CommitTrailers, parents: [Commit], changes: [ChangedFile],
                                items: [(fullID: String, change: ChangedFile)], action: String,
                                report: (VerificationProblem.Kind, String) -> Void) throws {
        let claimed = trailers["Item"]
        guard claimed.count == 1, let item = claimed.first else {
            report(.trailerMismatch, "a \(action) must name exactly one Readiness-Item; it names \(claimed.count)")
            return
        }
        guard changes.count == 1, items.count == 1, items[0].fullID == item else {
            report(.trailerMismatch, "its trailers claim \(item) but it changes \(changes.isEmpty ? "nothing" : Self.list(changes.map(\.path)))")
            return
        }
        let change = items[0].change
        guard let blob = change.blob else {
            report(.trailerMismatch, "claims a \(action) of \(item) but removes its file")
            return
        }
        let record: ItemRecord
        switch try data.record(blob, path: change.path) {
        case let .success(value): record = value
        case let .failure(error):
            report(.unreadable, error.message)
            return
        }
        var before: ItemRecord?
        if let parent = parents.first, let parentBlob = try repository.entry(atPath: change.path, inTree: parent.treeID)?.id,
           case let .success(value) = try data.record(parentBlob, path: change.path) {
            before = value
            // An item is judged under its current full id, also after it moved (as the writer does).
            before?.item = item
        }
        func disagree(_ what: String, _ claimed: [String], _ actual: [String]) {
            report(.trailerMismatch, "Readiness-\(what) says \(Self.quoted(claimed)) but the tree says \(Self.quoted(actual))")
        }
        if record.item != item { disagree("Item", [item], [record.item]) }
        if record.action.rawValue != action { disagree("Action", [action], [record.action.rawValue]) }
        let state = "\(before?.state.rawValue ?? "none") -> \(record.state.rawValue)"
        if trailers["State"] != [state] { disagree("State", trailers["State"], [state]) }
        let evidence = record.evidence.map(\.summary)
        if trailers["Evidence"] != evidence { disagree("Evidence", trailers["Evidence"], evidence) }
        let until = record.waivedUntil.map { [$0] } ?? []
        if trailers["Waived-Until"] != until { disagree("Waived-Until", trailers["Waived-Until"], until) }
        if let judging = try parentContext(parents),
           let violation = PolicyJudge.judgeItemEvent(by: commit.committer.email, before: before ?? .created(item), after: record, under: judging.policy) {
            report(.policyViolation, "breaks the policy of its parent: \(violation.description)")
        }
        if let by = record.by, by.email != commit.committer.email {
            report(.trailerMismatch, "the record of \(item) is by \(by.email) but the committer is \(commit.committer.email)")
        }
        let time = UTCTimestamp.iso8601(commit.committer.time)
        if record.at != time {
            report(.trailerMismatch, "the record of \(item) is dated \(record.at ?? "never") but the commit is dated \(time)")
        }

        // The back-link must name, for each parent, the commit that introduced the item's file there.
        var expected: [String] = []
        for parent in parents {
            guard let parentBlob = try repository.entry(atPath: change.path, inTree: parent.treeID)?.id else { continue }
            guard let origin = try introducer(parentBlob, change.path, parent, record.previous) else { return }
            if !expected.contains(origin.hex) { expected.append(origin.hex) }
        }
        if record.previous != expected {
            let claimedLinks = record.previous.isEmpty ? "nothing" : record.previous.map { String($0.prefix(12)) }.joined(separator: ", ")
            let actual = expected.isEmpty ? "nothing" : expected.map { String($0.prefix(12)) }.joined(separator: ", ")
            report(.brokenBackLink, "the record of \(item) links back to \(claimedLinks), but the item was last changed by \(actual): an event is missing or forged")
        }
    }

    // MARK: - Merges

    /// A merge written by `readiness pull`/`sync`: it has two or more parents and changes only
    /// item files both sides changed; each such file is the record of the side whose last event
    /// is later (committer time, ties broken by the greater commit id), back-linking the commit
    /// that last changed the item on every side, in parent order. Its Readiness-Item trailers
    /// name exactly the items it resolved.
    private func checkMergeEvent(_ commit: Commit, trailers: CommitTrailers, parents: [Commit], changes: [ChangedFile],
                                 items: [(fullID: String, change: ChangedFile)], report: (VerificationProblem.Kind, String) -> Void) throws {
        guard parents.count >= 2 else {
            report(.trailerMismatch, "claims to be a merge but has \(parents.count) parent(s)")
            return
        }
        guard items.count == changes.count else {
            report(.trailerMismatch, "a merge may resolve only item files, but it changes \(Self.list(changes.map(\.path)))")
            return
        }
        let claimed = Set(trailers["Item"])
        let resolved = Set(items.map(\.fullID))
        if claimed != resolved {
            report(.trailerMismatch, "Readiness-Item says \(Self.quoted(claimed.sorted())) but the merge resolves \(Self.quoted(resolved.sorted()))")
        }
        for (item, change) in items {
            guard let blob = change.blob, case let .success(record) = try data.record(blob, path: change.path) else {
                report(.unreadable, "the merged record of \(item) is missing or unreadable")
                continue
            }
            var sides: [(origin: ObjectID, record: ItemRecord)] = []
            for parent in parents {
                guard let parentBlob = try repository.entry(atPath: change.path, inTree: parent.treeID)?.id,
                      case let .success(parentRecord) = try data.record(parentBlob, path: change.path) else { continue }
                guard let origin = try introducer(parentBlob, change.path, parent, record.previous) else { return }
                sides.append((origin, parentRecord))
            }
            let expected = sides.map(\.origin.hex).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if record.previous != expected {
                report(.brokenBackLink, "the merged record of \(item) links back to \(record.previous.map { String($0.prefix(12)) }.joined(separator: ", ")), but the sides last changed it in \(expected.map { String($0.prefix(12)) }.joined(separator: ", "))")
                continue
            }
            let candidates = try sides.map { side in (id: side.origin, time: try repository.commit(side.origin).committer.time, record: side.record) }
            guard let winner = LedgerMerge.winner(candidates.map { ($0.id, $0.time) }),
                  let chosen = candidates.first(where: { $0.id == winner })?.record else { continue }
            var stripped = record
            stripped.previous = chosen.previous
            if stripped != chosen {
                report(.trailerMismatch, "the merged record of \(item) is not the record of the later event \(winner.abbreviated())")
            }
        }
    }

    // MARK: - Trust events

    private func checkTrustEvent(_ commit: Commit, trailers: CommitTrailers, parents: [Commit], changes: [ChangedFile], action: String,
                                 report: (VerificationProblem.Kind, String) -> Void) throws {
        let other = changes.filter { !LedgerPath($0.path).isTrust }
        guard other.isEmpty, !changes.isEmpty else {
            report(.trailerMismatch, "a \(action) may change only the trust files, but it changes \(changes.isEmpty ? "nothing" : Self.list(changes.map(\.path)))")
            return
        }
        guard let after = try keys(inTree: commit.treeID) else {
            report(.unreadable, "its trust files cannot be parsed")
            return
        }
        var before = Set<String>()
        for parent in parents {
            before.formUnion(try keys(inTree: parent.treeID) ?? [])
        }
        let added = Set(after.subtracting(before).map { $0.split(separator: " ").first.map(String.init) ?? $0 })
        let removed = Set(before.subtracting(after).map { $0.split(separator: " ").first.map(String.init) ?? $0 })
        let claimed = Set(trailers["Key"])
        let actual = action == TrustAction.add ? added : removed
        let opposite = action == TrustAction.add ? removed : added
        if claimed != actual || !opposite.isEmpty {
            report(.trailerMismatch,
                   "Readiness-Key says \(Self.quoted(claimed.sorted())) but the trust files add \(Self.quoted(added.sorted())) and remove \(Self.quoted(removed.sorted()))")
        }
    }

    /// Every trusted (key, principal, options) of a tree as "<fingerprint> <line>", nil when unparsable.
    private func keys(inTree tree: ObjectID) throws -> Set<String>? {
        let allowedText = try repository.file(atPath: LedgerLayout.allowedSignersPath, inTree: tree).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let openPGPText = try repository.file(atPath: LedgerLayout.openPGPSignersPath, inTree: tree).map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard let allowed = try? AllowedSigners.parse(allowedText), let openPGP = try? OpenPGPSigners.parse(openPGPText) else { return nil }
        var out = Set(allowed.entries.map { entry -> String in
            var bare = entry
            bare.key.comment = nil
            return "\(entry.key.fingerprint) \(bare.serialized())"
        })
        out.formUnion(openPGP.entries.map { "openpgp:\($0.fingerprint) \($0.principal)" })
        return out
    }

    // MARK: - Formatting

    private static func list(_ paths: [String]) -> String {
        paths.count <= 3 ? paths.joined(separator: ", ") : paths.prefix(3).joined(separator: ", ") + " and \(paths.count - 3) more"
    }

    private static func quoted(_ values: [String]) -> String {
        values.isEmpty ? "nothing" : values.map { "'\($0)'" }.joined(separator: ", ")
    }
}
