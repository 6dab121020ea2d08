import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    public static func iso8601(_ seconds: Int64, in zone: WallClockZone) -> String {
        let offset = zone.secondsFromGMT(at: seconds)
        let minutes = abs(offset) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return String(iso8601(seconds + Int64(offset)).dropLast()) + "\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// Seconds since the epoch of the wall-clock time `year-month-day hour:minute:second` in
    /// `zone`, or nil when there is no such time there: 30 February, hour 24, or a time a
    /// daylight-saving change skips.
    public static func seconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                               in zone: WallClockZone) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month), (0...23).contains(hour),
              (0...59).contains(minute), (0...59).contains(second) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[month - 1]).contains(day) else { return nil }
        // Days from 1970-01-01 to the date in the proleptic Gregorian calendar (civil-from-days
        // inverted: years counted from March, so the leap day ends a year).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        let wall = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // The zone's offset at the wall time read as UTC, then at the instant that gives; a
        // wall time that does not come back from its instant was skipped.
        let instant = wall - Int64(zone.secondsFromGMT(at: wall - Int64(zone.secondsFromGMT(at: wall))))
        guard instant + Int64(zone.secondsFromGMT(at: instant)) == wall else { return nil }
        return instant
    }

    /// Formats seconds as ISO 8601 UTC (`2026-11-26T22:00:00Z`), the form stored in item files.
    /// Computed with the C library's `gmtime_r`: a formatter object per call costs more than the
    /// rest of a timeline event, and this runs once per event.
    public static func iso8601(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let year = Int(parts.tm_year) + 1900
        if (1000...9999).contains(year) {
            // Four-digit years, every real commit's: written digit by digit, no interpolation.
            return String(unsafeUninitializedCapacity: 20) { out in
                func put(_ value: Int, at position: Int, digits: Int) {
                    var value = value
                    for place in stride(from: position + digits - 1, through: position, by: -1) {
                        out[place] = 0x30 + UInt8(value % 10)
                        value /= 10
                    }
                }
                put(year, at: 0, digits: 4)
                put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
                put(Int(parts.tm_mday), at: 8, digits: 2)
                put(Int(parts.tm_hour), at: 11, digits: 2)
                put(Int(parts.tm_min), at: 14, digits: 2)
                put(Int(parts.tm_sec), at: 17, digits: 2)
                (out[4], out[7], out[10], out[13], out[16], out[19]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"),
                                                                        UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
                return 20
            }
        }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
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

/// A zone to show and read wall-clock times in.
public enum WallClockZone: Equatable, Sendable {
    /// The machine's own zone through the C library (`TZ`, /etc/localtime), as git and
    /// ssh-keygen read it: FoundationEssentials' `TimeZone` has no zone rules without ICU.
    case local
    /// A zone given as a `TimeZone`.
    case zone(TimeZone)

    /// Coordinated Universal Time.
    public static let utc = WallClockZone.zone(TimeZone(secondsFromGMT: 0)!)

    /// Seconds east of UTC at `seconds` since the epoch.
    public func secondsFromGMT(at seconds: Int64) -> Int {
        switch self {
        case .local: return GitSignature.localOffsetSeconds(at: seconds)
        case .zone(let zone): return zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }
}

/// Reads the dates people type: `2026-12-31`, `2026-12-31T12:00:00Z`, `2026-12-31 12:00`.
public enum DateParsing {
    /// A date-only value means the start of that day in UTC, and so does a time without a zone.
    /// Accepted: `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM`, optional `:SS`
    /// with an optional fraction, and an optional zone `Z` or `±HH[:]MM` / `±HH`.
    public static func parse(_ text: String) -> Date? {
        var reader = DigitReader(text.trimming(.whitespaces))
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
              let day = reader.number(2) else { return nil }
        guard !reader.atEnd else {
            return seconds(year, month, day, 0, 0, 0, offset: 0).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
        guard reader.skip("T") || reader.skip(" "), let hour = reader.number(2), reader.skip(":"),
              let minute = reader.number(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if reader.skip(":") {
            guard let value = reader.number(2) else { return nil }
            second = value
            if reader.skip(".") {
                let digits = reader.digits()
                guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
                fraction = value
            }
        }
        var offset = 0
        if reader.skip("Z") || reader.skip("z") {
        } else if let sign = reader.skip("+") ? 1 : reader.skip("-") ? -1 : nil {
            guard let hours = reader.number(2), hours < 24 else { return nil }
            var minutes = 0
            if !reader.atEnd {
                _ = reader.skip(":")
                guard let value = reader.number(2), value < 60 else { return nil }
                minutes = value
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.atEnd, let instant = seconds(year, month, day, hour, minute, second, offset: offset) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(instant) + fraction)
    }

    /// Parses a calendar day `YYYY-MM-DD`, returning it normalised, or nil.
    public static func day(_ text: String) -> String? {
        var reader = DigitReader(text)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
              let day = reader.number(2), reader.atEnd, seconds(year, month, day, 0, 0, 0, offset: 0) != nil else { return nil }
        return text
    }

    private static func seconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, offset: Int) -> Int64? {
        CommitTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, in: .utc)
            .map { $0 - Int64(offset) }
    }

    /// Reads ASCII digits and separators from the front of a text.
    private struct DigitReader {
        private var bytes: ArraySlice<UInt8>
        init(_ text: String) { bytes = ArraySlice(text.utf8) }
        var atEnd: Bool { bytes.isEmpty }

        /// Exactly `count` digits as a number, or nil (nothing consumed then).
        mutating func number(_ count: Int) -> Int? {
            guard bytes.count >= count, bytes.prefix(count).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let value = bytes.prefix(count).reduce(0) { $0 * 10 + Int($1 - 0x30) }
            bytes = bytes.dropFirst(count)
            return value
        }

        /// All the digits at the front.
        mutating func digits() -> String {
            let run = bytes.prefix { (0x30...0x39).contains($0) }
            bytes = bytes.dropFirst(run.count)
            return String(decoding: run, as: UTF8.self)
        }

        /// Consumes `separator` when it comes next.
        mutating func skip(_ separator: Unicode.Scalar) -> Bool {
            guard bytes.first == UInt8(separator.value) else { return false }
            bytes = bytes.dropFirst()
            return true
        }
    }
}
