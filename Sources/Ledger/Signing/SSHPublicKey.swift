import Crypto
import FoundationEssentials

/// An SSH public key: its wire-format blob plus the optional comment from the text form.
///
/// Two keys are equal when their blobs are equal; the comment is a label, not part of the key,
/// so "is this signer's key listed in allowed_signers" does not depend on how it was labelled.
public struct SSHPublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The algorithm name inside the blob, e.g. "ssh-ed25519".
    public let keyType: String
    /// The key in SSH wire format, exactly as it appears inside signatures.
    public let blob: Data
    /// The comment after the base64 text, if any.
    public var comment: String?

    /// Parses an authorized_keys-style line: "ssh-ed25519 AAAA… optional comment".
    /// - Throws: `.invalidInput` when the line is not a key or its type disagrees with the blob.
    public init(authorizedKeysLine: String) throws {
        let line = authorizedKeysLine.trimming(.whitespacesAndNewlines)
        let parts = line.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2 else {
            throw LedgerError(.invalidInput, "not an SSH public key: expected \"<type> <base64> [comment]\"")
        }
        guard let blob = Data(base64Encoded: String(parts[1])) else {
            throw LedgerError(.invalidInput, "not an SSH public key: the key data is not valid base64")
        }
        try self.init(blob: blob)
        guard keyType == String(parts[0]) else {
            throw LedgerError(.invalidInput, "SSH public key says \(parts[0]) but its data is a \(keyType) key")
        }
        if parts.count == 3 {
            let text = parts[2].trimming(.whitespaces)
            comment = text.isEmpty ? nil : text
        }
    }

    /// Wraps a wire-format key blob, reading the key type from its first field.
    /// - Throws: `.invalidInput` when the blob does not start with a key type string.
    public init(blob: Data, comment: String? = nil) throws {
        var reader = SSHWireReader(blob, what: "SSH public key")
        let type = try reader.readUTF8()
        guard !type.isEmpty, type.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw LedgerError(.invalidInput, "malformed SSH public key: bad key type")
        }
        if type == "ssh-ed25519" {
            // Ed25519 keys have a fixed shape; checking it here means later code can rely on it.
            let key = try reader.readString()
            guard key.count == 32, reader.isAtEnd else {
                throw LedgerError(.invalidInput, "malformed SSH public key: an ssh-ed25519 key must hold 32 bytes")
            }
        }
        self.keyType = type
        self.blob = blob
        self.comment = comment
    }

    /// "SHA256:<base64 without padding>" of the blob, as `ssh-keygen -l` prints it.
    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingEvery("=", with: "")
    }

    /// "type base64", the form used in allowed_signers and in git's `key::` literals (no comment).
    public var openSSHString: String {
        "\(keyType) \(blob.base64EncodedString())"
    }

    /// The key as text, with its comment when it has one.
    public var description: String {
        comment.map { "\(openSSHString) \($0)" } ?? openSSHString
    }

    /// The 32 raw bytes of an ssh-ed25519 key; nil for other key types.
    var ed25519KeyBytes: Data? {
        guard keyType == "ssh-ed25519" else { return nil }
        var reader = SSHWireReader(blob, what: "SSH public key")
        _ = try? reader.readString()
        return try? reader.readString()
    }

    /// Equality ignores the comment: see the type's documentation.
    public static func == (lhs: SSHPublicKey, rhs: SSHPublicKey) -> Bool {
        lhs.blob == rhs.blob
    }

    /// Hashes the blob only, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(blob)
    }
}
