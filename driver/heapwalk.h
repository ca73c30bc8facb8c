/*
 * heapwalk.h -- the heap's blocks at one moment, in address order: from
 * the backend's walk() when it has one, else the driver's own view (the
 * live blocks it knows, by address).  Each block is paired with the live
 * trace block whose payload lies in it.
 */
#ifndef HEAPLAB_HEAPWALK_H
#define HEAPLAB_HEAPWALK_H

#include <stddef.h>

#include "blocks.h"
#include "heaplab/allocator.h"
#include "page_array.h"

struct walked_block {
    const char *start;                /* block start (header) */
    size_t size;                      /* whole block, in bytes */
    int used;
    const struct block_record *owner; /* live trace block in it, or NULL */
};

struct heap_walk {
    struct page_array blocks; /* of struct walked_block */
    int from_walk;            /* 1: the backend's walk(); 0: driver view */
};

/* Takes the heap's blocks now.  0 on success, -1 when out of memory. */
int heap_walk_take(struct heap_walk *walk, const struct allocator *a,
                   const struct blocks *live);

void heap_walk_free(struct heap_walk *walk);

static inline struct walked_block *heap_walk_at(const struct heap_walk *walk,
                                                size_t i)
{
    return (struct walked_block *)walk->blocks.items + i;
}

/* Index of the block holding addr, or walk->blocks.count. */
size_t heap_walk_find(const struct heap_walk *walk, const void *addr);

#endif /* HEAPLAB_HEAPWALK_H */
