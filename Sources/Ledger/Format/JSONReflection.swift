import FoundationEssentials

extension JSONWriter.Value {
    /// The JSON form of a plain output value, read from its stored properties: a struct becomes
    /// an object with its properties as keys, sorted, and every key present (nil is `null`, an
    /// empty list `[]`), so every output keeps the same keys whatever its content; arrays stay
    /// arrays; string-backed enums their raw value; dates ISO 8601 UTC; dictionaries objects with
    /// sorted keys. One rule for every `--json` output, instead of a hand-written encoder each.
    public init(reflecting value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(Int64(number))
        case let number as Int64: self = .int(number)
        case let number as Int32: self = .int(Int64(number))
        case let number as UInt32: self = .int(Int64(number))
        case let number as Double: self = number == number.rounded() && abs(number) < 1e15 ? .int(Int64(number)) : .number(number)
        case let date as Date: self = .string(CommitTime.iso8601(Int64(date.timeIntervalSince1970)))
        case let known as JSONWriter.Value: self = known
        case let convertible as any JSONConvertible: self = convertible.json
        case let raw as any RawRepresentable: self = JSONWriter.Value(reflecting: raw.rawValue)
        default: self = Self.reflected(Mirror(reflecting: value))
        }
    }

    private static func reflected(_ mirror: Mirror) -> JSONWriter.Value {
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { JSONWriter.Value(reflecting: $0.value) } ?? .null
        case .collection, .set:
            return .array(mirror.children.map { JSONWriter.Value(reflecting: $0.value) })
        case .dictionary:
            let pairs = mirror.children.compactMap { child -> (String, JSONWriter.Value)? in
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { return nil }
                return ("\(pair[0].value)", JSONWriter.Value(reflecting: pair[1].value))
            }
            return .object(pairs.sorted { $0.0 < $1.0 })
        default:
            let fields = mirror.children.compactMap { child in child.label.map { ($0, JSONWriter.Value(reflecting: child.value)) } }
            return .object(fields.sorted { $0.0 < $1.0 })
        }
    }

    /// The fields of an object value (empty for anything else).
    public var fields: [(String, JSONWriter.Value)] {
        if case let .object(fields) = self { return fields }
        return []
    }
}

/// A value that writes its own JSON, for the few shapes that recur thousands of times in one
/// output (status items): reflection costs microseconds per field. Its keys must be exactly its
/// stored properties, as reflection would write them; the output schemas' tests check that.
public protocol JSONConvertible {
    /// The JSON object, keys sorted, every key present.
    var json: JSONWriter.Value { get }
}
