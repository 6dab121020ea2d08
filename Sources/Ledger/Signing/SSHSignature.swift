import Crypto
import FoundationEssentials

/// An SSHSIG signature (OpenSSH PROTOCOL.sshsig), the format `ssh-keygen -Y sign` writes and
/// git stores in a commit's gpgsig header for `gpg.format = ssh`.
public struct SSHSignature: Sendable {
    /// The key that made the signature, as embedded in it (not yet trusted: check allowed_signers).
    public var publicKey: SSHPublicKey
    /// The namespace the signer declared; git uses "git".
    public var namespace: String
    /// The hash applied to the message before signing: "sha512" (ssh-keygen's default) or "sha256".
    public var hashAlgorithm: String
    /// The signature algorithm, e.g. "ssh-ed25519" or "rsa-sha2-512".
    public var signatureType: String
    /// The raw signature bytes inside the signature blob (64 bytes for Ed25519).
    public var rawSignature: Data
    /// The reserved field; empty in every signature OpenSSH writes, kept so `armored()` round-trips.
    var reserved: Data
    /// Anything after the raw signature inside the signature blob (security-key flags and counter).
    var signatureTrailer: Data

    static let magic = Data("SSHSIG".utf8)
    private static let begin = "-----BEGIN SSH SIGNATURE-----"
    private static let end = "-----END SSH SIGNATURE-----"
    /// ssh-keygen wraps the base64 at 70 columns; matching it keeps our output byte-identical.
    private static let lineLength = 70

    init(publicKey: SSHPublicKey, namespace: String, hashAlgorithm: String, signatureType: String, rawSignature: Data, reserved: Data = Data(), signatureTrailer: Data = Data()) {
        self.publicKey = publicKey
        self.namespace = namespace
        self.hashAlgorithm = hashAlgorithm
        self.signatureType = signatureType
        self.rawSignature = rawSignature
        self.reserved = reserved
        self.signatureTrailer = signatureTrailer
    }

    /// Parses an armored "-----BEGIN SSH SIGNATURE-----" block (surrounding whitespace and CRs tolerated).
    /// - Throws: `.invalidInput` when the text is not a well-formed version 1 SSHSIG.
    public static func parse(armored: String) throws -> SSHSignature {
        guard let beginRange = armored.firstRange(of: begin),
              let endRange = armored[beginRange.upperBound...].firstRange(of: end) else {
            throw LedgerError(.invalidInput, "not an SSH signature: missing \"\(begin)\" or \"\(end)\"")
        }
        // Byte-wise: Character.isWhitespace is Unicode-aware and dominated verification time.
        let base64 = armored[beginRange.upperBound..<endRange.lowerBound].utf8.filter { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        guard let blob = Data(base64Encoded: Data(base64)) else {
            throw LedgerError(.invalidInput, "malformed SSH signature: invalid base64")
        }
        var reader = SSHWireReader(blob, what: "SSH signature")
        guard try reader.readBytes(magic.count) == magic else {
            throw LedgerError(.invalidInput, "malformed SSH signature: missing SSHSIG preamble")
        }
        let version = try reader.readUInt32()
        guard version == 1 else {
            throw LedgerError(.invalidInput, "unsupported SSH signature version \(version)")
        }
        let publicKey = try SSHPublicKey(blob: try reader.readString())
        let namespace = try reader.readUTF8()
        let reserved = try reader.readString()
        let hashAlgorithm = try reader.readUTF8()
        let signatureBlob = try reader.readString()
        guard reader.isAtEnd else {
            throw LedgerError(.invalidInput, "malformed SSH signature: trailing data")
        }
        var inner = SSHWireReader(signatureBlob, what: "SSH signature")
        let signatureType = try inner.readUTF8()
        let raw = try inner.readString()
        let trailer = try inner.readBytes(inner.remaining)
        return SSHSignature(publicKey: publicKey, namespace: namespace, hashAlgorithm: hashAlgorithm, signatureType: signatureType, rawSignature: raw, reserved: reserved, signatureTrailer: trailer)
    }

    /// The armored text, wrapped and terminated exactly as ssh-keygen writes its .sig file.
    public func armored() -> String {
        let base64 = blob().base64EncodedString()
        var lines = [Self.begin]
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: Self.lineLength, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<next]))
            index = next
        }
        lines.append(Self.end)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The binary SSHSIG blob (PROTOCOL.sshsig §2).
    func blob() -> Data {
        var signature = SSHWireWriter()
        signature.writeString(signatureType)
        signature.writeString(rawSignature)
        signature.writeRaw(signatureTrailer)
        var writer = SSHWireWriter()
        writer.writeRaw(Self.magic)
        writer.writeUInt32(1)
        writer.writeString(publicKey.blob)
        writer.writeString(namespace)
        writer.writeString(reserved)
        writer.writeString(hashAlgorithm)
        writer.writeString(signature.data)
        return writer.data
    }

    /// The bytes the key actually signs (PROTOCOL.sshsig §3): preamble, namespace, an empty
    /// reserved field, hash name and the message digest. Verification always rebuilds this with
    /// an empty reserved field, as OpenSSH does, rather than trusting the signature's copy.
    static func signedData(message: Data, namespace: String, hashAlgorithm: String) throws -> Data {
        let digest: Data
        switch hashAlgorithm {
        case "sha512": digest = Data(SHA512.hash(data: message))
        case "sha256": digest = Data(SHA256.hash(data: message))
        default:
            throw LedgerError(.invalidInput, "unsupported SSH signature hash algorithm \"\(hashAlgorithm)\"")
        }
        var writer = SSHWireWriter()
        writer.writeRaw(magic)
        writer.writeString(namespace)
        writer.writeString(Data())
        writer.writeString(hashAlgorithm)
        writer.writeString(digest)
        return writer.data
    }

    /// Native check for ssh-ed25519 (sha256 and sha512): namespace must equal `namespace`, hash, signature.
    /// Returns false on a bad signature; throws .invalidInput for key types it cannot check natively.
    ///
    /// This checks only that the embedded key signed `payload`; whether that key is trusted
    /// (allowed_signers, principal, validity dates) is the caller's decision.
    public func verify(_ payload: Data, namespace: String) throws -> Bool {
        guard let keyBytes = publicKey.ed25519KeyBytes else {
            throw LedgerError(.invalidInput, "cannot verify \(publicKey.keyType) SSH signatures natively", hint: "use ssh-keygen -Y verify")
        }
        let signed = try Self.signedData(message: payload, namespace: self.namespace, hashAlgorithm: hashAlgorithm)
        guard self.namespace == namespace, signatureType == "ssh-ed25519", rawSignature.count == 64, signatureTrailer.isEmpty else {
            return false
        }
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        return key.isValidSignature(rawSignature, for: signed)
    }
}
