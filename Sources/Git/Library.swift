internal import CLibGit2

/// Initialises libgit2 exactly once per process, before the first handle is opened.
enum Library {
    private static let initialised: Bool = {
        git_libgit2_init()
        return true
    }()

    /// Call before any libgit2 use; cheap after the first call.
    static func ensureInitialised() {
        _ = initialised
    }
}
