import Foundation
import Git

/// Builds a commit for a new tree, signs it as `git commit -S` would, and moves the ledger
/// branch with a compare-and-swap, so a write lands whole or not at all.
struct SignedCommitWriter {
    let repository: Repository
    let identity: GitIdentity
    /// nil writes an unsigned commit (only where the ledger's settings allow it).
    let signer: (any Signer)?

    /// Writes the commit object and returns its id; moves no reference.
    func writeCommit(tree: ObjectID, parents: [ObjectID], message: String, time: (seconds: Int64, offsetMinutes: Int32?)) throws -> ObjectID {
        let person = GitSignature(name: identity.name, email: identity.email, time: time.seconds, offsetMinutes: time.offsetMinutes)
        let buffer = try repository.commitBuffer(tree: tree, parents: parents, author: person, committer: person, message: message)
        let signature = try signer?.sign(buffer)
        return try repository.writeCommit(buffer: buffer, signature: signature)
    }
}

/// Checks, before anything is written, that a signer's key may sign this ledger.
enum TrustCheck {
    /// Throws `.untrustedKey` unless the key is trusted for `email` in `snapshot`'s trust files.
    static func requireTrusted(_ key: SigningKeyIdentity, email: String, in snapshot: LedgerSnapshot, at time: Date, ledger: String) throws {
        switch key {
        case let .ssh(publicKey):
            try requireTrusted(publicKey, email: email, in: snapshot.allowedSigners(), at: time, ledger: ledger)
        case let .openPGP(fingerprint):
            let principals = try snapshot.openPGPSigners().principals(for: fingerprint)
            guard !principals.isEmpty else {
                throw LedgerError(.untrustedKey, "the OpenPGP key \(fingerprint) is not in \(ledger)'s \(LedgerLayout.openPGPSignersPath)",
                                  hint: "ask a trusted signer to add it")
            }
            guard principals.contains(email) else {
                throw LedgerError(.untrustedKey, "the OpenPGP key \(fingerprint) is trusted for \(principals.joined(separator: ", ")), not for user.email \(email)",
                                  hint: "sign with the e-mail the key is trusted for")
            }
        }
    }

    /// Throws `.untrustedKey` unless `key` is listed for `email` (namespace git, valid at `time`).
    static func requireTrusted(_ key: SSHPublicKey, email: String, in allowed: AllowedSigners, at time: Date, ledger: String) throws {
        // The same predicates, in the same order, as verification's TrustJudge: a key the writer
        // accepts must be one `readiness verify` and the gate accept.
        let entries = allowed.entries(for: key).filter(\.signsGitCommits)
        guard !entries.isEmpty else {
            throw LedgerError(.untrustedKey,
                              "the signing key \(key.fingerprint) is not in \(ledger)'s \(LedgerLayout.allowedSignersPath)",
                              hint: "ask a trusted signer to run `readiness trust add \(email) KEYFILE`")
        }
        let forEmail = entries.filter { $0.matches(principal: email) }
        guard !forEmail.isEmpty else {
            let listed = entries.flatMap(\.principals).joined(separator: ", ")
            throw LedgerError(.untrustedKey,
                              "the signing key \(key.fingerprint) is trusted for \(listed), not for user.email \(email)",
                              hint: "sign with the e-mail the key is trusted for, or have it trusted for \(email)")
        }
        guard forEmail.contains(where: { $0.isValid(at: time) }) else {
            throw LedgerError(.untrustedKey,
                              "the signing key \(key.fingerprint) is listed for \(email) but not valid now",
                              hint: "check its valid-after and valid-before options in \(LedgerLayout.allowedSignersPath)")
        }
    }
}
