// Deferred network start-up of libgit2: its TLS (mbedTLS) and SSH (libssh2) initialisation.
//
// git_libgit2_init() seeds an mbedTLS random generator (Debian's mbedTLS gathers HAVEGE
// entropy: 8,192 timer reads), builds a TLS configuration and initialises libssh2's OpenSSL
// backend: 2.4 M instructions, a tenth of a `readiness status`, for remotes only `clone`,
// `sync` and the gate's fetch ever reach. The link wraps the two initialisers (the linker's
// `--wrap`, see Package.swift): libgit2's calls reach __wrap_… here, __real_… is libgit2's own.
//
// The rules, and why each one holds:
// 1. Only the start-up window defers: the thread between readiness_network_defer_begin and
//    _end (the one running git_libgit2_init). Outside it an initialiser runs at once, as
//    libgit2 wrote it.
// 2. Whatever needs an initialiser's state runs it first, exactly once (pthread_once), whichever
//    thread comes first; later callers wait for that run and share its result:
//    - TLS: git_mbedtls_stream_new and git_mbedtls_stream_wrap (every TLS connection, from
//      tls.c) and git_mbedtls__set_cert_location (GIT_OPT_SET_SSL_CERT_LOCATIONS, from
//      libgit2.c). These are every use of mbedTLS state outside mbedtls.c itself.
//    - SSH: git_smart_subtransport_ssh (every ssh:// transport, from transport.c). libssh2
//      would also initialise itself when its first session opens.
//    readiness_network_init runs both, for Sources/Git to call before any network operation.
// 3. A failed initialiser fails every later use, closed: the entry point returns -1 without
//    calling libgit2, and the error names what failed.
// 4. Each wrapped symbol is referenced from another object file of libgit2.a than the one
//    defining it (checked with nm), which is what GNU ld's `--wrap` needs to see the call.
//    lld (the linker now) also wraps calls inside the defining object; a wrapped entry point
//    reached from within an initialiser on the same thread goes straight through (rule 2's
//    once would otherwise wait on itself).
#include <git2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "CLibGit2Support.h"

int __real_git_mbedtls_stream_global_init(void);
int __real_git_transport_ssh_global_init(void);
int __real_git_mbedtls_stream_new(void **out, const char *host, const char *port);
int __real_git_mbedtls_stream_wrap(void **out, void *in, const char *host);
int __real_git_mbedtls__set_cert_location(const char *file, const char *path);
int __real_git_smart_subtransport_ssh(void **out, void *owner, void *param);

// Per thread, so it needs no lock.
static __thread int deferring = 0;

/// One deferred initialiser: whether start-up skipped it, whether it ran, and its result.
typedef struct {
    pthread_once_t once;
    atomic_int deferred;
    atomic_int ran;
    int result;
    int (*run)(void);
    const char *failure;
} deferred_init;

static deferred_init tls = { PTHREAD_ONCE_INIT, 0, 0, 0, __real_git_mbedtls_stream_global_init,
                             "libgit2 could not initialise TLS (mbedTLS)" };
static deferred_init ssh = { PTHREAD_ONCE_INIT, 0, 0, 0, __real_git_transport_ssh_global_init,
                             "libgit2 could not initialise SSH (libssh2)" };

// Per thread: how many deferred initialisers this thread is running. lld's `--wrap` also
// redirects calls inside the object that defines the wrapped symbol (GNU ld's does not), so
// mbedTLS's set-up reaches __wrap_git_mbedtls__set_cert_location from within
// git_mbedtls_stream_global_init. Such a nested call must go straight through: waiting on the
// once its own thread is running would never end.
static __thread int initialising = 0;

static void run(deferred_init *init) {
    initialising++;
    init->result = init->run();
    initialising--;
    atomic_store(&init->ran, 1);
}

static void run_tls(void) { run(&tls); }
static void run_ssh(void) { run(&ssh); }

/// Runs a deferred initialiser once (rule 2); 0 or -1 with libgit2's error set (rule 3).
static int ensure(deferred_init *init, void (*runner)(void)) {
    if (initialising) return 0;
    pthread_once(&init->once, runner);
    if (init->result < 0) {
        git_error_set_str(GIT_ERROR_NET, init->failure);
        return -1;
    }
    return 0;
}

/// Start-up's call (rule 1): skipped and noted inside the window, run at once outside it.
static int initialise(deferred_init *init, void (*runner)(void)) {
    if (deferring) {
        atomic_store(&init->deferred, 1);
        return 0;
    }
    return ensure(init, runner);
}

int __wrap_git_mbedtls_stream_global_init(void) { return initialise(&tls, run_tls); }
int __wrap_git_transport_ssh_global_init(void) { return initialise(&ssh, run_ssh); }

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port) {
    if (ensure(&tls, run_tls) < 0) return -1;
    return __real_git_mbedtls_stream_new(out, host, port);
}

int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host) {
    if (ensure(&tls, run_tls) < 0) return -1;
    return __real_git_mbedtls_stream_wrap(out, in, host);
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path) {
    if (ensure(&tls, run_tls) < 0) return -1;
    return __real_git_mbedtls__set_cert_location(file, path);
}

int __wrap_git_smart_subtransport_ssh(void **out, void *owner, void *param) {
    // libssh2 is opened on demand (libssh2_on_demand.c); without it no SSH remote can work.
    if (!readiness_libssh2_available()) {
        char message[400];
        snprintf(message, sizeof message, "ssh:// remotes need libssh2 (Debian: apt-get install libssh2-1): %s",
                 readiness_libssh2_load_error());
        git_error_set_str(GIT_ERROR_SSH, message);
        return -1;
    }
    if (ensure(&ssh, run_ssh) < 0) return -1;
    return __real_git_smart_subtransport_ssh(out, owner, param);
}

void readiness_network_defer_begin(void) {
    deferring = 1;
}

void readiness_network_defer_end(void) {
    deferring = 0;
}

int readiness_network_init(void) {
    if (ensure(&tls, run_tls) < 0) return -1;
    return ensure(&ssh, run_ssh);
}

int readiness_network_pending(void) {
    return (atomic_load(&tls.deferred) && !atomic_load(&tls.ran)) || (atomic_load(&ssh.deferred) && !atomic_load(&ssh.ran));
}
