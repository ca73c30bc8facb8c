/*
 * dlist_worst.c -- dlist with worst fit: the boundary tags and doubly linked
 * free list of dlist.c (dlist_core.c), with the worst-fit policy of
 * fit_policy.h instead of first fit.
 *
 * What the change does.  The walk always visits the whole list, so malloc
 * is O(free chunks) every time; a split leaves the largest remainder, and
 * the large chunks are the first to be broken up.
 * docs/comparing-allocators.md measures what that costs.
 *
 * Everything else -- blocks, splitting, O(1) coalescing, growth, realloc,
 * the checker -- is dlist's (dlist_core.c).
 */
#include "dlist_core.h"

static int dlist_worst_init(void)
{
    return dlist_core_init("dlist-worst", FIT_WORST);
}

const struct allocator dlist_worst_allocator = {
    .name = "dlist-worst",
    .summary = "dlist with worst fit: the largest free chunk",
    .init = dlist_worst_init,
    .malloc = dlist_core_malloc,
    .free = dlist_core_free,
    .realloc = dlist_core_realloc,
    .check = dlist_core_check,
    .walk = dlist_core_walk,
};
