internal import CLibGit2
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An author or committer identity with its timestamp, as stored in a commit header.
public struct GitSignature: Equatable, Sendable {
    /// The person's name.
    public var name: String
    /// The person's e-mail address, without angle brackets.
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The time zone offset in minutes east of UTC, as written in the header.
    public var offsetMinutes: Int32

    /// Creates a signature; `offsetMinutes` defaults to the local zone's offset at `time`.
    public init(name: String, email: String, time: Int64, offsetMinutes: Int32? = nil) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes ?? Int32(GitSignature.localOffsetSeconds(at: time) / 60)
    }

    /// The local zone's offset east of UTC, in seconds, at `time` (seconds since the epoch), as
    /// git computes it: the C library's `localtime_r`, which follows `TZ` and /etc/localtime.
    /// FoundationEssentials' `TimeZone.current` knows no zone rules without ICU and says GMT.
    public static func localOffsetSeconds(at time: Int64) -> Int {
        var seconds = time_t(time)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// The timestamp as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(time)) }

    init(_ raw: UnsafePointer<git_signature>) {
        name = String(cString: raw.pointee.name)
        email = String(cString: raw.pointee.email)
        time = Int64(raw.pointee.when.time)
        offsetMinutes = raw.pointee.when.offset
    }

    /// Creates a libgit2 signature for the duration of `body`; libgit2 validates name and e-mail.
    func withRaw<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var raw: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&raw, name, email, git_time_t(time), Int32(offsetMinutes)),
                  "cannot use identity \(name) <\(email)>")
        defer { git_signature_free(raw) }
        return try body(raw!)
    }
}
