import FoundationEssentials

/// Signs through `ssh-keygen -Y sign -n git`, exactly as git's `sign_buffer_ssh` does, so
/// everything ssh-keygen supports works: ssh-agent, encrypted keys (it prompts on the
/// terminal), RSA/ECDSA, hardware (sk-) keys.
public struct SSHKeygenSigner: Signer {
    /// gpg.ssh.program.
    public let program: String
    /// A key file (private, or public with the private half in the agent). Nil for a literal key.
    public let keyFile: String?
    /// A literal public key ("ssh-ed25519 AAAA…"), signed with through the agent (`-U`).
    public let literalKey: String?
    /// The public key, when it could be read before signing.
    public let publicKey: SSHPublicKey?
    /// The environment for ssh-keygen (e.g. carrying SSH_AUTH_SOCK); nil inherits ours.
    public let environment: [String: String]?

    /// Signs with a key file, as git does when user.signingkey is a path.
    public init(program: String = "ssh-keygen", keyFile: String, publicKey: SSHPublicKey? = nil, environment: [String: String]? = nil) {
        self.program = program
        self.keyFile = keyFile
        self.literalKey = nil
        self.publicKey = publicKey
        self.environment = environment
    }

    /// Signs with the agent's private half of a literal public key, as git does for
    /// `key::ssh-…` and bare `ssh-…` values of user.signingkey.
    /// - Throws: `.invalidInput` when `literalKey` is not a public key line.
    public init(program: String = "ssh-keygen", literalKey: String, environment: [String: String]? = nil) throws {
        self.program = program
        self.keyFile = nil
        self.literalKey = literalKey
        self.publicKey = try SSHPublicKey(authorizedKeysLine: literalKey)
        self.environment = environment
    }

    /// "ssh-keygen (<key file>)" or "ssh-keygen (agent, SHA256:…)".
    public var description: String {
        if let keyFile { return "\(program) (\(keyFile))" }
        return "\(program) (agent, \(publicKey?.fingerprint ?? "literal key"))"
    }

    /// Writes the payload to a temporary file, runs `<program> -Y sign -n git -f <key> [-U] <file>`
    /// and returns the contents of `<file>.sig` with CRs removed, like git.
    public func sign(_ payload: Data) throws -> String {
        let temp = try TemporaryDirectory(prefix: "readiness-ssh-sign-")
        defer { temp.remove() }
        let buffer = try temp.write(payload, to: "git_signing_buffer")
        var arguments = ["-Y", "sign", "-n", "git", "-f"]
        if let literalKey {
            // git writes the literal exactly as configured (after "key::") to a file.
            arguments.append(try temp.write(Data(literalKey.utf8), to: "git_signing_key"))
        } else {
            arguments.append(keyFile ?? "")
        }
        if literalKey != nil { arguments.append("-U") }
        arguments.append(buffer)

        let result = try ProcessRunner.run(program, arguments, environment: environment)
        guard result.status == 0 else {
            var message = "\(program) failed to sign (exit \(result.status))"
            let stderr = result.stderrText
            if !stderr.isEmpty { message += ": " + stderr.replacingEvery("\n", with: " / ") }
            let hint = stderr.contains("usage:")
                ? "ssh-keygen -Y sign is needed for ssh signing (OpenSSH 8.2p1 or later)"
                : "check git config user.signingkey and gpg.ssh.program, and that ssh-agent holds the key"
            throw LedgerError(.signing, message, hint: hint)
        }
        guard let signature = FileManager.default.contents(atPath: buffer + ".sig") else {
            throw LedgerError(.signing, "\(program) did not write a signature to \(buffer).sig")
        }
        return String(decoding: signature, as: UTF8.self).replacingEvery("\r", with: "")
    }
}
