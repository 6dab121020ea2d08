import FoundationEssentials

/// A private key file in OpenSSH's "openssh-key-v1" format (PROTOCOL.key), the format
/// `ssh-keygen` writes by default. The public half is readable even when the file is
/// encrypted; the Ed25519 seed is extracted only from unencrypted files.
public struct OpenSSHPrivateKey: Sendable, CustomStringConvertible {
    /// True when the private part is encrypted with a passphrase (cipher other than "none").
    public var isEncrypted: Bool
    /// The key type, e.g. "ssh-ed25519", "ssh-rsa".
    public var keyType: String
    /// The public half, from the file's unencrypted header.
    public var publicKey: SSHPublicKey
    /// The comment stored with the private key; empty when encrypted or not readable.
    public var comment: String
    /// The 32-byte Ed25519 seed, present only for unencrypted ssh-ed25519 keys.
    let ed25519Seed: Data?

    private static let beginMarker = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let endMarker = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Data("openssh-key-v1\0".utf8)

    /// Parses the armored text of an OpenSSH private key file.
    /// - Throws: `.invalidInput` when the text is not an openssh-key-v1 key or is corrupt.
    public static func parse(_ text: String) throws -> OpenSSHPrivateKey {
        guard let begin = text.firstRange(of: beginMarker), let end = text[begin.upperBound...].firstRange(of: endMarker) else {
            throw LedgerError(.invalidInput, "not an OpenSSH private key: missing \"\(beginMarker)\"")
        }
        // Byte-wise, as SSHSignature does (space, tab and line ends, as ssh-keygen writes): the
        // Unicode-aware Character.isWhitespace was a sixth of loading the key for a sign-off.
        let base64 = text[begin.upperBound..<end.lowerBound].utf8.filter { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        guard let data = Data(base64Encoded: Data(base64)) else {
            throw LedgerError(.invalidInput, "malformed OpenSSH private key: invalid base64")
        }
        var reader = SSHWireReader(data, what: "OpenSSH private key")
        guard try reader.readBytes(magic.count) == magic else {
            throw LedgerError(.invalidInput, "malformed OpenSSH private key: not openssh-key-v1")
        }
        let cipher = try reader.readUTF8()
        _ = try reader.readUTF8()   // kdf name
        _ = try reader.readString() // kdf options
        guard try reader.readUInt32() == 1 else {
            // OpenSSH itself only ever writes, and only accepts, one key per file.
            throw LedgerError(.invalidInput, "unsupported OpenSSH private key: more than one key in the file")
        }
        let publicKey = try SSHPublicKey(blob: try reader.readString())
        let privateSection = try reader.readString()

        if cipher != "none" {
            return OpenSSHPrivateKey(isEncrypted: true, keyType: publicKey.keyType, publicKey: publicKey, comment: "", ed25519Seed: nil)
        }

        var inner = SSHWireReader(privateSection, what: "OpenSSH private key")
        // Two equal random words: a wrong passphrase (or corruption) shows up as a mismatch.
        guard try inner.readUInt32() == inner.readUInt32() else {
            throw LedgerError(.invalidInput, "malformed OpenSSH private key: check words differ")
        }
        let type = try inner.readUTF8()
        guard type == publicKey.keyType else {
            throw LedgerError(.invalidInput, "malformed OpenSSH private key: private part is \(type), public part is \(publicKey.keyType)")
        }
        var seed: Data?
        // The number of key-specific fields depends on the type; we know the common ones, so
        // the comment after them can be read. Other types keep an empty comment.
        let fieldCount: Int?
        switch type {
        case "ssh-ed25519":
            let pub = try inner.readString()
            let secret = try inner.readString()
            guard pub.count == 32, secret.count == 64, secret.suffix(32) == pub, publicKey.ed25519KeyBytes == pub else {
                throw LedgerError(.invalidInput, "malformed OpenSSH private key: inconsistent ssh-ed25519 key")
            }
            // OpenSSH stores seed || public key; the seed is what Ed25519 signs with.
            seed = secret.prefix(32)
            fieldCount = 0
        case "ssh-rsa": fieldCount = 6                       // n e d iqmp p q
        case "ssh-dss": fieldCount = 5                       // p q g y x
        case let t where t.hasPrefix("ecdsa-sha2-"): fieldCount = 3 // curve Q d
        default: fieldCount = nil
        }
        var comment = ""
        if let fieldCount {
            for _ in 0..<fieldCount { _ = try inner.readString() }
            comment = try inner.readUTF8()
        }
        return OpenSSHPrivateKey(isEncrypted: false, keyType: type, publicKey: publicKey, comment: comment, ed25519Seed: seed)
    }

    /// Describes the key without ever printing secret material.
    public var description: String {
        "OpenSSH private key (\(keyType), \(publicKey.fingerprint)\(isEncrypted ? ", encrypted" : ""))"
    }
}
