import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands a leading "~/" or "~user/" the way git's `interpolate_path` does for config paths,
/// so a `user.signingkey = ~/.ssh/id_ed25519` means the same file to us as to git.
enum PathExpansion {
    /// Returns `path` with its tilde prefix replaced by the home directory; other paths unchanged.
    /// `nil` when the user named after "~" does not exist.
    static func expandTilde(_ path: String, environment: [String: String]? = nil) -> String? {
        guard path.hasPrefix("~") else { return path }
        let afterTilde = path.dropFirst()
        let slash = afterTilde.firstIndex(of: "/") ?? afterTilde.endIndex
        let user = String(afterTilde[afterTilde.startIndex..<slash])
        let rest = String(afterTilde[slash...])
        let home: String
        if user.isEmpty {
            // git uses $HOME and fails without it; we fall back to the password database.
            guard let found = (environment ?? ProcessInfo.processInfo.environment)["HOME"] ?? homeOf(user: nil) else {
                return nil
            }
            home = found
        } else {
            guard let found = homeOf(user: user) else { return nil }
            home = found
        }
        return home + rest
    }

    private static func homeOf(user: String?) -> String? {
        let entry = user.map { getpwnam($0) } ?? getpwuid(getuid())
        guard let entry, let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
