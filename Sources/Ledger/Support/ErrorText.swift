import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line naming a failure from libgit2, Foundation, the system or a decoder, for the
/// messages people read. `"\(error)"` of a CocoaError is a multi-line
/// `Error Domain=… Code=… UserInfo={…}` dump, and of a DecodingError a nested structure;
/// neither says in plain words what went wrong.
public enum ErrorText {
    /// What went wrong with `error`, in one line, naming the file it concerns when it knows it.
    public static func oneLine(_ error: any Error) -> String { describe(error, namingPath: true) }

    /// What went wrong with `error`, in one line, for a message that already names the file.
    public static func reason(_ error: any Error) -> String { describe(error, namingPath: false) }

    private static func describe(_ error: any Error, namingPath: Bool) -> String {
        switch error {
        case let error as LedgerError: return error.description
        case let error as GitError: return flatten(error.message)
        case let error as DecodingError: return describe(error)
        default: break
        }
        if let cocoa = error as? CocoaError {
            // A Cocoa file error carries the system's errno underneath: its strerror text names
            // the cause ("No such file or directory", "Permission denied", "Is a directory").
            if let underlying = cocoa.underlying as? POSIXError {
                return withPath(posix(Int(underlying.code.rawValue)), cocoa, namingPath)
            }
            if let text = cocoaText(cocoa.code) { return withPath(text, cocoa, namingPath) }
        }
        if let error = error as? POSIXError { return posix(Int(error.code.rawValue)) }
        return flatten(String(describing: error))
    }

    /// A one-line reason from a decoding error: what is missing or wrong, and where.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(at(context.codingPath))"
        case .typeMismatch(_, let context): return "wrong type\(at(context.codingPath))"
        case .valueNotFound(_, let context): return "missing value\(at(context.codingPath))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "bad value\(at(context.codingPath))"
        @unknown default: return "not readable"
        }
    }

    private static func posix(_ code: Int) -> String {
        String(cString: strerror(Int32(code)))
    }

    /// Plain words for the Cocoa file errors that come without an errno.
    private static func cocoaText(_ code: CocoaError.Code) -> String? {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: return "Permission denied"
        case .fileWriteOutOfSpace: return "No space left on device"
        case .fileWriteVolumeReadOnly: return "Read-only file system"
        case .fileWriteFileExists: return "File exists"
        case .fileReadTooLarge: return "File too large"
        case .fileReadCorruptFile, .fileReadUnknown, .fileWriteUnknown, .fileLocking: return "Input/output error"
        default: return nil
        }
    }

    private static func withPath(_ text: String, _ error: CocoaError, _ naming: Bool) -> String {
        guard naming, let path = error.filePath ?? error.url?.path else { return text }
        return "\(path): \(text)"
    }

    private static func flatten(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
