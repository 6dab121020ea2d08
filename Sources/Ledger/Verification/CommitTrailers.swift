/// A commit message's `Readiness-*` trailers, parsed once (the same rule as
/// `LedgerCommitMessage.trailerValues`: lines of the last paragraph, when there is more than one).
struct CommitTrailers {
    private var values: [String: [String]] = [:]

    init(_ message: String) {
        var values: [String: [String]] = [:]
        Self.forEach(in: message) { key, value in
            values[String(decoding: key, as: UTF8.self), default: []].append(String(decoding: value, as: UTF8.self))
            return true
        }
        self.values = values
    }

    /// The first value of `Readiness-<key>`, found without decoding the other trailers: the
    /// event index asks this of every commit of history.
    static func first(_ key: String, in message: String) -> String? {
        var found: String?
        forEach(in: message) { name, value in
            // Compared as strings, as the dictionary of `init` compares its keys.
            guard String(decoding: name, as: UTF8.self) == key else { return true }
            found = String(decoding: value, as: UTF8.self)
            return false
        }
        return found
    }

    /// Calls `visit` with the key and value bytes of each `Readiness-` trailer in order, until
    /// it returns false.
    private static func forEach(in message: String, _ visit: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool) {
        // Byte-wise: the last paragraph is what follows the last blank line that has text after it.
        let bytes = Array(message.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0a { end -= 1 }
        var start = end
        while start > 1, !(bytes[start - 1] == 0x0a && bytes[start - 2] == 0x0a) { start -= 1 }
        guard start > 1 else { return }
        // There must be a paragraph before it with some text (`split` drops empty ones).
        guard bytes[..<(start - 2)].contains(where: { $0 != 0x0a }) else { return }
        let prefix = Array("Readiness-".utf8)
        for line in bytes[start..<end].split(separator: 0x0a) where line.starts(with: prefix) {
            let body = line.dropFirst(prefix.count)
            guard let colon = body.indices.first(where: { body[$0] == 0x3a && $0 + 1 < body.endIndex && body[$0 + 1] == 0x20 }) else { continue }
            guard visit(body[body.startIndex..<colon], body[(colon + 2)...]) else { return }
        }
    }

    /// Every value of `Readiness-<key>`, in order.
    subscript(_ key: String) -> [String] { values[key] ?? [] }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a Unix time, computed arithmetically: byte-identical to
/// `CommitTime.iso8601` without building a date formatter per commit.
enum UTCTimestamp {
    static func iso8601(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}
