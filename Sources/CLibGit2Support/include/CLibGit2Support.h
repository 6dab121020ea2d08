#ifndef READINESS_CLIBGIT2_SUPPORT_H
#define READINESS_CLIBGIT2_SUPPORT_H

/// Opens, for the calling thread only, the window during which libgit2's initialisation may
/// defer loading the system CA bundle (see certificate_deferral.c). Call immediately before
/// git_libgit2_init().
void readiness_certificates_defer_begin(void);

/// Closes the calling thread's window. Call immediately after git_libgit2_init().
void readiness_certificates_defer_end(void);

/// Replays, in order, every certificate load libgit2 asked for while a window was open and
/// that is still in use; waits for a replay another thread has under way. Must run before any
/// libgit2 network operation over TLS. Safe to call from any thread, any number of times.
/// Returns mbedTLS's result (0 or a positive count of skipped certificates) or a negative
/// error of the first call that failed.
int readiness_certificates_load(void);

/// 1 when a load was deferred and has not completed yet; for tests and diagnostics.
int readiness_certificates_pending(void);

/// How many deferred calls have been replayed in this process; for tests and diagnostics.
unsigned long readiness_certificates_replayed(void);

/// Opens, for the calling thread only, the window during which libgit2's initialisation skips
/// its TLS and SSH set-up until first needed (see network_deferral.c). Call immediately before
/// git_libgit2_init().
void readiness_network_defer_begin(void);

/// Closes the calling thread's window. Call immediately after git_libgit2_init().
void readiness_network_defer_end(void);

/// Runs libgit2's TLS and SSH initialisation if start-up skipped it and nothing has run it
/// since; waits for a run another thread has under way. Safe from any thread, any number of
/// times. Returns 0, or -1 with libgit2's error set when either initialisation failed.
int readiness_network_init(void);

/// 1 while start-up skipped an initialisation that has not run yet; for tests and diagnostics.
int readiness_network_pending(void);

/// git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path), which Swift cannot call
/// because it is variadic. Either argument may be NULL. Returns libgit2's status.
int readiness_git_set_certificate_locations(const char *file, const char *path);

/// git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled): whether libgit2 keeps parsed objects
/// for reuse, process-wide. Returns libgit2's status.
int readiness_git_enable_caching(int enabled);

/// git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled): whether every object
/// read is hashed again and compared with its id, process-wide. Returns libgit2's status.
int readiness_git_enable_strict_hash_verification(int enabled);

/// Opens Kerberos's GSSAPI library if it is not open yet (see gssapi_on_demand.c) and returns
/// 1 when it and all eight functions libgit2 calls were found, else 0; for tests.
int readiness_gssapi_available(void);

/// Opens libssh2.so.1 if it is not open yet (see libssh2_on_demand.c) and returns 1 when it
/// could be opened, else 0. Every ssh:// transport asks first.
int readiness_libssh2_available(void);

/// Why libssh2.so.1 could not be opened (the loader's message), or NULL when it is open.
const char *readiness_libssh2_load_error(void);

#endif
