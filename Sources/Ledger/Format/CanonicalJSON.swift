import FoundationEssentials

/// The one JSON encoding used for every file the ledger stores, so the same content always
/// produces the same bytes (and therefore the same blob id).
public enum CanonicalJSON {
    /// Pretty-printed, sorted keys, slashes unescaped, newline-terminated.
    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(value)
            data.append(0x0a)
            return data
        } catch {
            preconditionFailure("encoding a ledger value cannot fail: \(error)")
        }
    }

}
