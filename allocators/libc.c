/*
 * libc.c -- the C library's own malloc, free and realloc (glibc's ptmalloc2
 * on Debian), as the reference every heaplab backend is compared with.
 *
 * What it is: not a lecture step but the destination.  glibc keeps
 * segregated bins like the bins backend, per-thread caches (tcache) and
 * several arenas, boundary tags with coalescing like dlist, and serves large
 * requests with mmap like the mmap backend.  It is the one backend that
 * does not get its memory from memlib (see allocator.h).
 *
 * Policy and costs: glibc's, documented in its malloc/malloc.c.  In short:
 * an 8-byte header per chunk (the size, and the previous chunk's size
 * overlapping the previous payload), a 32-byte minimum chunk, best fit from
 * sorted bins, O(1) for small sizes, and mmap at or above M_MMAP_THRESHOLD
 * (128 KiB to start, raised as large blocks are freed).
 *
 *     allocated:  | prev_size (or prev payload) | size|flags | payload ...  |
 *     free:       | prev_size | size|flags | fd | bk | ... (large: fd_nextsize,
 *                   bk_nextsize) ...                        | next prev_size |
 *
 * Alignment: C17 requires malloc to return memory aligned for any type of
 * fundamental alignment, that is for max_align_t; the static assertion
 * below makes the build fail on a platform where that is less than the
 * contract's 16 (on x86_64 and aarch64 glibc it is 16: MALLOC_ALIGNMENT is
 * 2 * sizeof(size_t)).  The driver checks every pointer anyway.
 *
 * Edge cases: glibc already does what the contract asks (free(NULL) does
 * nothing, realloc(NULL, n) is malloc(n), realloc(p, 0) frees p and returns
 * NULL, malloc(0) returns a unique minimum chunk), but C17 leaves
 * realloc(p, 0) implementation-defined and C23 makes it undefined, so
 * libc_realloc handles it itself instead of relying on glibc.
 *
 * Footprint: memlib cannot see glibc's system calls, so init registers a
 * probe with mem_set_footprint_probe() and memlib reports what it returns:
 *
 *     footprint = (arena + hblkhd) - baseline      (0 when negative)
 *
 * where, from glibc's mallinfo2(), `arena` is the memory glibc took with
 * sbrk for the main arena plus the heaps of every other arena (system_mem,
 * summed over arenas), and `hblkhd` the bytes of its live mmap'ed chunks.
 * init first calls malloc_trim(0), so glibc returns what free space it can,
 * then takes `baseline`: what the process held before the run.  Limits:
 *
 *   - The probe counts the whole process, not only this backend's blocks.
 *     `heaplab run` makes that exact: the replay runs in a thread of its
 *     own, which glibc gives a fresh arena, and the driver's bookkeeping
 *     comes from mmap (driver/pages.h), not malloc.  Elsewhere (a test that
 *     calls this backend directly) memory freed earlier stays in glibc's
 *     bins, is part of the baseline, and is reused without growing arena,
 *     so the footprint underestimates, possibly as 0.
 *   - arena is address space taken from the system, not resident memory:
 *     pages that glibc has given back with madvise inside a heap count.
 *   - Under AddressSanitizer, malloc is ASan's, while mallinfo2 (which
 *     ASan does not intercept) still describes glibc's arenas, which nobody
 *     uses: the footprint stays 0.  Sanitized test runs skip the footprint
 *     checks.
 *
 * There is no heap checker (glibc checks its own chunks and aborts with
 * "malloc(): corrupted ..." when they break) and no walk (glibc exports
 * only the summary malloc_info(), not a walk of chunks).
 */
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"

_Static_assert(_Alignof(max_align_t) >= HEAPLAB_ALIGNMENT,
               "malloc's alignment (that of max_align_t) is below 16");

/* --- state -------------------------------------------------------------- */

/*
 * Invariant:
 *
 *   libc_state.baseline == arena + hblkhd at the end of the last init
 */
static struct {
    size_t baseline; /* bytes glibc held from the system before the run */
} libc_state;

/* Bytes glibc holds from the system now: sbrk'ed arenas plus mmaps. */
static size_t libc_held(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.arena + info.hblkhd;
}

/* The footprint probe: what glibc has taken since init. */
static size_t libc_footprint(void)
{
    size_t held = libc_held();
    return held > libc_state.baseline ? held - libc_state.baseline : 0;
}

/* --- vtable methods ----------------------------------------------------- */

static int libc_init(void)
{
    /* The driver has just called mem_reset(), which cleared any probe. */
    malloc_trim(0);
    libc_state.baseline = libc_held();
    mem_set_footprint_probe(libc_footprint);
    return 0;
}

static void *libc_malloc(size_t size)
{
    return malloc(size);
}

static void libc_free(void *ptr)
{
    free(ptr);
}

static void *libc_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return malloc(size);
    if (size == 0) {
        free(ptr); /* the contract's rule, not left to the C library */
        return NULL;
    }
    return realloc(ptr, size);
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator libc_allocator = {
    .name = "libc",
    .summary = "the C library's malloc, free and realloc (reference)",
    .init = libc_init,
    .malloc = libc_malloc,
    .free = libc_free,
    .realloc = libc_realloc,
    .check = NULL, /* glibc checks its own chunks and aborts */
    .walk = NULL,  /* glibc offers no walk of its chunks */
};
