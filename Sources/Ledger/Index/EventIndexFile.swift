import Foundation
import Git

/// The on-disk form of the event index: `RLEV`, a version, the head it describes, an interned
/// string table, the commit ids, the events, then a checksum of everything before it.
/// A file failing any check decodes as nil and is rebuilt.
enum EventIndexFile {
    static let magic = Array("RLEV".utf8)
    static let version: UInt32 = 1
    private static let none = UInt32.max

    static func encode(head: ObjectID, events: [LedgerEvent]) -> Data {
        var strings: [String: UInt32] = [:]
        var stringTable: [String] = []
        func intern(_ value: String?) -> UInt32 {
            guard let value else { return none }
            if let id = strings[value] { return id }
            let id = UInt32(stringTable.count)
            strings[value] = id
            stringTable.append(value)
            return id
        }
        var commits: [ObjectID: UInt32] = [:]
        var commitTable: [ObjectID] = []
        var body = BinaryWriter()
        for event in events {
            let commitID: UInt32
            if let known = commits[event.commit] {
                commitID = known
            } else {
                commitID = UInt32(commitTable.count)
                commits[event.commit] = commitID
                commitTable.append(event.commit)
            }
            body.append(commitID)
            body.append(event.time)
            body.append(intern(event.path))
            body.append(UInt8(event.blob == nil ? 0 : 1))
            body.append(bytes: event.blob?.bytes ?? [])
            body.append(intern(event.action))
            body.append(stateCode(event.stateBefore))
            body.append(stateCode(event.stateAfter))
            body.append(intern(event.person.name))
            body.append(intern(event.person.email))
            body.append(intern(event.person.key))
            body.append(intern(event.note))
            body.append(UInt16(event.evidence.count))
            for evidence in event.evidence {
                body.append(intern(evidence.url))
                body.append(intern(evidence.file))
                body.append(intern(evidence.sha256))
                body.append(Int64(evidence.size ?? -1))
            }
            body.append(intern(event.waivedUntil))
            body.append(UInt16(event.previous.count))
            event.previous.forEach { body.append(intern($0)) }
        }
        var out = BinaryWriter()
        out.append(bytes: magic)
        out.append(version)
        out.append(bytes: head.bytes)
        out.append(UInt32(stringTable.count))
        stringTable.forEach { out.append(string: $0) }
        out.append(UInt32(commitTable.count))
        commitTable.forEach { out.append(bytes: $0.bytes) }
        out.append(UInt32(events.count))
        out.append(bytes: Array(body.data))
        var data = out.data
        let checksum = data.withUnsafeBytes(indexChecksum)
        withUnsafeBytes(of: checksum.littleEndian) { data.append(contentsOf: $0) }
        return data
    }

    static func decode(_ data: Data) -> (head: ObjectID, events: [LedgerEvent])? {
        guard data.count > 8 else { return nil }
        return data.withUnsafeBytes { raw -> (ObjectID, [LedgerEvent])? in
            let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 8)])
            let stored = raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self)
            guard UInt64(littleEndian: stored) == indexChecksum(body) else { return nil }
            var reader = BinaryReader(body)
            guard reader.bytes(4) == magic, reader.integer(UInt32.self) == version,
                  let headBytes = reader.bytes(20), let head = ObjectID(bytes: headBytes),
                  let stringCount = reader.integer(UInt32.self) else { return nil }
            var strings: [String] = []
            strings.reserveCapacity(Int(stringCount))
            for _ in 0..<stringCount {
                guard let value = reader.string() else { return nil }
                strings.append(value)
            }
            func lookup(_ id: UInt32?) -> String?? {
                guard let id else { return .none }
                if id == none { return .some(nil) }
                return Int(id) < strings.count ? .some(strings[Int(id)]) : .none
            }
            guard let commitCount = reader.integer(UInt32.self) else { return nil }
            var commits: [ObjectID] = []
            commits.reserveCapacity(Int(commitCount))
            for _ in 0..<commitCount {
                guard let bytes = reader.bytes(20), let id = ObjectID(bytes: bytes) else { return nil }
                commits.append(id)
            }
            guard let eventCount = reader.integer(UInt32.self) else { return nil }
            var events: [LedgerEvent] = []
            events.reserveCapacity(Int(eventCount))
            for sequence in 0..<Int(eventCount) {
                guard let commitIndex = reader.integer(UInt32.self), Int(commitIndex) < commits.count,
                      let time = reader.integer(Int64.self),
                      let path = lookup(reader.integer(UInt32.self)) ?? nil,
                      let hasBlob = reader.integer(UInt8.self) else { return nil }
                var blob: ObjectID?
                if hasBlob == 1 {
                    guard let bytes = reader.bytes(20) else { return nil }
                    blob = ObjectID(bytes: bytes)
                }
                guard let action = lookup(reader.integer(UInt32.self)) ?? nil,
                      let before = reader.integer(UInt8.self), let after = reader.integer(UInt8.self),
                      let name = lookup(reader.integer(UInt32.self)) ?? nil,
                      let email = lookup(reader.integer(UInt32.self)) ?? nil,
                      let key = lookup(reader.integer(UInt32.self)),
                      let note = lookup(reader.integer(UInt32.self)),
                      let evidenceCount = reader.integer(UInt16.self) else { return nil }
                var evidence: [Evidence] = []
                for _ in 0..<evidenceCount {
                    guard let url = lookup(reader.integer(UInt32.self)), let file = lookup(reader.integer(UInt32.self)),
                          let sha = lookup(reader.integer(UInt32.self)), let size = reader.integer(Int64.self) else { return nil }
                    evidence.append(Evidence(url: url, file: file, sha256: sha, size: size < 0 ? nil : Int(size)))
                }
                guard let until = lookup(reader.integer(UInt32.self)), let previousCount = reader.integer(UInt16.self) else { return nil }
                var previous: [String] = []
                for _ in 0..<previousCount {
                    guard let link = lookup(reader.integer(UInt32.self)) ?? nil else { return nil }
                    previous.append(link)
                }
                events.append(LedgerEvent(commit: commits[Int(commitIndex)], sequence: sequence, time: time, path: path, blob: blob,
                                          action: action, stateBefore: state(before), stateAfter: state(after),
                                          person: Person(name: name, email: email, key: key), note: note, evidence: evidence,
                                          waivedUntil: until, previous: previous))
            }
            guard reader.atEnd else { return nil }
            return (head, events)
        }
    }

    private static func stateCode(_ state: ItemState?) -> UInt8 {
        switch state {
        case nil: return 0
        case .open: return 1
        case .done: return 2
        case .waived: return 3
        }
    }

    private static func state(_ code: UInt8) -> ItemState? {
        switch code {
        case 1: return .open
        case 2: return .done
        case 3: return .waived
        default: return nil
        }
    }
}
