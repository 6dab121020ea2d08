/// A small, fast JSON writer for query output: keys in the order given (callers pass them
/// sorted), two-space indentation, `[]` for empty arrays, strings escaped per RFC 8259.
/// Streams large results without building an intermediate tree of Foundation objects.
public struct JSONWriter {
    /// A JSON value to write.
    public indirect enum Value {
        case string(String)
        case int(Int64)
        /// A number with a fraction (written in Swift's shortest round-trip form).
        case number(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
        /// A value that writes itself (`JSONWritable`), in this writer's form.
        case written(any JSONWritable)

        /// A string, or null when nil.
        public static func optional(_ text: String?) -> Value { text.map { .string($0) } ?? .null }
    }

    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Creates an empty writer.
    public init() {}

    /// Appends `value`, indented by `level` steps.
    public mutating func write(_ value: Value, level: Int = 0) {
        switch value {
        case let .string(string): writeString(string)
        case let .int(number): append(String(number))
        case let .number(number): append(number.isFinite ? "\(number)" : "null")
        case let .bool(flag): append(flag ? "true" : "false")
        case .null: append("null")
        case let .array(items):
            guard !items.isEmpty else { append("[]"); return }
            append("[\n")
            for (index, item) in items.enumerated() {
                indent(level + 1)
                write(item, level: level + 1)
                append(index == items.count - 1 ? "\n" : ",\n")
            }
            indent(level)
            append("]")
        case let .object(fields):
            guard !fields.isEmpty else { append("{}"); return }
            append("{\n")
            for (index, field) in fields.enumerated() {
                indent(level + 1)
                writeString(field.0)
                append(": ")
                write(field.1, level: level + 1)
                append(index == fields.count - 1 ? "\n" : ",\n")
            }
            indent(level)
            append("}")
        case let .written(value):
            value.write(to: &self, level: level)
        }
    }

    /// Appends `string`, quoted and escaped.
    public mutating func write(string: String) { writeString(string) }

    /// Appends `string`, or `null` when nil.
    public mutating func write(optional string: String?) {
        if let string { writeString(string) } else { append("null") }
    }

    /// Appends an array of strings whose brackets are indented by `level` steps (as
    /// `write(.array(strings.map { .string($0) }), level:)`, without building it).
    public mutating func write(strings: [String], level: Int) {
        guard !strings.isEmpty else { append("[]"); return }
        append("[\n")
        for (index, string) in strings.enumerated() {
            indent(level + 1)
            writeString(string)
            append(index == strings.count - 1 ? "\n" : ",\n")
        }
        indent(level)
        append("]")
    }

    /// Starts field `key` of an object whose braces are indented by `level` steps, written
    /// field by field: the opening brace before the first field, a separator before each
    /// other one. The field's value follows, written at `level + 1`; `endObject` closes it.
    public mutating func field(_ key: String, first: Bool = false, level: Int) {
        append(first ? "{\n" : ",\n")
        indent(level + 1)
        writeString(key)
        append(": ")
    }

    /// Closes an object written field by field (at least one field) at `level`.
    public mutating func endObject(level: Int) {
        append("\n")
        indent(level)
        append("}")
    }

    /// Appends raw text (separators between streamed values).
    public mutating func raw(_ fragment: String) { append(fragment) }

    /// Takes the bytes written so far, leaving the writer empty (for streaming).
    public mutating func drain() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// Hands the bytes written so far to `body`, then empties the writer and keeps its buffer
    /// (for streaming without a copy).
    public mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer(body)
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ fragment: String) {
        // A native string's bytes are copied at once, not one by one through its UTF8View.
        if fragment.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: fragment.utf8)
        }
    }

    private mutating func indent(_ level: Int) {
        // A slice of a run of spaces is copied at once; deeper levels (never written) go by runs.
        var remaining = 2 * level
        while remaining > 0 {
            let step = min(remaining, Self.spaces.count)
            bytes.append(contentsOf: Self.spaces[0..<step])
            remaining -= step
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 16)

    private mutating func writeString(_ string: String) {
        bytes.append(0x22)
        var string = string
        // Work on the UTF-8 bytes and copy runs that need no escaping in one go: everything at or
        // above 0x80 is copied as it is (valid UTF-8 in, valid UTF-8 out).
        string.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                // Eight bytes at a time while none of them can need escaping.
                if index + 8 <= utf8.count, let base = utf8.baseAddress,
                   !Self.mayNeedEscaping(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == 0x22 || byte == 0x5c || byte == 0x7f else { continue }
                let escaped = index - 1
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<escaped]))
                runStart = index
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5c, 0x22])
                case 0x5c: bytes.append(contentsOf: [0x5c, 0x5c])
                case 0x0a: bytes.append(contentsOf: [0x5c, 0x6e])
                case 0x0d: bytes.append(contentsOf: [0x5c, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5c, 0x74])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5c, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(0x22)
    }

    /// False only when none of the eight bytes in `word` is below 0x20, a quote, a backslash or
    /// DEL (the bytes `writeString` escapes); true may be a false alarm, which the byte-by-byte
    /// test then clears. The classic word tests for a zero byte and for a byte below n.
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        return control | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5c)) | hasZeroByte(word ^ (ones &* 0x7f)) != 0
    }
}

/// A value that writes its own JSON straight into a writer, for the shapes that recur
/// thousands of times in one output (events): no tree of values is built per element. Its
/// output must equal the `JSONWriter.Value` tree it stands for; a test compares the two.
public protocol JSONWritable {
    /// Appends the value's JSON, its brackets indented by `level` steps.
    func write(to writer: inout JSONWriter, level: Int)
}
