import Ledger

/// Progress of hashing a large evidence file, through the one `ProgressReport` (standard
/// error, only when it is a terminal): a person waiting on a gigabyte sees it move, a
/// script's log stays clean.
enum FileProgress {
    /// Files smaller than this hash in well under a second; no progress is shown for them.
    static let threshold = 64 << 20

    /// A progress callback for `Evidence.fromFile`, or nil when standard error is not a terminal.
    static func reporter(for path: String) -> ((Int, Int) -> Void)? {
        guard ProgressReport.standardErrorIsTerminal else { return nil }
        let name = TerminalText.escape(PathText.lastComponent(path))
        var report: ProgressReport?
        return { read, size in
            guard size >= threshold else { return }
            let shown = report ?? ProgressReport("hashing \(name), MiB", total: size >> 20)
            report = shown
            shown.update(read >> 20)
            if read >= size { shown.finish() }
        }
    }
}
