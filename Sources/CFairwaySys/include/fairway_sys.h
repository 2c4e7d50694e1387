#ifndef FAIRWAY_SYS_H
#define FAIRWAY_SYS_H

/// Flushes every dirty page of the file system that holds `fd` (Linux syncfs(2)); on other systems
/// falls back to sync(2). Returns 0 on success, -1 with errno set on failure.
int fairway_syncfs(int fd);

/// Returns freed heap memory to the system (glibc malloc_trim(3)), so a long-running process's
/// resident size is what it holds rather than its peak; does nothing elsewhere.
void fairway_release_free_memory(void);

/// Caps the number of glibc malloc arenas (mallopt(3) M_ARENA_MAX); by default glibc makes up to
/// eight per core, one per thread that allocates. Does nothing elsewhere.
void fairway_limit_malloc_arenas(int count);

#endif
