import Foundation
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
        let writer = SignedCommitWriter(repository: repository, identity: identity, signer: signer)
        let key = try signer?.keyIdentity()
        var event: (parent: ObjectID, event: LedgerEvent)?
        let written = try commitOnHead { head, snapshot in
            let item = try snapshot.checklist.resolve(query)
            try requireSigner(signer, key: key, identity: identity, snapshot: snapshot)
            let (current, currentBlob) = try snapshot.itemFile(of: item)
            let time = try CommitTime.now(environment: environment)
            let lastChange = try introduction(of: currentBlob, at: item.path)?.commit
            let person = Person(name: identity.name, email: identity.email, key: key?.recordedForm)
            let next = try change.apply(to: current, by: person, at: CommitTime.iso8601(time.seconds),
                                        previous: lastChange.map { [$0.hex] } ?? [])
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: item.path, contents: next.encoded())])
            let message = Self.message(for: change, item: item, before: current, after: next)
            let commit = try writer.writeCommit(tree: tree, parents: [head], message: message.text, time: time)
            event = (head, LedgerEvent(
                commit: commit, sequence: 0, time: time.seconds, path: item.path,
                blob: try repository.entry(atPath: item.path, inTree: tree)?.id, action: next.action.rawValue,
                stateBefore: current.state, stateAfter: next.state, person: person, note: next.note, evidence: next.evidence,
                waivedUntil: next.waivedUntil, previous: next.previous))
            return (commit, (item, next))
        }
        if let event { advanceTips(from: event.parent, to: written.commit, with: event.event) }
        return RecordedChange(commit: written.commit, item: written.value.0, record: written.value.1, retries: written.retries)
    }

    /// Refuses, before anything is written, a missing signer where signatures are required and a
    /// key the ledger does not trust.
    func requireSigner(_ signer: (any Signer)?, key: SigningKeyIdentity?, identity: GitIdentity, snapshot: LedgerSnapshot) throws {
        guard signer != nil else {
            if snapshot.settings.allowUnsigned { return }
            throw LedgerError(.signing, "no signing key configured and this ledger requires signed sign-offs",
                              hint: "configure signing as for `git commit -S`: git config --global gpg.format ssh; git config --global user.signingkey ~/.ssh/id_ed25519")
        }
        guard let key else {
            throw LedgerError(.untrustedKey, "cannot tell which key \(signer!.description) signs with, so cannot check it is trusted",
                              hint: "use an SSH key file or an OpenPGP key gpg can list")
        }
        try TrustCheck.requireTrusted(key, email: identity.email, in: snapshot, at: Date(), ledger: path)
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
