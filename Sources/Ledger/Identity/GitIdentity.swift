import FoundationEssentials
import Git

/// Who is making a change and how they sign, read from git's configuration exactly as
/// `git commit -S` reads it: the ledger repository's own config over the global one.
public struct GitIdentity: Sendable {
    /// `user.name` (or `GIT_COMMITTER_NAME`).
    public var name: String
    /// `user.email` (or `GIT_COMMITTER_EMAIL`).
    public var email: String
    /// The signing settings (`gpg.format`, `user.signingkey`, programs).
    public var signing: SigningConfiguration
    /// Whether a signing key is configured at all.
    public var hasSigningKey: Bool

    /// An identity given directly (tools and benchmarks that sign in-process): `signing` names the key.
    public init(name: String, email: String, signing: SigningConfiguration, hasSigningKey: Bool = true) {
        self.name = name
        self.email = email
        self.signing = signing
        self.hasSigningKey = hasSigningKey
    }

    /// Reads identity and signing settings from `config`, honouring git's environment overrides.
    public static func load(from config: Config, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GitIdentity {
        let name = try environment["GIT_COMMITTER_NAME"] ?? config.string("user.name")
        let email = try environment["GIT_COMMITTER_EMAIL"] ?? config.string("user.email")
        guard let name, !name.trimming(.whitespaces).isEmpty else {
            throw LedgerError(.signing, "no user.name configured", hint: "run `git config --global user.name \"Your Name\"`")
        }
        guard let email, !email.trimming(.whitespaces).isEmpty else {
            throw LedgerError(.signing, "no user.email configured", hint: "run `git config --global user.email you@example.com`")
        }
        _ = try FreeText.validateLine(name, field: "user.name")
        _ = try FreeText.validateLine(email, field: "user.email")
        let format = try config.string("gpg.format") ?? "openpgp"
        guard ["openpgp", "ssh", "x509"].contains(format) else {
            throw LedgerError(.signing, "unknown gpg.format '\(format)'", hint: "git accepts openpgp, ssh or x509")
        }
        let signingKey = try config.string("user.signingkey").flatMap { $0.isEmpty ? nil : $0 }
        let defaultKeyCommand = try config.string("gpg.ssh.defaultKeyCommand")
        let gpgProgram = try config.string("gpg.\(format).program") ?? config.string("gpg.program") ?? (format == "x509" ? "gpgsm" : "gpg")
        var signing = SigningConfiguration(format: format, signingKey: signingKey, committerName: name, committerEmail: email)
        signing.sshProgram = try config.string("gpg.ssh.program") ?? "ssh-keygen"
        signing.sshDefaultKeyCommand = defaultKeyCommand
        signing.gpgProgram = gpgProgram
        let hasKey = signingKey != nil || (format == "ssh" && defaultKeyCommand != nil)
        return GitIdentity(name: name, email: email, signing: signing, hasSigningKey: hasKey)
    }
}
