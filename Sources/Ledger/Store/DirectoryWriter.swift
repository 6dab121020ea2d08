import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LedgerStore {
    /// The signed-write sequence of the directory (`refs/readiness/directory`), the side
    /// store's counterpart of `writeSigned`. Each attempt:
    /// 1. refuses a head whose history does not verify, or a ledger that is not pseudonymous;
    /// 2. refuses, before signing, a key the head's trust files would not accept for the
    ///    author's pseudonym (the verifier's own rule);
    /// 3. applies `edit` to the directory's tree as it stands, less anything written by or
    ///    about a pseudonym the head's erasure records name, and writes the result as one
    ///    parentless signed commit (the directory keeps no history: whatever it kept, `forget`
    ///    would have to rewrite);
    /// 4. has the verifier judge that commit as `verify` will, refusing it on any problem;
    /// 5. moves the reference with a compare-and-swap, running again when another writer won.
    /// Returns the directory commit (the current one when `edit` changed nothing).
    @discardableResult
    func writeDirectory(by author: LedgerAuthor, action: String,
                        edit: (inout DirectoryEdit, _ current: DirectoryTip?) throws -> Void) throws -> ObjectID {
        let verifier = LedgerVerifier(store: self, programs: author.programs)
        let writer = SignedCommitWriter(repository: repository, identity: author.identity, signer: author.signer)
        let key = try author.signer?.keyIdentity()
        for attempt in 0..<Self.maximumAttempts {
            let state = try verifier.verifiedState()
            try state.requireVerified(before: action, ledger: path, rewriteToo: true)
            let snapshot = try snapshot(at: state.head)
            guard snapshot.settings.isPseudonymous else {
                throw LedgerError(.invalidInput, "\(path) is not a pseudonymous ledger; it has no directory",
                                  hint: "a pseudonymous ledger is made with `readiness init --pseudonymous`")
            }
            let time = try CommitTime.now(environment: author.environment)
            try requireSignable(author, key: key, parents: [state.head], time: time.seconds, settings: snapshot.settings, verifier: verifier)
            let current = try directoryTip()
            var changes = DirectoryEdit()
            try edit(&changes, current)
            changes.dropWrites(by: try snapshot.erasedPseudonyms())
            let base = try current?.tree ?? repository.emptyTree()
            // Removing what is not there changes nothing (an entry never signed, a rerun of forget).
            let treeChanges = try changes.treeChanges.filter { change in
                guard case let .remove(path) = change else { return true }
                return try repository.entry(atPath: path, inTree: base) != nil
            }
            let tree = try repository.updatedTree(base, applying: treeChanges)
            if let current, tree == current.tree { return current.commit }
            // The message names no person: the action says what, the committer is a pseudonym.
            let message = LedgerCommitMessage(action: "directory", subjectID: author.identity.name, title: action, body: "",
                                              trailers: [("Action", "directory")])
            let commit = try writer.writeCommit(tree: tree, parents: [], message: message.text, time: time)
            // The current directory was judged when it was written (and by every verify): the
            // new commit is judged whole for its signature, and file by file for what it changes.
            if let problem = try verifier.checkDirectoryCommit(commit, head: state.head, since: current?.commit).first {
                throw LedgerError(.verificationFailed, "refusing to \(action): the directory would fail verification (\(problem.kind.rawValue): \(problem.reason)); it did not change",
                                  hint: "run `readiness verify` to see the ledger's state")
            }
            if try moveReference(LedgerLayout.directoryReference, to: commit, expecting: current?.commit,
                                 message: "readiness: \(action)", attempt: attempt) {
                return commit
            }
        }
        throw LedgerError(.storage, "the directory kept moving; gave up after \(Self.maximumAttempts) attempts",
                          hint: "try again; if it persists, look for a process rewriting \(LedgerLayout.directoryReference)")
    }

    /// Seals `text` into the directory as written by `author` (a pseudonym), before the signed
    /// commit that stores its commitment is written: a text is never missing for a commitment
    /// in history. Returns the sealed text, whose `stored` form goes into the item file.
    func sealText(_ text: String, by author: LedgerAuthor) throws -> SealedText {
        guard let sealed = try sealTexts([text], by: author)[text] else {
            throw LedgerError(.storage, "the text was not sealed")
        }
        return sealed
    }

    /// Seals each of `texts` as `sealText` does, all in one directory commit; returns each
    /// text's seal (a text given twice is sealed once).
    func sealTexts(_ texts: [String], by author: LedgerAuthor) throws -> [String: SealedText] {
        guard let pseudonym = Pseudonym(address: author.identity.email) else {
            throw LedgerError(.signing, "\(author.identity.email) is not a pseudonym, so it cannot write to this pseudonymous ledger",
                              hint: "write through `readiness`, which maps your user.email to your pseudonym")
        }
        var sealed: [String: SealedText] = [:]
        for text in texts where sealed[text] == nil { sealed[text] = SealedText(sealing: text) }
        let action = sealed.count == 1 ? "seal a text by \(pseudonym.name)" : "seal \(sealed.count) texts by \(pseudonym.name)"
        try writeDirectory(by: author, action: action) { edit, _ in
            sealed.values.sorted { $0.commitment < $1.commitment }.forEach { edit.add($0, by: pseudonym) }
        }
        return sealed
    }
}

/// The directory's current commit and its tree.
struct DirectoryTip {
    let commit: ObjectID
    let tree: ObjectID
}

extension LedgerStore {
    /// The directory's commit and tree, or nil when the ledger has none.
    func directoryTip() throws -> DirectoryTip? {
        guard let commit = try repository.referenceTarget(LedgerLayout.directoryReference) else { return nil }
        return DirectoryTip(commit: commit, tree: try repository.commit(commit).treeID)
    }

    /// The directory's whole content (people and texts), or an empty one when there is none.
    func directoryContent(folders: Set<String> = [DirectoryFile.peopleFolder, DirectoryFile.textsFolder]) throws -> DirectoryContent {
        guard let tip = try directoryTip() else { return DirectoryContent() }
        return try DirectoryContent.read(tree: tip.tree, in: repository, folders: folders).content
    }
}
