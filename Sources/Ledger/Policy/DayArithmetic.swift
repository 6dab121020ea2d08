/// Whole-day arithmetic on UTC calendar days (`YYYY-MM-DD`), which is how waivers and
/// re-certification are judged: a day holds from its start to its end in UTC. Pure integer
/// arithmetic: the gate asks this for every item, and building a date formatter costs far more
/// than the gate's whole budget per item.
public enum DayArithmetic {
    /// Days from `from` to `to` (negative when `to` is earlier); nil when either is not a day.
    public static func days(from: String, to: String) -> Int? {
        guard let start = dayNumber(from), let end = dayNumber(to) else { return nil }
        return Int(end - start)
    }

    /// The day `count` days after `day`; nil when `day` is not a day.
    public static func adding(_ count: Int, to day: String) -> String? {
        guard let number = dayNumber(day) else { return nil }
        return String(UTCTimestamp.iso8601((number + Int64(count)) * 86_400).prefix(10))
    }

    /// Days since 1970-01-01 of a valid `YYYY-MM-DD` (Howard Hinnant's days_from_civil), nil otherwise.
    static func dayNumber(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2d, bytes[7] == 0x2d else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), day >= 1, day <= daysInMonth(month, year: year) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
