import FoundationEssentials

/// Appends little-endian integers, byte runs and length-prefixed strings to a buffer: the
/// writing half of the derived index's simple binary form. Bytes go into an array (one
/// `Data` at the end): appending four bytes at a time to a `Data` was 2 % of a cold build.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    /// The bytes written, as `Data`.
    var data: Data { Data(bytes) }

    mutating func reserve(_ count: Int) {
        bytes.reserveCapacity(count)
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends every value, little-endian.
    mutating func append<T: FixedWidthInteger>(integers values: [T]) {
        bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<T>.size)
        for value in values { append(value) }
    }

    mutating func append(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    mutating func append(bytes more: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: more)
    }

    mutating func append(string: String) {
        let utf8 = Array(string.utf8)
        append(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads what `BinaryWriter` wrote, failing softly (nil) at the end of the buffer, so a
/// truncated or damaged file is detected rather than trusted.
struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var atEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func string() -> String? {
        guard let length = integer(UInt32.self), Int(length) <= bytes.count - offset else { return nil }
        defer { offset += Int(length) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)]), as: UTF8.self)
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { return nil }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size])) }
        offset += size
        return T(littleEndian: value)
    }
}

/// A fast 64-bit checksum over a whole buffer (8 bytes at a time), to notice a damaged index
/// without the cost of a cryptographic hash on every query. Not a security boundary: the index
/// is derived data and never the source of truth.
func indexChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    let words = bytes.count / 8
    for index in 0..<words {
        let word = bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        hash = (hash ^ word) &* 0x0000_0100_0000_01B3
        hash ^= hash >> 29
    }
    for index in (words * 8)..<bytes.count {
        hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
    }
    return hash
}
