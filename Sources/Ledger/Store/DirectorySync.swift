import Foundation
import Git

/// How a pseudonymous ledger's directory travels with `pull`, `push`, `sync` and `clone`.
/// The directory is one parentless commit, so it never fast-forwards: a pull verifies the
/// remote's directory (signed by a key this ledger trusts, texts matching their commitments)
/// and joins it with this clone's, minus everyone the (merged) history's erasure records
/// name; a push replaces the remote's with the joined one. That is how an erasure reaches
/// every clone: after its next sync, no reference there holds the person any more.
extension LedgerSync {
    /// Where a fetched directory waits while it is judged; deleted afterwards.
    static let incomingDirectory = "refs/readiness/incoming-directory"

    private var isPseudonymous: Bool {
        get throws { try store.snapshot().settings.isPseudonymous }
    }

    /// Fetches the remote's directory, verifies it and joins it with this clone's.
    func pullDirectory() throws {
        guard try isPseudonymous else { return }
        let repository = store.repository
        defer { try? repository.deleteReference(Self.incomingDirectory) }
        try fetchDirectory(from: try url(), into: repository, as: Self.incomingDirectory, access: access)
        guard let incoming = try repository.referenceTarget(Self.incomingDirectory) else { return }
        let verifier = LedgerVerifier(store: store, programs: programs)
        if let problem = try verifier.checkDirectoryCommit(incoming, head: store.head(), incoming: true).first {
            throw LedgerError(.verificationFailed, "refusing the directory fetched from \(remote): \(problem.reason)",
                              hint: "the history was merged, the local directory is unchanged; ask the remote's owner to investigate")
        }
        let theirs = try DirectoryContent.read(tree: repository.commit(incoming).treeID, in: repository).content
        let author = LedgerAuthor(identity: identity, signer: signer, programs: programs)
        let current = try store.directory()
        var joined = (current?.content ?? DirectoryContent()).union(theirs)
        for name in try store.snapshot().erasedPseudonyms() {
            if let pseudonym = Pseudonym(name: name) { joined.erase(pseudonym) }
        }
        if joined == theirs, current?.commit != incoming {
            // Theirs already is the join: take their commit (verified above), nothing to sign.
            try repository.compareAndSwapReference(LedgerLayout.directoryReference, to: incoming, expecting: current?.commit,
                                                   message: "readiness: directory from \(remote)")
        } else if joined != current?.content {
            try store.writeDirectory(by: author, action: "join the directory of \(remote)") { $0 = $0.union(theirs) }
        }
    }

    /// Replaces the remote's directory with this clone's (it holds the remote's, joined, since
    /// every push pulls first when the remote moved, and `sync` pulls before it pushes).
    func pushDirectory(url: String) throws {
        guard try isPseudonymous, try store.repository.referenceTarget(LedgerLayout.directoryReference) != nil else { return }
        let ref = LedgerLayout.directoryReference
        do {
            _ = try access.push(from: store.repository, to: url, refspecs: ["+\(ref):\(ref)"])
        } catch let error as GitError {
            throw LedgerError(.storage, "pushed the history, but not the directory, to \(remote) (\(url)): \(error.message)",
                              hint: "run `readiness sync` again")
        }
    }

    /// A clone takes the remote's directory as it is (verified with the rest of the clone).
    static func cloneDirectory(into repository: Repository, from url: String, access: RemoteAccess) throws {
        try fetchDirectory(from: url, into: repository, as: LedgerLayout.directoryReference, access: access)
    }
}

/// Fetches the directory reference of `url` (if it has one) into `reference` of `repository`.
private func fetchDirectory(from url: String, into repository: Repository, as reference: String, access: RemoteAccess) throws {
    do {
        if let path = LedgerSync.localPath(url) {
            let source = try Repository.open(at: path)
            guard let tip = try source.referenceTarget(LedgerLayout.directoryReference) else { return }
            _ = try repository.copyObjects(reachableFrom: tip, in: source)
            let current = try repository.referenceTarget(reference)
            if current != tip { try repository.compareAndSwapReference(reference, to: tip, expecting: current, message: "readiness: fetch directory") }
        } else {
            try access.fetch(into: repository, from: url, refspecs: ["+\(LedgerLayout.directoryReference):\(reference)"])
        }
    } catch let error as GitError {
        throw LedgerError(.storage, "cannot fetch the directory from \(url): \(error.message)", hint: "nothing of the directory was changed locally")
    }
}
