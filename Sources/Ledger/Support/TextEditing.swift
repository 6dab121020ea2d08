#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text operations FoundationEssentials lacks (Foundation's `trimmingCharacters`,
/// `replacingOccurrences`, `String(format:)`, `NSString` path methods), written once on the
/// standard library so that no target shipped in `readiness` links Foundation and its ICU data.

/// Which characters `trimming(_:)` removes: the sets Foundation's `CharacterSet` names alike.
public enum TrimmedCharacters: Sendable {
    /// Space separators (general category Zs), tab, and U+200B (zero width space, which
    /// Foundation's set still counts).
    case whitespaces
    /// U+000A–U+000D, U+0085, U+2028 and U+2029.
    case newlines
    /// Both of the above.
    case whitespacesAndNewlines

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let isNewline = (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
        let isWhitespace = scalar.value == 0x09 || scalar.value == 0x200B || scalar.properties.generalCategory == .spaceSeparator
        switch self {
        case .whitespaces: return isWhitespace
        case .newlines: return isNewline
        case .whitespacesAndNewlines: return isWhitespace || isNewline
        }
    }
}

extension StringProtocol {
    /// This text without `characters` at either end. Works on Unicode scalars, as Foundation's
    /// `trimmingCharacters(in:)` does, so a "\r\n" at the end goes with `.newlines`.
    public func trimming(_ characters: TrimmedCharacters) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !characters.contains($0) }),
              let last = scalars.lastIndex(where: { !characters.contains($0) }) else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }

    /// This text with every occurrence of `target` replaced by `replacement`, compared byte for
    /// byte in UTF-8 like Foundation's literal `replacingOccurrences(of:with:)`: unlike the
    /// standard library's `replacing(_:with:)`, which compares characters, it finds the "\r"
    /// of a "\r\n".
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        let needle = Array(target.utf8)
        guard !needle.isEmpty else { return String(self) }
        let bytes = Array(utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == needle[0], index + needle.count <= bytes.count, bytes[index..<index + needle.count].elementsEqual(needle) {
                result.append(contentsOf: replacement.utf8)
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        // Both strings are valid UTF-8 and a match starts and ends on scalar boundaries.
        return String(decoding: result, as: UTF8.self)
    }

    /// This text cut or padded with spaces to exactly `length` characters, as Foundation's
    /// `padding(toLength:withPad:" ",startingAt:0)` does for ASCII text.
    public func padded(toLength length: Int) -> String {
        count >= length ? String(prefix(length)) : String(self) + String(repeating: " ", count: length - count)
    }
}

/// Path arithmetic on strings, as `NSString`'s path methods do it: no file system access, a
/// relative path stays relative.
public enum PathText {
    /// `path` and `component` joined by one "/".
    public static func appending(_ component: String, to path: String) -> String {
        guard !path.isEmpty else { return component }
        var base = Substring(path)
        while base.count > 1, base.hasSuffix("/") { base = base.dropLast() }
        var tail = Substring(component)
        while tail.hasPrefix("/") { tail = tail.dropFirst() }
        if tail.isEmpty { return String(base) }
        return base == "/" ? "/" + tail : base + "/" + tail
    }

    /// The last component of `path` ("b" of "/a/b/"; "/" of "/").
    public static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed == "/" { return "/" }
        return String(trimmed.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    /// `path` without its last component ("/a" of "/a/b", "/" of "/a", "" of "a").
    public static func deletingLastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }
}

/// Numbers as text the way `String(format:)` wrote them.
public enum NumberText {
    /// `bytes` as lowercase hexadecimal, two digits each ("%02x").
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `value` with `places` decimals, rounded exactly as the C library's "%.*f" rounds.
    public static func fixed(_ value: Double, places: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = withVaList([Int32(places), value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%.*f", arguments) }
        }
        guard written >= 0, Int(written) < buffer.count else { return String(value) }
        return String(decoding: buffer[..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
