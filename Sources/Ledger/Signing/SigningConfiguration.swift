import FoundationEssentials

/// What git's config says about signing (the caller reads git config and fills this in).
public struct SigningConfiguration: Sendable, Equatable {
    /// gpg.format: "openpgp" (default), "ssh", "x509".
    public var format: String
    /// user.signingkey.
    public var signingKey: String?
    /// gpg.ssh.program, default "ssh-keygen".
    public var sshProgram: String
    /// gpg.ssh.defaultKeyCommand.
    public var sshDefaultKeyCommand: String?
    /// gpg.program (gpg.openpgp.program overrides), default "gpg".
    public var gpgProgram: String
    /// user.name (committer identity), used for gpg's default key.
    public var committerName: String
    /// user.email (committer identity), used for gpg's default key.
    public var committerEmail: String
    /// The environment signer programs run with (SSH_AUTH_SOCK, GNUPGHOME, HOME, PATH); nil inherits ours.
    public var environment: [String: String]?

    /// Creates a configuration with git's defaults for everything not given.
    public init(
        format: String = "openpgp",
        signingKey: String? = nil,
        sshProgram: String = "ssh-keygen",
        sshDefaultKeyCommand: String? = nil,
        gpgProgram: String = "gpg",
        committerName: String = "",
        committerEmail: String = "",
        environment: [String: String]? = nil
    ) {
        self.format = format
        self.signingKey = signingKey
        self.sshProgram = sshProgram
        self.sshDefaultKeyCommand = sshDefaultKeyCommand
        self.gpgProgram = gpgProgram
        self.committerName = committerName
        self.committerEmail = committerEmail
        self.environment = environment
    }
}
