import ArgumentParser
import Foundation
import Git
import Ledger

/// Runs a command body, turning the errors people can act on into one line on standard error
/// and a distinct exit code, instead of ArgumentParser's generic failure.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as LedgerError {
        printError(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as GitError {
        let wrapped = LedgerError(.storage, error.message)
        printError(wrapped.description)
        throw ExitCode(wrapped.exitCode)
    }
}

/// Writes `readiness: error: <text>` to standard error, escaped for the terminal.
func printError(_ text: String) {
    FileHandle.standardError.write(Data("readiness: error: \(TerminalText.escape(text))\n".utf8))
}

/// Writes `readiness: warning: <text>` to standard error.
func printWarning(_ text: String) {
    FileHandle.standardError.write(Data("readiness: warning: \(TerminalText.escape(text))\n".utf8))
}

/// Writes raw bytes to standard output (JSON).
func printData(_ data: Data) {
    FileHandle.standardOutput.write(data)
}

/// Streams a JSON array to standard output a chunk at a time, so long timelines need no
/// second copy of the whole text in memory.
func printJSONArray(_ values: [JSONWriter.Value]) {
    var writer = JSONWriter()
    writer.raw(values.isEmpty ? "[]\n" : "[\n")
    for (index, value) in values.enumerated() {
        writer.raw("  ")
        writer.write(value, level: 1)
        writer.raw(index == values.count - 1 ? "\n]\n" : ",\n")
        if writer.text.utf8.count > 1 << 16 { printData(Data(writer.drain().utf8)) }
    }
    printData(Data(writer.drain().utf8))
}
