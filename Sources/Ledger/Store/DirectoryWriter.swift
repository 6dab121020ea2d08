import Foundation
import Git

extension LedgerStore {
    /// The signed-write sequence of the directory (`refs/readiness/directory`), the side
    /// store's counterpart of `writeSigned`. Each attempt:
    /// 1. refuses a head whose history does not verify, or a ledger that is not pseudonymous;
    /// 2. refuses, before signing, a key the head's trust files would not accept for the
    ///    author's pseudonym (the verifier's own rule);
    /// 3. applies `change` to the directory as it stands, drops whatever the head's erasure
    ///    records name, and writes the result as one parentless signed commit (the directory
    ///    keeps no history: whatever it kept, `forget` would have to rewrite);
    /// 4. has the verifier judge that commit as `verify` will, refusing it on any problem;
    /// 5. moves the reference with a compare-and-swap, running again when another writer won.
    /// Returns the directory commit (the current one when `change` changed nothing).
    @discardableResult
    func writeDirectory(by author: LedgerAuthor, action: String, change: (inout DirectoryContent) throws -> Void) throws -> ObjectID {
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
            let current = try directory()
            var content = current?.content ?? DirectoryContent()
            try change(&content)
            for name in try snapshot.erasedPseudonyms() {
                if let pseudonym = Pseudonym(name: name) { content.erase(pseudonym) }
            }
            if let current, current.content == content { return current.commit }
            // The message names no person: the action says what, the committer is a pseudonym.
            let message = LedgerCommitMessage(action: "directory", subjectID: author.identity.name, title: action, body: "",
                                              trailers: [("Action", "directory")])
            let commit = try writer.writeCommit(tree: content.tree(in: repository), parents: [], message: message.text, time: time)
            if let problem = try verifier.checkDirectoryCommit(commit, head: state.head).first {
                throw LedgerError(.verificationFailed, "refusing to \(action): the directory would fail verification (\(problem.kind.rawValue): \(problem.reason)); it did not change",
                                  hint: "run `readiness verify` to see the ledger's state")
            }
            do {
                try repository.compareAndSwapReference(LedgerLayout.directoryReference, to: commit, expecting: current?.commit,
                                                       message: "readiness: \(action)")
                return commit
            } catch let error as GitError where error.isModified || error.isLocked || error.isExisting {
                usleep(UInt32.random(in: 500...UInt32(min(50_000, 1_000 << min(attempt, 6)))))
            }
        }
        throw LedgerError(.storage, "the directory kept moving; gave up after \(Self.maximumAttempts) attempts",
                          hint: "try again; if it persists, look for a process rewriting \(LedgerLayout.directoryReference)")
    }

    /// Seals `text` into the directory as written by `author` (a pseudonym), before the signed
    /// commit that stores its commitment is written: a text is never missing for a commitment
    /// in history. Returns the sealed text, whose `stored` form goes into the item file.
    func sealText(_ text: String, by author: LedgerAuthor) throws -> SealedText {
        guard let pseudonym = Pseudonym(address: author.identity.email) else {
            throw LedgerError(.signing, "\(author.identity.email) is not a pseudonym, so it cannot write to this pseudonymous ledger",
                              hint: "write through `readiness`, which maps your user.email to your pseudonym")
        }
        let sealed = SealedText(sealing: text)
        try writeDirectory(by: author, action: "seal a text by \(pseudonym.name)") { $0.add(sealed, by: pseudonym) }
        return sealed
    }
}
