/*
 * simple.c -- static backing storage: the simplest allocator of the
 * embedded world, where there is no operating system to ask for memory.
 * One array, sized when the program is built, is all the heap there will
 * ever be; ranges of it are handed out first fit, and freed ranges are
 * never merged (FreeRTOS's heap_2 makes the same choice; its heap_4 adds
 * the merging).
 *
 * Where it stands.  It is not a step of the lecture but a baseline beside
 * it: list (list.c) with three things taken away -- no system calls (the
 * storage cannot grow, so a request that does not fit gets NULL), no
 * merging of free neighbours, and no address-ordered free list (the walk
 * visits every range, used or free).  It does not use memlib: the array is
 * a static object of this file, and the footprint heaplab reports is its
 * high-water mark, the end of the highest range ever handed out, through a
 * footprint probe (mem_set_footprint_probe).  init also tells memlib where
 * the array is (mem_set_static_region), so the driver can still check that
 * every payload lies inside it.
 *
 * Policy.
 *   fit        First fit: walk the ranges from the start of the storage,
 *              take the first free one that is large enough.
 *   split      When the range leaves at least MIN_RANGE bytes over, the
 *              rest becomes a free range of its own.
 *   coalesce   Never, deliberately: two free neighbours stay two ranges,
 *              so a request larger than each of them cannot use them.
 *              docs/comparing-allocators.md shows the fragmentation that
 *              follows.
 *   growth     When the walk reaches the top (the high-water mark), a new
 *              range is cut there, if the storage has room; else NULL.
 *   realloc    In place when the range is large enough (the rest split
 *              off), or when it is the top range and the storage has room
 *              above it; else malloc, copy, free.
 *
 * Costs.  16 bytes per range (the record); ranges are multiples of 16,
 * MIN_RANGE = 32.  malloc: O(ranges), every range, used or free, is
 * walked.  free: O(1).  The storage costs its whole size in address space
 * (it is in .bss: pages are real only once touched).
 *
 * The size is set at build time, as an embedded build sets it:
 *
 *     make CPPFLAGS+=-DSIMPLE_STORAGE_BYTES=65536
 *
 * The default, 16 MiB, holds every shipped trace's high-water mark four
 * times over (the largest, real-sizes-big's, is 4.2 MB); the unit tests
 * build a copy with 4 KiB (tests/test_simple.c).
 *
 *   allocated:  | size | 1 | payload ...                        |
 *   free:       | size | 0 | unused ...                         |
 *               ^ record  ^ payload, 16-byte aligned
 *
 *   storage:  | range | range | range | ... | range | untouched ...   |
 *             ^ storage                     top ^         storage end ^
 */
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The storage's size in bytes, a multiple of 16: see above. */
#ifndef SIMPLE_STORAGE_BYTES
#define SIMPLE_STORAGE_BYTES (16u << 20)
#endif

/* ---- block helpers ------------------------------------------------------ */

/* A range record: the range's size (record included) and its state. */
struct range {
    size_t size;
    size_t allocated; /* 1: handed out, 0: free */
};

enum {
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    RECORD = sizeof(struct range),
    MIN_RANGE = RECORD + ALIGNMENT, /* a record and the smallest payload */
    STORAGE_BYTES = SIMPLE_STORAGE_BYTES,
};

_Static_assert(RECORD % ALIGNMENT == 0, "payloads stay 16-byte aligned");
_Static_assert(STORAGE_BYTES % ALIGNMENT == 0 && STORAGE_BYTES >= MIN_RANGE,
               "the storage holds whole ranges");

/* The storage itself: all the memory this backend will ever have. */
static _Alignas(ALIGNMENT) unsigned char storage[STORAGE_BYTES];

static inline struct range *range_at(unsigned char *at)
{
    return (struct range *)(void *)at;
}

static inline unsigned char *range_end(struct range *r)
{
    return (unsigned char *)r + r->size;
}

static inline void *range_payload(struct range *r)
{
    return (unsigned char *)r + RECORD;
}

static inline struct range *payload_range(void *payload)
{
    return (struct range *)(void *)((unsigned char *)payload - RECORD);
}

/* The range size that serves a request: payload + record, rounded; 0 when
 * no range in the storage could be that large. */
static inline size_t range_size_for(size_t request)
{
    if (request > STORAGE_BYTES - RECORD)
        return 0;
    size_t size = (request + RECORD + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return size < MIN_RANGE ? MIN_RANGE : size;
}

/* ---- the storage -------------------------------------------------------- */

/*
 * Invariants (simple_check verifies each one):
 *
 *   storage <= top <= storage + STORAGE_BYTES
 *   the ranges tile [storage, top): sum(range sizes) == top - storage
 *   every range:  size % 16 == 0,  size >= MIN_RANGE,  allocated in {0, 1}
 *
 * Two free neighbours are allowed: that is the design.
 */
static struct {
    unsigned char *top; /* the end of the last range: the high-water mark */
} simple;

/* The footprint probe: what the storage has ever handed out. */
static size_t simple_footprint(void)
{
    return (size_t)(simple.top - storage);
}

/* Bytes above the top that no range has used yet. */
static inline size_t room_above_top(void)
{
    return (size_t)(storage + STORAGE_BYTES - simple.top);
}

/*
 * Makes free or allocated range r `size` bytes long when its rest can be a
 * range of its own (a free one); otherwise r keeps all of its bytes.
 */
static void split(struct range *r, size_t size)
{
    if (r->size - size < MIN_RANGE)
        return;
    struct range *rest = range_at((unsigned char *)r + size);
    *rest = (struct range){.size = r->size - size, .allocated = 0};
    r->size = size;
}

/* ---- vtable methods ---------------------------------------------------- */

static int simple_init(void)
{
    simple.top = storage;
    mem_set_footprint_probe(simple_footprint);
    mem_set_static_region(storage, sizeof storage);
    return 0;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0 gets NULL; so does a size larger than the storage.
 *   STEP 2  the range size: size + record, rounded up to 16, >= MIN_RANGE.
 *   STEP 3  first fit: walk the ranges from the start of the storage to
 *           the first free one that is large enough; split it; hand it out.
 *   STEP 4  the walk reached the top: cut a new range there if the storage
 *           has room; else NULL -- the storage's end is the end.
 */
static void *simple_malloc(size_t size)
{
    /* STEP 1 and STEP 2 */
    size_t need = range_size_for(size);
    if (size == 0 || need == 0)
        return NULL;

    /* STEP 3 */
    unsigned char *at = storage;
    for (; at < simple.top; at = range_end(range_at(at))) {
        struct range *r = range_at(at);
        if (!r->allocated && r->size >= need) {
            split(r, need);
            r->allocated = 1;
            return range_payload(r);
        }
    }

    /* STEP 4 */
    if (room_above_top() < need)
        return NULL;
    struct range *r = range_at(simple.top);
    *r = (struct range){.size = need, .allocated = 1};
    simple.top += need;
    return range_payload(r);
}

/* O(1): the range is marked free, and that is all. */
static void simple_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct range *r = payload_range(ptr);
    VERIFY_EQ(r->allocated, 1); /* a double free stops here */
    r->allocated = 0;
}

static void *simple_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return simple_malloc(size);
    if (size == 0) {
        simple_free(ptr);
        return NULL;
    }
    struct range *r = payload_range(ptr);
    VERIFY_EQ(r->allocated, 1);
    size_t need = range_size_for(size);
    if (need == 0)
        return NULL;

    /* In place: the range is large enough, or it is the top range and the
     * storage has room above it. */
    if (need <= r->size) {
        split(r, need);
        return ptr;
    }
    if (range_end(r) == simple.top && need - r->size <= room_above_top()) {
        simple.top += need - r->size;
        r->size = need;
        return ptr;
    }

    /* Elsewhere: the new payload is larger than the old one. */
    void *moved = simple_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, r->size - RECORD);
    simple_free(ptr);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

/* One line on stderr about the range at `where`. */
__attribute__((format(printf, 2, 3)))
static void report(const void *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "simple: range %p: ", where);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

/* Walks the ranges from the start of the storage to the top; stops at the
 * first range that cannot be trusted. */
static int simple_check(void)
{
    unsigned char *end = storage + STORAGE_BYTES;
    if (simple.top < storage || simple.top > end ||
        (size_t)(simple.top - storage) % ALIGNMENT != 0) {
        report(simple.top, "is the top, outside the storage [%p, %p] or "
               "off the 16-byte grid", (void *)storage, (void *)end);
        return 1;
    }
    unsigned char *at = storage;
    while (at < simple.top) {
        struct range *r = range_at(at);
        if (r->size % ALIGNMENT != 0 || r->size < MIN_RANGE ||
            r->size > (size_t)(simple.top - at)) {
            report(r, "has size %zu: not a multiple of 16, below %d, or "
                   "past the top %p", r->size, MIN_RANGE, (void *)simple.top);
            return 1;
        }
        if (r->allocated > 1) {
            report(r, "has allocated = %zu, neither 0 nor 1", r->allocated);
            return 1;
        }
        at = range_end(r);
    }
    return 0;
}

static void simple_walk(heaplab_visit_fn *visit, void *arg)
{
    unsigned char *at = storage;
    while (at < simple.top) {
        struct range *r = range_at(at);
        if (r->size < MIN_RANGE || r->size > (size_t)(simple.top - at))
            return; /* corrupt: simple_check says where */
        visit(r, r->size, r->allocated != 0, arg);
        at = range_end(r);
    }
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator simple_allocator = {
    .name = "simple",
    .summary = "one static array, first fit over range records, no merging",
    .init = simple_init,
    .malloc = simple_malloc,
    .free = simple_free,
    .realloc = simple_realloc,
    .check = simple_check,
    .walk = simple_walk,
};
