import FoundationEssentials

/// Signs through gpg the way git's `sign_buffer_gpg` does: `<gpg> --status-fd=2 -bsau <key>`,
/// payload on stdin, armored detached signature on stdout, success judged by a
/// "[GNUPG:] SIG_CREATED " status line rather than the exit status alone.
public struct OpenPGPSigner: Signer {
    /// gpg.program (or gpg.openpgp.program).
    public let program: String
    /// user.signingkey, or "Name <email>" of the committer when that is unset (git's fallback).
    public let keyID: String
    /// The environment for gpg (e.g. GNUPGHOME); nil inherits ours.
    public let environment: [String: String]?

    /// Creates a signer for `keyID` using `program`.
    public init(program: String = "gpg", keyID: String, environment: [String: String]? = nil) {
        self.program = program
        self.keyID = keyID
        self.environment = environment
    }

    /// "gpg (<key>)".
    public var description: String { "\(program) (\(keyID))" }

    /// OpenPGP keys are not checked against allowed_signers before signing.
    public var publicKey: SSHPublicKey? { nil }

    /// Runs gpg and returns its armored signature with CRs removed.
    public func sign(_ payload: Data) throws -> String {
        let result = try ProcessRunner.run(program, ["--status-fd=2", "-bsau", keyID], stdin: payload, environment: environment)
        let status = String(decoding: result.stderr, as: UTF8.self)
        let created = status.split(separator: "\n", omittingEmptySubsequences: false)
            .contains { $0.hasPrefix("[GNUPG:] SIG_CREATED ") }
        guard result.status == 0, created else {
            let detail = result.stderrText.isEmpty ? "(no gpg output)" : result.stderrText.replacingEvery("\n", with: " / ")
            throw LedgerError(.signing, "\(program) failed to sign the data: \(detail)", hint: "check git config user.signingkey and gpg.program")
        }
        return String(decoding: result.stdout, as: UTF8.self).replacingEvery("\r", with: "")
    }
}
