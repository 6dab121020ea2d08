internal import CLibGit2
internal import CLibGit2Support

/// Initialises libgit2 exactly once per process, before the first handle is opened, and
/// loads TLS certificates only when a network operation needs them.
public enum Library {
    private static let initialised: Bool = {
        // libgit2 would parse the system CA bundle here (~10 ms); it is deferred until a TLS
        // remote needs it (`loadCertificates`).
        readiness_certificates_defer_begin()
        git_libgit2_init()
        readiness_certificates_defer_end()
        return true
    }()

    /// Loads the CA bundle libgit2 deferred at start-up. Every libgit2 network operation must
    /// call this first, or TLS certificate checks would see an empty trust store.
    public static func loadCertificates() throws {
        ensureInitialised()
        let result = readiness_certificates_load()
        if result < 0 {
            throw GitError(code: result, errorClass: 0, message: "cannot load the system CA certificates (mbedTLS error \(result))")
        }
    }

    /// True while a deferred CA bundle has not been loaded yet.
    public static var certificatesPending: Bool { readiness_certificates_pending() == 1 }

    /// Call before any libgit2 use; cheap after the first call.
    static func ensureInitialised() {
        _ = initialised
    }
}
