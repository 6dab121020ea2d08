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

