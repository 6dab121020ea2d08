import Crypto
import FoundationEssentials

/// Free text (a note, a reason) kept out of the signed history: the item file holds only a
/// salted SHA-256 commitment, `sealed:sha256:<hex>`, in the field the text would take; the
/// text and its salt live in the directory, where they can be erased. The salt (32 random
/// bytes) keeps a short or guessable text from being found by hashing candidates.
public struct SealedText: Equatable, Sendable {
    /// The prefix of a commitment stored in a text field.
    public static let prefix = "sealed:sha256:"

    /// The text.
    public let text: String
    /// The salt, 32 bytes as lowercase hex.
    public let salt: String
    /// SHA-256 of the salt's bytes followed by the text's UTF-8 bytes, lowercase hex.
    public let commitment: String

    /// Seals `text` with a new random salt.
    public init(sealing text: String) {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.text = text
        self.salt = Self.hex(salt)
        commitment = Self.commitment(salt: salt, text: text)
    }

    /// A text read from the directory with its salt, or nil when the salt is not 32 bytes of hex.
    public init?(text: String, salt: String) {
        guard let bytes = Self.bytes(hex: salt), bytes.count == 32 else { return nil }
        self.text = text
        self.salt = salt
        commitment = Self.commitment(salt: bytes, text: text)
    }

    /// What the signed item file stores in place of the text.
    public var stored: String { Self.prefix + commitment }

    /// The commitment a stored field holds, or nil when it holds plain text (or nothing).
    public static func commitment(in field: String?) -> String? {
        guard let field, field.hasPrefix(prefix) else { return nil }
        let hex = field.dropFirst(prefix.count)
        return LowercaseHex.matches(hex, count: 64) ? String(hex) : nil
    }

    private static func commitment(salt: [UInt8], text: String) -> String {
        var hash = SHA256()
        hash.update(data: salt)
        hash.update(data: Data(text.utf8))
        return hex(Array(hash.finalize()))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        NumberText.hex(bytes)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
