import Crypto
import Foundation
import Git

/// The on-disk form of the change index: a small binary file under the git directory,
/// `RLIX` + version + head + changes + SHA-256 of all that. A file that fails any check is
/// treated as missing and rebuilt; it is never the source of truth.
enum ChangeIndexFile {
    static let magic = Array("RLIX".utf8)
    static let version: UInt32 = 1

    static func encode(head: ObjectID, changes: [IndexedChange]) -> Data {
        var paths: [String: UInt32] = [:]
        var pathTable: [String] = []
        for change in changes where paths[change.path] == nil {
            paths[change.path] = UInt32(pathTable.count)
            pathTable.append(change.path)
        }
        var out = Data()
        out.reserveCapacity(64 + changes.count * 52)
        out.append(contentsOf: magic)
        append(version, to: &out)
        out.append(contentsOf: head.bytes)
        append(UInt32(pathTable.count), to: &out)
        for path in pathTable {
            let bytes = Array(path.utf8)
            append(UInt32(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        }
        append(UInt32(changes.count), to: &out)
        let zero = [UInt8](repeating: 0, count: 20)
        for change in changes {
            out.append(contentsOf: change.commit.bytes)
            append(UInt64(bitPattern: change.time), to: &out)
            append(paths[change.path]!, to: &out)
            out.append(contentsOf: change.blob?.bytes ?? zero)
        }
        out.append(contentsOf: SHA256.hash(data: out))
        return out
    }

    /// The head and changes stored, or nil for a file that is truncated, altered or of another version.
    static func decode(_ data: Data) -> (head: ObjectID, changes: [IndexedChange])? {
        guard data.count > 32 + 4 + 4 + 20 else { return nil }
        let body = data.prefix(data.count - 32)
        guard Data(SHA256.hash(data: body)) == data.suffix(32) else { return nil }
        return body.withUnsafeBytes { raw -> (ObjectID, [IndexedChange])? in
            var reader = ByteReader(bytes: raw)
            guard reader.bytes(4) == magic, reader.uint32() == version,
                  let headBytes = reader.bytes(20), let head = ObjectID(bytes: headBytes),
                  let pathCount = reader.uint32() else { return nil }
            var pathTable: [String] = []
            pathTable.reserveCapacity(Int(pathCount))
            for _ in 0..<pathCount {
                guard let length = reader.uint32(), let bytes = reader.bytes(Int(length)),
                      let path = String(validating: bytes, as: UTF8.self) else { return nil }
                pathTable.append(path)
            }
            guard let changeCount = reader.uint32() else { return nil }
            var changes: [IndexedChange] = []
            changes.reserveCapacity(Int(changeCount))
            for _ in 0..<changeCount {
                guard let commitBytes = reader.bytes(20), let commit = ObjectID(bytes: commitBytes),
                      let time = reader.uint64(), let pathIndex = reader.uint32(), Int(pathIndex) < pathTable.count,
                      let blobBytes = reader.bytes(20) else { return nil }
                let blob = blobBytes.allSatisfy { $0 == 0 } ? nil : ObjectID(bytes: blobBytes)
                changes.append(IndexedChange(commit: commit, time: Int64(bitPattern: time), path: pathTable[Int(pathIndex)], blob: blob))
            }
            guard reader.atEnd else { return nil }
            return (head, changes)
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}

/// Reads little-endian integers and byte runs from a buffer, failing softly at the end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32() -> UInt32? { integer() }
    mutating func uint64() -> UInt64? { integer() }

    private mutating func integer<T: FixedWidthInteger>() -> T? {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { return nil }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size])) }
        offset += size
        return T(littleEndian: value)
    }
}
