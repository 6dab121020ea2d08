import FoundationEssentials
import Git

/// The outcome of one recorded change.
public struct RecordedChange: Sendable {
    /// The new commit.
    public let commit: ObjectID
    /// The item changed.
    public let item: ChecklistItemRef
    /// Its new record.
    public let record: ItemRecord
    /// How many times the branch moved under us before this write landed.
    public let retries: Int
}

extension LedgerStore {
    /// Records `change` to the item `query` names, as one signed commit changing exactly that
    /// item's file. Retries on a lost race, rebuilding the commit on the new head; throws before
    /// writing anything when the item, the change, the identity or the key is not acceptable.
    public func record(_ change: ItemChange, item query: String, identity: GitIdentity,
                       signer: (any Signer)?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecordedChange {
        try record(change, item: query, by: LedgerAuthor(identity: identity, signer: signer, environment: environment))
    }

    /// Records `change` to the item `query` names through the one signed-write sequence
    /// (`writeSigned`): nothing is built on a head that does not verify, and nothing lands that
    /// `verify` would reject.
    /// In a pseudonymous ledger the note or reason and the evidence links and file names are
    /// sealed into the directory first, and the item file (and the commit message) stores only
    /// their commitments; a refused write takes the texts out again.
    public func record(_ change: ItemChange, item query: String, by author: LedgerAuthor) throws -> RecordedChange {
        // Head settings this tool cannot read are refused by the write itself, with the verifier's verdict.
        let texts = change.texts
        guard !texts.isEmpty, (try? snapshot())?.settings.isPseudonymous == true else {
            return try recordPlain(change, item: query, by: author)
        }
        try change.validate()
        let sealed = try sealTexts(texts, by: author)
        do {
            return try recordPlain(change.replacingTexts { sealed[$0]?.stored ?? $0 }, item: query, by: author)
        } catch {
            _ = try? writeDirectory(by: author, action: "withdraw the texts of a refused write") { edit, _ in
                sealed.values.forEach { edit.removeText($0.commitment) }
            }
            throw error
        }
    }

    private func recordPlain(_ change: ItemChange, item query: String, by author: LedgerAuthor) throws -> RecordedChange {
        let key = try author.signer?.keyIdentity()
        var event: ((ObjectID) -> LedgerEvent, parent: ObjectID)?
        let written = try writeSigned(by: author, action: "record \(change.action.rawValue) \(query)") { head, snapshot, time in
            let item = try snapshot.checklist.resolve(query)
            var (current, currentBlob) = try snapshot.itemFile(of: item)
            // An item is recorded and judged under its current full id, also after it moved.
            current.item = item.fullID
            let lastChange = try introduction(of: currentBlob, at: item.path)?.commit
            let person = Person(name: author.identity.name, email: author.identity.email, key: key?.recordedForm)
            let policy = try snapshot.policy()
            let next = try change.apply(to: current, by: person, at: CommitTime.iso8601(time.seconds),
                                        previous: lastChange.map { [$0.hex] } ?? [], policy: policy)
            // The verifier's own rule, under the head's (the parent's) policy, before any object is written.
            if let violation = PolicyJudge.judgeItemEvent(by: author.identity.email, before: current, after: next, under: policy) {
                throw violation.refusal
            }
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: item.path, contents: next.encoded())])
            let blob = try repository.entry(atPath: item.path, inTree: tree)?.id
            event = ({ commit in
                LedgerEvent(commit: commit, sequence: 0, time: time.seconds, path: item.path, blob: blob, action: next.action.rawValue,
                            stateBefore: current.state, stateAfter: next.state, person: person, note: next.note, evidence: next.evidence,
                            waivedUntil: next.waivedUntil, previous: next.previous)
            }, head)
            return PlannedCommit(tree: tree, parents: [head], message: Self.message(for: change, item: item, before: current, after: next),
                                 value: (item, next))
        }
        if let event { advanceTips(from: event.parent, to: written.commit, with: event.0(written.commit)) }
        return RecordedChange(commit: written.commit, item: written.value.0, record: written.value.1, retries: written.retries)
    }

    /// The commit message for a change: subject, note, and trailers mirroring the tree.
    static func message(for change: ItemChange, item: ChecklistItemRef, before: ItemRecord, after: ItemRecord) -> LedgerCommitMessage {
        var trailers: [(String, String)] = [
            ("Item", item.fullID),
            ("Action", change.action.rawValue),
            ("State", "\(before.state.rawValue) -> \(after.state.rawValue)"),
        ]
        trailers += after.evidence.map { ("Evidence", $0.summary) }
        if let until = after.waivedUntil { trailers.append(("Waived-Until", until)) }
        return LedgerCommitMessage(action: change.action.rawValue, subjectID: item.fullID, title: item.item.title,
                                   body: after.note ?? "", trailers: trailers)
    }
}
