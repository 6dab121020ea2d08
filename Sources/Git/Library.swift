internal import CLibGit2
internal import CLibGit2Support

/// Initialises libgit2 exactly once per process, before the first handle is opened, and
/// loads TLS certificates only when a network operation needs them.
public enum Library {
    private static let initialised: Bool = {
        // libgit2 would parse the system CA bundle here (~10 ms), and set up TLS and SSH (2.4 M
        // instructions); both wait until a network operation needs them (`prepareNetwork`).
        readiness_network_defer_begin()
        withCertificatesDeferred { _ = git_libgit2_init() }
        readiness_network_defer_end()
        // libgit2's object cache (up to 256 MiB of parsed commits and trees) evicts by scanning
        // its hash table from the start on every insertion once full: a cold index build of 100k
        // events spent a quarter of its time there with a 32 MiB limit, and held 0.7 GB resident
        // with the default. Walks of history want each tree once or twice in a row, and long-lived
        // readers keep their `Tree`s open (`SnapshotTree`), so it is off: 100k events 11.9 s →
        // 10.6 s CPU, 725 → 302 MB. The status is checked: only an unknown option fails, and
        // libgit2's default then stays.
        let uncached = readiness_git_enable_caching(0)
        assert(uncached == 0, "libgit2 refused GIT_OPT_ENABLE_CACHING")
        return true
    }()

    /// Runs `body` with libgit2's strict hash verification off (GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION:
    /// every object read is hashed again with SHA-1DC and compared with its id), and turns it
    /// back on before returning or throwing. git itself hashes objects on read only in `fsck`.
    /// For derived caches only (the event index), never for verification: the option is
    /// process-wide, and this tool reads repositories on one thread, so nothing else reads
    /// objects meanwhile.
    public static func withoutObjectHashChecks<T>(_ body: () throws -> T) throws -> T {
        ensureInitialised()
        try check(readiness_git_enable_strict_hash_verification(0), "cannot turn off libgit2's object hash verification")
        defer {
            // Only an unknown option fails, and it was just accepted; never leave it off silently.
            precondition(readiness_git_enable_strict_hash_verification(1) == 0, "libgit2 refused to turn hash verification back on")
        }
        return try body()
    }

    /// Runs `body` with this thread's certificate loads deferred (see
    /// Sources/CLibGit2Support/certificate_deferral.c): what libgit2 asks mbedTLS to parse
    /// meanwhile is recorded and parsed by the next `prepareNetwork`.
    static func withCertificatesDeferred<T>(_ body: () throws -> T) rethrows -> T {
        readiness_certificates_defer_begin()
        defer { readiness_certificates_defer_end() }
        return try body()
    }

    /// Prepares libgit2 for a network operation: runs the TLS and SSH set-up start-up skipped
    /// (Sources/CLibGit2Support/network_deferral.c), then loads the CA bundle it deferred.
    /// Every libgit2 network operation must call this first, or TLS certificate checks would
    /// see an empty trust store.
    public static func prepareNetwork() throws {
        ensureInitialised()
        try check(readiness_network_init(), "cannot prepare libgit2 for the network")
        let result = readiness_certificates_load()
        if result < 0 {
            throw GitError(code: result, errorClass: 0, message: "cannot load the system CA certificates (mbedTLS error \(result))")
        }
    }

    /// Trusts the CA certificates in `file` (PEM, may hold many) and/or every certificate file
    /// in `directory` for HTTPS, instead of the system bundle (libgit2's
    /// `GIT_OPT_SET_SSL_CERT_LOCATIONS`). Process-wide.
    public static func setCertificateLocations(file: String?, directory: String?) throws {
        ensureInitialised()
        try check(readiness_git_set_certificate_locations(file, directory),
                  "cannot load CA certificates from \(file ?? directory ?? "nothing")")
    }

    /// True while start-up's TLS or SSH set-up has not run yet.
    public static var networkPending: Bool { readiness_network_pending() == 1 }

    /// True while a deferred CA bundle has not been loaded yet.
    public static var certificatesPending: Bool { readiness_certificates_pending() == 1 }

    /// How many deferred certificate loads this process has replayed; for tests.
    static var certificateLoadsReplayed: Int { Int(readiness_certificates_replayed()) }

    /// True when Kerberos's GSSAPI library, which libgit2's Negotiate authentication opens on
    /// first use, was found with every function libgit2 calls; loads it. For tests.
    static var gssapiAvailable: Bool { readiness_gssapi_available() == 1 }

    /// Call before any libgit2 use; cheap after the first call.
    static func ensureInitialised() {
        _ = initialised
    }
}
