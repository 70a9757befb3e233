#ifndef GM_CMALLOC_SHIM_H
#define GM_CMALLOC_SHIM_H
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>

/* Caps glibc's malloc arenas (M_ARENA_MAX is a macro Swift does not import). Returns 1 on success. */
static inline int gm_limit_malloc_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}
#else
static inline int gm_limit_malloc_arenas(int arenas) { (void)arenas; return 0; }
#endif
#endif
