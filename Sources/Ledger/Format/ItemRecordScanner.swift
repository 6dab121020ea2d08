import FoundationEssentials

/// Reads an item file in one pass over its bytes, for the plain JSON this tool writes: every
/// key known and present at most once, strings without escapes, sizes as plain digits. It
/// answers nil for anything else (escapes, unknown or repeated keys, malformed input), and
/// `ItemRecord.decode` then asks `JSONDecoder`, so a record it does read is the one
/// `JSONDecoder` would read, and every input it declines is judged by `JSONDecoder` alone.
/// Decoding was 6–10 µs an item file with `JSONDecoder`, the largest cost of indexing history.
struct ItemRecordScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The record in `data`, or nil when it is not in the plain form read here.
    static func record(from data: Data) -> ItemRecord? {
        data.withUnsafeBytes { raw in
            var scanner = ItemRecordScanner(bytes: raw.bindMemory(to: UInt8.self))
            guard let record = scanner.record() else { return nil }
            scanner.skipWhitespace()
            return scanner.position == scanner.bytes.count ? record : nil
        }
    }

    private mutating func record() -> ItemRecord? {
        var item: String?, state: ItemState?, action: ItemAction?, evidence: [Evidence]?, previous: [String]?
        var by: Person??, at: String??, note: String??, waivedUntil: String??, signoffs: [Person]??, requestedBy: Person??
        let complete = object { scanner, key in
            switch key {
            case "item": return once(&item, scanner.string())
            case "state": return once(&state, scanner.string().flatMap(ItemState.init(rawValue:)))
            case "action": return once(&action, scanner.string().flatMap(ItemAction.init(rawValue:)))
            case "evidence": return once(&evidence, scanner.array { $0.evidence() })
            case "previous": return once(&previous, scanner.array { $0.string() })
            case "by": return once(&by, scanner.nullable { $0.person() })
            case "at": return once(&at, scanner.nullable { $0.string() })
            case "note": return once(&note, scanner.nullable { $0.string() })
            case "waivedUntil": return once(&waivedUntil, scanner.nullable { $0.string() })
            case "signoffs": return once(&signoffs, scanner.nullable { $0.array { $0.person() } })
            case "requestedBy": return once(&requestedBy, scanner.nullable { $0.person() })
            default: return false
            }
        }
        guard complete, let item, let state, let action, let evidence, let previous else { return nil }
        return ItemRecord(item: item, state: state, action: action, by: by ?? nil, at: at ?? nil, note: note ?? nil,
                          evidence: evidence, waivedUntil: waivedUntil ?? nil, previous: previous,
                          signoffs: signoffs ?? nil, requestedBy: requestedBy ?? nil)
    }

    private mutating func person() -> Person? {
        var name: String?, email: String?, key: String??
        let complete = object { scanner, field in
            switch field {
            case "name": return once(&name, scanner.string())
            case "email": return once(&email, scanner.string())
            case "key": return once(&key, scanner.nullable { $0.string() })
            default: return false
            }
        }
        guard complete, let name, let email else { return nil }
        return Person(name: name, email: email, key: key ?? nil)
    }

    private mutating func evidence() -> Evidence? {
        var url: String??, file: String??, sha256: String??, size: Int??
        let complete = object { scanner, field in
            switch field {
            case "url": return once(&url, scanner.nullable { $0.string() })
            case "file": return once(&file, scanner.nullable { $0.string() })
            case "sha256": return once(&sha256, scanner.nullable { $0.string() })
            case "size": return once(&size, scanner.nullable { $0.integer() })
            default: return false
            }
        }
        guard complete else { return nil }
        return Evidence(url: url ?? nil, file: file ?? nil, sha256: sha256 ?? nil, size: size ?? nil)
    }

    // MARK: - JSON pieces

    /// An object whose every key `field` reads the value of (false: decline the input).
    private mutating func object(_ field: (inout ItemRecordScanner, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            skipWhitespace()
            guard let key = string(), take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard field(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// An array of what `element` reads.
    private mutating func array<Element>(_ element: (inout ItemRecordScanner) -> Element?) -> [Element]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if take(UInt8(ascii: "]")) { return elements }
        repeat {
            skipWhitespace()
            guard let value = element(&self) else { return nil }
            elements.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? elements : nil
    }

    /// `null` (an absent optional, as `decodeIfPresent` reads it), or what `value` reads.
    private mutating func nullable<Value>(_ value: (inout ItemRecordScanner) -> Value?) -> Value?? {
        let null = Array("null".utf8)
        if bytes.count - position >= null.count, bytes[position..<position + null.count].elementsEqual(null) {
            position += null.count
            return .some(nil)
        }
        return value(&self).map { .some($0) }
    }

    /// A string without escapes or control characters, in valid UTF-8.
    private mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            guard bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        position = end + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let text = String(decoding: raw, as: UTF8.self)
        // Invalid UTF-8 is repaired by String(decoding:); JSONDecoder refuses it, so decline.
        return text.utf8.elementsEqual(raw) ? text : nil
    }

    /// A whole number of at most 18 digits, as JSON writes one (no sign, fraction, exponent or leading zero).
    private mutating func integer() -> Int? {
        var end = position
        while end < bytes.count, end - position < 19, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        let digits = end - position
        guard digits > 0, digits <= 18, !(digits > 1 && bytes[position] == UInt8(ascii: "0")) else { return nil }
        if end < bytes.count, bytes[end] == UInt8(ascii: ".") || bytes[end] | 0x20 == UInt8(ascii: "e") { return nil }
        var value = 0
        for index in position..<end { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
        position = end
        return value
    }

    /// Skips white space, then consumes `byte` if it comes next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Skips JSON's white space (space, tab, line feed, carriage return).
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0a, 0x0d: position += 1
            default: return
            }
        }
    }
}

/// Stores `value` in `slot` unless the key was seen before (or the value did not read):
/// repeated keys are left to `JSONDecoder`.
private func once<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
    guard slot == nil, let value else { return false }
    slot = value
    return true
}
