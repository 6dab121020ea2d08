import FoundationEssentials
import Ledger
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of hashing a large evidence file, on standard error and only when standard error
/// is a terminal: a person waiting on a gigabyte sees it move, a script's log stays clean.
enum FileProgress {
    /// Files smaller than this hash in well under a second; no progress is shown for them.
    static let threshold = 64 << 20

    /// A progress callback for `Evidence.fromFile`, or nil when standard error is not a terminal.
    static func reporter(for path: String) -> ((Int, Int) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        let name = TerminalText.escape(PathText.lastComponent(path))
        var shown = -1
        return { read, size in
            guard size >= threshold else { return }
            let percent = min(read * 100 / max(size, 1), 100)
            guard percent != shown else { return }
            shown = percent
            let line = "\rreadiness: hashing \(name): \(percent)% of \(size >> 20) MiB" + (read >= size ? "\n" : "")
            writeAll(Data(line.utf8), to: STDERR_FILENO)
        }
    }
}
