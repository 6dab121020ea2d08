import FoundationEssentials

/// Reads `ledger.json` in one pass over its bytes, for the form this tool writes: every key
/// known and present at most once, strings without escapes. It answers nil for anything else,
/// and ``LedgerSettings/decode(_:)`` then asks `JSONDecoder`; both go through the same format
/// check. Every command reads `ledger.json`, and `JSONDecoder`'s first use cost more than the
/// whole rest of reading it.
enum LedgerSettingsScanner {
    /// The settings in `data`, format not yet checked, or nil when not in the form read here.
    static func settings(from data: Data) -> LedgerSettings? {
        PlainJSONScanner.read(data) { scanner in
            var format: Int?, name: String?, allowUnsigned: Bool?, pseudonymous: Bool??
            let complete = scanner.object { scanner, key in
                switch key {
                case "format": return once(&format, scanner.integer())
                case "name": return once(&name, scanner.string())
                case "allowUnsigned": return once(&allowUnsigned, scanner.boolean())
                case "pseudonymous": return once(&pseudonymous, scanner.nullable { $0.boolean() })
                default: return false
                }
            }
            guard complete, let format, let name, let allowUnsigned else { return nil }
            var settings = LedgerSettings(name: name, allowUnsigned: allowUnsigned)
            settings.format = format
            settings.pseudonymous = pseudonymous ?? nil
            return settings
        }
    }
}
