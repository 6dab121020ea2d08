import FoundationEssentials
import Git

/// The external programs verification falls back on: `ssh-keygen` for SSH keys other than
/// Ed25519, `gpg` for OpenPGP signatures. Ed25519 SSH signatures never leave the process.
public struct VerificationPrograms: Sendable {
    /// The program for `-Y verify` (git's `gpg.ssh.program`).
    public var sshKeygen: String
    /// The OpenPGP program (git's `gpg.openpgp.program`, then `gpg.program`).
    public var gpg: String
    /// The environment they run in; nil inherits this process's (GNUPGHOME and so on).
    public var environment: [String: String]?

    /// Creates a set of programs; the defaults are git's.
    public init(sshKeygen: String = "ssh-keygen", gpg: String = "gpg", environment: [String: String]? = nil) {
        self.sshKeygen = sshKeygen
        self.gpg = gpg
        self.environment = environment
    }

    /// The programs git would use with `config`.
    public init(config: Config) throws {
        self.init(sshKeygen: try config.string("gpg.ssh.program") ?? "ssh-keygen",
                  gpg: try config.string("gpg.openpgp.program") ?? config.string("gpg.program") ?? "gpg")
    }
}
