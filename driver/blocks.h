/*
 * blocks.h -- what the driver knows of the heap: for every trace id its
 * block (payload address, requested size, the line that made it), and the
 * live blocks in a red-black tree by address, so "does this new block
 * overlap a live one, and which" is O(log n).
 *
 * Its memory comes from pages.h, not from the C library's malloc, so the
 * libc backend's footprint stays the backend's own.
 */
#ifndef HEAPLAB_BLOCKS_H
#define HEAPLAB_BLOCKS_H

#include <bsd/sys/tree.h>
#include <stddef.h>
#include <stdint.h>

struct block_record {
    RB_ENTRY(block_record) link;
    char *payload;     /* NULL when the id has never been live */
    uint64_t size;     /* requested bytes */
    uint32_t line;     /* trace line of the malloc/realloc that made it */
    uint32_t freed_line; /* trace line that freed it, 0 while live */
    int32_t id;
    uint8_t live;
};

RB_HEAD(block_tree, block_record);

struct blocks {
    struct block_record *records; /* one per id */
    size_t count;
    struct block_tree live;
    uint64_t live_bytes; /* sum of the sizes of live blocks */
    size_t live_count;
};

/* 0 on success, -1 when out of memory. */
int blocks_init(struct blocks *blocks, size_t num_ids);
void blocks_free(struct blocks *blocks);

/* Forgets every block (for the next replay on a fresh heap). */
void blocks_clear(struct blocks *blocks);

/*
 * The live block that overlaps [payload, payload + size) (size 0 counts as
 * 1), or NULL.  Does not change anything.
 */
struct block_record *blocks_overlap(struct blocks *blocks, const char *payload,
                                    uint64_t size);

/* Marks id live at payload; the caller has checked there is no overlap. */
void blocks_add(struct blocks *blocks, int32_t id, char *payload,
                uint64_t size, uint32_t line);

/* Marks id freed at line. */
void blocks_remove(struct blocks *blocks, int32_t id, uint32_t line);

/* The live block whose payload holds addr, or NULL.  Reads only. */
const struct block_record *blocks_holding(const struct blocks *blocks,
                                          const void *addr);

/* The live blocks in address order: the first (or NULL), and the one
 * after r (or NULL).  Blocks with a NULL payload (malloc(0)) are left out. */
const struct block_record *blocks_first_live(const struct blocks *blocks);
const struct block_record *blocks_next_live(const struct blocks *blocks,
                                            const struct block_record *r);

/* A freed block whose old payload held addr (the latest freed), or NULL.
 * O(number of ids); for crash reports only. */
const struct block_record *blocks_freed_holding(const struct blocks *blocks,
                                                const void *addr);

#endif /* HEAPLAB_BLOCKS_H */
