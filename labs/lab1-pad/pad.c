/*
 * pad.c -- YOUR allocator for lab 1 (handout.md): the minimal allocator
 * with a pad.  This is the starter: it compiles and runs, and every malloc
 * returns NULL, so `heaplab run -a pad` reports every trace as failing
 * until you write the parts marked TODO.
 *
 * minimal.c (given) makes one system call per malloc.  pad grows the heap
 * in big steps and carves blocks from the unused space at its end, the
 * pad, so that small mallocs cost a pointer increment:
 *
 *     void *malloc(size_t n)
 *     {
 *         if (pad + n > brk) {                      pad too small: grow
 *             new_brk = max(pad + n, brk + MIN_ALLOC);
 *             if (brk(new_brk) == -1)
 *                 return NULL;
 *             brk = new_brk;
 *         }
 *         p = pad;  pad += n;  return p;            carve from the pad
 *     }
 *
 * What you write, with memlib's calls only (<heaplab/memlib.h>):
 *   - pad_malloc: STEP 1 to STEP 4 below.  Round every size up to 16 so
 *     the pad's start, and so every block, stays 16-byte aligned.  Grow
 *     with one mem_sbrk by max(PAD_MIN_GROWTH, what the request lacks).
 *   - pad_free: nothing (freed memory is never reused: as in minimal).
 *   - pad_check (optional): verify the invariants below, print one line
 *     per problem on stderr, return the number of problems.
 *
 *     mem_heap_lo()                         pad.start             break
 *     v                                     v                     v
 *     | block 1 | block 2 | ... | block n   | pad: unused ...     |
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* The least the heap grows by: the lecture's MIN_ALLOC. */
enum { PAD_MIN_GROWTH = 8192 };

/* The largest request worth trying: mem_sbrk takes an intptr_t. */
static const size_t PAD_MAX_REQUEST = INTPTR_MAX - (HEAPLAB_ALIGNMENT - 1);

/* --- block helpers ------------------------------------------------------ */

/* size rounded up to the next multiple of HEAPLAB_ALIGNMENT (given). */
static inline size_t pad_round_up(size_t size)
{
    return (size + HEAPLAB_ALIGNMENT - 1) / HEAPLAB_ALIGNMENT *
           HEAPLAB_ALIGNMENT;
}

/* --- state -------------------------------------------------------------- */

/*
 * Invariants:
 *
 *   mem_heap_lo() <= pad.start <= pad.brk == mem_heap_hi() + 1
 *   pad.start - mem_heap_lo() == sum of the rounded sizes of every block
 *                                returned since init
 */
static struct {
    char *start; /* first byte of the pad: the next block's address */
    char *brk;   /* the break as we last set it: the pad's end */
} pad;

/* Bytes left in the pad (given). */
static inline size_t pad_bytes(void)
{
    return (size_t)(pad.brk - pad.start);
}

/* --- vtable methods ----------------------------------------------------- */

static int pad_init(void)
{
    /* The driver has just called mem_reset(): the heap, and the pad, are
     * empty.  The first malloc grows them. */
    pad.start = pad.brk = mem_heap_lo();
    return 0;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size above PAD_MAX_REQUEST, gets NULL.
 *   STEP 2  round the size up to 16.
 *   STEP 3  when the pad is too small, grow the heap once by
 *           max(PAD_MIN_GROWTH, shortfall); if memlib refuses
 *           (mem_sbrk returns (void *)-1), return NULL.
 *   STEP 4  the block is the pad's first bytes: move the pad's start
 *           past them and return the block.
 */
static void *pad_malloc(size_t size)
{
    /* STEP 1 (given) */
    if (size == 0 || size > PAD_MAX_REQUEST)
        return NULL;

    /* TODO: STEP 2 to STEP 4.  Until then every malloc fails. */
    return NULL;
}

/* Nothing to do: pad never reuses memory. */
static void pad_free(void *ptr)
{
    (void)ptr;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator pad_allocator = {
    .name = "pad",
    .summary = "carves blocks from a pad grown 8 KiB at a time",
    .init = pad_init,
    .malloc = pad_malloc,
    .free = pad_free,
    .realloc = NULL, /* no header, no old size: the driver copies */
    .check = NULL,   /* TODO (optional): pad_check */
    .walk = NULL,
};
