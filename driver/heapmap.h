/*
 * heapmap.h -- printing the heap for a person: the blocks around a fault
 * with the faulting address marked, the free blocks grouped by size, and
 * what one op changed (a block split, blocks coalesced, blocks that came
 * and went).  Readable at 100 columns.
 */
#ifndef HEAPLAB_HEAPMAP_H
#define HEAPLAB_HEAPMAP_H

#include <stddef.h>

#include "heapwalk.h"

struct heapmap_mark {
    const void *addr; /* the address to point at */
    const char *note; /* what is wrong there, after "<-- " */
};

/*
 * Prints the blocks of walk to fd, in address order: with a mark and
 * context > 0, `context` blocks either side of the marked one; otherwise
 * all of them, but at most max_blocks (0: no limit), eliding the middle.
 */
void heapmap_print(int fd, const struct heap_walk *walk,
                   const struct heapmap_mark *mark, size_t context,
                   size_t max_blocks);

/* The free blocks, counted by size. */
void heapmap_print_free_sizes(int fd, const struct heap_walk *walk);

/* What changed from `before` to `after`. */
void heapmap_print_diff(int fd, const struct heap_walk *before,
                        const struct heap_walk *after);

#endif /* HEAPLAB_HEAPMAP_H */
