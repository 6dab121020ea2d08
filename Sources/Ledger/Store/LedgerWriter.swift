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
    /// How often a lost compare-and-swap is retried before giving up.
    static let maximumAttempts = 64

    /// Records `change` to the item `query` names, as one signed commit changing exactly that
    /// item's file. Retries on a lost race, rebuilding the commit on the new head; throws before
    /// writing anything when the item, the change, the identity or the key is not acceptable.
    public func record(_ change: ItemChange, item query: String, identity: GitIdentity,
                       signer: (any Signer)?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecordedChange {
        let writer = SignedCommitWriter(repository: repository, identity: identity, signer: signer)
        let key = try signer?.keyIdentity()
        for attempt in 0..<Self.maximumAttempts {
            let head = try head()
            let snapshot = try snapshot(at: head)
            let item = try snapshot.checklist.resolve(query)
            try requireSigner(signer, key: key, identity: identity, snapshot: snapshot)
            let current = try snapshot.record(of: item)
            let time = try CommitTime.now(environment: environment)
            let lastChange = try lastChangeOfItem(item, snapshot: snapshot)
            let person = Person(name: identity.name, email: identity.email, key: key?.recordedForm)
            let next = try change.apply(to: current, by: person, at: CommitTime.iso8601(time.seconds),
                                        previous: lastChange.map { [$0.hex] } ?? [])
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: item.path, contents: next.encoded())])
            let message = Self.message(for: change, item: item, before: current, after: next)
            let commit = try writer.writeCommit(tree: tree, parents: [head], message: message.text, time: time)
            if try moveBranch(to: commit, from: head, attempt: attempt) {
                return RecordedChange(commit: commit, item: item, record: next, retries: attempt)
            }
        }
        throw LedgerError(.storage, "the ledger branch kept moving; gave up after \(Self.maximumAttempts) attempts",
                          hint: "try again; if it persists, look for a process rewriting \(branch)")
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

    /// Tries to move the branch; false when another writer got there first (the caller rebuilds).
    func moveBranch(to commit: ObjectID, from head: ObjectID, attempt: Int) throws -> Bool {
        do {
            try repository.compareAndSwapReference(branch, to: commit, expecting: head, message: "readiness: \(commit.abbreviated())")
            return true
        } catch let error as GitError where error.isModified || error.isLocked || error.isExisting {
            // Back off a little, growing and jittered, so racing writers do not collide in step.
            let ceiling = min(50_000, 1_000 << min(attempt, 6))
            usleep(UInt32.random(in: 500...UInt32(ceiling)))
            if error.isLocked && attempt == Self.maximumAttempts - 1 {
                throw LedgerError(.storage, "the ledger branch is locked: \(error.message)",
                                  hint: "if no readiness or git process is running, remove \(repository.gitDirectory)\(branch).lock")
            }
            return false
        }
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
