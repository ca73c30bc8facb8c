/*
 * minimal.c -- the smallest allocator that works: every malloc moves the
 * break, free does nothing.  The first implementation of Princeton's COS 217
 * lecture "Dynamic Memory Management":
 *
 *     void *malloc(size_t n)                  void free(void *p)
 *     {                                       {
 *         char *p = sbrk(0);                  }
 *         if (brk(p + n) == -1)
 *             return NULL;
 *         return p;
 *     }
 *
 * What it adds: nothing; it is the start of the lecture's sequence
 * (minimal -> pad -> list -> dlist -> bins -> mmap) and the baseline every
 * later backend is measured against.
 *
 * Three changes from the lecture, each on purpose:
 *
 *   1. One system call per malloc, not two.  The lecture asks the kernel
 *      where the break is (sbrk(0)) on every call.  This backend is the only
 *      code that moves memlib's break, so it remembers the break in
 *      minimal.brk: init reads it once with mem_heap_lo() (a query, which
 *      memlib does not count as a system call), and each successful mem_brk
 *      updates it.  The price of remembering: if anybody else moved the
 *      break we would hand out the same bytes twice, so malloc verifies,
 *      with the free query mem_heap_hi(), that the break is where we left it.
 *   2. Sizes are rounded up to a multiple of 16.  memlib's heap starts on a
 *      page boundary, so every break we set, and so every payload, is then
 *      16-byte aligned, as the contract requires.
 *   3. malloc(0) returns NULL and makes no system call (the contract allows
 *      it).  brk(p + 0) would return p, the same pointer the next malloc
 *      returns, which is not the unique pointer the alternative requires.
 *
 * Policy: no fit and no reuse (every block is fresh memory at the end of
 * the heap), no split, no coalescing; growth: the heap grows by exactly the
 * rounded request.
 *
 * Costs: no header, so 0 bytes of overhead beyond up to 15 bytes of
 * rounding; minimum block 16 bytes.  malloc is O(1) but makes one system
 * call every time (on a real kernel that costs far more than the rest of
 * malloc put together); free is O(1) and gives nothing back, so the
 * footprint is the sum of every request ever made and utilization falls as
 * soon as a program frees anything.
 *
 * No header means no realloc: given only a pointer, this backend cannot
 * know how many bytes the old block holds, so it cannot copy them.  The
 * vtable's realloc is NULL and the driver, which does know every block's
 * size, does malloc + copy + free itself.  There is no heap checker (the
 * whole state is one pointer, verified in malloc) and no walk (without
 * headers, the blocks cannot be found again).
 *
 *     allocated:  | payload ...                  | rounding to 16 |
 *     free:       (there are no free blocks: freed memory is never reused)
 *
 *     mem_heap_lo()                                           break
 *     v                                                       v
 *     | block 1 | block 2 ...    | block 3 | ... | block n    |
 */
#include <stddef.h>
#include <stdint.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* --- block helpers ------------------------------------------------------ */

/* The largest request that can be rounded up without overflowing. */
static const size_t MINIMAL_MAX_REQUEST = SIZE_MAX - (HEAPLAB_ALIGNMENT - 1);

/* size rounded up to the next multiple of HEAPLAB_ALIGNMENT. */
static inline size_t minimal_round_up(size_t size)
{
    return (size + HEAPLAB_ALIGNMENT - 1) / HEAPLAB_ALIGNMENT *
           HEAPLAB_ALIGNMENT;
}

/* --- state -------------------------------------------------------------- */

/*
 * Invariants (the first two verified at the top of every malloc):
 *
 *   minimal.brk == mem_heap_hi() + 1           nobody else moves the break
 *   (minimal.brk - mem_heap_lo()) % 16 == 0    so the next payload is aligned
 *   minimal.brk - mem_heap_lo() == sum of the rounded sizes of every block
 *                                  returned since init (free keeps nothing)
 */
static struct {
    char *brk; /* the break as we last set it: the next block's address */
} minimal;

/* --- vtable methods ----------------------------------------------------- */

static int minimal_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty. */
    minimal.brk = mem_heap_lo();
    return (char *)mem_heap_hi() + 1 == minimal.brk ? 0 : -1;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  check the invariants: the break is where we left it.
 *   STEP 2  size 0, or a size too large to round, gets NULL at no cost.
 *   STEP 3  round the size up to 16 and compute the new break; a new break
 *           that wraps around the address space gets NULL.
 *   STEP 4  one mem_brk to the new break; on failure the old break stands
 *           and malloc returns NULL.
 *   STEP 5  the block is the old break; remember the new one.
 */
static void *minimal_malloc(size_t size)
{
    /* STEP 1 */
    VERIFY_EQ((char *)mem_heap_hi() + 1, minimal.brk);
    VERIFY_EQ((minimal.brk - (char *)mem_heap_lo()) % HEAPLAB_ALIGNMENT, 0);

    /* STEP 2 */
    if (size == 0 || size > MINIMAL_MAX_REQUEST)
        return NULL;

    /*
     * STEP 3.  In integers: brk + size may point outside any object when
     * the request is absurd, and deciding that it is absurd is memlib's
     * job, as it is the kernel's for the real brk.
     */
    uintptr_t old_brk = (uintptr_t)minimal.brk;
    uintptr_t new_brk = old_brk + minimal_round_up(size);
    if (new_brk < old_brk)
        return NULL;

    /* STEP 4 */
    if (mem_brk((void *)new_brk) == -1)
        return NULL;

    /* STEP 5 */
    void *block = minimal.brk;
    minimal.brk = (char *)new_brk;
    return block;
}

/* Nothing to do: the memory is lost until the next init. */
static void minimal_free(void *ptr)
{
    (void)ptr;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator minimal_allocator = {
    .name = "minimal",
    .summary = "one brk per malloc; free does nothing",
    .init = minimal_init,
    .malloc = minimal_malloc,
    .free = minimal_free,
    .realloc = NULL, /* no header, no old size: the driver copies */
    .check = NULL,
    .walk = NULL,
};
