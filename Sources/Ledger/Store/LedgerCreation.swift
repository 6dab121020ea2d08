import FoundationEssentials
import Git

/// What a new ledger starts from.
public struct LedgerBlueprint: Sendable {
    /// The definition to import.
    public var checklist: Checklist
    /// `ledger.json`.
    public var settings: LedgerSettings
    /// The first entries of `trust/allowed_signers` (the root of trust, for SSH keys).
    public var allowedSigners: AllowedSigners
    /// The first entries of `trust/openpgp_signers` (the root of trust, for OpenPGP keys).
    public var openPGPSigners: OpenPGPSigners
    /// The first `policy.json`: the root principal is the only admin.
    public var policy: LedgerPolicy

    /// Creates a blueprint whose root of trust is `root`, trusted for `email`, who is also the
    /// only admin.
    public init(checklist: Checklist, settings: LedgerSettings, root: SigningKeyIdentity?, email: String) {
        self.checklist = checklist
        self.settings = settings
        allowedSigners = AllowedSigners()
        openPGPSigners = OpenPGPSigners()
        policy = LedgerPolicy(admins: [email])
        switch root {
        case let .ssh(key):
            // The key's comment depends on where it was read from (key file, .pub, agent); leave it
            // out so the same key always yields the same trust file.
            var bare = key
            bare.comment = nil
            allowedSigners.entries.append(AllowedSigners.Entry(principals: [email], options: ["namespaces": "git"], key: bare))
        case let .openPGP(fingerprint):
            openPGPSigners.entries.append(OpenPGPSigners.Entry(principal: email, fingerprint: fingerprint))
        case nil:
            break
        }
    }

    /// Every file of the first commit, path → bytes.
    func files() -> [TreeChange] {
        var changes: [TreeChange] = [
            .write(path: LedgerLayout.settingsPath, contents: settings.encoded()),
            .write(path: LedgerLayout.checklistPath, contents: checklist.canonicalJSON()),
            .write(path: LedgerLayout.allowedSignersPath, contents: Data(allowedSigners.serialized().utf8)),
            .write(path: LedgerLayout.policyPath, contents: policy.encoded()),
        ]
        if !openPGPSigners.entries.isEmpty {
            changes.append(.write(path: LedgerLayout.openPGPSignersPath, contents: Data(openPGPSigners.serialized().utf8)))
        }
        for item in checklist.allItems {
            changes.append(.write(path: item.path, contents: ItemRecord.created(item.fullID).encoded()))
        }
        return changes
    }
}

extension LedgerStore {
    /// Creates a bare ledger repository at `path` holding `blueprint`, in one signed first commit.
    /// Refuses an existing repository or a non-empty directory. The repository is staged (see
    /// `StagingDirectory`: beside a new `path`, inside an existing empty one, named
    /// `.readiness-init-<pid>-<random>`) and published only once its first commit and branch
    /// are written, so a process killed at any moment leaves no ledger at `path` or a complete
    /// one, and the next init clears what the killed one left.
    /// A pseudonymous blueprint needs `person`, the directory entry of the pseudonym `identity`
    /// commits as: the directory is written, signed, before the ledger is published, so a
    /// pseudonymous ledger never exists without the mapping its first writer needs.
    public static func create(at path: String, blueprint: LedgerBlueprint, identity: GitIdentity,
                              signer: (any Signer)?, person: DirectoryEntry? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerStore {
        let fileManager = FileManager.default
        // What an init killed while moving into this directory left is not a ledger: clear it.
        StagingDirectory.recoverInterrupted(at: path, purpose: "init")
        var isDirectory = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            let contents = isDirectory ? try? fileManager.contentsOfDirectory(atPath: path) : nil
            guard let contents, contents.isEmpty else {
                throw LedgerError(.conflict, "\(path) already exists and is not an empty directory",
                                  hint: "choose a new path; init never touches an existing repository")
            }
        }
        if signer == nil && !blueprint.settings.allowUnsigned {
            throw LedgerError(.signing, "no signing key configured; a ledger's first commit must be signed",
                              hint: "configure signing as for `git commit -S` (gpg.format ssh, user.signingkey), or pass --allow-unsigned")
        }
        try requireRootSigner(signer, identity: identity, blueprint: blueprint)
        let time = try CommitTime.now(environment: environment)
        let staging = try StagingDirectory(for: path, purpose: "init")
        do {
            let repository = try Repository.create(at: staging.path, bare: true, initialBranch: LedgerLayout.defaultBranch)
            let branch = "refs/heads/\(LedgerLayout.defaultBranch)"
            let message = LedgerCommitMessage(
                action: "init", subjectID: "ledger", title: blueprint.settings.name,
                body: "",
                trailers: [("Action", "init"), ("Format", String(blueprint.settings.format)),
                           ("Items", String(blueprint.checklist.allItems.count))])
            // One pack, not a loose object per item: every later read of a big checklist would
            // otherwise open and inflate thousands of files.
            let commit = try repository.writingOnePack { scratch in
                let tree = try scratch.updatedTree(scratch.emptyTree(), applying: blueprint.files())
                let writer = SignedCommitWriter(repository: scratch, identity: identity, signer: signer)
                return try writer.writeCommit(tree: tree, parents: [], message: message.text, time: time)
            }
            // The first commit, too, is judged by the one verifier before anything is published
            // (a clock or GIT_COMMITTER_DATE in the future, a key its own trust file refuses).
            let staged = LedgerStore(repository: repository, branch: branch, path: staging.path)
            if let problem = try LedgerVerifier(store: staged).checkNewCommit(commit).first {
                throw LedgerError(.verificationFailed, "refusing to create the ledger: its first commit would fail verification (\(problem.kind.rawValue): \(problem.reason)); nothing was created",
                                  hint: problem.kind == .futureDated ? "check this machine's clock and GIT_COMMITTER_DATE" : "run `readiness init` with a key the new ledger trusts")
            }
            try repository.compareAndSwapReference(branch, to: commit, expecting: nil, message: "readiness: init")
            if blueprint.settings.isPseudonymous {
                guard let person, person.pseudonym == Pseudonym(address: identity.email)?.name else {
                    throw LedgerError(.invalidInput, "a pseudonymous ledger's first commit must be made as the pseudonym its directory entry names")
                }
                let author = LedgerAuthor(identity: identity, signer: signer, environment: environment)
                // The root is the first admin: it vouches for its own entry.
                let vouched = try staged.vouch(person, by: author)
                try staged.writeDirectory(by: author, action: "add \(person.pseudonym)") { edit, _ in edit.setPerson(vouched) }
            }
            // Complete: publish it. The handle still open on the staging path is harmless (a
            // rename moves no open file); the store reopens at the final path.
            try staging.publish(conflict: LedgerError(.conflict, "\(path) already exists and is not an empty directory",
                                                  hint: "choose a new path; init never touches an existing repository"))
            return LedgerStore(repository: try Repository.open(at: path), branch: branch, path: path)
        } catch {
            staging.discard()
            if let error = error as? GitError {
                throw LedgerError(.storage, error.message)
            }
            throw error
        }
    }

    /// The first commit is judged by the trust files it creates (trust on first use), so its
    /// signer must be trusted by them: with a separate root key (`init --root`), init must be
    /// signed by that key. Refused before anything is written.
    static func requireRootSigner(_ signer: (any Signer)?, identity: GitIdentity, blueprint: LedgerBlueprint) throws {
        guard let signer, let key = try signer.keyIdentity() else { return }
        let trusted: Bool
        switch key {
        case let .ssh(publicKey):
            trusted = blueprint.allowedSigners.entries(for: publicKey).contains { $0.matches(principal: identity.email) }
        case let .openPGP(fingerprint):
            trusted = blueprint.openPGPSigners.principals(for: fingerprint).contains(identity.email)
        }
        guard trusted else {
            throw LedgerError(.untrustedKey, "the init commit would be signed by \(key.recordedForm) for \(identity.email), which the new ledger's trust files do not trust",
                              hint: "sign init with the --root key (git config user.signingkey) and its principal, or omit --root")
        }
    }
}
