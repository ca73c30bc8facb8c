/*
 * pages.h -- the driver's memory during a replay, straight from mmap.
 *
 * While a backend runs, the driver takes nothing from the C library's
 * malloc: the libc backend's footprint is measured from malloc's own
 * statistics, and the driver's bookkeeping must not count in it.
 */
#ifndef HEAPLAB_PAGES_H
#define HEAPLAB_PAGES_H

#include <stddef.h>
#include <sys/mman.h>

/* size zeroed bytes (at least one page), or NULL. */
static inline void *pages_alloc(size_t size)
{
    void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static inline void pages_free(void *p, size_t size)
{
    if (p != NULL)
        munmap(p, size ? size : 1);
}

#endif /* HEAPLAB_PAGES_H */
