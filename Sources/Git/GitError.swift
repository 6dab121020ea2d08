internal import CLibGit2

/// An error reported by libgit2, carrying its return code, error class and message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// The negative `git_error_code` libgit2 returned.
    public let code: Int32
    /// The `git_error_t` class libgit2 recorded, or 0 when none was recorded.
    public let errorClass: Int32
    /// libgit2's own message, prefixed with what this library was doing.
    public let message: String

    /// True when the object, reference or path does not exist (`GIT_ENOTFOUND`).
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// True when a compare-and-swap on a reference lost a race (`GIT_EMODIFIED`).
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    /// True when a lock file is held by someone else (`GIT_ELOCKED`).
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }
    /// True when something already exists where a new one was to be created (`GIT_EEXISTS`).
    public var isExisting: Bool { code == GIT_EEXISTS.rawValue }

    /// True when a network operation was cut at its time bound (see `Repository.fetch`).
    public var isTimeout: Bool { code == GitError.timeoutCode }
    /// The code of a network operation cut at its bound: the value libgit2 1.7 gave
    /// `GIT_TIMEOUT`; 1.5 has no such code, so this library sets it itself.
    static let timeoutCode: Int32 = -37

    /// The message as printed to a person.
    public var description: String { message }

    init(code: Int32, errorClass: Int32, message: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
    }
}

/// Turns a libgit2 return code into a thrown `GitError` carrying `git_error_last()`'s message.
/// Every libgit2 call in this module goes through here, so no status code is ignored.
func check(_ status: Int32, _ operation: @autoclosure () -> String) throws {
    guard status < 0 else { return }
    var detail = "libgit2 error \(status)"
    var errorClass: Int32 = 0
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message {
            detail = String(cString: text)
        }
    }
    throw GitError(code: status, errorClass: errorClass, message: "\(operation()): \(detail)")
}
