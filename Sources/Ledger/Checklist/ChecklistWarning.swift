/// Something an import accepted but did not take literally, tied to a source line.
public struct ChecklistWarning: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line in the source document.
    public var line: Int
    /// What happened, without the line prefix.
    public var message: String

    /// Creates a warning for `line`.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`, as printed to a person.
    public var description: String { "line \(line): \(message)" }
}
