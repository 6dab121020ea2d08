import Foundation
import Git

/// The seam through which the gate asks whether the ledger head it is about to judge can be
/// trusted. A verifier throws `LedgerError(.verificationFailed)` (exit 21) with the reason when
/// it cannot; the gate then blocks without reading any item.
///
/// `HeadSignatureCheck` judges the head's signature with `LedgerVerifier`; tests supply their own.
public protocol HeadVerifier {
    /// Throws when the head of `store` (the commit `snapshot` was read from) must not be trusted.
    func verifyHead(of store: LedgerStore, snapshot: LedgerSnapshot) throws
}

/// The head check the gate uses: the head commit's signature judged exactly as
/// `readiness verify` judges it (native Ed25519, other SSH keys through ssh-keygen, OpenPGP
/// through gpg; the key trusted by the head's parent, for the committer's e-mail, at that time).
/// Unsigned heads pass only where the ledger's settings allow unsigned commits. It checks one
/// commit, not the whole history: `readiness verify` does that, and CI should run both.
public struct HeadSignatureCheck: HeadVerifier {
    private let programs: VerificationPrograms

    /// Creates the check; `programs` are the ssh-keygen and gpg to fall back on.
    public init(programs: VerificationPrograms = VerificationPrograms()) {
        self.programs = programs
    }

    public func verifyHead(of store: LedgerStore, snapshot: LedgerSnapshot) throws {
        let id = snapshot.commit.id
        let verdict = LedgerVerifier(store: store, programs: programs).verificationStatus(of: id)
        // Whether an unsigned head is acceptable is decided by the verifier from the *parent's*
        // settings (`problem == nil`): a head that switches allowUnsigned on itself must not pass.
        guard verdict.problem != nil else { return }
        switch verdict.status {
        case .good:
            return
        case .unsigned:
            throw LedgerError(.verificationFailed, "the ledger head \(id.abbreviated()) is not signed, and this ledger requires signatures",
                              hint: "someone wrote it without readiness; run `readiness verify` to see how")
        case .bad, .untrusted:
            throw LedgerError(.verificationFailed, "the ledger head \(id.abbreviated()) fails verification: \(verdict.reason)",
                              hint: "run `readiness verify` for the whole history")
        }
    }
}

