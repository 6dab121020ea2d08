import FoundationEssentials

/// Something that can sign a commit payload the way `git commit -S` would.
public protocol Signer: Sendable {
    /// A short description for messages, e.g. "native Ed25519 (SHA256:abc…)" or "ssh-keygen (~/.ssh/id_ed25519.pub)".
    var description: String { get }
    /// The public key this signer signs with, when known before signing (SSH), for the trust check done before anything is written.
    var publicKey: SSHPublicKey? { get }
    /// Signs the commit payload, returning the ASCII-armored signature exactly as git would put in gpgsig (with its trailing newline; the caller trims).
    func sign(_ payload: Data) throws -> String
}
