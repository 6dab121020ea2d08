// `_nfd` (the standard library's canonical decomposition) is what Foundation's folding did
// through ICU; it is public to the standard library's own modules as SPI.
@_spi(_Unicode) import Swift

/// Turns titles into item and section ids, and decides which ids are acceptable.
///
/// Ids end up as path components (`items/<section>/<item>.json`) and in commit subjects,
/// so they are restricted to a small ASCII alphabet that is safe in both places.
public enum Slug {
    /// The longest id accepted anywhere; long enough for real titles, short enough for paths.
    public static let maxIDLength = 64

    /// Derived ids are cut to this length so commit subjects and paths stay readable.
    public static let derivedIDLength = 48

    /// Letters that diacritic folding leaves alone (they are letters of their own, not
    /// accented ones), spelled the way a Nordic reader would type them in ASCII.
    private static let transliterations: [Character: String] = [
        "æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u", "ß": "ss",
        "ð": "d", "þ": "th", "œ": "oe", "đ": "d", "ł": "l", "ı": "i",
    ]

    /// The slug of `title`: lowercase ASCII letters and digits, every other run of characters
    /// collapsed to one `-`, no leading or trailing `-`. Empty when nothing usable remains.
    public static func make(_ title: String) -> String {
        var transliterated = ""
        for character in title.lowercased() {
            if let replacement = transliterations[character] {
                transliterated += replacement
            } else {
                transliterated.append(character)
            }
        }
        // Folding removes combining accents (é → e) for everything not handled above.
        let folded = folded(transliterated)

        var slug = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if isSlugAlphanumeric(scalar) {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return slug
    }

    /// True when `id` is safe as an item or section id: matches `^[a-z0-9][a-z0-9._-]*$`,
    /// is at most ``maxIDLength`` characters, and contains no `..` (so it can never climb out
    /// of `items/` when used as a path component).
    public static func isValidID(_ id: String) -> Bool {
        // One pass over the bytes: every allowed character is ASCII, so bytes and characters
        // agree on whatever passes, and anything else fails on its first byte. Searching for
        // ".." with `contains` cost more than all the other checks of a checklist together.
        let bytes = id.utf8
        guard let first = bytes.first, bytes.count <= maxIDLength, isSlugAlphanumeric(first) else { return false }
        var previous = first
        for byte in bytes.dropFirst() {
            guard isSlugAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || (byte == UInt8(ascii: ".") && previous != UInt8(ascii: ".")) else { return false }
            previous = byte
        }
        return true
    }

    /// A one-line description of the id alphabet, for hints.
    public static let validIDDescription =
        "lowercase a-z, digits, '.', '_' and '-', starting with a letter or digit, at most \(maxIDLength) characters, no '..'"

    /// `slug` cut to at most `limit` characters at a hyphen, so ids end on a whole word;
    /// a single word longer than the limit is cut mid-word because there is no better place.
    static func truncated(_ slug: String, to limit: Int = derivedIDLength) -> String {
        guard slug.count > limit else { return slug }
        let characters = Array(slug)
        if characters[limit] == "-" {
            return String(characters[..<limit])
        }
        let head = characters[..<limit]
        guard let lastHyphen = head.lastIndex(of: "-") else { return String(head) }
        return String(characters[..<lastHyphen])
    }

    /// `text` folded as Foundation's `folding(options: [.diacriticInsensitive, .widthInsensitive])`
    /// folds what a slug keeps: canonically decomposed without its non-spacing and enclosing
    /// marks (é → e) or the half-width voiced sound marks (which width folding makes combining
    /// marks), and full-width ASCII forms (Ａ１, U+FF01–FF5E) as ASCII.
    static func folded(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text._nfd {
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark || scalar.value == 0xFF9E || scalar.value == 0xFF9F { continue }
            if (0xFF01...0xFF5E).contains(scalar.value), let narrow = Unicode.Scalar(scalar.value - 0xFEE0) {
                result.append(narrow)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isSlugAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The same alphabet as one UTF-8 byte.
    private static func isSlugAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
