/// The rule pseudonyms and sealed-text commitments share: exactly `count` characters, each a
/// hexadecimal digit that is not uppercase, as `Character` judges them (fullwidth digits too).
enum LowercaseHex {
    /// True when `text` follows the rule.
    static func matches(_ text: Substring, count: Int) -> Bool {
        // ASCII lowercase hex, all this tool writes, is judged on its bytes: the same answer
        // without two Unicode property lookups per character (a pseudonymous timeline asks this
        // of every event's signer and note). Anything else takes the character rule.
        if text.utf8.count == count, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) { return true }
        return text.count == count && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
