import FoundationEssentials
import Git

/// How concurrent histories of a ledger are merged: by tree, one item file at a time.
public enum LedgerMerge {
    /// The Readiness-Action of a merge commit.
    public static let action = "merge"

    /// Of the commits that last changed one item on each side, the one whose event wins: the
    /// later committer time; on a tie, the greater commit id. Nil for no candidates.
    public static func winner(_ candidates: [(id: ObjectID, time: Int64)]) -> ObjectID? {
        candidates.max { left, right in left.time != right.time ? left.time < right.time : left.id.hex < right.id.hex }?.id
    }
}

/// What a pull did.
public enum PullOutcome: Equatable, Sendable {
    /// The remote had nothing the ledger lacks.
    case upToDate
    /// The ledger branch moved forward to the remote's head.
    case fastForward(ObjectID)
    /// A signed merge commit joined both histories; `resolved` lists items both sides changed.
    case merged(ObjectID, resolved: [String])
}

/// What a push did.
public struct PushReport: Equatable, Sendable {
    /// The head the remote now has.
    public let head: ObjectID
    /// How many times a lost race made us fetch, merge and try again.
    public let retries: Int
    /// Every pull made along the way (merges of what others pushed meanwhile).
    public let pulls: [PullOutcome]
}

/// Fetching, merging and pushing a ledger through a git remote. Published history is never
/// rewritten: the local branch only moves forward (fast-forward or merge), and pushes are
/// fast-forward only. Fetched history is verified before anything is merged.
public struct LedgerSync {
    /// The ledger.
    public let store: LedgerStore
    /// The remote's name (`origin`).
    public let remote: String
    /// Who signs merge commits.
    public let identity: GitIdentity
    /// Their signer (nil: unsigned, where the ledger allows it).
    public let signer: (any Signer)?
    /// Credentials, time bound and TLS trust for the remote.
    public var access: RemoteAccess
    /// Programs that check non-Ed25519 signatures.
    public let programs: VerificationPrograms
    /// An older remote head an admin accepts although this clone has seen a newer one.
    public var acceptRollback: String?

    /// A sync of `store` with `remote`.
    public init(store: LedgerStore, remote: String = "origin", identity: GitIdentity, signer: (any Signer)?,
                credentials: CredentialProvider? = nil, programs: VerificationPrograms = VerificationPrograms()) {
        self.store = store
        self.remote = remote
        self.identity = identity
        self.signer = signer
        self.access = RemoteAccess(credentials: credentials)
        self.programs = programs
    }

    /// The remote-tracking reference the remote's branch is fetched into.
    var trackingReference: String {
        "refs/remotes/\(remote)/\(store.branch.replacingEvery("refs/heads/", with: ""))"
    }

    /// The remote's URL, or a `.invalidInput` error naming the missing remote.
    func url() throws -> String {
        guard let url = try store.repository.remoteURL(remote) else {
            if remote.contains("/") || remote.contains(":") {
                throw LedgerError(.invalidInput, "--remote takes the name of a configured remote, and \(store.path) has none named \(remote)",
                                  hint: "to publish the ledger to that address: readiness push --set-remote \(remote)")
            }
            throw LedgerError(.invalidInput, "\(store.path) has no remote named \(remote)",
                              hint: "publish the ledger with `readiness push --set-remote URL` (records it as \(remote)), or clone with `readiness clone URL`")
        }
        return url
    }

    /// Records `url` as this ledger's remote for a first publication (`push --set-remote URL`),
    /// after checking that the address holds no other history on the ledger branch: an empty
    /// repository, or one that already holds this ledger. Returns a line describing the change,
    /// or nil when the remote was already set to `url`. Nothing is recorded when it refuses.
    public func setRemote(_ url: String) throws -> String? {
        if let current = try store.repository.remoteURL(remote) {
            guard current == url else {
                throw LedgerError(.conflict, "\(store.path) already has a remote \(remote) (\(current))",
                                  hint: "to move it: git --git-dir \(store.path) remote set-url \(remote) \(url)")
            }
            return nil
        }
        // Look before recording: fetch the address's ledger branch under a scratch ref.
        let scratch = "refs/readiness/publish-probe"
        defer { try? store.repository.deleteReference(scratch) }
        do {
            if let path = Self.localPath(url) {
                let source = try Repository.open(at: path)
                if let tip = try source.referenceTarget(store.branch) {
                    try store.repository.copyObjects(reachableFrom: tip, in: source)
                    try store.repository.compareAndSwapReference(scratch, to: tip, expecting: nil, message: "readiness: publish probe")
                }
            } else {
                try access.fetch(into: store.repository, from: url, refspecs: ["+\(store.branch):\(scratch)"])
            }
        } catch let error as GitError {
            throw LedgerError(.storage, "cannot reach \(url): \(error.message)",
                              hint: "create an empty repository there first (e.g. git init --bare), and check your access; nothing was recorded")
        }
        if let theirs = try store.repository.referenceTarget(scratch), try store.repository.mergeBase(try store.head(), theirs) == nil {
            throw LedgerError(.conflict, "\(url) already holds \(store.branch) with a different history (commit \(theirs.abbreviated()))",
                              hint: "publish to an empty repository; if that is a ledger your team shares, clone it with `readiness clone \(url)` instead. Nothing was recorded")
        }
        try store.repository.addRemote(remote, url: url)
        return "recorded \(remote) = \(url)"
    }

    /// Fetches the remote's branch and verifies every fetched commit the ledger does not have
    /// yet; returns the remote head, or nil when the remote has no such branch. Throws
    /// `.verificationFailed`, merging nothing, when the fetched history fails verification.
    public func fetch() throws -> ObjectID? {
        let url = try url()
        do {
            if let path = Self.localPath(url) {
                try fetchDirectly(from: path)
            } else {
                try access.fetch(into: store.repository, from: url, refspecs: ["+\(store.branch):\(trackingReference)"])
            }
        } catch let error as GitError where error.isTimeout {
            throw LedgerError(.storage, "cannot fetch from \(remote) (\(url)): \(error.message)", hint: "the local ledger is unchanged; " + access.timeoutHint)
        } catch let error as GitError {
            throw LedgerError(.storage, "cannot fetch from \(remote) (\(url)): \(error.message)",
                              hint: "check the address and your access; nothing was changed locally")
        }
        guard let tip = try store.repository.referenceTarget(trackingReference) else { return nil }
        let problems = try LedgerVerifier(store: store, programs: programs).verifyIncoming(tip: tip, hiding: [try store.head()])
        if let first = problems.first {
            throw LedgerError(.verificationFailed,
                              "refusing to sync: the history fetched from \(remote) fails verification (\(problems.count) problem(s)); first: commit \(first.commit.prefix(12)) \(first.reason)",
                              hint: "nothing was merged; ask the remote's owner to investigate, or inspect it with `git --git-dir \(store.path) log \(trackingReference)`")
        }
        return tip
    }

    /// The directory a remote address names on this machine (a path or file://), else nil.
    static func localPath(_ url: String) -> String? {
        let path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
        var isDirectory = false
        guard !url.contains("://") || url.hasPrefix("file://"),
              FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory else { return nil }
        return path
    }

    /// A fetch from a repository on this file system: its branch's missing objects are copied
    /// between the object databases (much faster than libgit2's local transport), then the
    /// remote-tracking reference moves.
    private func fetchDirectly(from path: String) throws {
        let source = try Repository.open(at: path)
        guard let tip = try source.referenceTarget(store.branch) else { return }
        try store.repository.copyObjects(reachableFrom: tip, in: source)
        let current = try store.repository.referenceTarget(trackingReference)
        if current != tip {
            try store.repository.compareAndSwapReference(trackingReference, to: tip, expecting: current, message: "readiness: fetch \(path)")
        }
    }

    /// Fetches, verifies and merges the remote's branch into the ledger's (fast-forward when
    /// possible, else a signed merge commit). Never drops a local commit.
    /// Refuses (exit 21) when the ledger's own history does not verify: nothing is merged into,
    /// or published from, a history the verifier rejects. Refuses, too, a remote head older than
    /// (or unrelated to) the newest one this clone has seen: a rollback, unless accepted.
    /// A pseudonymous ledger's directory travels too: the remote's is verified and joined with
    /// this clone's (see `pullDirectory`).
    public func pull() throws -> PullOutcome {
        let outcome = try pullHistory()
        try pullDirectory()
        return outcome
    }

    private func pullHistory() throws -> PullOutcome {
        let verifier = LedgerVerifier(store: store, programs: programs)
        let state = try verifier.verifiedState()
        try state.requireVerified(before: "pull from \(remote)", ledger: store.path, rewriteToo: true)
        guard let tip = try fetch() else { return .upToDate }
        if try rollbackGuard().admit(tip) {
            // An accepted rollback: the commits the remote dropped leave this clone's branch too,
            // kept under a quarantine ref, or the next sync would push them back.
            let head = try store.head()
            if head != tip, try !store.repository.isDescendant(tip, of: head) {
                try store.quarantine(head, moving: tip, reason: "accepted rollback of \(remote)")
                verifier.recordVerified(tip, roots: state.roots)
                return .fastForward(tip)
            }
        }
        let outcome = try merge(tip)
        // The fetched commits were verified on top of the verified head: the tip is verified too.
        if case let .fastForward(head) = outcome { verifier.recordVerified(head, roots: state.roots) }
        return outcome
    }

    /// Merges the (verified) commit `theirs` into the ledger branch.
    public func merge(_ theirs: ObjectID) throws -> PullOutcome {
        let repository = store.repository
        for attempt in 0..<LedgerStore.maximumAttempts {
            let ours = try store.head()
            if try ours == theirs || repository.isDescendant(ours, of: theirs) { return .upToDate }
            if try repository.isDescendant(theirs, of: ours) {
                if try store.moveBranch(to: theirs, from: ours, attempt: attempt) { return .fastForward(theirs) }
                continue
            }
            break
        }
        let author = LedgerAuthor(identity: identity, signer: signer, programs: programs)
        let written = try store.writeSigned(by: author, action: "merge \(remote)") { head, _, _ in
            guard let base = try repository.mergeBase(head, theirs) else {
                throw LedgerError(.conflict, "the remote's ledger shares no history with \(store.path)",
                                  hint: "it is a different ledger; clone it separately")
            }
            let merged = try mergedTree(ours: head, theirs: theirs, base: base)
            var trailers: [(String, String)] = [("Action", LedgerMerge.action)]
            trailers += merged.resolved.map { ("Item", $0) }
            let message = LedgerCommitMessage(
                action: LedgerMerge.action, subjectID: remote,
                title: merged.resolved.isEmpty ? "join concurrent sign-offs" : "join concurrent sign-offs, \(merged.resolved.count) item(s) changed on both sides",
                body: "", trailers: trailers)
            return PlannedCommit(tree: merged.tree, parents: [head, theirs], message: message, value: merged.resolved)
        }
        return .merged(written.commit, resolved: written.value)
    }

    /// The tree of the merge of `theirs` into `ours`: each side's changes since `base`; an item
    /// file changed on both sides becomes the later event's record, back-linking both sides.
    /// Any other file changed differently on both sides is a conflict this tool will not guess.
    func mergedTree(ours: ObjectID, theirs: ObjectID, base: ObjectID) throws -> (tree: ObjectID, resolved: [String]) {
        let repository = store.repository
        let oursCommit = try repository.commit(ours), theirsCommit = try repository.commit(theirs)
        let baseTree = try repository.commit(base).treeID
        let ourChanges = Dictionary(try repository.changedFiles(tree: oursCommit.treeID, parentTrees: [baseTree]).map { ($0.path, $0) },
                                    uniquingKeysWith: { first, _ in first })
        var edits: [TreeChange] = []
        var resolved: [String] = []
        for change in try repository.changedFiles(tree: theirsCommit.treeID, parentTrees: [baseTree]) {
            guard let mine = ourChanges[change.path] else {
                if let blob = change.blob {
                    edits.append(.write(path: change.path, contents: try repository.blob(blob)))
                } else {
                    edits.append(.remove(path: change.path))
                }
                continue
            }
            if mine.blob == change.blob { continue }
            guard case let .item(fullID) = LedgerPath(change.path), let ourBlob = mine.blob, let theirBlob = change.blob else {
                throw LedgerError(.conflict, "both \(store.path) and \(remote) changed \(change.path) differently; only item files merge automatically",
                                  hint: "nothing was merged; merge by hand with stock git (git merge -S) and check the result with `readiness verify`")
            }
            let ourRecord = try ItemRecord.decode(repository.blob(ourBlob), path: change.path)
            let theirRecord = try ItemRecord.decode(repository.blob(theirBlob), path: change.path)
            let ourOrigin = try introducer(of: ourBlob, at: change.path, from: ours, hiding: base)
            let theirOrigin = try introducer(of: theirBlob, at: change.path, from: theirs, hiding: base)
            let winner = LedgerMerge.winner([(ourOrigin, try repository.commit(ourOrigin).committer.time),
                                             (theirOrigin, try repository.commit(theirOrigin).committer.time)])
            var record = winner == theirOrigin ? theirRecord : ourRecord
            record.previous = ourOrigin == theirOrigin ? [ourOrigin.hex] : [ourOrigin.hex, theirOrigin.hex]
            edits.append(.write(path: change.path, contents: record.encoded()))
            resolved.append(fullID)
        }
        return (try repository.updatedTree(oursCommit.treeID, applying: edits), resolved.sorted())
    }

    /// The commit below `tip` (and not below `base`) that wrote `blob` at `path`: it holds the
    /// blob and none of its parents does.
    private func introducer(of blob: ObjectID, at path: String, from tip: ObjectID, hiding base: ObjectID) throws -> ObjectID {
        let repository = store.repository
        let walk = try RevisionWalk(repository: repository, from: [tip], hiding: [base], order: .topological)
        while let id = walk.next() {
            let commit = try repository.commit(id)
            guard try repository.entry(atPath: path, inTree: commit.treeID)?.id == blob else { continue }
            var inherited = false
            for parent in commit.parentIDs where try repository.entry(atPath: path, inTree: repository.commit(parent).treeID)?.id == blob {
                inherited = true
            }
            if !inherited { return id }
        }
        if let failure = walk.failure { throw failure }
        throw LedgerError(.storage, "cannot find the commit that wrote \(path) below \(tip.abbreviated())")
    }

    /// Pushes the ledger branch, fast-forward only. When the remote moved meanwhile (a lost
    /// race), fetches, verifies, merges and tries again, up to `attempts` times.
    public func push(attempts: Int = 16) throws -> PushReport {
        let url = try url()
        try LedgerVerifier(store: store, programs: programs).verifiedState().requireVerified(before: "push to \(remote)", ledger: store.path, rewriteToo: true)
        // A server that went back is reported before it is restored, never restored silently.
        var wentBack: LedgerError?
        if let tip = try fetch(), let finding = try rollbackGuard().check(tip).first(where: { !$0.accepted }) {
            wentBack = finding.error
        }
        let report = try pushFastForward(url: url, attempts: attempts)
        try pushDirectory(url: url)
        if let wentBack {
            throw LedgerError(.verificationFailed, "\(wentBack.message); restored it by pushing \(report.head.abbreviated())",
                              hint: "the server went back: find out who moved \(store.branch) there (a force-push, a restored backup)")
        }
        return report
    }

    /// The records of what this clone has seen of its remote.
    private func rollbackGuard() throws -> RollbackGuard {
        RollbackGuard(store: store, records: [.inLedger(store)], source: "\(remote) (\(try url()))",
                      accepting: acceptRollback, person: identity.email)
    }

    /// Pushes fast-forward only, pulling and retrying on a lost race; records the pushed head as seen.
    private func pushFastForward(url: String, attempts: Int) throws -> PushReport {
        var pulls: [PullOutcome] = []
        for attempt in 0..<attempts {
            let head = try store.head()
            let known = try store.repository.referenceTarget(trackingReference)
            let outcome: PushOutcome
            do {
                outcome = try access.push(from: store.repository, to: url, refspecs: ["\(store.branch):\(store.branch)"])
            } catch let error as GitError where error.isTimeout {
                throw LedgerError(.storage, "cannot push to \(remote) (\(url)): \(error.message)", hint: "the local ledger is unchanged; " + access.timeoutHint)
            } catch let error as GitError {
                throw LedgerError(.storage, "cannot push to \(remote) (\(url)): \(error.message)",
                                  hint: "the local ledger is intact; run `readiness sync` again when the remote is reachable")
            }
            switch outcome {
            case .updated:
                try? store.repository.compareAndSwapReference(trackingReference, to: head, expecting: known, message: "readiness: push")
                try SeenRecord.inLedger(store).write(head, expecting: try SeenRecord.inLedger(store).read(), source: remote)
                return PushReport(head: head, retries: attempt, pulls: pulls)
            case .rejected:
                pulls.append(try pull())
            }
        }
        throw LedgerError(.storage, "the remote kept moving; gave up pushing after \(attempts) attempts",
                          hint: "the local ledger is intact; run `readiness sync` again")
    }

    /// Pull, then push (which itself pulls again and retries when it loses a race).
    /// A server that went back makes the pull refuse; sync then restores the server with the
    /// newer head (push reports it, exit 21), instead of leaving it behind.
    public func sync() throws -> (pull: PullOutcome, push: PushReport) {
        let pulled: PullOutcome
        do {
            pulled = try pull()
        } catch let error as LedgerError where error.kind == .verificationFailed && error.message.hasPrefix(RollbackGuard.messagePrefix) {
            _ = try push()
            throw error
        }
        return (pulled, try push())
    }

    /// Clones the ledger at `url` into a new bare repository at `path`, with `url` as remote
    /// `origin`, and verifies its whole history. The clone is built in a sibling directory
    /// (`.readiness-clone-<pid>-<random>`) and renamed to `path` only once it verified, so a
    /// failure or a killed process leaves nothing at `path`; a later clone removes siblings of
    /// dead processes.
    public static func clone(url: String, to path: String, access: RemoteAccess = RemoteAccess(),
                             programs: VerificationPrograms = VerificationPrograms()) throws -> (store: LedgerStore, report: VerificationReport) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LedgerError(.invalidInput, "\(path) exists already", hint: "clone into a new path")
        }
        let staging = try StagingDirectory(for: path, purpose: "clone")
        do {
            let repository = try Repository.create(at: staging.path, bare: true, initialBranch: LedgerLayout.defaultBranch)
            try repository.addRemote("origin", url: url)
            let branch = "refs/heads/\(LedgerLayout.defaultBranch)"
            // Not the address in the label: it may carry a token.
            let transfer = ProgressReport("cloning, objects received")
            defer { transfer.finish() }
            do {
                if let local = localPath(url) {
                    let source = try Repository.open(at: local)
                    if let tip = try source.referenceTarget(branch) {
                        try repository.copyObjects(reachableFrom: tip, in: source, progress: transfer.transferHandler())
                        try repository.compareAndSwapReference("refs/remotes/origin/\(LedgerLayout.defaultBranch)", to: tip, expecting: nil,
                                                               message: "readiness: clone \(url)")
                    }
                } else {
                    try access.fetch(into: repository, from: url, refspecs: ["+\(branch):refs/remotes/origin/\(LedgerLayout.defaultBranch)"], progress: transfer)
                }
                transfer.finish()
            } catch let error as GitError where error.isTimeout {
                throw LedgerError(.storage, "cannot fetch from \(url): \(error.message)", hint: "nothing was kept; " + access.timeoutHint)
            } catch let error as GitError {
                throw LedgerError(.storage, "cannot fetch from \(url): \(error.message)", hint: "check the address and your access")
            }
            guard let tip = try repository.referenceTarget("refs/remotes/origin/\(LedgerLayout.defaultBranch)") else {
                throw LedgerError(.notALedger, "\(url) has no \(branch)", hint: "it is not a readiness ledger")
            }
            try repository.compareAndSwapReference(branch, to: tip, expecting: nil, message: "readiness: clone \(url)")
            let store = try LedgerStore.open(at: staging.path)
            // Only a pseudonymous ledger has a directory: a plain clone asks the remote for nothing more.
            // (Head settings this tool cannot read are for the verification below to report.)
            if (try? store.snapshot())?.settings.isPseudonymous == true { try Self.cloneDirectory(into: repository, from: url, access: access) }
            let report = try LedgerVerifier(store: store, programs: programs).verify(full: true)
            if let first = report.problems.first {
                throw LedgerError(.verificationFailed,
                                  "refusing the clone: \(url)'s history fails verification (\(report.problems.count) problem(s)); first: commit \(first.commit.prefix(12)) \(first.reason)",
                                  hint: "nothing was kept; ask the remote's owner to investigate")
            }
            // Handles still open on the staging path are harmless: a rename moves no open file.
            try staging.publish(conflict: LedgerError(.invalidInput, "\(path) exists already", hint: "clone into a new path"))
            return (try LedgerStore.open(at: path), report)
        } catch {
            staging.discard()
            throw error
        }
    }
}

/// Credentials as git would find them: ssh-agent for SSH, `git credential fill` (the user's
/// credential helpers) for HTTPS.
public enum GitCredentials {
    /// A provider using ssh-agent (when `SSH_AUTH_SOCK` is set) and `git credential fill`.
    public static func provider(environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialProvider {
        { request in
            if request.allowsSSHKey, environment["SSH_AUTH_SOCK"] != nil, request.attempt == 0 {
                return .sshAgent(username: request.usernameFromURL ?? "git")
            }
            guard request.allowsUserPassword, request.attempt < 2 else { return nil }
            var input = "url=\(request.url)\n"
            if let user = request.usernameFromURL { input += "username=\(user)\n" }
            var childEnvironment = environment
            childEnvironment["GIT_TERMINAL_PROMPT"] = childEnvironment["GIT_TERMINAL_PROMPT"] ?? "0"
            guard let result = try? ProcessRunner.run("git", ["credential", "fill"], stdin: Data((input + "\n").utf8),
                                                      environment: childEnvironment, timeout: 120),
                  result.status == 0 else { return nil }
            var fields: [String: String] = [:]
            for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            guard let user = fields["username"], let password = fields["password"] else { return nil }
            return .userPassword(username: user, password: password)
        }
    }
}
