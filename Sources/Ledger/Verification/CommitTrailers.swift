/// A commit message's `Readiness-*` trailers, parsed once (the same rule as
/// `LedgerCommitMessage.trailerValues`: lines of the last paragraph, when there is more than one).
struct CommitTrailers {
    private var values: [String: [String]] = [:]

    init(_ message: String) {
        let paragraphs = message.split(separator: "\n\n", omittingEmptySubsequences: true)
        guard paragraphs.count > 1, let last = paragraphs.last else { return }
        for line in last.split(separator: "\n") where line.hasPrefix("Readiness-") {
            guard let colon = line.range(of: ": ") else { continue }
            let key = String(line[line.index(line.startIndex, offsetBy: 10)..<colon.lowerBound])
            values[key, default: []].append(String(line[colon.upperBound...]))
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
