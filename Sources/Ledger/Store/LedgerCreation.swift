import Foundation
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
    /// Refuses an existing repository or a non-empty directory; on any failure, removes what it
    /// created, so nothing is left half-made.
    public static func create(at path: String, blueprint: LedgerBlueprint, identity: GitIdentity,
                              signer: (any Signer)?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerStore {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        let existed = fileManager.fileExists(atPath: path, isDirectory: &isDirectory)
        if existed {
            let contents = isDirectory.boolValue ? try? fileManager.contentsOfDirectory(atPath: path) : nil
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
        do {
            let repository = try Repository.create(at: path, bare: true, initialBranch: LedgerLayout.defaultBranch)
            let branch = "refs/heads/\(LedgerLayout.defaultBranch)"
            let tree = try repository.updatedTree(repository.emptyTree(), applying: blueprint.files())
            let message = LedgerCommitMessage(
                action: "init", subjectID: "ledger", title: blueprint.settings.name,
                body: "",
                trailers: [("Action", "init"), ("Format", String(LedgerLayout.formatVersion)),
                           ("Items", String(blueprint.checklist.allItems.count))])
            let writer = SignedCommitWriter(repository: repository, identity: identity, signer: signer)
            let commit = try writer.writeCommit(tree: tree, parents: [], message: message.text, time: time)
            try repository.compareAndSwapReference(branch, to: commit, expecting: nil, message: "readiness: init")
            return LedgerStore(repository: repository, branch: branch, path: path)
        } catch {
            if existed {
                for entry in (try? fileManager.contentsOfDirectory(atPath: path)) ?? [] {
                    try? fileManager.removeItem(atPath: (path as NSString).appendingPathComponent(entry))
                }
            } else {
                try? fileManager.removeItem(atPath: path)
            }
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
