import FoundationEssentials

/// A cursor over JSON in the plain form this tool writes, for the one-pass readers of its files
/// (`ItemRecordScanner`, `ChecklistScanner`): strings without escapes, whole numbers as plain
/// digits, every key present at most once. Each piece answers nil (or false) for anything else,
/// and the reader then leaves the whole file to `JSONDecoder`: a file read here is the one
/// `JSONDecoder` would read, and every file declined is judged by `JSONDecoder` alone.
struct PlainJSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// What `value` reads from the whole of `data` (white space around it allowed), or nil
    /// when it declines or anything follows.
    static func read<Value>(_ data: Data, _ value: (inout PlainJSONScanner) -> Value?) -> Value? {
        data.withUnsafeBytes { raw in
            var scanner = PlainJSONScanner(bytes: raw.bindMemory(to: UInt8.self))
            scanner.skipWhitespace()
            guard let result = value(&scanner) else { return nil }
            scanner.skipWhitespace()
            return scanner.position == scanner.bytes.count ? result : nil
        }
    }

    /// An object whose every key `field` reads the value of (false: decline the input). Keys are
    /// compared as Swift strings, as `JSONDecoder` compares them.
    mutating func object(_ field: (inout PlainJSONScanner, String) -> Bool) -> Bool {
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
    mutating func array<Element>(_ element: (inout PlainJSONScanner) -> Element?) -> [Element]? {
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
    mutating func nullable<Value>(_ value: (inout PlainJSONScanner) -> Value?) -> Value?? {
        let null = Array("null".utf8)
        if bytes.count - position >= null.count, bytes[position..<position + null.count].elementsEqual(null) {
            position += null.count
            return .some(nil)
        }
        return value(&self).map { .some($0) }
    }

    /// A string without escapes or control characters, in valid UTF-8.
    mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var end = start
        var ascii = true
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            guard bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\\") else { return nil }
            ascii = ascii && bytes[end] < 0x80
            end += 1
        }
        guard end < bytes.count else { return nil }
        position = end + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // ASCII is valid UTF-8 as it stands. Anything else is validated, never repaired as
        // String(decoding:) would repair it: JSONDecoder refuses invalid UTF-8, so decline.
        if ascii { return String(decoding: raw, as: UTF8.self) }
        return String(validating: raw, as: UTF8.self)
    }

    /// `true` or `false`.
    mutating func boolean() -> Bool? {
        for (literal, value) in [("true", true), ("false", false)] {
            let word = Array(literal.utf8)
            if bytes.count - position >= word.count, bytes[position..<position + word.count].elementsEqual(word) {
                position += word.count
                return value
            }
        }
        return nil
    }

    /// An object of any keys, each read by `value`, as a dictionary; a key seen twice (as Swift
    /// compares strings) declines, so that `JSONDecoder` alone decides what it means.
    mutating func dictionary<Value>(_ value: (inout PlainJSONScanner) -> Value?) -> [String: Value]? {
        var entries: [String: Value] = [:]
        let complete = object { scanner, key in
            guard entries[key] == nil, let read = value(&scanner) else { return false }
            entries[key] = read
            return true
        }
        return complete ? entries : nil
    }

    /// A whole number of at most 18 digits, as JSON writes one (no sign, fraction, exponent or leading zero).
    mutating func integer() -> Int? {
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
func once<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
    guard slot == nil, let value else { return false }
    slot = value
    return true
}
