internal import CLibGit2

/// A SHA-1 object id, held by value.
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    // The 20 bytes in memory order, held inline rather than in an array: a walk of history
    // makes, hashes and compares ids millions of times, and an array is an allocation each.
    @usableFromInline var words: (UInt64, UInt64, UInt32) = (0, 0, 0)

    /// The 20 raw bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 20 raw bytes, without copying them into an array.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// Creates an id from 20 raw bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
    }

    /// Creates an id from the first 20 bytes at `pointer`.
    public init(copying pointer: UnsafeRawPointer) {
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: 20)) }
    }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }

    /// Parses 40 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 40 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(20)
        var index = 0
        while index < 40 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: out)
    }

    /// The first 8 bytes as one number (in memory order): a cheap key for tables of ids, which
    /// are already uniformly distributed.
    @inlinable
    public var prefixWord: UInt64 { words.0 }

    /// The 40 lowercase hexadecimal digits.
    public var hex: String {
        // Written straight into the string's storage: a timeline asks this of every event.
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = Self.hexDigit(byte >> 4)
                out[2 * index + 1] = Self.hexDigit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10 }

    /// The first `length` hex digits, for display.
    public func abbreviated(_ length: Int = 12) -> String { String(hex.prefix(length)) }

    /// The full hex form.
    public var description: String { hex }

    /// Orders ids bytewise, the same order as their hex strings (the words hold the bytes in
    /// memory order, so they compare as big-endian numbers).
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.words.0.bigEndian, lhs.words.1.bigEndian, lhs.words.2.bigEndian)
            < (rhs.words.0.bigEndian, rhs.words.1.bigEndian, rhs.words.2.bigEndian)
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    init(_ oid: git_oid) {
        Swift.withUnsafeBytes(of: oid.id) { source in
            Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    var raw: git_oid {
        var oid = git_oid()
        Swift.withUnsafeMutableBytes(of: &oid.id) { buffer in
            Swift.withUnsafeBytes(of: words) { buffer.copyMemory(from: $0) }
        }
        return oid
    }
}
