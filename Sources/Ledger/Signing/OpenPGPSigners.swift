/// `trust/openpgp_signers`: who may sign with an OpenPGP key, one `<e-mail> <FINGERPRINT>` per line
/// (`#` comments allowed). git's allowed-signers format has no room for OpenPGP keys, so the
/// ledger keeps them beside it in the same spirit.
public struct OpenPGPSigners: Equatable, Sendable {
    /// One trusted key.
    public struct Entry: Equatable, Sendable {
        /// The e-mail the key signs as.
        public var principal: String
        /// Full fingerprint, uppercase hex.
        public var fingerprint: String

        /// Creates an entry, normalising the fingerprint.
        public init(principal: String, fingerprint: String) {
            self.principal = principal
            self.fingerprint = fingerprint.uppercased()
        }
    }

    /// The entries in file order.
    public var entries: [Entry]

    /// Creates a list.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses the file; a malformed line is an error naming it.
    public static func parse(_ text: String) throws -> OpenPGPSigners {
        var entries: [Entry] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimming(.whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, fields[1].count >= 40, fields[1].allSatisfy(\.isHexDigit) else {
                throw LedgerError(.invalidInput, "\(LedgerLayout.openPGPSignersPath) line \(number + 1) is not '<e-mail> <fingerprint>'")
            }
            entries.append(Entry(principal: String(fields[0]), fingerprint: String(fields[1])))
        }
        return OpenPGPSigners(entries: entries)
    }

    /// One line per entry, newline-terminated.
    public func serialized() -> String {
        entries.map { "\($0.principal) \($0.fingerprint)\n" }.joined()
    }

    /// The principals `fingerprint` is trusted for.
    public func principals(for fingerprint: String) -> [String] {
        entries.filter { $0.fingerprint == fingerprint.uppercased() }.map(\.principal)
    }
}

import FoundationEssentials
