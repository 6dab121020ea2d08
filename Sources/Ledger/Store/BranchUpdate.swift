import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A commit's time as git writes it: seconds since the epoch and the zone offset in minutes.
typealias CommitStamp = (seconds: Int64, offsetMinutes: Int32?)

/// What a signed write puts on the ledger branch: everything but the signature and the time.
struct PlannedCommit<Value> {
    /// The new tree.
    var tree: ObjectID
    /// The parents: the head, and for a merge the other side.
    var parents: [ObjectID]
    /// Subject, body and trailers.
    var message: LedgerCommitMessage
    /// What the caller wants back when the write lands.
    var value: Value
}

/// Who writes: the identity on the commit, the signer (nil: unsigned, where the ledger allows
/// it), the programs that check signatures, and the environment (`GIT_COMMITTER_DATE`).
public struct LedgerAuthor {
    /// `user.name` and `user.email` and the signing settings.
    public var identity: GitIdentity
    /// The signer; nil writes unsigned commits, which only a ledger allowing them accepts.
    public var signer: (any Signer)?
    /// ssh-keygen and gpg for checking non-Ed25519 signatures.
    public var programs: VerificationPrograms
    /// The environment the commit time is read from, as git reads it.
    public var environment: [String: String]

    /// An author signing with `signer` as `identity`.
    public init(identity: GitIdentity, signer: (any Signer)?, programs: VerificationPrograms = VerificationPrograms(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.identity = identity
        self.signer = signer
        self.programs = programs
        self.environment = environment
    }
}

extension LedgerStore {
    /// How often a lost compare-and-swap is retried before giving up.
    static let maximumAttempts = 64

    /// The one signed-write sequence of the ledger, for item, trust and definition changes and
    /// merges alike. Each attempt:
    /// 1. refuses (exit 21) a head whose history does not verify: nothing is built on it;
    /// 2. refuses, before signing, a key the verifier would not accept for this author at the
    ///    time the new commit will carry (the verifier's own rule, judged under every parent);
    /// 3. lets `plan` say what to write on the head at the commit's time (every plan first asks
    ///    `PolicyJudge`, the verifier's own policy rule, under the head's policy, and refuses
    ///    with exit 7 before writing any object), signs and writes the commit object;
    /// 4. has the verifier judge the new commit exactly as `verify` will, and refuses it if it
    ///    finds anything (the object stays unreferenced, the branch does not move);
    /// 5. moves the branch from the head to the commit with a compare-and-swap; when another
    ///    writer got there first, everything runs again on the new head.
    /// Anything thrown aborts the write with nothing moved.
    func writeSigned<Value>(by author: LedgerAuthor, action: String,
                            plan: (_ head: ObjectID, _ snapshot: LedgerSnapshot, _ time: CommitStamp) throws -> PlannedCommit<Value>)
        throws -> (commit: ObjectID, value: Value, retries: Int) {
        let verifier = LedgerVerifier(store: self, programs: author.programs)
        let writer = SignedCommitWriter(repository: repository, identity: author.identity, signer: author.signer)
        let key = try author.signer?.keyIdentity()
        for attempt in 0..<Self.maximumAttempts {
            let state = try verifier.verifiedState()
            try state.requireVerified(before: action, ledger: path, rewriteToo: true)
            let head = state.head
            let snapshot = try snapshot(at: head)
            let time = try CommitTime.now(environment: author.environment)
            // The key is judged before anything is built, so a refused signer writes no object.
            try requireSignable(author, key: key, parents: [head], time: time.seconds, settings: snapshot.settings, verifier: verifier)
            let planned = try plan(head, snapshot, time)
            try requireSignable(author, key: key, parents: planned.parents.filter { $0 != head }, time: time.seconds,
                                settings: snapshot.settings, verifier: verifier)
            let commit = try writer.writeCommit(tree: planned.tree, parents: planned.parents, message: planned.message.text, time: time)
            if let problem = try verifier.checkNewCommit(commit).first {
                throw LedgerError(.verificationFailed, "refusing to \(action): the commit would fail verification (\(problem.kind.rawValue): \(problem.reason)); the branch did not move",
                                  hint: problem.kind == .futureDated || problem.kind == .timeWentBackwards
                                      ? "check this machine's clock and GIT_COMMITTER_DATE" : "run `readiness verify` to see the ledger's state")
            }
            if try moveBranch(to: commit, from: head, attempt: attempt) {
                verifier.recordVerified(commit, roots: state.roots)
                return (commit, planned.value, attempt)
            }
        }
        throw LedgerError(.storage, "the ledger branch kept moving; gave up after \(Self.maximumAttempts) attempts",
                          hint: "try again; if it persists, look for a process rewriting \(branch)")
    }

    /// Refuses, before anything is signed, a missing signer where signatures are required and a
    /// key the verifier would not accept.
    func requireSignable(_ author: LedgerAuthor, key: SigningKeyIdentity?, parents: [ObjectID], time: Int64,
                                 settings: LedgerSettings, verifier: LedgerVerifier) throws {
        guard let signer = author.signer else {
            if settings.allowUnsigned { return }
            throw LedgerError(.signing, "no signing key configured and this ledger requires signed sign-offs",
                              hint: "configure signing as for `git commit -S`: git config --global gpg.format ssh; git config --global user.signingkey ~/.ssh/id_ed25519")
        }
        guard let key else {
            throw LedgerError(.untrustedKey, "cannot tell which key \(signer.description) signs with, so cannot check it is trusted",
                              hint: "use an SSH key file or an OpenPGP key gpg can list")
        }
        try verifier.requireSignable(key, email: author.identity.email, parents: parents, time: time)
    }

    /// Tries to move the branch; false when another writer got there first (the caller rebuilds).
    func moveBranch(to commit: ObjectID, from head: ObjectID, attempt: Int) throws -> Bool {
        try moveReference(branch, to: commit, expecting: head, message: "readiness: \(commit.abbreviated())", attempt: attempt)
    }

    /// Moves `reference` from `expected` (nil: it must not exist yet) to `commit` with a
    /// compare-and-swap, the last step of every write (the branch, the directory); false when
    /// another writer got there first, after a short back-off, so the caller rebuilds on the new
    /// state. A lock still held on the last attempt is an error that names the lock file.
    func moveReference(_ reference: String, to commit: ObjectID, expecting expected: ObjectID?, message: String,
                       attempt: Int) throws -> Bool {
        do {
            try repository.compareAndSwapReference(reference, to: commit, expecting: expected, message: message)
            return true
        } catch let error as GitError where error.isModified || error.isLocked || error.isExisting {
            // Back off a little, growing and jittered, so racing writers do not collide in step.
            let ceiling = min(50_000, 1_000 << min(attempt, 6))
            usleep(UInt32.random(in: 500...UInt32(ceiling)))
            if error.isLocked && attempt == Self.maximumAttempts - 1 {
                throw LedgerError(.storage, "\(reference) is locked: \(error.message)",
                                  hint: "if no readiness or git process is running, remove \(repository.gitDirectory)\(reference).lock")
            }
            return false
        }
    }
}
