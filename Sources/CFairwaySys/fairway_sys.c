#define _GNU_SOURCE
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "fairway_sys.h"

int fairway_syncfs(int fd) {
#if defined(__linux__)
    return syncfs(fd);
#else
    (void)fd;
    sync();
    return 0;
#endif
}

void fairway_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void fairway_limit_malloc_arenas(int count) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, count);
#else
    (void)count;
#endif
}
