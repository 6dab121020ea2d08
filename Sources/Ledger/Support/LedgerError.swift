import Git

/// Every error the Ledger module reports to a person: one line saying what was wrong,
/// an optional hint saying what to do, and a kind that maps to a distinct exit code.
public struct LedgerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, coarse enough to map onto an exit code a script can test.
    public enum Kind: String, Sendable, CaseIterable {
        /// The path given or found is not a readiness ledger, or no ledger could be found.
        case notALedger
        /// An item reference matched nothing, or more than one item.
        case unknownItem
        /// Input that cannot be accepted: malformed checklist, bad note, bad id, invalid UTF-8.
        case invalidInput
        /// No signing key, a signer program that failed, a key file that cannot be used.
        case signing
        /// The signing key is not listed in the ledger's trust/allowed_signers.
        case untrustedKey
        /// The request contradicts the ledger's state (already done, ledger exists, …).
        case conflict
        /// The ledger was written by a newer format version than this tool understands.
        case unsupportedFormat
        /// libgit2 or the file system failed underneath us.
        case storage
        /// The gate found required items incomplete.
        case gateBlocked
        /// Verification found a problem in the ledger's history.
        case verificationFailed
    }

    /// The category, which decides the exit code.
    public let kind: Kind
    /// One line: what was wrong.
    public let message: String
    /// One line: what to do about it, when there is something to do.
    public let hint: String?

    /// Creates an error of `kind` with a message and an optional hint.
    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// A storage error (exit 10) carrying the message of a libgit2 or file-system failure.
    public init(storageFailure error: any Error) {
        if let error = error as? GitError {
            self.init(.storage, error.message)
        } else {
            self.init(.storage, ErrorText.oneLine(error))
        }
    }

    /// The message, then the hint on the same line, as printed to a person.
    public var description: String {
        guard let hint else { return message }
        return "\(message) (\(hint))"
    }

    /// The process exit code for this kind; distinct per kind, documented in the README.
    public var exitCode: Int32 {
        switch kind {
        case .notALedger: return 3
        case .unknownItem: return 4
        case .invalidInput: return 5
        case .signing: return 6
        case .untrustedKey: return 7
        case .conflict: return 8
        case .unsupportedFormat: return 9
        case .storage: return 10
        case .gateBlocked: return 20
        case .verificationFailed: return 21
        }
    }
}
