import FoundationEssentials
import Ledger

/// The one shape of every `--json` output: a single object, keys sorted, every key present
/// (`null` when empty), carrying `schema: readiness/<command>/v1`. The JSON Schemas under
/// `schemas/` describe each; within v1, keys are only ever added, never renamed, removed or
/// given another type.
enum JSONOutput {
    /// `readiness/<command>/v1`.
    static func schema(_ command: String) -> String { "readiness/\(command)/v1" }

    /// Prints `value`'s stored properties as the output of `command`.
    static func print(_ command: String, _ value: Any) {
        print(command, fields: JSONWriter.Value(reflecting: value).fields)
    }

    /// Prints `fields` (and the schema) as the output of `command`.
    static func print(_ command: String, fields: [(String, JSONWriter.Value)]) {
        printData(Data(text(command, fields: fields).utf8))
    }

    /// The text of the output of `command` with `fields`, newline-terminated.
    static func text(_ command: String, fields: [(String, JSONWriter.Value)]) -> String {
        var writer = JSONWriter()
        writer.write(object(command, fields), level: 0)
        writer.raw("\n")
        return writer.text
    }

    /// The output object of `command`: `fields` and the schema, keys sorted.
    static func object(_ command: String, _ fields: [(String, JSONWriter.Value)]) -> JSONWriter.Value {
        .object((fields.filter { $0.0 != "schema" } + [("schema", .string(schema(command)))]).sorted { $0.0 < $1.0 })
    }

    /// Prints the output of `command` whose field `listKey` is a long list, streamed a chunk at
    /// a time so a long timeline needs no second copy of itself in memory.
    static func print(_ command: String, fields: [(String, JSONWriter.Value)], streaming listKey: String, count: Int,
                      element: (Int) -> JSONWriter.Value) {
        guard case let .object(all) = object(command, fields + [(listKey, .array([]))]) else { return }
        var writer = JSONWriter()
        writer.raw("{\n")
        for (position, field) in all.enumerated() {
            writer.raw("  ")
            writer.write(.string(field.0), level: 1)
            writer.raw(": ")
            if field.0 == listKey {
                writer.raw(count == 0 ? "[]" : "[\n")
                for index in 0..<count {
                    writer.raw("    ")
                    writer.write(element(index), level: 2)
                    writer.raw(index == count - 1 ? "\n  ]" : ",\n")
                    if writer.bytes.count > 1 << 16 { printData(Data(writer.drain())) }
                }
            } else {
                writer.write(field.1, level: 1)
            }
            writer.raw(position == all.count - 1 ? "\n}\n" : ",\n")
        }
        printData(Data(writer.drain()))
    }
}
