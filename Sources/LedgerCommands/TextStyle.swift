import ArgumentParser
import FoundationEssentials
import Ledger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When to colour text output.
///
/// Its argument forms are spelled out rather than derived from `CaseIterable` and
/// `RawRepresentable`: argument-parser then asks the Swift runtime whether the type conforms
/// to either, and builds a table of descriptions, on every command that has `--color`, help
/// or not (1.0 M instructions of a gate, a sixth of its parse). Help, completion and the error
/// for a wrong value read the same three words.
enum ColorChoice: ExpressibleByArgument {
    case auto, always, never

    private static let words: [(word: String, choice: ColorChoice)] = [("auto", .auto), ("always", .always), ("never", .never)]

    init?(argument: String) {
        guard let match = Self.words.first(where: { $0.word == argument }) else { return nil }
        self = match.choice
    }

    var defaultValueDescription: String { Self.words.first { $0.choice == self }!.word }
    static var allValueStrings: [String] { words.map(\.word) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

/// How text output is styled for where it goes: colour only on a terminal (or when asked, and
/// never under NO_COLOR in auto), lines cut to the terminal's width, and times in the local
/// zone when asked. Plain (no colour, no cutting, UTC) for pipes, files and tests.
struct TextStyle {
    /// ANSI colours on.
    var color = false
    /// Cut lines to this many columns (a terminal); nil: never cut.
    var width: Int?
    /// Show times in this zone instead of UTC.
    var timeZone: WallClockZone?

    /// No colour, no cutting, UTC.
    static let plain = TextStyle()

    /// The style for standard output under `choice`, NO_COLOR, and `localTime`.
    static func forStandardOutput(_ choice: ColorChoice, localTime: Bool,
                                  environment: @autoclosure () -> [String: String] = ProcessInfo.processInfo.environment) -> TextStyle {
        let terminal = isatty(STDOUT_FILENO) == 1
        var style = TextStyle()
        switch choice {
        case .always: style.color = true
        case .never: style.color = false
        case .auto: style.color = terminal && (environment()["NO_COLOR"] ?? "").isEmpty && environment()["TERM"] != "dumb"
        }
        // Only a terminal asks the environment: building its dictionary cost every piped or
        // redirected command 0.37 M instructions.
        if terminal { style.width = terminalWidth(environment()) }
        if localTime { style.timeZone = .local }
        return style
    }

    private static func terminalWidth(_ environment: [String: String]) -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(environment["COLUMNS"] ?? "") ?? 80
    }

    /// `text` cut to the width with `…` when it is wider (characters, not bytes).
    func fit(_ text: String) -> String {
        guard let width, text.count > width, width > 1 else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// `text` in an ANSI colour (31 red, 32 green, 33 yellow, 36 cyan, 1 bold) when colour is on.
    func paint(_ text: String, _ code: Int) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// An ISO 8601 UTC time as shown: unchanged, or in the chosen zone with its offset.
    func time(_ iso: String) -> String {
        guard let timeZone, let seconds = DateParsing.parse(iso)?.timeIntervalSince1970 else { return iso }
        return CommitTime.iso8601(Int64(seconds), in: timeZone)
    }
}
