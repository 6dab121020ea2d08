// Kerberos (GSSAPI) loaded on demand, for libgit2's Negotiate authentication over HTTP.
//
// libgit2 1.5 is linked from Debian's static archive (see linkLibGit2 in Package.swift), and
// its SPNEGO code calls eight GSSAPI functions. Linking libgssapi_krb5 for them would load it
// and six more shared libraries (krb5, k5crypto, com_err, krb5support, keyutils, resolv) into
// every process, about 0.4 ms before main, for an authentication scheme almost no ledger server
// asks for. These definitions stand in for them: the first call opens libgssapi_krb5.so.2 and
// forwards every call to the real function, so Negotiate works as before where Kerberos is
// installed. Where it is not, every call fails with GSS_S_FAILURE, which libgit2 treats as
// "Negotiate unavailable" and tries the other schemes, as a build without GSSAPI would.
//
// The definitions are hidden: the executable exports its symbols (the static stdlib links
// with --export-dynamic), and exported ones would also capture the real library's calls
// between its own functions.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>

#include "CLibGit2Support.h"

#define HIDDEN __attribute__((visibility("hidden")))

// RFC 2744's C types; every handle and buffer is passed by pointer, so void * is ABI-exact.
typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc;
typedef gss_OID_desc *gss_OID;
#define GSS_S_FAILURE (13u << 16)

// GSS_C_NT_HOSTBASED_SERVICE, 1.2.840.113554.1.2.1.4 (RFC 2744, 4.1); mechanisms compare name
// types by value, so this copy is as good as the library's own.
static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
HIDDEN gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void *library;

static void load(void) {
    library = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL);
}

/// The real function `name`, or NULL when Kerberos is not installed.
static void *resolve(const char *name) {
    pthread_once(&load_once, load);
    return library ? dlsym(library, name) : NULL;
}

int readiness_gssapi_available(void) {
    static const char *const names[] = {
        "gss_delete_sec_context", "gss_display_status", "gss_import_name", "gss_indicate_mechs",
        "gss_init_sec_context", "gss_release_buffer", "gss_release_name", "gss_release_oid_set",
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!resolve(names[i])) return 0;
    }
    return 1;
}

// One forwarder per function libgit2 calls: look the real one up once, then call it.
#define FORWARD(name, parameters, arguments)                                   \
    HIDDEN OM_uint32 name parameters {                                         \
        typedef OM_uint32(*function) parameters;                               \
        static function real;                                                  \
        if (!real) real = (function)resolve(#name);                            \
        if (!real) {                                                           \
            *minor = 0;                                                        \
            return GSS_S_FAILURE;                                              \
        }                                                                      \
        return real arguments;                                                 \
    }

FORWARD(gss_delete_sec_context, (OM_uint32 *minor, void *context, void *output_token),
        (minor, context, output_token))
FORWARD(gss_display_status,
        (OM_uint32 *minor, OM_uint32 status, int status_type, gss_OID mechanism, OM_uint32 *message_context, void *text),
        (minor, status, status_type, mechanism, message_context, text))
FORWARD(gss_import_name, (OM_uint32 *minor, void *name_buffer, gss_OID name_type, void *name),
        (minor, name_buffer, name_type, name))
FORWARD(gss_indicate_mechs, (OM_uint32 *minor, void *mechanisms), (minor, mechanisms))
FORWARD(gss_init_sec_context,
        (OM_uint32 *minor, void *credential, void *context, void *target, gss_OID mechanism, OM_uint32 flags,
         OM_uint32 time_requested, void *bindings, void *input_token, void *actual_mechanism, void *output_token,
         OM_uint32 *returned_flags, OM_uint32 *time_received),
        (minor, credential, context, target, mechanism, flags, time_requested, bindings, input_token,
         actual_mechanism, output_token, returned_flags, time_received))
FORWARD(gss_release_buffer, (OM_uint32 *minor, void *buffer), (minor, buffer))
FORWARD(gss_release_name, (OM_uint32 *minor, void *name), (minor, name))
FORWARD(gss_release_oid_set, (OM_uint32 *minor, void *set), (minor, set))
