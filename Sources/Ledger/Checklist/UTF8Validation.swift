/// Strict UTF-8 checking that says where the first bad byte is, because a line number is
/// what a person needs to fix a file and Swift's decoders only say "invalid" or repair silently.
enum UTF8Validation {
    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
    /// surrogates and values above U+10FFFF count as malformed), or nil if all is well.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            // Only the first continuation byte has a narrowed range; the rest are 80...BF.
            // A bad sequence is reported at its lead byte: the byte after it may be the
            // newline, which would put the error on the wrong line.
            for offset in 1..<length {
                let position = index + offset
                guard position < bytes.count else { return index }
                let range: ClosedRange<UInt8> = offset == 1 ? low...high : 0x80...0xBF
                guard range.contains(bytes[position]) else { return index }
            }
            index += length
        }
        return nil
    }
}
