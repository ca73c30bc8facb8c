/*
 * mmap.c -- one mapping per block: malloc asks the kernel for fresh pages
 * with mmap, free gives them straight back with munmap.
 *
 * What it adds over bins: memory really goes back to the system.  Every
 * heap backend before this one can only shrink the heap from its end, so a
 * single live block near the break pins everything below it.  A mapping
 * stands alone: free returns exactly its pages, whatever else is live.  This
 * is what glibc does for large requests (at least M_MMAP_THRESHOLD, 128 KiB
 * to start with); using it for every request shows why it is kept for large
 * ones.
 *
 * Policy: no fit, no split, no coalescing, no heap (the break never moves).
 * malloc maps round_up(16 + size, page) bytes; free unmaps them.  realloc
 * stays in place when the new size still fits in the block's pages
 * (shrinking always does); otherwise it maps anew, copies, and unmaps the
 * old block.  (Linux's mremap could move pages without copying and unmap a
 * shrunk block's tail; memlib offers neither, as the lecture does not.)
 *
 * Costs: a 16-byte header, and the rest of the last page: a 1-byte malloc
 * holds a whole page (4096 bytes), so utilization is poor for small blocks.
 * malloc and free are O(1) in this file but each is a system call, and the
 * kernel zeroes every new page: slow for small blocks, fine for large ones,
 * where the copy and the zeroing dominate anyway.
 *
 *     allocated:  | length | requested | payload ...          | rest of page |
 *                 ^ page boundary      ^ 16-byte aligned                     ^
 *                 \______________ length bytes, whole pages ________________/
 *     free:       (no free blocks: a freed block is unmapped, its address
 *                  no longer exists)
 *
 * The checker sees only totals: without a list of blocks it cannot visit
 * each one, but it can check that memlib's count of live mappings and bytes
 * matches ours, which catches a leaked or foreign mapping.  There is no
 * walk: the blocks lie wherever the kernel put them, not in a heap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* --- block helpers ------------------------------------------------------ */

/* A block: the start of one mapping. */
struct block {
    size_t length;           /* bytes mapped, whole pages, header included */
    size_t requested;        /* bytes the caller asked for */
    unsigned char payload[]; /* 16-byte aligned: the mapping is page aligned */
};

_Static_assert(offsetof(struct block, payload) == HEAPLAB_ALIGNMENT,
               "the header is one 16-byte unit");

/* The block whose payload is `ptr`. */
static inline struct block *block_of(void *ptr)
{
    return (struct block *)(void *)((unsigned char *)ptr -
                                    offsetof(struct block, payload));
}

/* Bytes of payload the block's pages can hold. */
static inline size_t block_capacity(const struct block *block)
{
    return block->length - offsetof(struct block, payload);
}

/* --- state -------------------------------------------------------------- */

/*
 * Invariants (all verified by mmap_check against memlib's counters):
 *
 *   mmap_state.live_blocks  == mem_stats.live_mappings
 *   mmap_state.mapped_bytes == mem_stats.mapped_bytes
 *                           == sum of block->length over live blocks
 *   mem_stats.heap_bytes    == 0            (the break never moves)
 *   for every live block:  block->length % page == 0 and
 *                          16 + block->requested <= block->length
 *                          (verified in free and realloc, per block)
 */
static struct {
    size_t page;         /* mem_pagesize(), read once in init */
    size_t live_blocks;  /* mappings we hold */
    size_t mapped_bytes; /* their total length */
} mmap_state;

/* Verifies the per-block invariants of a block the caller hands us. */
static inline void block_verify(const struct block *block)
{
    VERIFY_EQ(block->length % mmap_state.page, 0);
    VERIFY(block->requested <= block_capacity(block));
}

/* --- vtable methods ----------------------------------------------------- */

static int mmap_init(void)
{
    mmap_state.page = mem_pagesize();
    mmap_state.live_blocks = 0;
    mmap_state.mapped_bytes = 0;
    return mmap_state.page % HEAPLAB_ALIGNMENT == 0 ? 0 : -1;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size whose mapping length would overflow, gets
 *           NULL at no cost (a whole page for malloc(0) would be waste).
 *   STEP 2  length = 16 + size rounded up to whole pages.
 *   STEP 3  one mem_mmap of length bytes; on failure return NULL.
 *   STEP 4  write the header at the mapping's start; the payload follows.
 */
static void *mmap_malloc(size_t size)
{
    /* STEP 1 */
    size_t header = offsetof(struct block, payload);
    if (size == 0 || size > SIZE_MAX - header - mmap_state.page)
        return NULL;

    /* STEP 2 */
    size_t length = (header + size + mmap_state.page - 1) / mmap_state.page *
                    mmap_state.page;

    /* STEP 3 */
    void *mapping = mem_mmap(length);
    if (mapping == MEM_MAP_FAILED)
        return NULL;

    /* STEP 4 */
    struct block *block = mapping;
    block->length = length;
    block->requested = size;
    mmap_state.live_blocks++;
    mmap_state.mapped_bytes += length;
    return block->payload;
}

static void mmap_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct block *block = block_of(ptr);
    block_verify(block);
    size_t length = block->length;
    VERIFY_EQ(mem_munmap(block, length), 0);
    mmap_state.live_blocks--;
    mmap_state.mapped_bytes -= length;
}

/*
 * realloc: the contract's edge cases first (NULL is malloc, size 0 is
 * free), then in place when the block's pages hold the new size, else
 * malloc + copy + free.  On failure the old block is left as it was.
 */
static void *mmap_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return mmap_malloc(size);
    if (size == 0) {
        mmap_free(ptr);
        return NULL;
    }
    struct block *block = block_of(ptr);
    block_verify(block);
    if (size <= block_capacity(block)) {
        block->requested = size;
        return ptr;
    }
    void *moved = mmap_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, block->requested); /* growing: all the old bytes */
    mmap_free(ptr);
    return moved;
}

/* --- heap checker ------------------------------------------------------- */

static int mmap_check(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    int problems = 0;

    if (stats.live_mappings != mmap_state.live_blocks) {
        fprintf(stderr, "mmap: memlib holds %zu mappings, we hold %zu\n",
                stats.live_mappings, mmap_state.live_blocks);
        problems++;
    }
    if (stats.mapped_bytes != mmap_state.mapped_bytes) {
        fprintf(stderr, "mmap: memlib maps %zu bytes, our blocks %zu\n",
                stats.mapped_bytes, mmap_state.mapped_bytes);
        problems++;
    }
    if (stats.heap_bytes != 0) {
        fprintf(stderr, "mmap: the heap [%p, %p] is not empty\n",
                mem_heap_lo(), mem_heap_hi());
        problems++;
    }
    return problems;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator mmap_allocator = {
    .name = "mmap",
    .summary = "one mmap per malloc, munmap on free",
    .init = mmap_init,
    .malloc = mmap_malloc,
    .free = mmap_free,
    .realloc = mmap_realloc,
    .check = mmap_check,
    .walk = NULL, /* no heap: the mappings lie wherever the kernel put them */
};
