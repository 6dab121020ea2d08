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
        }
    }

    /// Appends raw text (separators between streamed values).
    public mutating func raw(_ fragment: String) { append(fragment) }

    /// Takes the bytes written so far, leaving the writer empty (for streaming).
    public mutating func drain() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func append(_ fragment: String) {
        bytes.append(contentsOf: fragment.utf8)
    }

    private mutating func indent(_ level: Int) {
        for _ in 0..<level { bytes.append(0x20); bytes.append(0x20) }
    }

    private mutating func writeString(_ string: String) {
        bytes.append(0x22)
        var string = string
        // Work on the UTF-8 bytes and copy runs that need no escaping in one go: everything at or
        // above 0x80 is copied as it is (valid UTF-8 in, valid UTF-8 out).
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5c || byte == 0x7f else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
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
}
