/*
 * pool.c -- memory pools: fixed-size blocks in pools of size classes
 * ("simple segregated storage", CS:APP 9.9.14; the design behind Boost.Pool
 * and Kenwright's "Fast Efficient Fixed-Size Memory Pool", 2012).
 *
 * Where it stands.  Not a step of the lecture but the opposite end from
 * list: no search, no splitting, no coalescing, no header.  A pool is a
 * set of blocks of one size; its free blocks are threaded on a singly
 * linked list through their own first word, so malloc pops the list's head
 * and free pushes onto it: O(1), whatever the heap holds.  One pool per
 * size class, requests routed to the smallest class that holds them; large
 * requests get a mapping of their own, as in the mmap backend.  This is
 * the textbook's simple segregated storage, with slabs and a used bit per
 * block.  segdata.c is the appendix's "segregated data", the same idea
 * engineered for speed (no used bits, a heap that grows many pages at a
 * time, large blocks as runs of pages); segmeta.c moves the page's header
 * out into a table.
 *
 * Layout.  The heap is a row of slabs of SLAB bytes (one page), each
 * SLAB-aligned (the heap starts on a page), so free finds a block's slab by
 * rounding its address down -- that is how a block needs no header.  A
 * slab belongs to one class for good; its header holds the class and a bit
 * per block that says whether it is allocated (for the checker, the walk
 * and double-free detection; the pool literature needs none, and it costs
 * one bit set or cleared per call).  A new slab's blocks are handed out in
 * order by a bump index, `touched`, before any is put on a list, so a slab
 * costs O(1) to start (Kenwright's lazy initialization).
 *
 * Size classes.  16 and 32 bytes, then multiples of the 64-byte cache
 * line: 64, 128, 192, 256, and above that, for k = 15 down to 1 blocks per
 * slab, the largest multiple of 64 of which k fit in a slab: 320, 384,
 * 448, 576, 640, 768, 960, 1344, 1984, 4032 -- 16 classes.  The slab
 * header takes a whole line, so every block of 64 bytes or more starts on
 * a line and none straddles two.  Above 4032 bytes: mem_mmap.
 *
 * Why cache-line classes: measured, not assumed.  Built with
 * POOL_LINE_CLASSES=0, pool has 16-byte classes instead (every 16 bytes to
 * 256, then 288, 304, ..., 2016, 4048: 30 classes, a 48-byte header).  On
 * the shipped suite they waste less inside each block but hold twice as
 * many half-used slabs, and lose: mean utilization 66.1% against 68.1%,
 * throughput the same within the noise (the replay touches only a block's
 * first word).  docs/comparing-allocators.md has the numbers.
 *
 * Policy.
 *   fit        None: the request's class is looked up in a table indexed by
 *              its size in 16-byte units; its pool's head is the block.
 *   split      Never.  A block holds the class size whatever was asked.
 *   coalesce   Never.  A freed block goes back to its own pool, and a slab
 *              never changes class, even when all its blocks are free.
 *   growth     A pool with no free block and no untouched block takes a new
 *              slab: one mem_sbrk of SLAB bytes.  The heap never shrinks.
 *              Large requests: one mem_mmap each, one mem_munmap at free.
 *   realloc    In place when the new size still fits the block (its class
 *              size, or its mapping's pages); else malloc, copy, free.
 *
 * Debug runs (HEAPLAB_DEBUG=1 in the environment at init): free fills a
 * block past its link word with POOL_FREED, and malloc verifies the fill
 * before it hands a listed block out again, so a write after free stops
 * the program at the next reuse; init reports every block the last run
 * never freed (a leak), by class.  The switch is read at run time, not at
 * build time, so the one binary does both and the tests can check both.
 *
 * Costs.  No per-block header: a block wastes its class's rounding (up
 * to 63 bytes below 256; above, up to a third: a 1345-byte request takes
 * a 1984-byte block), and every class in use holds at least one slab: up
 * to 16 x 4 KiB of partly used slabs before any other waste.  64 bytes per
 * slab (the header).  Large blocks: a 32-byte header and page rounding.
 * malloc and free: O(1) (one system call for a new slab or a large block).
 * realloc: O(1) in place, else malloc + copy + free.  check: O(heap).
 * walk: O(heap + large blocks^2) (large blocks are kept in no order).
 *
 * Honest trade-offs.  Memory freed in one class never serves another: a
 * program that frees many 32-byte blocks and then allocates 64-byte ones
 * grows the heap with the 32-byte slabs idle.  That is the classic
 * weakness of simple segregated storage; bins (splitting and coalescing
 * across sizes) and dlmalloc pay for their headers to avoid it.
 *
 *   slab:   | header: class, counts, used bits | block | block | ... |
 *           ^ SLAB-aligned   64 bytes          ^ on a cache line
 *   allocated block:  | payload ... (the class's size, no header)  |
 *   free block:       | next free block | POOL_FREED ... (debug)   |
 *   large block:      | length | next | prev | - | payload ...      |
 *                     ^ page (the mapping)      ^ 32 bytes in
 */
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1: cache-line classes, 0: 16-byte classes (see above); a build-time
 * choice. */
#ifndef POOL_LINE_CLASSES
#define POOL_LINE_CLASSES 1
#endif

/* ---- block helpers ------------------------------------------------------ */

enum {
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    CACHE_LINE = 64,
    LINE_CLASSES = POOL_LINE_CLASSES,
    GRANULE = LINE_CLASSES ? CACHE_LINE : ALIGNMENT, /* classes >= 64 */
    SLAB = 4096,                /* bytes per slab, and its alignment */
    SLAB_HEADER = LINE_CLASSES ? CACHE_LINE : 48,
    SLAB_BLOCK_BYTES = SLAB - SLAB_HEADER,
    MAX_UNITS = SLAB_BLOCK_BYTES / ALIGNMENT, /* 16-byte units in a slab */
    USED_WORDS = (MAX_UNITS + 63) / 64,
    SMALL_MAX = 256,            /* classes are dense up to this size */
    MAX_CLASSES = 40,
    LARGE_HEADER = 32,
    POOL_FREED = 0xDF,          /* debug fill of a free block */
};

/* Larger requests get NULL: their sizes would overflow mem_mmap's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

/* A slab's header. */
struct slab {
    uint16_t class_index; /* pool.class_size[class_index] bytes per block */
    uint16_t capacity;    /* blocks in the slab */
    uint16_t touched;     /* blocks 0 .. touched-1 were handed out before */
    uint16_t live;        /* blocks allocated now */
    uint64_t used[USED_WORDS]; /* bit i: block i is allocated */
};

/* A free block: its first word links it into its pool. */
struct free_block {
    struct free_block *next;
};

/* A large block's header, at the start of its mapping. */
struct large {
    size_t length;       /* bytes mapped, whole pages */
    struct large *next;  /* the large blocks, in no order */
    struct large *prev;
    size_t unused;
};

_Static_assert(sizeof(struct slab) <= SLAB_HEADER, "the header fits");
_Static_assert(SLAB_HEADER % ALIGNMENT == 0, "blocks stay 16-byte aligned");
_Static_assert(sizeof(struct large) == LARGE_HEADER &&
               LARGE_HEADER % ALIGNMENT == 0, "large payloads are aligned");

static inline unsigned char *slab_blocks(struct slab *slab)
{
    return (unsigned char *)slab + SLAB_HEADER;
}

static inline bool slab_block_used(const struct slab *slab, size_t i)
{
    return (slab->used[i / 64] >> (i % 64)) & 1;
}

static inline void slab_mark(struct slab *slab, size_t i, bool used)
{
    uint64_t bit = (uint64_t)1 << (i % 64);
    if (used)
        slab->used[i / 64] |= bit;
    else
        slab->used[i / 64] &= ~bit;
}

static inline void *large_payload(struct large *large)
{
    return (unsigned char *)large + LARGE_HEADER;
}

static inline struct large *payload_large(void *payload)
{
    return (struct large *)(void *)((unsigned char *)payload - LARGE_HEADER);
}

/* ---- the pools ---------------------------------------------------------- */

/*
 * Invariants (pool_check verifies each one):
 *
 *   end - base == SLABS * SLAB == the heap's extent,  base SLAB-aligned
 *   every slab:  live == |used bits|,  used bits only below touched,
 *                touched <= capacity == SLAB_BLOCK_BYTES / class size
 *   touched < capacity  only for  fresh[class]
 *   |free[c]| == sum over class c's slabs of (touched - live), and every
 *   listed block is a block of a class-c slab below touched, not used
 *   live[c] == sum over class c's slabs of live
 *   |large list| == large_live, each one a live mapping of its length
 */
static struct {
    unsigned char *base;  /* the heap's start: the first slab */
    unsigned char *end;   /* the break: just past the last slab */
    size_t class_count;
    size_t class_size[MAX_CLASSES];        /* ascending */
    uint8_t class_of[MAX_UNITS + 1];       /* by request in 16-byte units */
    struct free_block *free[MAX_CLASSES];  /* each pool's free list */
    struct slab *fresh[MAX_CLASSES]; /* the slab with untouched blocks */
    size_t live[MAX_CLASSES];              /* blocks allocated now */
    struct large *large;                   /* the large blocks */
    size_t large_live;
    bool debug;                            /* HEAPLAB_DEBUG at init */
} pool;

/* The class sizes: see "Size classes" above. */
static void build_classes(void)
{
    size_t count = 0, size = ALIGNMENT;
    while (size <= SMALL_MAX) {
        pool.class_size[count++] = size;
        if (LINE_CLASSES && size >= CACHE_LINE / 2)
            size = (size / CACHE_LINE + 1) * CACHE_LINE; /* 32, 64, 128 */
        else
            size += ALIGNMENT;
    }
    for (size_t k = SLAB_BLOCK_BYTES / SMALL_MAX; k >= 1; k--) {
        size = SLAB_BLOCK_BYTES / k / GRANULE * GRANULE;
        if (size > pool.class_size[count - 1])
            pool.class_size[count++] = size;
    }
    VERIFY(count <= MAX_CLASSES);
    pool.class_count = count;

    /* class_of[u]: the smallest class of at least u units. */
    size_t c = 0;
    for (size_t units = 1; units <= MAX_UNITS; units++) {
        while (c < count && pool.class_size[c] < units * ALIGNMENT)
            c++;
        pool.class_of[units] = (uint8_t)(c < count ? c : count - 1);
    }
}

static inline size_t largest_class(void)
{
    return pool.class_size[pool.class_count - 1];
}

static inline bool in_heap(const void *p)
{
    return (const unsigned char *)p >= pool.base &&
           (const unsigned char *)p < pool.end;
}

static inline struct slab *slab_of(const void *p)
{
    size_t offset = (size_t)((const unsigned char *)p - pool.base);
    return (struct slab *)(void *)(pool.base + offset / SLAB * SLAB);
}

/* Block i of the slab. */
static inline void *slab_block(struct slab *slab, size_t i)
{
    return slab_blocks(slab) + i * pool.class_size[slab->class_index];
}

/* A new slab for class c, its blocks all untouched; NULL if memlib
 * refuses. */
static struct slab *slab_new(size_t c)
{
    struct slab *slab = mem_sbrk(SLAB);
    if (slab == (void *)-1)
        return NULL;
    VERIFY((unsigned char *)slab == pool.end);
    pool.end += SLAB;
    *slab = (struct slab){.class_index = (uint16_t)c,
                          .capacity = (uint16_t)(SLAB_BLOCK_BYTES /
                                                 pool.class_size[c])};
    return slab;
}

/* Debug: was the free block's fill kept since it was freed? */
static void verify_fill(struct free_block *block, size_t size)
{
    const unsigned char *bytes = (const unsigned char *)block;
    for (size_t i = sizeof *block; i < size; i++) {
        if (bytes[i] != POOL_FREED) {
            fprintf(stderr, "pool: block %p (%zu bytes) was written after "
                    "free: byte %zu is 0x%02x, not 0x%02x\n", (void *)block,
                    size, i, bytes[i], POOL_FREED);
            VERIFY(bytes[i] == POOL_FREED);
        }
    }
}

/* Debug: what the run before this init never freed, on stderr. */
static void report_leaks(void)
{
    size_t total = pool.large_live;
    for (size_t c = 0; c < pool.class_count; c++)
        total += pool.live[c];
    if (total == 0)
        return;
    fprintf(stderr, "pool: %zu block%s never freed since the last init:",
            total, total == 1 ? "" : "s");
    const char *separator = " ";
    for (size_t c = 0; c < pool.class_count; c++) {
        if (pool.live[c] != 0) {
            fprintf(stderr, "%s%zu of %zu bytes", separator, pool.live[c],
                    pool.class_size[c]);
            separator = ", ";
        }
    }
    if (pool.large_live != 0)
        fprintf(stderr, "%s%zu large", separator, pool.large_live);
    fputc('\n', stderr);
}

/* ---- large blocks ------------------------------------------------------- */

static void *large_malloc(size_t size)
{
    size_t page = mem_pagesize();
    size_t length = (size + LARGE_HEADER + page - 1) / page * page;
    struct large *large = mem_mmap(length);
    if (large == MEM_MAP_FAILED)
        return NULL;
    *large = (struct large){.length = length, .next = pool.large};
    if (pool.large != NULL)
        pool.large->prev = large;
    pool.large = large;
    pool.large_live++;
    return large_payload(large);
}

static void large_free(struct large *large)
{
    if (large->prev == NULL)
        pool.large = large->next;
    else
        large->prev->next = large->next;
    if (large->next != NULL)
        large->next->prev = large->prev;
    pool.large_live--;
    VERIFY(mem_munmap(large, large->length) == 0);
}

/* ---- vtable methods ---------------------------------------------------- */

static int pool_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty, every
     * mapping gone.  The counts of the last run are still here. */
    if (pool.debug)
        report_leaks();
    const char *debug = getenv("HEAPLAB_DEBUG");
    pool.debug = debug != NULL && *debug != '\0' && strcmp(debug, "0") != 0;
    build_classes();
    for (size_t c = 0; c < MAX_CLASSES; c++) {
        pool.free[c] = NULL;
        pool.fresh[c] = NULL;
        pool.live[c] = 0;
    }
    pool.large = NULL;
    pool.large_live = 0;
    pool.base = pool.end = mem_heap_lo();
    if ((char *)mem_heap_hi() + 1 != (char *)mem_heap_lo())
        return -1;
    return (uintptr_t)pool.base % SLAB == 0 ? 0 : -1;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size too large to map, gets NULL.
 *   STEP 2  above the largest class: a mapping of its own.
 *   STEP 3  the class: a table lookup by size in 16-byte units.
 *   STEP 4  the pool's free list: pop its head.  O(1).
 *   STEP 5  none: the class's fresh slab's next untouched block, taking a
 *           new slab (one mem_sbrk) when there is none.  NULL if memlib
 *           refuses.
 *   STEP 6  mark the block allocated in its slab; return it.
 */
static void *pool_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0 || size > MAX_REQUEST)
        return NULL;

    /* STEP 2 */
    if (size > largest_class())
        return large_malloc(size);

    /* STEP 3 */
    size_t c = pool.class_of[(size + ALIGNMENT - 1) / ALIGNMENT];

    /* STEP 4 */
    struct free_block *block = pool.free[c];
    struct slab *slab;
    size_t i;
    if (block != NULL) {
        if (pool.debug)
            verify_fill(block, pool.class_size[c]);
        pool.free[c] = block->next;
        slab = slab_of(block);
        i = (size_t)((unsigned char *)block - slab_blocks(slab)) /
            pool.class_size[c];
    } else {
        /* STEP 5 */
        slab = pool.fresh[c];
        if (slab == NULL && (slab = slab_new(c)) == NULL)
            return NULL;
        i = slab->touched++;
        pool.fresh[c] = slab->touched < slab->capacity ? slab : NULL;
        block = slab_block(slab, i);
    }

    /* STEP 6 */
    slab_mark(slab, i, true);
    slab->live++;
    pool.live[c]++;
    return block;
}

/* O(1): back to the head of its pool's list. */
static void pool_free(void *ptr)
{
    if (ptr == NULL)
        return;
    if (!in_heap(ptr)) {
        large_free(payload_large(ptr));
        return;
    }
    struct slab *slab = slab_of(ptr);
    size_t c = slab->class_index, size = pool.class_size[c];
    size_t offset = (size_t)((unsigned char *)ptr - slab_blocks(slab));
    VERIFY(offset % size == 0 && offset / size < slab->touched);
    size_t i = offset / size;
    VERIFY(slab_block_used(slab, i)); /* a double free stops here */
    slab_mark(slab, i, false);
    slab->live--;
    pool.live[c]--;
    struct free_block *block = ptr;
    if (pool.debug)
        memset((unsigned char *)ptr + sizeof *block, POOL_FREED,
               size - sizeof *block);
    block->next = pool.free[c];
    pool.free[c] = block;
}

static void *pool_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return pool_malloc(size);
    if (size == 0) {
        pool_free(ptr);
        return NULL;
    }
    size_t have = in_heap(ptr)
                      ? pool.class_size[slab_of(ptr)->class_index]
                      : payload_large(ptr)->length - LARGE_HEADER;
    if (size <= have)
        return ptr; /* in place: it still fits */
    void *moved = pool_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, have);
    pool_free(ptr);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

/* One line on stderr about the slab or block at `where`. */
__attribute__((format(printf, 2, 3)))
static void report(const void *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "pool: %p: ", where);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

/* A slab's header can be trusted: 0, or 1 after a report. */
static int slab_problems(struct slab *slab, size_t expected_free[])
{
    if (slab->class_index >= pool.class_count ||
        slab->capacity != SLAB_BLOCK_BYTES /
                              pool.class_size[slab->class_index] ||
        slab->touched > slab->capacity) {
        report(slab, "slab header is corrupt: class %u, capacity %u, "
               "touched %u", slab->class_index, slab->capacity,
               slab->touched);
        return 1;
    }
    int problems = 0;
    size_t used = 0;
    for (size_t i = 0; i < MAX_UNITS; i++) {
        if (!slab_block_used(slab, i))
            continue;
        used++;
        if (i >= slab->touched) {
            report(slab, "slab marks block %zu used, but only %u were ever "
                   "handed out", i, slab->touched);
            problems++;
        }
    }
    if (used != slab->live) {
        report(slab, "slab counts %u live blocks, its bits %zu", slab->live,
               used);
        problems++;
    }
    size_t c = slab->class_index;
    if (slab->touched < slab->capacity && pool.fresh[c] != slab) {
        report(slab, "slab has untouched blocks but is not its class's "
               "fresh slab");
        problems++;
    }
    if (slab->live <= slab->touched) /* else reported above */
        expected_free[c] += slab->touched - (size_t)slab->live;
    return problems;
}

/* Class c's free list: its length, after checking each member. */
static int free_list_problems(size_t c, size_t expected)
{
    int problems = 0;
    size_t length = 0;
    for (struct free_block *b = pool.free[c]; b != NULL; b = b->next) {
        if (length++ == expected) {
            report(b, "is on the free list of class %zu bytes past its %zu "
                   "free blocks (a cycle, or a foreign block)",
                   pool.class_size[c], expected);
            return problems + 1;
        }
        if (!in_heap(b) || slab_of(b)->class_index != c) {
            report(b, "is on the free list of class %zu bytes but is no "
                   "block of that class", pool.class_size[c]);
            return problems + 1;
        }
        struct slab *slab = slab_of(b);
        size_t offset = (size_t)((unsigned char *)b - slab_blocks(slab));
        size_t i = offset / pool.class_size[c];
        if ((unsigned char *)b < slab_blocks(slab) ||
            offset % pool.class_size[c] != 0 || i >= slab->touched) {
            report(b, "is on the free list but not at a handed-out block "
                   "of its slab %p", (void *)slab);
            return problems + 1;
        }
        if (slab_block_used(slab, i)) {
            report(b, "is on the free list but marked allocated");
            problems++;
        }
    }
    if (length != expected) {
        report(pool.free[c], "the free list of class %zu bytes holds %zu "
               "blocks, its slabs have %zu free", pool.class_size[c], length,
               expected);
        problems++;
    }
    return problems;
}

static int pool_check(void)
{
    int problems = 0;
    unsigned char *brk = (unsigned char *)mem_heap_hi() + 1;
    if (pool.base != mem_heap_lo() || pool.end != brk ||
        (size_t)(pool.end - pool.base) % SLAB != 0) {
        report(pool.end, "is the end of the slabs, but the heap is [%p, %p)",
               mem_heap_lo(), (void *)brk);
        return 1;
    }
    size_t expected_free[MAX_CLASSES] = {0}, live[MAX_CLASSES] = {0};
    for (unsigned char *at = pool.base; at < pool.end; at += SLAB) {
        struct slab *slab = (struct slab *)(void *)at;
        if (slab_problems(slab, expected_free) != 0) {
            problems++;
            if (slab->class_index >= pool.class_count)
                return problems; /* the free lists cannot be checked */
        }
        live[slab->class_index] += slab->live;
    }
    for (size_t c = 0; c < pool.class_count; c++) {
        struct slab *fresh = pool.fresh[c];
        if (fresh != NULL &&
            (!in_heap(fresh) || (size_t)((unsigned char *)fresh - pool.base) %
                                        SLAB != 0 ||
             fresh->class_index != c || fresh->touched >= fresh->capacity)) {
            report(fresh, "is the fresh slab of class %zu bytes, but no slab "
                   "of that class with untouched blocks", pool.class_size[c]);
            problems++;
        }
        problems += free_list_problems(c, expected_free[c]);
        if (live[c] != pool.live[c]) {
            report(pool.free[c], "class %zu bytes counts %zu live blocks, "
                   "its slabs %zu", pool.class_size[c], pool.live[c],
                   live[c]);
            problems++;
        }
    }
    size_t large_count = 0;
    struct large *prev = NULL;
    for (struct large *b = pool.large; b != NULL; prev = b, b = b->next) {
        size_t offset = 1, extent = 0;
        if (large_count++ == pool.large_live ||
            mem_locate(b, &offset, &extent) != MEM_IN_MAPPING ||
            offset != 0 || extent != b->length || b->prev != prev) {
            report(b, "is large block %zu of %zu, but not a live mapping of "
                   "its length %zu with the right links", large_count,
                   pool.large_live, b->length);
            return problems + 1;
        }
    }
    if (large_count != pool.large_live) {
        report(pool.large, "the large blocks number %zu, the count says %zu",
               large_count, pool.large_live);
        problems++;
    }
    return problems;
}

/* The large blocks in [lo, hi) (NULL: unbounded), in address order: each
 * step finds the lowest one above the last, O(large blocks). */
static void walk_large(const void *lo, const void *hi,
                       heaplab_visit_fn *visit, void *arg)
{
    uintptr_t after = lo != NULL ? (uintptr_t)lo : 0;
    uintptr_t limit = hi != NULL ? (uintptr_t)hi : UINTPTR_MAX;
    bool first = true;
    for (;;) {
        struct large *next = NULL;
        for (struct large *b = pool.large; b != NULL; b = b->next) {
            uintptr_t at = (uintptr_t)b;
            if ((first ? at >= after : at > after) && at < limit &&
                (next == NULL || at < (uintptr_t)next))
                next = b;
        }
        if (next == NULL)
            return;
        visit(next, next->length, 1, arg);
        after = (uintptr_t)next;
        first = false;
    }
}

/* The large blocks below the heap, every block of every slab, the large
 * blocks above the heap.  Slab headers and tails are not blocks. */
static void pool_walk(heaplab_visit_fn *visit, void *arg)
{
    walk_large(NULL, pool.base, visit, arg);
    for (unsigned char *at = pool.base; at < pool.end; at += SLAB) {
        struct slab *slab = (struct slab *)(void *)at;
        if (slab->class_index >= pool.class_count)
            return; /* corrupt: pool_check says where */
        size_t size = pool.class_size[slab->class_index];
        for (size_t i = 0; i < slab->capacity; i++)
            visit(slab_block(slab, i), size, slab_block_used(slab, i), arg);
    }
    walk_large(pool.end, NULL, visit, arg);
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator pool_allocator = {
    .name = "pool",
    .summary = "pools of fixed-size blocks per size class, O(1), no headers",
    .init = pool_init,
    .malloc = pool_malloc,
    .free = pool_free,
    .realloc = pool_realloc,
    .check = pool_check,
    .walk = pool_walk,
};
