import FoundationEssentials
import Synchronization

/// The contents of `ledger.json`: format version, name and settings.
public struct LedgerSettings: Codable, Equatable, Sendable {
    /// The ledger format version that wrote this ledger.
    public var format: Int
    /// A human name for the ledger, by default the checklist's title.
    public var name: String
    /// Whether commits without a signature are accepted (off by default: sign-offs must be signed).
    public var allowUnsigned: Bool
    /// True for a pseudonymous ledger (`init --pseudonymous`): its signed history names signers
    /// by pseudonym and holds free text only as sealed commitments. Fixed at init. Absent
    /// (nil) in every other ledger, so their `ledger.json` keeps its bytes.
    public var pseudonymous: Bool?

    /// Creates settings for a new ledger at format version 1, the oldest that holds it (a
    /// definition update raises it when it needs to), so older tools can still read it. A
    /// pseudonymous ledger starts at the privacy format: an older tool would show its
    /// commitments as notes and reject its erasure records as outside the layout.
    public init(name: String, allowUnsigned: Bool = false, pseudonymous: Bool = false) {
        format = pseudonymous ? LedgerLayout.privacyFormat : 1
        self.name = name
        self.allowUnsigned = allowUnsigned
        self.pseudonymous = pseudonymous ? true : nil
    }

    /// True for a pseudonymous ledger.
    public var isPseudonymous: Bool { pseudonymous == true }

    /// The last `ledger.json` parsed and what it gave. One command parses the same bytes in
    /// several places (the store's check on open, the snapshot, the trust context, each commit
    /// the verifier reads), and the result depends on the bytes alone.
    private static let lastParsed = Mutex<(data: Data, settings: LedgerSettings)?>(nil)

    /// Parses `ledger.json`, refusing a format newer than this tool knows.
    public static func decode(_ data: Data) throws -> LedgerSettings {
        if let settings = lastParsed.withLock({ last in last.flatMap { $0.data == data ? $0.settings : nil } }) {
            return settings
        }
        let settings = try parse(data)
        lastParsed.withLock { $0 = (data, settings) }
        return settings
    }

    private static func parse(_ data: Data) throws -> LedgerSettings {
        if let settings = LedgerSettingsScanner.settings(from: data) {
            try checkFormat(settings.format)
            return settings
        }
        struct VersionOnly: Decodable { var format: Int }
        guard let version = try? JSONDecoder().decode(VersionOnly.self, from: data) else {
            throw LedgerError(.notALedger, "\(LedgerLayout.settingsPath) is not valid ledger settings",
                              hint: "the repository may not be a readiness ledger")
        }
        try checkFormat(version.format)
        do {
            return try JSONDecoder().decode(LedgerSettings.self, from: data)
        } catch {
            throw LedgerError(.notALedger, "\(LedgerLayout.settingsPath) is malformed: \(ErrorText.oneLine(error))",
                              hint: "the repository may not be a readiness ledger")
        }
    }

    /// Refuses a format this tool does not know.
    private static func checkFormat(_ format: Int) throws {
        guard format <= LedgerLayout.formatVersion, format >= 1 else {
            throw LedgerError(.unsupportedFormat,
                              "this ledger uses format version \(format), newer than this tool's \(LedgerLayout.formatVersion)",
                              hint: "upgrade readiness to read it")
        }
    }

    /// Canonical bytes: sorted keys, pretty-printed, newline-terminated.
    public func encoded() -> Data { CanonicalJSON.encode(self) }
}
