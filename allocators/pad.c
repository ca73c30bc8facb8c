/*
 * pad.c -- the minimal allocator with a pad: grow the heap in big steps and
 * carve blocks from the unused space at its end.  The second implementation
 * of Princeton's COS 217 lecture "Dynamic Memory Management":
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
 * What it adds over minimal: far fewer system calls.  minimal asks the
 * kernel for memory on every malloc; pad asks for at least PAD_MIN_GROWTH
 * (8 KiB) at a time and serves the following small requests from that
 * reserve with a pointer increment, so a program of many small mallocs
 * makes one system call per 8 KiB instead of one per malloc.
 *
 * Policy: no fit and no reuse (every block comes from the front of the
 * pad), no split, no coalescing.  Growth: when the pad is too small, one
 * mem_sbrk by max(PAD_MIN_GROWTH, shortfall), where shortfall is what the
 * request lacks beyond the current pad: after growing, the pad either
 * holds exactly the request (a large one) or is 8 KiB larger than it was.
 * (The lecture sets the break with brk; mem_sbrk with an increment is the
 * same system call's other face, and its return value, the old break, lets
 * us check that nobody else moved it.)
 *
 * Costs: no header; up to 15 bytes of rounding per block; minimum block 16
 * bytes.  malloc is O(1) and makes a system call only when the pad runs
 * out; free is O(1) and gives nothing back.  The footprint is the sum of
 * every request ever made plus the pad, which is at most 8 KiB - 16 bytes
 * more than minimal's.
 *
 * Like minimal it keeps no header, so it cannot know a block's size: the
 * vtable's realloc is NULL (the driver does malloc + copy + free) and walk
 * is NULL (the blocks cannot be found again).  The checker verifies the
 * one thing there is to verify: the pad lies between the blocks handed out
 * and memlib's break.
 *
 *     allocated:  | payload ...                  | rounding to 16 |
 *     free:       (there are no free blocks: freed memory is never reused)
 *
 *     mem_heap_lo()                         pad.start             break
 *     v                                     v                     v
 *     | block 1 | block 2 | ... | block n   | pad: unused ...     |
 *     \____ handed_out bytes ______________/\__ pad bytes _______/
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* The least the heap grows by: the lecture's MIN_ALLOC. */
enum { PAD_MIN_GROWTH = 8192 };

/* The largest request we try: larger ones could not be passed to mem_sbrk
 * (an intptr_t) once rounded. */
static const size_t PAD_MAX_REQUEST = INTPTR_MAX - (HEAPLAB_ALIGNMENT - 1);

/* --- block helpers ------------------------------------------------------ */

/* size rounded up to the next multiple of HEAPLAB_ALIGNMENT. */
static inline size_t pad_round_up(size_t size)
{
    return (size + HEAPLAB_ALIGNMENT - 1) / HEAPLAB_ALIGNMENT *
           HEAPLAB_ALIGNMENT;
}

/* --- state -------------------------------------------------------------- */

/*
 * Invariants (all verified by pad_check):
 *
 *   mem_heap_lo() <= pad.start <= pad.brk == mem_heap_hi() + 1
 *   pad.start - mem_heap_lo() == pad.handed_out
 *                             == sum of the rounded sizes of every block
 *                                returned since init
 *   pad.handed_out % 16 == 0 and (pad.brk - mem_heap_lo()) % 16 == 0
 */
static struct {
    char *start;       /* first byte of the pad: the next block's address */
    char *brk;         /* the break as we last set it: the pad's end */
    size_t handed_out; /* bytes given to blocks since init */
} pad;

/* Bytes left in the pad. */
static inline size_t pad_bytes(void)
{
    return (size_t)(pad.brk - pad.start);
}

/* --- policy ------------------------------------------------------------- */

/*
 * Grows the heap so the pad holds at least `needed` bytes: one mem_sbrk by
 * max(PAD_MIN_GROWTH, shortfall).  Returns 0, or -1 with the heap
 * unchanged when memlib refuses.
 */
static int pad_grow(size_t needed)
{
    size_t shortfall = needed - pad_bytes();
    size_t growth = shortfall > PAD_MIN_GROWTH ? shortfall : PAD_MIN_GROWTH;
    char *old_brk = mem_sbrk((intptr_t)growth);
    if (old_brk == (void *)-1)
        return -1;
    VERIFY_EQ((uintptr_t)old_brk, (uintptr_t)pad.brk);
    pad.brk = old_brk + growth;
    return 0;
}

/* --- vtable methods ----------------------------------------------------- */

static int pad_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty, and so is
     * the pad.  The first malloc grows it. */
    pad.start = pad.brk = mem_heap_lo();
    pad.handed_out = 0;
    return (char *)mem_heap_hi() + 1 == pad.brk ? 0 : -1;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL at
 *           no cost.
 *   STEP 2  round the size up to 16, so the pad's start stays aligned.
 *   STEP 3  when the pad is too small, grow the heap once by
 *           max(PAD_MIN_GROWTH, shortfall); if memlib refuses, return NULL
 *           with nothing changed.
 *   STEP 4  the block is the pad's first bytes: move the pad's start past
 *           them.
 */
static void *pad_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0 || size > PAD_MAX_REQUEST)
        return NULL;

    /* STEP 2 */
    size_t rounded = pad_round_up(size);

    /* STEP 3 */
    if (rounded > pad_bytes() && pad_grow(rounded) != 0)
        return NULL;

    /* STEP 4 */
    void *block = pad.start;
    pad.start += rounded;
    pad.handed_out += rounded;
    return block;
}

/* Nothing to do: the memory is lost until the next init. */
static void pad_free(void *ptr)
{
    (void)ptr;
}

/* --- heap checker ------------------------------------------------------- */

static int pad_check(void)
{
    char *lo = mem_heap_lo();
    char *memlib_brk = (char *)mem_heap_hi() + 1;
    int problems = 0;

    if (pad.brk != memlib_brk) {
        fprintf(stderr, "pad: pad end %p is not memlib's break %p\n",
                (void *)pad.brk, (void *)memlib_brk);
        problems++;
    }
    if (pad.start < lo || pad.start > pad.brk) {
        fprintf(stderr, "pad: pad start %p lies outside the heap [%p, %p]\n",
                (void *)pad.start, (void *)lo, (void *)pad.brk);
        problems++;
    } else if ((size_t)(pad.start - lo) != pad.handed_out) {
        fprintf(stderr,
                "pad: pad start %p is %zu bytes into the heap, but %zu bytes "
                "were handed out\n",
                (void *)pad.start, (size_t)(pad.start - lo), pad.handed_out);
        problems++;
    }
    if (pad.handed_out % HEAPLAB_ALIGNMENT != 0 ||
        (uintptr_t)(pad.brk - lo) % HEAPLAB_ALIGNMENT != 0) {
        fprintf(stderr, "pad: pad [%p, %p) is not 16-byte aligned\n",
                (void *)pad.start, (void *)pad.brk);
        problems++;
    }
    return problems;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator pad_allocator = {
    .name = "pad",
    .summary = "carves blocks from a pad grown 8 KiB at a time",
    .init = pad_init,
    .malloc = pad_malloc,
    .free = pad_free,
    .realloc = NULL, /* no header, no old size: the driver copies */
    .check = pad_check,
    .walk = NULL,
};
