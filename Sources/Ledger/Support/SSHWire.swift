import FoundationEssentials

/// Reads the SSH wire encoding (RFC 4251 §5: uint32 big-endian, length-prefixed strings)
/// used inside keys, signatures and SSHSIG blobs. Every read is bounds-checked, because
/// the bytes come from files and commits we do not control.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0
    /// Names what is being read, for error messages ("SSH signature", "OpenSSH private key").
    private let what: String

    init(_ data: Data, what: String) {
        self.bytes = [UInt8](data)
        self.what = what
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func readBytes(_ count: Int) throws -> Data {
        guard count >= 0, count <= remaining else {
            throw LedgerError(.invalidInput, "malformed \(what): truncated data")
        }
        defer { offset += count }
        return Data(bytes[offset..<offset + count])
    }

    mutating func readUInt32() throws -> UInt32 {
        let raw = try readBytes(4)
        return raw.reduce(0) { ($0 << 8) | UInt32($1) }
    }

    mutating func readString() throws -> Data {
        let length = try readUInt32()
        return try readBytes(Int(length))
    }

    mutating func readUTF8() throws -> String {
        let raw = try readString()
        guard let text = String(data: raw, encoding: .utf8) else {
            throw LedgerError(.invalidInput, "malformed \(what): a text field is not UTF-8")
        }
        return text
    }
}

/// Writes the SSH wire encoding; the mirror image of `SSHWireReader`.
struct SSHWireWriter {
    private(set) var data = Data()

    mutating func writeRaw(_ bytes: Data) { data.append(bytes) }
    mutating func writeRaw(_ text: String) { data.append(Data(text.utf8)) }

    mutating func writeUInt32(_ value: UInt32) {
        data.append(contentsOf: [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)])
    }

    mutating func writeString(_ bytes: Data) {
        writeUInt32(UInt32(bytes.count))
        data.append(bytes)
    }

    mutating func writeString(_ text: String) { writeString(Data(text.utf8)) }
}
