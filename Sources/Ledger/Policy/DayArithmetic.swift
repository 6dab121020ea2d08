import Foundation

/// Whole-day arithmetic on UTC calendar days (`YYYY-MM-DD`), which is how waivers and
/// re-certification are judged: a day holds from its start to its end in UTC.
public enum DayArithmetic {
    /// Days from `from` to `to` (negative when `to` is earlier); nil when either is not a day.
    public static func days(from: String, to: String) -> Int? {
        guard DateParsing.day(from) != nil, DateParsing.day(to) != nil,
              let start = DateParsing.parse(from), let end = DateParsing.parse(to) else { return nil }
        return Int((end.timeIntervalSince(start) / 86_400).rounded())
    }

    /// The day `count` days after `day`; nil when `day` is not a day.
    public static func adding(_ count: Int, to day: String) -> String? {
        guard DateParsing.day(day) != nil, let start = DateParsing.parse(day) else { return nil }
        return String(CommitTime.iso8601(Int64(start.timeIntervalSince1970) + Int64(count) * 86_400).prefix(10))
    }
}
