import FoundationEssentials

/// Chooses a `Signer` from git's signing configuration.
public enum SignerFactory {
    /// Picks the signer git would use for this configuration. ssh + a path to an UNENCRYPTED OpenSSH Ed25519 private key file → NativeEd25519Signer; ssh + any other key file (public key with private half in ssh-agent, other key types, encrypted keys) → SSHKeygenSigner; ssh + "key::<literal>" or a bare "ssh-ed25519 AAAA…" literal (git accepts both) → SSHKeygenSigner with a temp key file and `-U` (agent); ssh with no signingkey → run gpg.ssh.defaultKeyCommand and use its first line as a literal, else error; openpgp → OpenPGPSigner(gpg -bsau <key or "Name <email">); "~/" expanded like git does. Missing key/file → LedgerError(.signing, clear one-line message, hint naming the git config to set).
    public static func makeSigner(_ config: SigningConfiguration) throws -> Signer {
        switch config.format.lowercased() {
        case "ssh":
            return try makeSSHSigner(config)
        case "openpgp", "":
            return try makeOpenPGPSigner(config)
        case "x509":
            // The ledger can only verify SSH and OpenPGP signatures, so refuse rather than
            // write commits nobody here could check.
            throw LedgerError(.signing, "gpg.format x509 is not supported for ledger commits", hint: "set git config gpg.format to ssh or openpgp")
        default:
            throw LedgerError(.signing, "unknown gpg.format \"\(config.format)\"", hint: "set git config gpg.format to ssh or openpgp")
        }
    }

    private static func makeOpenPGPSigner(_ config: SigningConfiguration) throws -> Signer {
        if let key = config.signingKey, !key.isEmpty {
            return OpenPGPSigner(program: config.gpgProgram, keyID: key, environment: config.environment)
        }
        // git falls back to the committer identity, letting gpg pick the matching key.
        guard !config.committerName.isEmpty || !config.committerEmail.isEmpty else {
            throw LedgerError(.signing, "no OpenPGP signing key configured", hint: "set git config user.signingkey, or user.name and user.email")
        }
        let identity = "\(config.committerName) <\(config.committerEmail)>"
        return OpenPGPSigner(program: config.gpgProgram, keyID: identity, environment: config.environment)
    }

    private static func makeSSHSigner(_ config: SigningConfiguration) throws -> Signer {
        var key = config.signingKey ?? ""
        if key.isEmpty {
            key = try defaultSSHKey(config)
        }
        if let literal = literalSSHKey(key) {
            do {
                return try SSHKeygenSigner(program: config.sshProgram, literalKey: literal, environment: config.environment)
            } catch let error as LedgerError {
                throw LedgerError(.invalidInput, "user.signingkey holds an SSH key literal that cannot be parsed: \(error.message)", hint: "set git config user.signingkey to a key file or \"key::ssh-ed25519 AAAA…\"")
            }
        }
        guard let path = PathExpansion.expandTilde(key, environment: config.environment) else {
            throw LedgerError(.signing, "cannot expand the home directory in SSH signing key path \(key)", hint: "set git config user.signingkey to an absolute path")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.signing, "SSH signing key file not found or unreadable: \(path)", hint: "set git config user.signingkey to an existing key file")
        }
        let text = String(decoding: data, as: UTF8.self)
        if let privateKey = try? OpenSSHPrivateKey.parse(text) {
            if privateKey.keyType == "ssh-ed25519", !privateKey.isEncrypted {
                return NativeEd25519Signer(privateKey: privateKey, keyFile: path)
            }
            return SSHKeygenSigner(program: config.sshProgram, keyFile: path, publicKey: privateKey.publicKey, environment: config.environment)
        }
        // A public key file (private half in the agent), or a private key in another format
        // (PEM RSA, …) whose public half may sit next to it in "<file>.pub".
        let publicKey = (try? SSHPublicKey(authorizedKeysLine: firstLine(text)))
            ?? FileManager.default.contents(atPath: path + ".pub").flatMap { try? SSHPublicKey(authorizedKeysLine: firstLine(String(decoding: $0, as: UTF8.self))) }
        return SSHKeygenSigner(program: config.sshProgram, keyFile: path, publicKey: publicKey, environment: config.environment)
    }

    /// git's `is_literal_ssh_key`: "key::<literal>", or a value starting with "ssh-".
    static func literalSSHKey(_ value: String) -> String? {
        if value.hasPrefix("key::") { return String(value.dropFirst(5)) }
        if value.hasPrefix("ssh-") { return value }
        return nil
    }

    /// Runs gpg.ssh.defaultKeyCommand (split like git, no shell) and returns its first line,
    /// which must be a literal key, as git's `get_default_ssh_signing_key` requires.
    private static func defaultSSHKey(_ config: SigningConfiguration) throws -> String {
        guard let command = config.sshDefaultKeyCommand, !command.isEmpty else {
            throw LedgerError(.signing, "no SSH signing key configured", hint: "set git config user.signingkey or gpg.ssh.defaultKeyCommand")
        }
        guard let argv = CommandLineSplitter.split(command), let program = argv.first else {
            throw LedgerError(.signing, "gpg.ssh.defaultKeyCommand cannot be parsed: \(command)", hint: "fix git config gpg.ssh.defaultKeyCommand")
        }
        let result = try ProcessRunner.run(program, Array(argv.dropFirst()), environment: config.environment, timeout: 60)
        let first = firstLine(String(decoding: result.stdout, as: UTF8.self))
        guard result.status == 0 else {
            throw LedgerError(.signing, "gpg.ssh.defaultKeyCommand failed (exit \(result.status)): \(result.stderrText)", hint: "fix git config gpg.ssh.defaultKeyCommand or set user.signingkey")
        }
        guard literalSSHKey(first) != nil else {
            throw LedgerError(.signing, "gpg.ssh.defaultKeyCommand succeeded but returned no keys", hint: "fix git config gpg.ssh.defaultKeyCommand or set user.signingkey")
        }
        return first
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimming(.whitespacesAndNewlines)
    }
}
