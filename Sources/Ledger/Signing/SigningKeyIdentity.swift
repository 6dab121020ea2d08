import FoundationEssentials

/// The key a signer signs with, in the form the ledger's trust files name it.
public enum SigningKeyIdentity: Equatable, Sendable {
    /// An SSH key, trusted through `trust/allowed_signers`.
    case ssh(SSHPublicKey)
    /// An OpenPGP key by its full fingerprint (uppercase hex), trusted through `trust/openpgp_signers`.
    case openPGP(fingerprint: String)

    /// The form recorded in item files: `SHA256:…` for SSH, `openpgp:<FINGERPRINT>` for OpenPGP.
    public var recordedForm: String {
        switch self {
        case let .ssh(key): return key.fingerprint
        case let .openPGP(fingerprint): return "openpgp:\(fingerprint)"
        }
    }
}

extension Signer {
    /// The key this signer will sign with, found before anything is signed, for the trust check.
    public func keyIdentity() throws -> SigningKeyIdentity? {
        if let key = publicKey { return .ssh(key) }
        if let openPGP = self as? OpenPGPSigner { return .openPGP(fingerprint: try openPGP.fingerprint()) }
        return nil
    }
}

extension OpenPGPSigner {
    /// The full fingerprint of the secret key gpg would use for `keyID`.
    public func fingerprint() throws -> String {
        let result = try ProcessRunner.run(program, ["--batch", "--with-colons", "--fingerprint", "--list-secret-keys", keyID],
                                           environment: environment, timeout: 30)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        guard result.status == 0,
              let line = lines.first(where: { $0.hasPrefix("fpr:") }),
              let fingerprint = line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first,
              !fingerprint.isEmpty else {
            throw LedgerError(.signing, "\(program) has no secret key for '\(keyID)'",
                              hint: "check git config user.signingkey, or list your keys with `gpg --list-secret-keys`")
        }
        return fingerprint.uppercased()
    }
}
