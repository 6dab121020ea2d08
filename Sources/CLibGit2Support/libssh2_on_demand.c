// libssh2 loaded on demand, for libgit2's ssh:// transport.
//
// libgit2 1.5 reaches SSH remotes through libssh2, whose Debian build uses OpenSSL's libcrypto.
// Linked statically, the two brought 340 KB of pointer tables (OpenSSL's method and ASN.1
// templates) that the loader relocated, page by page, before main of every command: a third of
// the start-up's relocation work and 80 page faults, for a transport most commands never open.
// These definitions stand in for the 37 functions libgit2 calls: the first call opens
// libssh2.so.1 (which brings libcrypto.so.3) and every call goes to the real function.
//
// Where libssh2.so.1 cannot be opened, libssh2_init reports success without doing anything, so
// HTTPS and local remotes work as before, and network_deferral.c refuses every ssh:// transport
// with an error naming the library (readiness_libssh2_available); no other function here can
// then be reached.
//
// The definitions are hidden: a debug build exports its symbols, and exported ones would also
// capture the real library's calls between its own functions.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)
#include <libssh2.h>
#pragma GCC visibility pop

#include "CLibGit2Support.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void *library;
static char load_error[256];

static void load(void) {
    library = dlopen("libssh2.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "%s", reason ? reason : "libssh2.so.1 cannot be opened");
    }
}

int readiness_libssh2_available(void) {
    pthread_once(&load_once, load);
    return library != NULL;
}

const char *readiness_libssh2_load_error(void) {
    pthread_once(&load_once, load);
    return library ? NULL : load_error;
}

/// The real function `name`. Only reached once readiness_libssh2_available() said yes (the
/// transport is refused otherwise), so a missing symbol means a libssh2 older than libgit2's.
static void *resolve(const char *name) {
    pthread_once(&load_once, load);
    void *function = library ? dlsym(library, name) : NULL;
    if (!function) {
        fprintf(stderr, "readiness: libssh2.so.1 has no %s\n", name);
        abort();
    }
    return function;
}

// One forwarder per function libgit2 calls: look the real one up once, then call it.
#define FORWARD(result, name, parameters, arguments)                           \
    result name parameters {                                                   \
        typedef result(*function) parameters;                                  \
        static function real;                                                  \
        if (!real) real = (function)resolve(#name);                            \
        return real arguments;                                                 \
    }

int libssh2_init(int flags) {
    if (!readiness_libssh2_available()) return 0;
    static int (*real)(int);
    if (!real) real = (int (*)(int))resolve("libssh2_init");
    return real(flags);
}

void libssh2_exit(void) {
    // Registered by libgit2's SSH set-up for its shutdown; nothing to undo if nothing loaded.
    if (!readiness_libssh2_available()) return;
    static void (*real)(void);
    if (!real) real = (void (*)(void))resolve("libssh2_exit");
    real();
}

FORWARD(int, libssh2_agent_connect, (LIBSSH2_AGENT *agent), (agent))
FORWARD(int, libssh2_agent_disconnect, (LIBSSH2_AGENT *agent), (agent))
FORWARD(void, libssh2_agent_free, (LIBSSH2_AGENT *agent), (agent))
FORWARD(int, libssh2_agent_get_identity,
        (LIBSSH2_AGENT *agent, struct libssh2_agent_publickey **store, struct libssh2_agent_publickey *prev),
        (agent, store, prev))
FORWARD(LIBSSH2_AGENT *, libssh2_agent_init, (LIBSSH2_SESSION *session), (session))
FORWARD(int, libssh2_agent_list_identities, (LIBSSH2_AGENT *agent), (agent))
FORWARD(int, libssh2_agent_userauth,
        (LIBSSH2_AGENT *agent, const char *username, struct libssh2_agent_publickey *identity),
        (agent, username, identity))
FORWARD(int, libssh2_channel_close, (LIBSSH2_CHANNEL *channel), (channel))
FORWARD(int, libssh2_channel_free, (LIBSSH2_CHANNEL *channel), (channel))
FORWARD(LIBSSH2_CHANNEL *, libssh2_channel_open_ex,
        (LIBSSH2_SESSION *session, const char *channel_type, unsigned int channel_type_len, unsigned int window_size,
         unsigned int packet_size, const char *message, unsigned int message_len),
        (session, channel_type, channel_type_len, window_size, packet_size, message, message_len))
FORWARD(int, libssh2_channel_process_startup,
        (LIBSSH2_CHANNEL *channel, const char *request, unsigned int request_len, const char *message,
         unsigned int message_len),
        (channel, request, request_len, message, message_len))
FORWARD(ssize_t, libssh2_channel_read_ex, (LIBSSH2_CHANNEL *channel, int stream_id, char *buf, size_t buflen),
        (channel, stream_id, buf, buflen))
FORWARD(void, libssh2_channel_set_blocking, (LIBSSH2_CHANNEL *channel, int blocking), (channel, blocking))
FORWARD(ssize_t, libssh2_channel_write_ex, (LIBSSH2_CHANNEL *channel, int stream_id, const char *buf, size_t buflen),
        (channel, stream_id, buf, buflen))
FORWARD(const char *, libssh2_hostkey_hash, (LIBSSH2_SESSION *session, int hash_type), (session, hash_type))
FORWARD(int, libssh2_knownhost_checkp,
        (LIBSSH2_KNOWNHOSTS *hosts, const char *host, int port, const char *key, size_t keylen, int typemask,
         struct libssh2_knownhost **knownhost),
        (hosts, host, port, key, keylen, typemask, knownhost))
FORWARD(void, libssh2_knownhost_free, (LIBSSH2_KNOWNHOSTS *hosts), (hosts))
FORWARD(LIBSSH2_KNOWNHOSTS *, libssh2_knownhost_init, (LIBSSH2_SESSION *session), (session))
FORWARD(int, libssh2_knownhost_readfile, (LIBSSH2_KNOWNHOSTS *hosts, const char *filename, int type),
        (hosts, filename, type))
FORWARD(void **, libssh2_session_abstract, (LIBSSH2_SESSION *session), (session))
FORWARD(int, libssh2_session_disconnect_ex, (LIBSSH2_SESSION *session, int reason, const char *description, const char *lang),
        (session, reason, description, lang))
FORWARD(int, libssh2_session_free, (LIBSSH2_SESSION *session), (session))
FORWARD(int, libssh2_session_handshake, (LIBSSH2_SESSION *session, libssh2_socket_t sock), (session, sock))
FORWARD(const char *, libssh2_session_hostkey, (LIBSSH2_SESSION *session, size_t *len, int *type), (session, len, type))
FORWARD(LIBSSH2_SESSION *, libssh2_session_init_ex,
        (LIBSSH2_ALLOC_FUNC((*my_alloc)), LIBSSH2_FREE_FUNC((*my_free)), LIBSSH2_REALLOC_FUNC((*my_realloc)), void *abstract),
        (my_alloc, my_free, my_realloc, abstract))
FORWARD(int, libssh2_session_last_error, (LIBSSH2_SESSION *session, char **errmsg, int *errmsg_len, int want_buf),
        (session, errmsg, errmsg_len, want_buf))
FORWARD(int, libssh2_session_method_pref, (LIBSSH2_SESSION *session, int method_type, const char *prefs),
        (session, method_type, prefs))
FORWARD(void, libssh2_session_set_blocking, (LIBSSH2_SESSION *session, int blocking), (session, blocking))
FORWARD(int, libssh2_userauth_authenticated, (LIBSSH2_SESSION *session), (session))
FORWARD(int, libssh2_userauth_keyboard_interactive_ex,
        (LIBSSH2_SESSION *session, const char *username, unsigned int username_len,
         LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC((*response_callback))),
        (session, username, username_len, response_callback))
FORWARD(char *, libssh2_userauth_list, (LIBSSH2_SESSION *session, const char *username, unsigned int username_len),
        (session, username, username_len))
FORWARD(int, libssh2_userauth_password_ex,
        (LIBSSH2_SESSION *session, const char *username, unsigned int username_len, const char *password,
         unsigned int password_len, LIBSSH2_PASSWD_CHANGEREQ_FUNC((*passwd_change_cb))),
        (session, username, username_len, password, password_len, passwd_change_cb))
FORWARD(int, libssh2_userauth_publickey,
        (LIBSSH2_SESSION *session, const char *username, const unsigned char *pubkeydata, size_t pubkeydata_len,
         LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC((*sign_callback)), void **abstract),
        (session, username, pubkeydata, pubkeydata_len, sign_callback, abstract))
FORWARD(int, libssh2_userauth_publickey_fromfile_ex,
        (LIBSSH2_SESSION *session, const char *username, unsigned int username_len, const char *publickey,
         const char *privatekey, const char *passphrase),
        (session, username, username_len, publickey, privatekey, passphrase))
FORWARD(int, libssh2_userauth_publickey_frommemory,
        (LIBSSH2_SESSION *session, const char *username, size_t username_len, const char *publickeyfiledata,
         size_t publickeyfiledata_len, const char *privatekeyfiledata, size_t privatekeyfiledata_len,
         const char *passphrase),
        (session, username, username_len, publickeyfiledata, publickeyfiledata_len, privatekeyfiledata,
         privatekeyfiledata_len, passphrase))
