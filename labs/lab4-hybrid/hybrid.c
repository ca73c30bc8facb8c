/*
 * hybrid.c -- YOUR allocator for lab 4 (handout.md): small requests from
 * bins, large ones from mmap, as GNU malloc does.  This is the starter: it
 * compiles and runs, and every malloc returns NULL, so `heaplab run -a
 * hybrid` reports every trace as failing until you write the parts marked
 * TODO.
 *
 * You write no allocator of your own: bins.c and mmap.c are given, and
 * hybrid composes them through their vtables, bins_allocator and
 * mmap_allocator (<heaplab/allocator.h>):
 *
 *   malloc(n)      n >= threshold ? mmap_allocator.malloc(n)
 *                                 : bins_allocator.malloc(n)
 *   free(p)        p's owner frees it; mem_locate(p, NULL, NULL) says
 *                  whether p lies in the heap (MEM_IN_HEAP: bins') or in
 *                  a mapping (MEM_IN_MAPPING: mmap's)
 *   realloc(p, n)  yours to decide (handout.md); NULL lets the driver do
 *                  malloc + copy + free
 *   check()        bins' checker, and your own count of mapped blocks
 *                  against memlib's (mem_get_stats: live_mappings)
 *
 * The threshold is yours to choose, and to justify with plots (sweep.sh);
 * init reads HEAPLAB_HYBRID_THRESHOLD from the environment when it is set,
 * so that sweep.sh can try many thresholds without a rebuild.
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

/* TODO: your threshold, in bytes, justified in your answers. */
enum { HYBRID_DEFAULT_THRESHOLD = 128 * 1024 };

/* --- state -------------------------------------------------------------- */

static struct {
    size_t threshold; /* requests of at least this many bytes are mapped */
    size_t mapped;    /* live blocks that mmap made */
} hybrid;

/* --- policy ------------------------------------------------------------- */

/* The threshold from HEAPLAB_HYBRID_THRESHOLD, or the default (given). */
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

/* --- vtable methods ----------------------------------------------------- */

static int hybrid_init(void)
{
    hybrid.threshold = threshold_from_environment();
    hybrid.mapped = 0;
    /* TODO: both backends start afresh too. */
    return 0;
}

static void *hybrid_malloc(size_t size)
{
    /* TODO: the threshold decides which backend serves the request. */
    (void)size;
    return NULL;
}

static void hybrid_free(void *ptr)
{
    if (ptr == NULL)
        return;
    /* TODO: the backend that made ptr frees it. */
}

/* --- heap checker ------------------------------------------------------- */

static int hybrid_check(void)
{
    /* TODO: bins' checker, and hybrid.mapped against memlib's count. */
    return 0;
}

/* --- the vtable --------------------------------------------------------- */

const struct allocator hybrid_allocator = {
    .name = "hybrid",
    .summary = "bins below a threshold, one mmap per block above",
    .init = hybrid_init,
    .malloc = hybrid_malloc,
    .free = hybrid_free,
    .realloc = NULL, /* TODO (optional): hybrid_realloc */
    .check = hybrid_check,
    .walk = NULL,    /* mapped blocks lie outside the heap: heaplab's own
                        view of the blocks stands in */
};
