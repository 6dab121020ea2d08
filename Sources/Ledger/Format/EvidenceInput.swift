import Crypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Evidence {
    /// Evidence from a link a person typed: a single line with a scheme (`https://…`, `ticket:…`).
    public static func fromLink(_ text: String) throws -> Evidence {
        let link = try FreeText.validateLine(text, field: "evidence link")
        guard !link.contains(" "), let url = URL(string: link), let scheme = url.scheme, !scheme.isEmpty else {
            throw LedgerError(.invalidInput, "evidence '\(link)' is not a link with a scheme",
                              hint: "give a URL such as https://…, or use --evidence-file for a file")
        }
        return .link(link)
    }

    /// The largest evidence file accepted: 1 GiB. Evidence is hashed, never copied, but reading
    /// a larger file (a disk image, a database dump) at sign-off is almost always a mistake.
    public static let maximumFileSize = 1 << 30

    /// Evidence from a file: its name and SHA-256, read in chunks so large files are fine.
    /// Only a regular file (or a link to one) of at most ``maximumFileSize`` bytes is accepted,
    /// judged before reading, so `/dev/zero`, a FIFO or a directory is refused at once.
    /// `progress` is told the bytes read so far and the file's size after every chunk.
    public static func fromFile(_ path: String, progress: ((_ read: Int, _ size: Int) -> Void)? = nil) throws -> Evidence {
        let shown = TerminalText.escape(path)
        let name = try FreeText.validateLine(PathText.lastComponent(path), field: "evidence file name")
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LedgerError(.invalidInput, "cannot read evidence file \(shown): \(String(cString: strerror(errno)))", hint: "check the path and permissions")
        }
        try requireRegular(info, shown)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LedgerError(.invalidInput, "cannot read evidence file \(shown)", hint: "check the path and permissions")
        }
        defer { close(descriptor) }
        // Judged again on what was opened, in case the path was swapped after the first look.
        guard fstat(descriptor, &info) == 0 else {
            throw LedgerError(.storage, "cannot read evidence file \(shown): \(String(cString: strerror(errno)))")
        }
        try requireRegular(info, shown)
        let expected = Int(info.st_size)
        var hasher = SHA256()
        var size = 0
        do {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else {
                    throw LedgerError(.storage, "cannot read evidence file \(shown): \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                size += count
                // A file that grows while it is read is stopped at the limit too.
                guard size <= maximumFileSize else { throw tooLarge(shown) }
                progress?(size, expected)
            }
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.storage, "cannot read evidence file \(shown): \(ErrorText.reason(error))")
        }
        let digest = NumberText.hex(hasher.finalize())
        return .file(name: name, sha256: digest, size: size)
    }

    private static func requireRegular(_ info: stat, _ shown: String) throws {
        guard info.st_mode & S_IFMT == S_IFREG else {
            let kind: String
            switch info.st_mode & S_IFMT {
            case S_IFDIR: kind = "a directory"
            case S_IFCHR, S_IFBLK: kind = "a device"
            case S_IFIFO: kind = "a pipe"
            case S_IFSOCK: kind = "a socket"
            default: kind = "not a regular file"
            }
            throw LedgerError(.invalidInput, "evidence file \(shown) is \(kind)", hint: "give a regular file; its name and SHA-256 are recorded")
        }
        guard Int(info.st_size) <= maximumFileSize else { throw tooLarge(shown) }
    }

    private static func tooLarge(_ shown: String) -> LedgerError {
        LedgerError(.invalidInput, "evidence file \(shown) is larger than 1 GiB",
                    hint: "record where it is kept with --evidence instead")
    }
}
