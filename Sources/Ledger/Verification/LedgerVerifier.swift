import FoundationEssentials
import Git

/// Verifies a ledger's history: every commit's signature against the trust files of its
/// parent(s), committer times, what each commit changes against the layout and its trailers,
/// item back-links, and that the branch was not rewritten since the last clean verification.
///
/// Rules, in one place:
/// - A commit is judged by the trust files and settings of its parents (a merge: by every
///   parent; it is good only if good under each). The root commit is judged by its own tree
///   (trust on first use); so `init --root KEY` must be signed by KEY.
/// - Key validity (`valid-after`/`valid-before`) is checked at the commit's committer time, as
///   `git verify-commit` does.
/// - A committer time may be earlier than a parent's by at most `clockSkew` seconds, and later
///   than the verifier's clock by at most `clockSkew` seconds (`futureDated` otherwise).
/// - What a commit changes is judged by the policy (`policy.json`) of its parent, through
///   `PolicyJudge`, the rule code the writers ask before writing: admins, owners, four-eyes,
///   waiver approval and length (`CommitContentCheck`).
/// - Incremental runs check only commits not reachable from the last clean verified head.
///
/// Every path that decides (verify, the gate, every writer, pull, clone, evidence) asks this
/// type: `verifiedState()` for the history, `requireSignable` and `checkNewCommit` for a write.
public final class LedgerVerifier {
    /// How far a commit's time may lie before its parent's, or after the verifier's clock
    /// (clocks of two machines disagree a little): five minutes.
    public static let clockSkew: Int64 = 300

    let store: LedgerStore
    let repository: Repository
    let crypto: SignatureCrypto
    let trust: TrustContextCache
    private let data: LedgerDataCache
    private let clock: @Sendable () -> Int64
    private var commits: [ObjectID: Commit] = [:]
    private var introducers: [ObjectID: ObjectID] = [:]
    /// The judge's record of ancestors of one verified commit, read once (see VerifiedIntroducers).
    private lazy var storedIntroducers: VerifiedIntroducers? = VerifiedIntroducers.read(store)
    /// Back-links confirmed by a walk during the current check, by path: ancestors of its head.
    private var confirmedByWalk: [String: ObjectID] = [:]
    /// The record for the head of the last clean check, written once that head is recorded as verified.
    private var pendingIntroducers: VerifiedIntroducers?

    /// A verifier of `store`, falling back on `programs` for non-Ed25519 SSH and OpenPGP
    /// signatures; `clock` (seconds since the epoch) is what "the future" is judged against.
    public init(store: LedgerStore, programs: VerificationPrograms = VerificationPrograms(),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.store = store
        repository = store.repository
        crypto = SignatureCrypto(programs: programs)
        trust = TrustContextCache(repository: store.repository)
        data = LedgerDataCache(repository: store.repository, decoded: store.decodedChecklist(inBlob:))
        self.clock = clock
    }

    /// The signature status of one commit, judged as `verify` judges it. Never throws: an
    /// unreadable commit is reported as a bad verdict with the reason.
    public func verificationStatus(of commitID: ObjectID) -> SignatureVerdict {
        do {
            let commit = try commit(commitID)
            return try signatureVerdict(of: commit, parents: commit.parentIDs.map(self.commit))
        } catch {
            return SignatureVerdict(status: .bad, reason: "cannot read commit \(commitID.abbreviated()): \(ErrorText.oneLine(error))", problem: .unreadable)
        }
    }

    /// Verifies the history up to the branch head: everything when `full`, else only commits
    /// after the last clean verification. A clean run records the head as verified. A branch that
    /// no longer descends from the recorded head is reported as rewritten, unless
    /// `acceptRewrite` (then the whole history is checked and, if clean, becomes the new base).
    public func verify(full: Bool, acceptRewrite: Bool = false) throws -> VerificationReport {
        let (head, cached) = try headAndCache()
        var problems: [VerificationProblem] = []
        var hiding: [ObjectID] = []
        var since: String?
        if let last = cached?.head {
            if last == head {
                if !full { return VerificationReport(head: head.hex, since: last.hex, full: false, commitsChecked: 0, problems: []) }
            } else if try repository.contains(last), try repository.isDescendant(head, of: last) {
                if !full {
                    hiding = [last]
                    since = last.hex
                }
            } else if !acceptRewrite {
                problems.append(VerificationProblem(
                    commit: head.hex, kind: .branchRewritten,
                    reason: "\(store.branch) no longer descends from \(last.abbreviated()), the head verified last time: history was rewritten"))
            }
        }
        let checked = try checkCommits(from: head, hiding: hiding)
        problems += checked.problems
        if problems.isEmpty {
            try VerifiedHead.write(head, roots: try roots(of: checked, below: hiding.first), to: store)
            recordIntroducers(of: head)
        }
        // A pseudonymous ledger's directory is judged on every run: it is outside the history,
        // so no earlier run vouches for it.
        // Unreadable head settings (a format raised beyond this tool) are the history's problem, reported above.
        let pseudonymous = (try? store.snapshot(at: head))?.settings.isPseudonymous == true
        let directory = pseudonymous ? try checkDirectory() : DirectoryFindings(problems: [], erasedTexts: 0)
        var report = VerificationReport(head: head.hex, since: since, full: hiding.isEmpty, commitsChecked: checked.count,
                                        problems: problems + directory.problems)
        if pseudonymous { report.erasedTexts = directory.erasedTexts }
        return report
    }

    /// The branch head and the cached verified commit, read so that they agree in time. The head
    /// is read first; when the cache names a descendant of it, another writer moved the branch
    /// (and the cache) in between, so the head is read again. A head that has not moved while
    /// the cache lies ahead of it went back: a rewrite, which the caller reports.
    private func headAndCache() throws -> (head: ObjectID, cached: (head: ObjectID, roots: [ObjectID])?) {
        var head = try store.head()
        for _ in 0..<Self.maximumHeadReads {
            let cached = VerifiedHead.read(store)
            guard let cached, cached.head != head, try repository.contains(cached.head),
                  try repository.isDescendant(cached.head, of: head) else { return (head, cached) }
            let current = try store.head()
            if current == head { return (head, cached) }
            head = current
        }
        return (head, VerifiedHead.read(store))
    }

    /// How often the head is read again while other writers keep moving it.
    private static let maximumHeadReads = 16

    /// The verified state of the ledger: its head, and the newest commit on the head's
    /// first-parent line whose whole history verifies. Starts from the cached verified commit
    /// when the head still descends from it (else checks everything), and moves the cache
    /// forward to the verified commit; a rewritten branch is judged in full but leaves the
    /// cache alone, so `verify` still reports the rewrite.
    public func verifiedState() throws -> VerifiedState {
        let (head, cached) = try headAndCache()
        var base: ObjectID?
        var rewritten = false
        if let cached, cached.head == head, !cached.roots.isEmpty {
            return VerifiedState(head: head, verified: head, roots: cached.roots, problems: [], unverified: [], rewritten: false)
        }
        if let known = UnverifiedState.read(store, head: head) { return known }
        if let cached {
            if try repository.contains(cached.head), try cached.head == head || repository.isDescendant(head, of: cached.head) {
                base = cached.head
            } else {
                rewritten = true
            }
        }
        let checked = try checkCommits(from: head, hiding: base.map { [$0] } ?? [])
        let roots = try roots(of: checked, below: base)
        // A commit is tainted when it, or any commit below it that was checked, has a problem.
        let bad = Set(checked.problems.map(\.commit))
        var tainted = Set<ObjectID>()
        for entry in checked.order where bad.contains(entry.id.hex) || entry.parents.contains(where: tainted.contains) {
            tainted.insert(entry.id)
        }
        var verified: ObjectID? = head
        while let candidate = verified, tainted.contains(candidate) {
            verified = try commit(candidate).parentIDs.first
        }
        if let verified, !rewritten, verified != cached?.head || cached?.roots.isEmpty == true {
            // Derived state: a read-only ledger (an auditor's copy) is judged all the same.
            try? VerifiedHead.write(verified, roots: roots, to: store)
            recordIntroducers(of: verified)
        }
        let state = VerifiedState(head: head, verified: verified, roots: roots, problems: checked.problems,
                                  unverified: Set(checked.order.map(\.id)).intersection(tainted), rewritten: rewritten)
        UnverifiedState.write(state, to: store)
        return state
    }

    /// The root commits of the history `checked` covers, with those of `base` (from the cache,
    /// or found by a walk when an older cache did not record them).
    private func roots(of checked: CheckedCommits, below base: ObjectID?) throws -> [ObjectID] {
        var roots = checked.order.filter(\.parents.isEmpty).map(\.id)
        if let base {
            if let cached = VerifiedHead.read(store), cached.head == base, !cached.roots.isEmpty {
                roots += cached.roots
            } else {
                let walk = try RevisionWalk(repository: repository, from: [base], hiding: [], order: .time)
                while let id = walk.next() {
                    if try commit(id).parentIDs.isEmpty { roots.append(id) }
                }
                if let failure = walk.failure { throw failure }
            }
        }
        return Array(Set(roots)).sorted { $0.hex < $1.hex }
    }

    /// Refuses, before anything is signed, a key that may not sign a child of `parents` as
    /// `email` at `time`: the verifier's own rule (trust files of every parent, principal,
    /// validity window at the commit's time), so a writer never signs what `verify` rejects.
    public func requireSignable(_ key: SigningKeyIdentity, email: String, parents: [ObjectID], time: Int64) throws {
        for parent in parents {
            let context: TrustContext
            switch try trust.context(ofTree: try commit(parent).treeID) {
            case let .success(value): context = value
            case let .failure(error):
                throw LedgerError(.verificationFailed, "the trust files of \(parent.abbreviated()) cannot be read: \(error.message)",
                                  hint: "run `readiness verify` to find the commit that damaged them")
            }
            let verdict = TrustJudge.judgeKey(key, context: context, email: email, time: Date(timeIntervalSince1970: TimeInterval(time)))
            guard verdict.isGood else {
                throw LedgerError(.untrustedKey, "this ledger does not accept your signature: \(verdict.reason)",
                                  hint: "ask a trusted signer to run `readiness trust add \(email) KEYFILE`, or sign with the key and e-mail trusted for you")
            }
        }
    }

    /// Records `commit`, just written on a verified head and checked by `checkNewCommit`, as
    /// the newest verified commit, so the next command starts from it.
    func recordVerified(_ commit: ObjectID, roots: [ObjectID]) {
        try? VerifiedHead.write(commit, roots: roots, to: store)
        recordIntroducers(of: commit)
    }

    /// Writes the ancestors the last check established for `commit`, when that check was clean
    /// and started from `commit` (the record is keyed by the commit it speaks of, nothing else).
    private func recordIntroducers(of commit: ObjectID) {
        guard let pending = pendingIntroducers, pending.key == commit, pending != storedIntroducers else { return }
        pending.write(to: store)
        storedIntroducers = pending
    }

    /// Whether the commit that raised the ledger's format beyond this tool (the oldest commit on
    /// the head's first-parent line whose settings this tool cannot read) carries a signature
    /// its parent's trust accepts: then the ledger really was upgraded and this tool is too old.
    /// Otherwise the raise is that commit's problem, which `verify` reports like any other,
    /// with the history before it still judged.
    func formatRaiseIsSigned() throws -> Bool {
        var raising = try store.head()
        while let parent = try commit(raising).parentIDs.first, try settingsTooNew(in: parent) {
            raising = parent
        }
        // A root commit is judged by its own tree, which this tool cannot read: a newer tool made it.
        if try commit(raising).parentIDs.isEmpty { return true }
        return verificationStatus(of: raising).problem == nil
    }

    private func settingsTooNew(in id: ObjectID) throws -> Bool {
        guard let data = try repository.file(atPath: LedgerLayout.settingsPath, inTree: commit(id).treeID) else { return false }
        do {
            _ = try LedgerSettings.decode(data)
            return false
        } catch let error as LedgerError where error.kind == .unsupportedFormat {
            return true
        } catch {
            return false
        }
    }

    /// Every problem of the commit `id`, written but not yet on the branch, judged exactly as
    /// `verify` will judge it once it is: the writer's last check before moving the branch.
    public func checkNewCommit(_ id: ObjectID) throws -> [VerificationProblem] {
        try checkCommits(from: id, hiding: try commit(id).parentIDs).problems
    }

    /// Verifies the commits reachable from `tip` but not from `hiding` (commits fetched from a
    /// remote, before they are merged), without recording anything. Returns the problems found.
    public func verifyIncoming(tip: ObjectID, hiding: [ObjectID]) throws -> [VerificationProblem] {
        try checkCommits(from: tip, hiding: hiding).problems
    }

    /// What one walk checked: the commits in walk order (parents first) and their problems.
    private struct CheckedCommits {
        var order: [(id: ObjectID, parents: [ObjectID])] = []
        var problems: [VerificationProblem] = []
        var count: Int { order.count }
    }

    /// Every problem of the commits reachable from `head` but not from `hiding`, parents first.
    private func checkCommits(from head: ObjectID, hiding: [ObjectID]) throws -> CheckedCommits {
        let walk = try RevisionWalk(repository: repository, from: [head], hiding: hiding, order: .topologicalReverse)
        let content = CommitContentCheck(repository: repository, data: data, contexts: trust, introducer: { [unowned self] blob, path, parent, claimed in
            try self.introducer(of: blob, at: path, below: parent, claimed: claimed)
        })
        // Cryptography runs on other threads; everything touching libgit2 stays here. Problems
        // are kept per commit and put in walk order (parents first) at the end.
        let parallel = ParallelCrypto(crypto: crypto)
        var pending: [(commit: Commit, contexts: [TrustContext])] = []
        var found: [[VerificationProblem]] = []
        var signatureProblems: [Int: VerificationProblem] = [:]
        // The sorted walk reads every commit before yielding the first, so taking the ids at
        // once costs nothing more and gives the progress report its total.
        let ids = try walk.collect()
        // Which walked commits descend from the stored record's key: only for those may the new
        // record carry the old one's ancestors over (an ancestor of an ancestor).
        var descendants: Set<ObjectID> = storedIntroducers.map { [$0.key] } ?? []
        var changedBy: [String: ObjectID] = [:]
        confirmedByWalk = [:]
        pendingIntroducers = nil
        let progress = ProgressReport("verifying the ledger's history, commits", total: ids.count)
        defer { progress.finish() }
        for id in ids {
            progress.update(pending.count)
            let position = pending.count
            let commit = try commit(id)
            let parents = try commit.parentIDs.map(self.commit)
            switch try signatureInputs(of: commit, parents: parents) {
            case let .decided(verdict):
                if let kind = verdict.problem { signatureProblems[position] = VerificationProblem(commit: id.hex, kind: kind, reason: verdict.reason) }
                pending.append((commit, []))
            case let .check(contexts, signature, payload):
                parallel.submit(position, signature: signature, payload: payload)
                pending.append((commit, contexts))
            }
            var local: [VerificationProblem] = []
            let now = clock()
            if commit.committer.time > now + Self.clockSkew {
                local.append(VerificationProblem(
                    commit: id.hex, kind: .futureDated,
                    reason: "committed at \(CommitTime.iso8601(commit.committer.time)), \(commit.committer.time - now) s after this machine's clock (\(CommitTime.iso8601(now)); allowed skew \(Self.clockSkew) s)"))
            }
            for parent in parents where commit.committer.time + Self.clockSkew < parent.committer.time {
                local.append(VerificationProblem(
                    commit: id.hex, kind: .timeWentBackwards,
                    reason: "committed at \(CommitTime.iso8601(commit.committer.time)), \(parent.committer.time - commit.committer.time) s before its parent \(parent.id.abbreviated()) (allowed skew \(Self.clockSkew) s)"))
            }
            if commit.parentIDs.contains(where: descendants.contains) { descendants.insert(id) }
            let changes = try repository.changedFiles(tree: commit.treeID, parentTrees: parents.map(\.treeID))
            local += try content.problems(of: commit, parents: parents, changes: changes)
            for change in changes {
                if let blob = change.blob, introducers[blob] == nil { introducers[blob] = id }
                if change.blob != nil { changedBy[change.path] = id }
            }
            found.append(local)
        }
        progress.update(pending.count, detail: "waiting for the signature checks")
        let evidence = parallel.finish()
        var checked = CheckedCommits()
        for (position, entry) in pending.enumerated() {
            checked.order.append((entry.commit.id, entry.commit.parentIDs))
            if let known = evidence[position] {
                let verdict = Self.judge(known, contexts: entry.contexts, commit: entry.commit)
                if let kind = verdict.problem {
                    signatureProblems[position] = VerificationProblem(commit: entry.commit.id.hex, kind: kind, reason: verdict.reason)
                }
            }
            if let problem = signatureProblems[position] { checked.problems.append(problem) }
            checked.problems += found[position]
        }
        if checked.problems.isEmpty {
            // Every walked commit, and every back-link confirmed below one, is an ancestor of head.
            var commits = descendants.contains(head) ? storedIntroducers?.commits ?? [:] : [:]
            commits.merge(confirmedByWalk) { $1 }
            commits.merge(changedBy) { $1 }
            pendingIntroducers = VerifiedIntroducers(key: head, commits: commits)
        }
        return checked
    }

    // MARK: - Parts

    func commit(_ id: ObjectID) throws -> Commit {
        if let known = commits[id] { return known }
        let commit = try repository.commit(id)
        commits[id] = commit
        return commit
    }

    /// The commit that introduced `blob` at `path` below `parent`: from this walk; else (history
    /// before an incremental run's start) a claimed back-link confirmed directly (it is `parent`
    /// or its ancestor, holds the blob, and none of its own parents does); else the event index.
    private func introducer(of blob: ObjectID, at path: String, below parent: Commit, claimed: [String]) throws -> ObjectID? {
        if let known = introducers[blob] { return known }
        for candidate in claimed.compactMap(ObjectID.init(hex:)) where try confirms(candidate, introduced: blob, at: path, below: parent) {
            return candidate
        }
        return try store.introduction(of: blob, at: path)?.commit
    }

    /// Whether `candidate` introduced `blob` at `path` below `parent`: it is `parent` or an
    /// ancestor of it, holds the blob there, and none of its own parents does.
    ///
    /// Ancestry is the costly part: `git_graph_descendant_of` walks every commit between the two,
    /// so a sign-off of an item last changed N commits ago walked N commits. The answer comes
    /// from the judge's own record when that record is keyed by `parent` itself (the verified
    /// head a sign-off builds on) and lists `candidate`; otherwise from the walk, as before. The
    /// record only ever answers "yes, an ancestor" for commits the judge walked or confirmed
    /// below its key, and the tree checks below run either way, so nothing the walk refuses is
    /// accepted. See VerifiedIntroducers, and the README's "Sign-off cost and ancestry".
    private func confirms(_ candidate: ObjectID, introduced blob: ObjectID, at path: String, below parent: Commit) throws -> Bool {
        guard try repository.contains(candidate) else { return false }
        var walked = false
        if candidate != parent.id, storedIntroducers?.vouches(for: candidate, below: parent.id) != true {
            guard try repository.isDescendant(parent.id, of: candidate) else { return false }
            walked = true
        }
        let commit = try commit(candidate)
        guard try repository.entry(atPath: path, inTree: commit.treeID)?.id == blob else { return false }
        for grandparent in try commit.parentIDs.map(self.commit) where try repository.entry(atPath: path, inTree: grandparent.treeID)?.id == blob {
            return false
        }
        if walked { confirmedByWalk[path] = candidate }
        return true
    }

    /// What deciding a commit's signature needs: either the verdict already (unsigned,
    /// unreadable trust files), or the judging contexts and the signature to check.
    private enum SignatureInputs {
        case decided(SignatureVerdict)
        case check(contexts: [TrustContext], signature: String, payload: Data)
    }

    private func signatureInputs(of commit: Commit, parents: [Commit]) throws -> SignatureInputs {
        // The root is judged by its own tree (trust on first use); every other commit by its parents'.
        let judges = parents.isEmpty ? [commit.treeID] : parents.map(\.treeID)
        var contexts: [TrustContext] = []
        for tree in judges {
            switch try trust.context(ofTree: tree) {
            case let .success(context): contexts.append(context)
            case let .failure(error):
                return .decided(SignatureVerdict(status: .untrusted, reason: "the trust files that judge this commit cannot be read: \(error.message)",
                                                 problem: .unreadable))
            }
        }
        guard let signed = try repository.signedPayload(of: commit.id) else {
            if contexts.allSatisfy(\.allowUnsigned) {
                return .decided(SignatureVerdict(status: .unsigned, reason: "unsigned (this ledger allows unsigned commits)"))
            }
            return .decided(SignatureVerdict(status: .unsigned, reason: "the commit is not signed", problem: .unsigned))
        }
        return .check(contexts: contexts, signature: signed.signature, payload: signed.signedData)
    }

    /// The verdict of `evidence` under every judging context: good only if good under each.
    static func judge(_ evidence: SignatureEvidence, contexts: [TrustContext], commit: Commit) -> SignatureVerdict {
        var verdict: SignatureVerdict?
        for context in contexts {
            let judged = TrustJudge.judge(evidence, context: context, email: commit.committer.email, time: commit.committer.date)
            if !judged.isGood { return judged }
            verdict = verdict ?? judged
        }
        return verdict ?? SignatureVerdict(status: .untrusted, reason: "no trust files judge this commit", problem: .untrustedKey)
    }

    private func signatureVerdict(of commit: Commit, parents: [Commit]) throws -> SignatureVerdict {
        switch try signatureInputs(of: commit, parents: parents) {
        case let .decided(verdict): return verdict
        case let .check(contexts, signature, payload):
            return Self.judge(crypto.examine(signature, payload: payload), contexts: contexts, commit: commit)
        }
    }
}

