import Foundation
import Git

/// The seam through which the gate asks whether the ledger head it is about to judge can be
/// trusted. A verifier throws `LedgerError(.verificationFailed)` (exit 21) with the reason when
/// it cannot; the gate then blocks without reading any item.
///
/// `HeadSignatureCheck` is the minimal check this module ships; the full history verifier
/// (`readiness verify`) plugs in here by conforming to this protocol.
public protocol HeadVerifier {
    /// Throws when the head of `store` (the commit `snapshot` was read from) must not be trusted.
    func verifyHead(of store: LedgerStore, snapshot: LedgerSnapshot) throws
}

/// The minimal head check: the head commit carries an SSH Ed25519 signature (namespace `git`)
/// that verifies natively over the commit's bytes, made by a key that the head's parent's
/// `trust/allowed_signers` lists for the committer's e-mail, valid at the commit time — the first
/// commit is judged by its own trust file (trust on first use). Unsigned heads pass only where
/// the ledger's settings allow unsigned commits.
///
/// It does not walk history, check back-links, trailers or time order, nor check OpenPGP or
/// non-Ed25519 SSH signatures (those fail closed); that is the full verifier's work.
public struct HeadSignatureCheck: HeadVerifier {
    /// Creates the check.
    public init() {}

    public func verifyHead(of store: LedgerStore, snapshot: LedgerSnapshot) throws {
        let commit = snapshot.commit
        let id = commit.id.abbreviated()
        guard let (armored, payload) = try store.repository.signedPayload(of: commit.id) else {
            if snapshot.settings.allowUnsigned { return }
            throw LedgerError(.verificationFailed, "the ledger head \(id) is not signed, and this ledger requires signatures",
                              hint: "someone wrote it without readiness; run `readiness verify` to see how")
        }
        guard armored.contains("-----BEGIN SSH SIGNATURE-----") else {
            throw LedgerError(.verificationFailed, "the ledger head \(id) carries a signature this gate cannot check natively (not SSH)",
                              hint: "check it with `readiness verify`")
        }
        let signature: SSHSignature
        do {
            signature = try SSHSignature.parse(armored: armored)
        } catch let error as LedgerError {
            throw LedgerError(.verificationFailed, "the ledger head \(id) has a malformed signature: \(error.message)")
        }
        let key = signature.publicKey
        guard key.keyType == "ssh-ed25519" else {
            throw LedgerError(.verificationFailed, "the ledger head \(id) is signed with a \(key.keyType) key, which this gate cannot check natively",
                              hint: "check it with `readiness verify`")
        }
        guard try signature.verify(payload, namespace: "git") else {
            throw LedgerError(.verificationFailed, "the signature on the ledger head \(id) does not verify (key \(key.fingerprint))",
                              hint: "the commit was altered after signing, or forged")
        }
        // Trust comes from the parent: no commit may authorise its own key.
        let trustSnapshot = try commit.parentIDs.first.map { try store.snapshot(at: $0) } ?? snapshot
        let allowed = try trustSnapshot.allowedSigners()
        let email = commit.committer.email
        let time = commit.committer.date
        let usable = allowed.entries(for: key).filter {
            $0.matches(principal: email) && $0.allows(namespace: "git") && $0.isValid(at: time) && !$0.isCertificateAuthority
        }
        guard !usable.isEmpty else {
            throw LedgerError(.verificationFailed,
                              "the ledger head \(id) is signed by \(key.fingerprint), which the ledger does not trust for \(email) at that time",
                              hint: "see trust/allowed_signers; run `readiness verify` for the whole history")
        }
    }
}

/// A verifier that accepts every head: for callers that verified the ledger already.
public struct NoHeadVerification: HeadVerifier {
    /// Creates it.
    public init() {}
    public func verifyHead(of store: LedgerStore, snapshot: LedgerSnapshot) throws {}
}
