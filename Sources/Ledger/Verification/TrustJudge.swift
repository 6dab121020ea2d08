import FoundationEssentials

/// Turns a signature's evidence into a verdict, given the trust files that judge it: the key
/// must be listed for namespace `git`, for the committer's e-mail, and be valid at the commit's
/// committer time (what `git verify-commit` checks with `-Overify-time`).
enum TrustJudge {
    static func judge(_ evidence: SignatureEvidence, context: TrustContext, email: String, time: Date) -> SignatureVerdict {
        switch evidence {
        case let .unreadable(reason):
            return SignatureVerdict(status: .bad, reason: "unreadable signature: \(reason)", problem: .badSignature)
        case let .ssh(key, verifies):
            return judgeSSH(key: key, verifies: verifies, context: context, email: email, time: time)
        case let .openPGP(fingerprints, verifies, missingKey):
            return judgeOpenPGP(fingerprints: fingerprints, verifies: verifies, missingKey: missingKey, context: context, email: email)
        }
    }

    private static func judgeSSH(key: SSHPublicKey, verifies: Bool, context: TrustContext, email: String, time: Date) -> SignatureVerdict {
        guard verifies else {
            return SignatureVerdict(status: .bad, reason: "the signature by \(key.fingerprint) does not verify: the commit was altered after signing",
                                    key: key.fingerprint, problem: .badSignature)
        }
        return judgeKey(.ssh(key), context: context, email: email, time: time)
    }

    /// Whether `key` may sign a commit by `email` at `time` under `context`, leaving the
    /// signature's cryptography aside. Writers ask this before signing and `verify` after
    /// checking the signature, so both apply the same rule at the same (commit) time.
    static func judgeKey(_ key: SigningKeyIdentity, context: TrustContext, email: String, time: Date) -> SignatureVerdict {
        switch key {
        case let .ssh(key):
            return judgeSSHKey(key, context: context, email: email, time: time)
        case let .openPGP(fingerprint):
            return judgeOpenPGPKey(fingerprints: [fingerprint], context: context, email: email)
        }
    }

    private static func judgeSSHKey(_ key: SSHPublicKey, context: TrustContext, email: String, time: Date) -> SignatureVerdict {
        let fingerprint = key.fingerprint
        let listed = context.allowed.entries(for: key).filter(\.signsGitCommits)
        guard !listed.isEmpty else {
            return SignatureVerdict(status: .untrusted, reason: "key \(fingerprint) is not in \(LedgerLayout.allowedSignersPath) of the parent commit",
                                    key: fingerprint, problem: .untrustedKey)
        }
        let forEmail = listed.filter { $0.matches(principal: email) }
        guard !forEmail.isEmpty else {
            let principals = listed.flatMap(\.principals).joined(separator: ",")
            return SignatureVerdict(status: .untrusted, reason: "key \(fingerprint) is trusted for \(principals), not for committer \(email)",
                                    key: fingerprint, problem: .principalMismatch)
        }
        guard forEmail.contains(where: { $0.isValid(at: time) }) else {
            let windows = forEmail.map { entry in
                "valid-after \(entry.options["valid-after"] ?? "-"), valid-before \(entry.options["valid-before"] ?? "-")"
            }.joined(separator: "; ")
            return SignatureVerdict(status: .untrusted,
                                    reason: "key \(fingerprint) of \(email) is not valid at the commit time \(CommitTime.iso8601(Int64(time.timeIntervalSince1970))) (\(windows))",
                                    key: fingerprint, problem: .keyNotValidAtTime)
        }
        return SignatureVerdict(status: .good, reason: "good signature by \(email) with \(fingerprint)", signer: email, key: fingerprint)
    }

    private static func judgeOpenPGP(fingerprints: [String], verifies: Bool, missingKey: Bool, context: TrustContext, email: String) -> SignatureVerdict {
        guard verifies else {
            if missingKey {
                return SignatureVerdict(status: .untrusted, reason: "gpg does not have the OpenPGP key that made the signature, so it cannot be checked",
                                        problem: .untrustedKey)
            }
            return SignatureVerdict(status: .bad, reason: "the OpenPGP signature does not verify: the commit was altered after signing",
                                    problem: .badSignature)
        }
        return judgeOpenPGPKey(fingerprints: fingerprints, context: context, email: email)
    }

    private static func judgeOpenPGPKey(fingerprints: [String], context: TrustContext, email: String) -> SignatureVerdict {
        let key = fingerprints.first.map { "openpgp:\($0)" }
        let trusted = fingerprints.filter { !context.openPGP.principals(for: $0).isEmpty }
        guard let fingerprint = trusted.first else {
            return SignatureVerdict(status: .untrusted, reason: "OpenPGP key \(fingerprints.joined(separator: "/")) is not in \(LedgerLayout.openPGPSignersPath) of the parent commit",
                                    key: key, problem: .untrustedKey)
        }
        guard trusted.contains(where: { context.openPGP.principals(for: $0).contains(email) }) else {
            return SignatureVerdict(status: .untrusted,
                                    reason: "OpenPGP key \(fingerprint) is trusted for \(context.openPGP.principals(for: fingerprint).joined(separator: ",")), not for committer \(email)",
                                    key: "openpgp:\(fingerprint)", problem: .principalMismatch)
        }
        return SignatureVerdict(status: .good, reason: "good OpenPGP signature by \(email) with \(fingerprint)", signer: email, key: "openpgp:\(fingerprint)")
    }
}
