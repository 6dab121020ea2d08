/// OpenSSH pattern lists (ssh_config(5) PATTERNS), used for allowed_signers principals and
/// namespaces: comma-separated patterns with `*` and `?` wildcards, `!` negating.
enum SSHPatternList {
    /// True when `subject` matches some pattern and no negated pattern (OpenSSH's
    /// `match_pattern_list`: a negated match wins over any positive one). Case-sensitive.
    static func matches(_ subject: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if matchPattern(Array(subject), Array(pattern.dropFirst())) { return false }
            } else if matchPattern(Array(subject), Array(pattern)) {
                matched = true
            }
        }
        return matched
    }

    /// Glob match of one pattern: `*` any run of characters, `?` exactly one.
    static func matchPattern(_ subject: [Character], _ pattern: [Character]) -> Bool {
        var s = 0, p = 0
        var starP = -1, starS = 0
        while s < subject.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == subject[s] {
                s += 1; p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p; starS = s; p += 1
            } else if starP >= 0 {
                // Backtrack: let the last star swallow one more character.
                p = starP + 1; starS += 1; s = starS
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
