import ArgumentParser
import FoundationEssentials
import Ledger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    writeAll(Data("readiness: error: \(TerminalText.escape(text))\n".utf8), to: STDERR_FILENO)
}

/// Writes `readiness: warning: <text>` to standard error.
func printWarning(_ text: String) {
    writeAll(Data("readiness: warning: \(TerminalText.escape(text))\n".utf8), to: STDERR_FILENO)
}

/// Writes raw bytes to standard output (JSON).
func printData(_ data: Data) {
    writeAll(data, to: STDOUT_FILENO)
}

/// Writes raw bytes to standard output (streamed JSON).
func printBytes(_ bytes: UnsafeRawBufferPointer) {
    writeAll(bytes, to: STDOUT_FILENO)
}

/// Writes all of `data` to descriptor `fd` at once, unbuffered (as `FileHandle.write` did).
func writeAll(_ data: Data, to fd: Int32) {
    data.withUnsafeBytes { writeAll($0, to: fd) }
}

/// Writes all of `buffer` to descriptor `fd` at once, unbuffered.
func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) {
    guard var pointer = buffer.baseAddress else { return }
    var remaining = buffer.count
    while remaining > 0 {
        let written = write(fd, pointer, remaining)
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        pointer += written
        remaining -= written
    }
}

