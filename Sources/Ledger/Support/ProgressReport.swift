import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress count on standard error for long work (a cold index build, `verify
/// --full`, a clone's transfer, an evidence pack, a generated bench ledger), shown only when
/// standard error is a terminal: piped or captured output (CI logs, tests, `2>file`) stays
/// silent, and standard output is never touched. Redrawn at most ten times a second; the first
/// update draws at once, so a person sees what started. `finish` erases the line.
public final class ProgressReport {
    /// The one rule for whether progress is shown: standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether this report draws anything.
    public let isEnabled: Bool
    private let label: String
    private let total: Int?
    private var lastDraw: UInt64?
    private var drawn = false

    /// Starts a report of `label` out of `total` steps (nil: unknown). `enabled` is for tests;
    /// by default it is whether standard error is a terminal.
    public init(_ label: String, total: Int? = nil, enabled: Bool = ProgressReport.standardErrorIsTerminal) {
        self.label = TerminalText.escape(label)
        self.total = total
        isEnabled = enabled
    }

    /// Records that `done` steps are complete, out of `total` when it became known only now
    /// (else the total given at the start), with an optional `detail` (what the step is doing,
    /// bytes received). With `phase` (a new step of several) it is drawn at once, whatever the
    /// rate limit.
    public func update(_ done: Int, of total: Int? = nil, detail: String? = nil, phase: Bool = false) {
        guard isEnabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if !phase, let lastDraw, now - lastDraw < 100_000_000 { return }
        lastDraw = now
        let outOf = (total ?? self.total).map { " of \($0)" } ?? ""
        draw("\(label): \(done)\(outOf)\(detail.map { ", " + TerminalText.escape($0) } ?? "")")
    }

    /// Clears the line, leaving the terminal as it was when nothing was drawn.
    public func finish() {
        guard isEnabled, drawn else { return }
        draw("")
        drawn = false
    }

    /// `bytes` as a person reads a transfer size: `812 KiB`, `3.4 MiB`.
    public static func size(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return "\(bytes >> 10) KiB" }
        let tenths = bytes * 10 >> 20
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    private func draw(_ text: String) {
        drawn = true
        // \r and erase-line: the count overwrites itself instead of scrolling.
        let line = "\r\u{1B}[2K" + text
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}
