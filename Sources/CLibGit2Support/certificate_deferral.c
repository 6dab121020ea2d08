// Deferred loading of the system CA bundle by libgit2.
//
// Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init() parses the whole system
// CA bundle (/etc/ssl/certs/ca-certificates.crt) up front: about 10 ms, more than half of
// every `readiness` process, for certificates that only an HTTPS remote ever needs. On Linux
// mbedTLS is linked statically and the link wraps its two entry points (the linker's `--wrap`, see
// Package.swift): libgit2's calls reach __wrap_… here, and __real_… is mbedTLS itself.
//
// The rules, and why each one holds:
// 1. Deferral is per thread. Only the thread between readiness_certificates_defer_begin and
//    _end (the one running git_libgit2_init) has its calls recorded, so no other user of
//    mbedTLS in the process is ever affected.
// 2. Every recorded call is kept, in order (a queue, not a slot): libgit2 may ask for a file
//    and a directory on the same chain, and both must land.
// 3. No lock is held while mbedTLS runs. state_lock guards only the queue and the `loading`
//    flag; its critical sections call nothing that can re-enter this file, so they always end.
//    mbedTLS's parse_path reaches parse_file through the wrapper (through the PLT when mbedTLS
//    was a shared library; lld's `--wrap` redirects the call inside x509_crt.c too), and that call re-enters intercept(): the thread-local
//    `forwarding` depth sends such nested calls straight through without touching any state. (The first version held state_lock across the forward, and that nested call
//    then waited on a lock its own thread held: a deadlock.)
// 4. One replay at a time, and nobody proceeds on a half-filled chain: a thread that finds a
//    replay under way waits on a condition variable (which holds no lock while waiting) until
//    it ends. The replaying thread never waits on itself, because its nested calls take the
//    pass-through of rule 3.
// 5. A recorded chain is used only while libgit2 keeps it. libgit2 1.5 allocates a new chain
//    for every git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS) and frees the old one only after
//    the new one parsed, so an ordinary (non-deferred) call first replays the queue into the
//    chains that are still live, then forwards: the result is as if nothing had been deferred.
//    Later libgit2 versions reuse one static chain, freeing and re-initialising it before
//    parsing; a recorded call for the very chain an ordinary call now fills is therefore
//    dropped, because libgit2 has replaced that request. The only other place libgit2 frees
//    the chain is git_libgit2_shutdown, which Sources/Git never calls.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "CLibGit2Support.h"

typedef int (*parse_function)(void *chain, const char *path);

/// Which mbedTLS function a call was for.
typedef enum { parse_file = 0, parse_path = 1 } parse_kind;

// mbedTLS's own functions, as the link's `--wrap` names them.
int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __real_mbedtls_x509_crt_parse_path(void *chain, const char *path);

/// One recorded call, in a singly linked queue (oldest first).
typedef struct deferred_call {
    parse_kind kind;
    void *chain;
    char *path;
    struct deferred_call *next;
} deferred_call;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t replay_ended = PTHREAD_COND_INITIALIZER;
// Guarded by state_lock.
static deferred_call *queue_head = NULL;
static deferred_call **queue_tail = &queue_head;
static int loading = 0;
static unsigned long replayed_calls = 0;

// Per thread, so they need no lock.
static __thread int deferring = 0;
static __thread int forwarding = 0;

static int forward(parse_kind kind, void *chain, const char *path) {
    parse_function real = kind == parse_file ? __real_mbedtls_x509_crt_parse_file : __real_mbedtls_x509_crt_parse_path;
    forwarding += 1;
    int result = real(chain, path);
    forwarding -= 1;
    return result;
}

/// Folds one mbedTLS result into a running one: the first error wins, otherwise the counts of
/// skipped certificates add up (parse_path returns how many files it could not parse).
static int combine(int so_far, int result) {
    if (so_far < 0) return so_far;
    if (result < 0) return result;
    return so_far + result;
}

/// Waits until no replay is under way. Call with state_lock held; returns with it held.
static void wait_for_replay(void) {
    while (loading) pthread_cond_wait(&replay_ended, &state_lock);
}

/// Replays every recorded call, in order, without holding the lock while mbedTLS runs.
static int replay(void) {
    pthread_mutex_lock(&state_lock);
    wait_for_replay();
    deferred_call *batch = queue_head;
    queue_head = NULL;
    queue_tail = &queue_head;
    loading = batch != NULL;
    pthread_mutex_unlock(&state_lock);
    if (batch == NULL) return 0;

    int result = 0;
    unsigned long count = 0;
    while (batch != NULL) {
        deferred_call *call = batch;
        batch = call->next;
        result = combine(result, forward(call->kind, call->chain, call->path));
        count += 1;
        free(call->path);
        free(call);
    }

    pthread_mutex_lock(&state_lock);
    loading = 0;
    replayed_calls += count;
    pthread_cond_broadcast(&replay_ended);
    pthread_mutex_unlock(&state_lock);
    return result;
}

/// Drops recorded calls for `chain`: libgit2 is filling that chain anew (rule 5).
static void drop_calls_for(void *chain) {
    pthread_mutex_lock(&state_lock);
    wait_for_replay();
    deferred_call **link = &queue_head;
    while (*link != NULL) {
        deferred_call *call = *link;
        if (call->chain == chain) {
            *link = call->next;
            free(call->path);
            free(call);
        } else {
            link = &call->next;
        }
    }
    queue_tail = link;
    pthread_mutex_unlock(&state_lock);
}

static int intercept(parse_kind kind, void *chain, const char *path) {
    // mbedTLS calling itself (parse_path → parse_file) during a forward: not libgit2's request.
    if (forwarding) return forward(kind, chain, path);
    if (deferring && path != NULL) {
        deferred_call *call = malloc(sizeof *call);
        char *copy = strdup(path);
        if (call == NULL || copy == NULL) {
            // Cannot record it: do the work now rather than lose it.
            free(call);
            free(copy);
            return forward(kind, chain, path);
        }
        *call = (deferred_call){ .kind = kind, .chain = chain, .path = copy, .next = NULL };
        pthread_mutex_lock(&state_lock);
        *queue_tail = call;
        queue_tail = &call->next;
        pthread_mutex_unlock(&state_lock);
        // libgit2 treats 0 as "parsed, nothing skipped" and installs the (still empty) chain.
        return 0;
    }
    drop_calls_for(chain);
    // Errors of the replay belong to the deferred requests, not to this call; a failed replay
    // leaves fewer trusted certificates, so TLS fails closed.
    (void)replay();
    return forward(kind, chain, path);
}

int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    return intercept(parse_file, chain, path);
}

int __wrap_mbedtls_x509_crt_parse_path(void *chain, const char *path) {
    return intercept(parse_path, chain, path);
}

void readiness_certificates_defer_begin(void) {
    deferring = 1;
}

void readiness_certificates_defer_end(void) {
    deferring = 0;
}

int readiness_certificates_load(void) {
    return replay();
}

int readiness_certificates_pending(void) {
    pthread_mutex_lock(&state_lock);
    int pending = queue_head != NULL || loading;
    pthread_mutex_unlock(&state_lock);
    return pending;
}

unsigned long readiness_certificates_replayed(void) {
    pthread_mutex_lock(&state_lock);
    unsigned long count = replayed_calls;
    pthread_mutex_unlock(&state_lock);
    return count;
}
