import Crypto
import Foundation

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

    /// Evidence from a file: its name and SHA-256, read in chunks so large files are fine.
    public static func fromFile(_ path: String) throws -> Evidence {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.invalidInput, "cannot read evidence file \(path)", hint: "check the path and permissions")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let name = try FreeText.validateLine((path as NSString).lastPathComponent, field: "evidence file name")
        return .file(name: name, sha256: digest, size: size)
    }
}
