import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress count on standard error for long work (a cold index build, a
/// generated bench ledger), shown only when standard error is a terminal: piped or captured
/// output (CI logs, tests, `2>file`) stays silent. Redrawn at most ten times a second.
public final class ProgressReport {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private var lastDraw: UInt64 = 0
    private var drawn = false

    /// Starts a report of `label` out of `total` steps (nil: unknown). `enabled` is for tests;
    /// by default it is whether standard error is a terminal.
    public init(_ label: String, total: Int? = nil, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Records that `done` steps are complete.
    public func update(_ done: Int) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw >= 100_000_000 else { return }
        lastDraw = now
        draw("\(label): \(done)\(total.map { " of \($0)" } ?? "")")
    }

    /// Clears the line, leaving the terminal as it was when nothing was drawn.
    public func finish() {
        guard enabled, drawn else { return }
        draw("")
    }

    private func draw(_ text: String) {
        drawn = true
        // \r and erase-line: the count overwrites itself instead of scrolling.
        let line = "\r\u{1B}[2K" + text
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}
