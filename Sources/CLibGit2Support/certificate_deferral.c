// Deferred loading of the system CA bundle by libgit2.
//
// Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init() parses the whole system
// CA bundle (/etc/ssl/certs/ca-certificates.crt) up front: about 10 ms, more than half of
// every `readiness` process, for certificates that only an HTTPS remote ever needs. The
// executable exports these two mbedTLS entry points (see Package.swift), so libgit2's calls
// reach them first. Only while readiness_certificates_defer_begin/end bracket
// git_libgit2_init() do they record the request instead of parsing; at any other time, and
// once readiness_certificates_load() has run, they forward to mbedTLS unchanged. A later
// call forgets the recorded request, because libgit2 then replaces (and frees) the chain.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "CLibGit2Support.h"

typedef int (*parse_function)(void *chain, const char *path);

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int deferring = 0;
static void *pending_chain = NULL;
static char *pending_path = NULL;
static const char *pending_function = NULL;

static int forward(const char *name, void *chain, const char *path) {
    parse_function real = (parse_function)dlsym(RTLD_NEXT, name);
    if (real == NULL) return -1;
    return real(chain, path);
}

static int intercept(const char *name, void *chain, const char *path) {
    pthread_mutex_lock(&state_lock);
    if (deferring && path != NULL) {
        free(pending_path);
        pending_path = strdup(path);
        pending_chain = chain;
        pending_function = name;
        pthread_mutex_unlock(&state_lock);
        return pending_path == NULL ? forward(name, chain, path) : 0;
    }
    free(pending_path);
    pending_path = NULL;
    pending_chain = NULL;
    pthread_mutex_unlock(&state_lock);
    return forward(name, chain, path);
}

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    return intercept("mbedtls_x509_crt_parse_file", chain, path);
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path) {
    return intercept("mbedtls_x509_crt_parse_path", chain, path);
}

void readiness_certificates_defer_begin(void) {
    pthread_mutex_lock(&state_lock);
    deferring = 1;
    pthread_mutex_unlock(&state_lock);
}

void readiness_certificates_defer_end(void) {
    pthread_mutex_lock(&state_lock);
    deferring = 0;
    pthread_mutex_unlock(&state_lock);
}

int readiness_certificates_load(void) {
    pthread_mutex_lock(&state_lock);
    int result = 0;
    if (pending_path != NULL) {
        result = forward(pending_function, pending_chain, pending_path);
        free(pending_path);
        pending_path = NULL;
        pending_chain = NULL;
    }
    pthread_mutex_unlock(&state_lock);
    return result;
}

int readiness_certificates_pending(void) {
    pthread_mutex_lock(&state_lock);
    int pending = pending_path != NULL;
    pthread_mutex_unlock(&state_lock);
    return pending;
}
