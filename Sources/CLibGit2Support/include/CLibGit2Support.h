#ifndef READINESS_CLIBGIT2_SUPPORT_H
#define READINESS_CLIBGIT2_SUPPORT_H

/// Opens the window during which libgit2's initialisation may defer loading the system CA
/// bundle (see certificate_deferral.c). Call immediately before git_libgit2_init().
void readiness_certificates_defer_begin(void);

/// Closes the window. Call immediately after git_libgit2_init().
void readiness_certificates_defer_end(void);

/// Loads the CA bundle libgit2 asked for during initialisation, if it was deferred and is
/// still in use. Must run before any libgit2 network operation over TLS.
/// Returns mbedTLS's result (0 or a positive count of skipped certificates) or a negative error.
int readiness_certificates_load(void);

/// 1 when a load was deferred and has not happened yet; for tests and diagnostics.
int readiness_certificates_pending(void);

#endif
