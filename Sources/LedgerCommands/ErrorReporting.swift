import ArgumentParser
import Foundation
import Ledger

/// Runs a command body, turning the errors people can act on into one line on standard error
/// and a distinct exit code, instead of ArgumentParser's generic failure.
@discardableResult
func reportingErrors<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as LedgerError {
        printError(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch {
        // libgit2 and file-system failures that reach here are storage errors (exit 10).
        let wrapped = LedgerError(storageFailure: error)
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
    printJSONArray(count: values.count) { values[$0] }
}

/// Streams a JSON array whose elements are made one at a time by `element`.
func printJSONArray(count: Int, element: (Int) -> JSONWriter.Value) {
    var writer = JSONWriter()
    writer.raw(count == 0 ? "[]\n" : "[\n")
    for index in 0..<count {
        writer.raw("  ")
        writer.write(element(index), level: 1)
        writer.raw(index == count - 1 ? "\n]\n" : ",\n")
        if writer.bytes.count > 1 << 16 { printData(Data(writer.drain())) }
    }
    printData(Data(writer.drain()))
}
