#ifndef FAIRWAY_CLIBGIT2_SHIM_H
#define FAIRWAY_CLIBGIT2_SHIM_H
#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option Fairway uses. */

/* Trust the CA certificates in `file` (PEM) for HTTPS, in addition to none other. */
static inline int fairway_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}

/* The user agent sent to Git servers. */
static inline int fairway_git_set_user_agent(const char *agent) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, agent);
}

/* Objects larger than this are refused while indexing a fetched pack (0: no limit). */
static inline int fairway_git_set_pack_max_object_size(size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_PACK_MAX_OBJECT_SIZE, size);
}

#endif
