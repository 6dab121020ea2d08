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
        // The writer's bytes go out as they are: a copy into a String and another into Data
        // cost a large output twice its size in memory.
        var writer = self.writer(command, fields: fields)
        writer.drain { printBytes(UnsafeRawBufferPointer($0)) }
    }

    /// The text of the output of `command` with `fields`, newline-terminated.
    static func text(_ command: String, fields: [(String, JSONWriter.Value)]) -> String {
        writer(command, fields: fields).text
    }

    /// A writer holding the output of `command` with `fields`, newline-terminated.
    private static func writer(_ command: String, fields: [(String, JSONWriter.Value)]) -> JSONWriter {
        var writer = JSONWriter()
        writer.write(object(command, fields), level: 0)
        writer.raw("\n")
        return writer
    }

    /// The output object of `command`: `fields` and the schema, keys sorted.
    static func object(_ command: String, _ fields: [(String, JSONWriter.Value)]) -> JSONWriter.Value {
        .object((fields.filter { $0.0 != "schema" } + [("schema", .string(schema(command)))]).sorted { $0.0 < $1.0 })
    }

    /// Prints the output of `command` whose field `listKey` is a long list, streamed an element
    /// at a time: a long timeline is never held whole, neither as values nor as text.
    static func print(_ command: String, fields: [(String, JSONWriter.Value)], streaming listKey: String,
                      elements: some Sequence<some JSONWritable>) {
        stream(command, fields: fields, streaming: listKey, elements: elements, to: printBytes)
    }

    /// Writes the output of `command` (as `text` gives it, `listKey` holding `elements`) to
    /// `sink` in pieces of about 64 KiB, writing each element as it is read.
    static func stream(_ command: String, fields: [(String, JSONWriter.Value)], streaming listKey: String,
                       elements: some Sequence<some JSONWritable>, to sink: (UnsafeRawBufferPointer) -> Void) {
        guard case let .object(all) = object(command, fields + [(listKey, .array([]))]) else { return }
        var writer = JSONWriter()
        func flush() { writer.drain { sink(UnsafeRawBufferPointer($0)) } }
        writer.raw("{\n")
        for (position, field) in all.enumerated() {
            writer.raw("  ")
            writer.write(.string(field.0), level: 1)
            writer.raw(": ")
            if field.0 == listKey {
                var first = true
                for element in elements {
                    writer.raw(first ? "[\n    " : ",\n    ")
                    first = false
                    element.write(to: &writer, level: 2)
                    if writer.bytes.count > 1 << 16 { flush() }
                }
                writer.raw(first ? "[]" : "\n  ]")
            } else {
                writer.write(field.1, level: 1)
            }
            writer.raw(position == all.count - 1 ? "\n}\n" : ",\n")
        }
        flush()
    }
}
