import Foundation

/// The committer time of a new ledger commit: now, or `GIT_COMMITTER_DATE` as git honours it.
public enum CommitTime {
    /// Seconds since the epoch and zone offset in minutes for a commit made now.
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (seconds: Int64, offsetMinutes: Int32?) {
        guard let value = environment["GIT_COMMITTER_DATE"], !value.isEmpty else {
            return (Int64(Date().timeIntervalSince1970), nil)
        }
        if let parsed = parseRaw(value) { return parsed }
        if let date = DateParsing.parse(value) { return (Int64(date.timeIntervalSince1970), nil) }
        throw LedgerError(.invalidInput, "GIT_COMMITTER_DATE '\(value)' is not a date I can read",
                          hint: "use git's raw form '@1700000000 +0100' or ISO 8601")
    }

    /// `seconds` as ISO 8601 in `zone`, with its offset (`2026-12-01T14:38:31+01:00`); no
    /// formatter is built, so a long timeline shown in local time stays cheap.
    public static func iso8601(_ seconds: Int64, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let minutes = abs(offset) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return String(iso8601(seconds + Int64(offset)).dropLast()) + "\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// Formats seconds as ISO 8601 UTC (`2026-11-26T22:00:00Z`), the form stored in item files.
    /// Computed with the C library's `gmtime_r`: a formatter object per call costs more than the
    /// rest of a timeline event, and this runs once per event.
    public static func iso8601(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = Int(parts.tm_year) + 1900
        let yearText = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// git's raw `[@]<seconds> <+hhmm>` form.
    private static func parseRaw(_ value: String) -> (Int64, Int32?)? {
        let parts = value.split(separator: " ")
        guard let first = parts.first else { return nil }
        let digits = first.hasPrefix("@") ? first.dropFirst() : first
        guard let seconds = Int64(digits), parts.count <= 2 else { return nil }
        guard parts.count == 2 else { return (seconds, 0) }
        let zone = parts[1]
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
              let hhmm = Int32(zone.dropFirst()) else { return nil }
        let minutes = (hhmm / 100) * 60 + hhmm % 100
        return (seconds, sign == "-" ? -minutes : minutes)
    }
}

/// Reads the dates people type: `2026-12-31`, `2026-12-31T12:00:00Z`, `2026-12-31 12:00`.
public enum DateParsing {
    /// A date-only value means the start of that day in UTC.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        if let date = full.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: trimmed) { return date }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            formatter.isLenient = false
            if let date = formatter.date(from: trimmed), formatter.string(from: date) == trimmed { return date }
        }
        return nil
    }

    /// Parses a calendar day `YYYY-MM-DD`, returning it normalised, or nil.
    public static func day(_ text: String) -> String? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return text
    }
}
