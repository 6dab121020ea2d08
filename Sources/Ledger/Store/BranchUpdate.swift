import Foundation
import Git

extension LedgerStore {
    /// How often a lost compare-and-swap is retried before giving up.
    static let maximumAttempts = 64

    /// The one write path of the ledger: reads the head, lets `build` write a commit on it (the
    /// object only), then moves the branch from that head to the commit with a compare-and-swap.
    /// When another writer moved the branch first, `build` runs again on the new head, so every
    /// check it makes (state, trust) is made against the parent the commit really gets.
    /// Anything `build` throws aborts the write with nothing moved.
    func commitOnHead<Value>(_ build: (_ head: ObjectID, _ snapshot: LedgerSnapshot) throws -> (commit: ObjectID, value: Value))
        throws -> (commit: ObjectID, value: Value, retries: Int) {
        for attempt in 0..<Self.maximumAttempts {
            let head = try head()
            let built = try build(head, try snapshot(at: head))
            if try moveBranch(to: built.commit, from: head, attempt: attempt) {
                return (built.commit, built.value, attempt)
            }
        }
        throw LedgerError(.storage, "the ledger branch kept moving; gave up after \(Self.maximumAttempts) attempts",
                          hint: "try again; if it persists, look for a process rewriting \(branch)")
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
}
