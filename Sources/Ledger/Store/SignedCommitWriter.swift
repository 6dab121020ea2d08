import FoundationEssentials
import Git

/// Builds a commit for a new tree and signs it as `git commit -S` would; moves no reference
/// (`LedgerStore.writeSigned` does that, after the verifier has judged the commit).
struct SignedCommitWriter {
    let repository: Repository
    let identity: GitIdentity
    /// nil writes an unsigned commit (only where the ledger's settings allow it).
    let signer: (any Signer)?

    /// Writes the commit object and returns its id; moves no reference.
    func writeCommit(tree: ObjectID, parents: [ObjectID], message: String, time: CommitStamp) throws -> ObjectID {
        let person = GitSignature(name: identity.name, email: identity.email, time: time.seconds, offsetMinutes: time.offsetMinutes)
        let buffer = try repository.commitBuffer(tree: tree, parents: parents, author: person, committer: person, message: message)
        let signature = try signer?.sign(buffer)
        return try repository.writeCommit(buffer: buffer, signature: signature)
    }
}

