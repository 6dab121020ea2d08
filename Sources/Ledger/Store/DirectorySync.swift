import FoundationEssentials
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

    /// Fetches the remote's directory, verifies what it has that this clone's has not, and
    /// joins the two: every file either side has (a file both have under one name is the same
    /// file unless one side was tampered with, which the check reports; this clone's is kept),
    /// less whatever the history's erasure records name. Costs what differs, not what both hold.
    func pullDirectory() throws {
        guard try isPseudonymous else { return }
        let repository = store.repository
        defer { try? repository.deleteReference(Self.incomingDirectory) }
        try fetchDirectory(from: try url(), into: repository, as: Self.incomingDirectory, access: access)
        guard let incoming = try repository.referenceTarget(Self.incomingDirectory) else { return }
        let current = try store.directoryTip()
        if current?.commit == incoming { return }
        let verifier = LedgerVerifier(store: store, programs: programs)
        if let problem = try verifier.checkDirectoryCommit(incoming, head: store.head(), since: current?.commit, incoming: true).first {
            throw LedgerError(.verificationFailed, "refusing the directory fetched from \(remote): \(problem.reason)",
                              hint: "the history was merged, the local directory is unchanged; ask the remote's owner to investigate")
        }
        let theirs = try repository.commit(incoming).treeID
        let differences = try repository.changedFiles(tree: theirs, parentTrees: [current?.tree ?? repository.emptyTree()])
        let erased = try store.snapshot().erasedPseudonyms()
        // People an erasure this pull brought still has here: their entries and texts go now.
        let lingering = try erased.filter { name in
            try current.map { try repository.entry(atPath: DirectoryFile.personPath(name), inTree: $0.tree) != nil } ?? false
        }
        var additions: [(path: String, file: DirectoryFile, data: Data)] = []
        for change in differences where change.previousBlob == nil {
            guard let blob = change.blob else { continue }
            let data = try repository.blob(blob)
            guard case let .success(file) = DirectoryFile.parse(path: change.path, data: data) else { continue }
            additions.append((change.path, file, data))
        }
        let theirsHasAllOfOurs = differences.allSatisfy { $0.blob != nil && $0.previousBlob == nil }
        let theirsHasErased = additions.contains { addition in
            switch addition.file {
            case let .person(entry): return erased.contains(entry.pseudonym)
            case let .vouch(pseudonym, _): return erased.contains(pseudonym)
            case let .text(_, text): return erased.contains(text.author)
            }
        }
        if lingering.isEmpty && theirsHasAllOfOurs && !theirsHasErased {
            // Theirs already is the join: take their commit (checked above), nothing to sign.
            try repository.compareAndSwapReference(LedgerLayout.directoryReference, to: incoming, expecting: current?.commit,
                                                   message: "readiness: directory from \(remote)")
            return
        }
        guard !additions.isEmpty || !lingering.isEmpty else { return }
        let author = LedgerAuthor(identity: identity, signer: signer, programs: programs)
        try store.writeDirectory(by: author, action: "join the directory of \(remote)") { edit, tip in
            for addition in additions {
                switch addition.file {
                // Entries and their signatures byte for byte: the admin's signature covers them.
                case let .person(entry): edit.copy(path: addition.path, contents: addition.data, about: entry.pseudonym)
                case let .vouch(pseudonym, _): edit.copy(path: addition.path, contents: addition.data, about: pseudonym)
                case let .text(commitment, text): edit.add(commitment: commitment, text)
                }
            }
            guard !lingering.isEmpty, let tip else { return }
            // As forget does: the erased people's texts are found by their author.
            for (commitment, text) in try DirectoryContent.read(tree: tip.tree, in: repository).content.texts where lingering.contains(text.author) {
                edit.removeText(commitment)
            }
            lingering.forEach { edit.removePerson($0) }
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
