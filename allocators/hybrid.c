/*
 * hybrid.c -- small requests from bins, large ones from mmap: what GNU
 * malloc does, and the reference solution of lab 4 (labs/lab4-hybrid).
 *
 * What it adds over bins and mmap: each design where it is good.  bins
 * serves small blocks with 8 bytes of overhead and no system call, but a
 * large block freed in the middle of the heap stays there: the break can
 * only move down past free space at its end.  mmap gives every block back
 * to the system the moment it is freed, but a 1-byte block costs a page
 * and two system calls.  hybrid sends a request of at least `threshold`
 * bytes to mmap and everything smaller to bins.  It writes no allocator of
 * its own: it composes the two backends through their vtables, as the
 * lecture's last step says ("given bins and mmap, compose them").
 *
 * The threshold.  glibc starts with M_MMAP_THRESHOLD = 128 KiB (and then
 * raises it to the size of the largest mapped block freed, up to 32 MiB,
 * so that a program that keeps freeing and asking for big blocks stops
 * paying for the system calls).  On lab 4's traces (labs/lab4-hybrid/
 * sweep.sh draws the curves) utilization peaks at 16 KiB: below it, blocks
 * of a few KiB waste the rest of their last page; above it, big blocks
 * freed between live ones leave holes in the heap that the break cannot
 * give back.  Throughput keeps rising with the threshold, each mapped
 * block costing two system calls and fresh zeroed pages: 16 KiB gives up
 * about a sixth of 32 KiB's speed for a point of utilization.  This
 * backend takes 16 KiB; HEAPLAB_HYBRID_THRESHOLD in the environment sets
 * another (bytes, read by init; 0 sends everything to mmap), so that
 * sweep.sh can try many without a rebuild.
 *
 * Policy: as bins below the threshold, as mmap at or above it.  free and
 * realloc ask memlib where the block lies (mem_locate): in the heap it is
 * bins', in a mapping it is mmap's.  A block stays with the backend that
 * made it: realloc of a heap block to a size above the threshold is
 * bins_realloc (in place when it can be, as glibc's realloc does for a
 * heap chunk), and a mapped block shrunk below it stays mapped (glibc:
 * the same).  Moving a block across would need its old size, which only
 * the backend that made it knows.
 *
 * Costs: bins' below the threshold; above it, a 16-byte header and the
 * rest of the last page, one mem_mmap per malloc and one mem_munmap per
 * free.  malloc and free add one comparison (and free a mem_locate, a
 * few comparisons) to the backend's cost.
 *
 *   small:  | bins header | payload ...                 |  (in the heap)
 *   large:  | length | requested | payload ... | rest of page |  (mapped)
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"

extern const struct allocator bins_allocator;
extern const struct allocator mmap_allocator;

/* glibc's M_MMAP_THRESHOLD starts at 128 KiB; see above for 16 KiB. */
enum { HYBRID_DEFAULT_THRESHOLD = 16 * 1024 };

/* --- state -------------------------------------------------------------- */

/*
 * Invariants (hybrid_check verifies the second and calls bins' checker):
 *
 *   every live block of size >= threshold at malloc lies in a mapping,
 *   every smaller one in the heap (realloc may move sizes across, not
 *   blocks)
 *   hybrid.mapped == memlib's count of live mappings
 */
static struct {
    size_t threshold; /* requests of at least this many bytes are mapped */
    size_t mapped;    /* live blocks that mmap made */
} hybrid;

/* --- policy ------------------------------------------------------------- */

/* The threshold from HEAPLAB_HYBRID_THRESHOLD, or the default. */
static size_t threshold_from_environment(void)
{
    const char *text = getenv("HEAPLAB_HYBRID_THRESHOLD");
    if (text == NULL || *text == '\0')
        return HYBRID_DEFAULT_THRESHOLD;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || text[0] == '-')
        return HYBRID_DEFAULT_THRESHOLD;
    return (size_t)value;
}

/* Is ptr a block that mmap made? */
static int is_mapped(const void *ptr)
{
    return mem_locate(ptr, NULL, NULL) == MEM_IN_MAPPING;
}

/* --- vtable methods ----------------------------------------------------- */

static int hybrid_init(void)
{
    hybrid.threshold = threshold_from_environment();
    hybrid.mapped = 0;
    if (bins_allocator.init() != 0)
        return -1;
    return mmap_allocator.init();
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0 gets NULL (both backends agree).
 *   STEP 2  at least the threshold: a mapping of its own (mmap).
 *   STEP 3  smaller: a chunk of the heap (bins).
 */
static void *hybrid_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0)
        return NULL;

    /* STEP 2 */
    if (size >= hybrid.threshold) {
        void *block = mmap_allocator.malloc(size);
        hybrid.mapped += block != NULL;
        return block;
    }

    /* STEP 3 */
    return bins_allocator.malloc(size);
}

static void hybrid_free(void *ptr)
{
    if (ptr == NULL)
        return;
    if (is_mapped(ptr)) {
        mmap_allocator.free(ptr);
        hybrid.mapped--;
    } else {
        bins_allocator.free(ptr);
    }
}

/* The block stays with the backend that made it (see the top). */
static void *hybrid_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return hybrid_malloc(size);
    if (size == 0) {
        hybrid_free(ptr);
        return NULL;
    }
    if (is_mapped(ptr))
        return mmap_allocator.realloc(ptr, size);
    return bins_allocator.realloc(ptr, size);
}

/* --- heap checker ------------------------------------------------------- */

static int hybrid_check(void)
{
    int problems = bins_allocator.check();
    struct mem_stats stats;
    mem_get_stats(&stats);
    if (stats.live_mappings != hybrid.mapped) {
        fprintf(stderr, "hybrid: memlib holds %zu mappings, mmap made %zu "
                "live blocks\n", stats.live_mappings, hybrid.mapped);
        problems++;
    }
    return problems;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator hybrid_allocator = {
    .name = "hybrid",
    .summary = "bins below 16 KiB, one mmap per block above (glibc's plan)",
    .init = hybrid_init,
    .malloc = hybrid_malloc,
    .free = hybrid_free,
    .realloc = hybrid_realloc,
    .check = hybrid_check,
    .walk = NULL, /* the mapped blocks lie outside the heap, and hybrid
                     keeps no list of them: heaplab shows its own view */
};
