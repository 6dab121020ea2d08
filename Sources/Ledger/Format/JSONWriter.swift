/// A small, fast JSON writer for query output: keys in the order given (callers pass them
/// sorted), two-space indentation, `[]` for empty arrays, strings escaped per RFC 8259.
/// Streams large results without building an intermediate tree of Foundation objects.
public struct JSONWriter {
    /// A JSON value to write.
    public indirect enum Value {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])

        /// A string, or null when nil.
        public static func optional(_ text: String?) -> Value { text.map { .string($0) } ?? .null }
    }

    /// The text written so far.
    public private(set) var text = ""

    /// Creates an empty writer.
    public init() {}

    /// Appends `value`, indented by `level` steps.
    public mutating func write(_ value: Value, level: Int = 0) {
        switch value {
        case let .string(string): writeString(string)
        case let .int(number): text += String(number)
        case let .bool(flag): text += flag ? "true" : "false"
        case .null: text += "null"
        case let .array(items):
            guard !items.isEmpty else { text += "[]"; return }
            text += "[\n"
            for (index, item) in items.enumerated() {
                indent(level + 1)
                write(item, level: level + 1)
                text += index == items.count - 1 ? "\n" : ",\n"
            }
            indent(level)
            text += "]"
        case let .object(fields):
            guard !fields.isEmpty else { text += "{}"; return }
            text += "{\n"
            for (index, field) in fields.enumerated() {
                indent(level + 1)
                writeString(field.0)
                text += ": "
                write(field.1, level: level + 1)
                text += index == fields.count - 1 ? "\n" : ",\n"
            }
            indent(level)
            text += "}"
        }
    }

    /// Appends raw text (separators between streamed values).
    public mutating func raw(_ fragment: String) { text += fragment }

    /// Takes the text written so far, leaving the writer empty (for streaming).
    public mutating func drain() -> String {
        defer { text = "" }
        return text
    }

    private mutating func indent(_ level: Int) {
        text += String(repeating: "  ", count: level)
    }

    private mutating func writeString(_ string: String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
