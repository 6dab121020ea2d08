import Crypto
import FoundationEssentials

/// Signs in-process with an unencrypted OpenSSH Ed25519 key, producing the same SSHSIG
/// (namespace "git", sha512) that `ssh-keygen -Y sign -n git` would, byte for byte:
/// Ed25519 signatures are deterministic, and swift-crypto on Linux uses BoringSSL's
/// deterministic implementation. (Apple's CryptoKit randomises Ed25519 signatures; they
/// still verify, but are then not byte-identical to ssh-keygen's.)
public struct NativeEd25519Signer: Signer {
    /// The key to sign with.
    public let privateKey: OpenSSHPrivateKey
    /// Where the key came from, for messages; nil when built from a parsed key.
    public let keyFile: String?

    /// Loads and parses `privateKeyFile` ("~/" expanded like git).
    /// - Throws: `.signing` when the file is missing or unreadable, encrypted, or not Ed25519;
    ///   `.invalidInput` when it is not an OpenSSH private key.
    public init(privateKeyFile: String) throws {
        let path = PathExpansion.expandTilde(privateKeyFile) ?? privateKeyFile
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.signing, "cannot read SSH private key file \(path)", hint: "check git config user.signingkey")
        }
        let key = try OpenSSHPrivateKey.parse(String(decoding: data, as: UTF8.self))
        guard key.keyType == "ssh-ed25519", !key.isEncrypted else {
            throw LedgerError(.signing, "\(path) is \(key.isEncrypted ? "encrypted" : "a \(key.keyType) key"); native signing needs an unencrypted Ed25519 key")
        }
        self.privateKey = key
        self.keyFile = path
    }

    /// Wraps an already parsed key; `sign` fails if it is not an unencrypted Ed25519 key.
    public init(privateKey: OpenSSHPrivateKey) {
        self.init(privateKey: privateKey, keyFile: nil)
    }

    init(privateKey: OpenSSHPrivateKey, keyFile: String?) {
        self.privateKey = privateKey
        self.keyFile = keyFile
    }

    /// "native Ed25519 (SHA256:…)".
    public var description: String {
        "native Ed25519 (\(privateKey.publicKey.fingerprint))"
    }

    /// The Ed25519 public key.
    public var publicKey: SSHPublicKey? { privateKey.publicKey }

    /// Signs `payload` as an SSHSIG in namespace "git" with sha512 and returns the armored text.
    public func sign(_ payload: Data) throws -> String {
        guard let seed = privateKey.ed25519Seed else {
            throw LedgerError(.signing, "native signing needs an unencrypted Ed25519 key, not \(privateKey.description)")
        }
        let hashAlgorithm = "sha512" // ssh-keygen's default for Ed25519, hence byte-identical output
        let signed = try SSHSignature.signedData(message: payload, namespace: "git", hashAlgorithm: hashAlgorithm)
        let signature: Data
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            signature = Data(try key.signature(for: signed))
        } catch {
            throw LedgerError(.signing, "Ed25519 signing failed: \(ErrorText.oneLine(error))")
        }
        var publicKey = privateKey.publicKey
        publicKey.comment = nil
        return SSHSignature(publicKey: publicKey, namespace: "git", hashAlgorithm: hashAlgorithm, signatureType: "ssh-ed25519", rawSignature: signature).armored()
    }
}
