/*
 * dlist_best.c -- dlist with best fit: the boundary tags and doubly linked
 * free list of dlist.c (dlist_core.c), with the best-fit policy of
 * fit_policy.h instead of first fit.
 *
 * What the change does.  The walk visits the whole list unless it meets an
 * exact fit, so malloc is always O(free chunks), where first fit often
 * stops early; in exchange a split leaves the smallest remainder and large
 * chunks stay whole.  The list is in LIFO order, not address order, so of
 * equal chunks the most recently freed wins.  docs/comparing-allocators.md
 * measures what that buys.
 *
 * Everything else -- blocks, splitting, O(1) coalescing, growth, realloc,
 * the checker -- is dlist's (dlist_core.c).
 */
#include "dlist_core.h"

static int dlist_best_init(void)
{
    return dlist_core_init("dlist-best", FIT_BEST);
}

const struct allocator dlist_best_allocator = {
    .name = "dlist-best",
    .summary = "dlist with best fit: the smallest free chunk that fits",
    .init = dlist_best_init,
    .malloc = dlist_core_malloc,
    .free = dlist_core_free,
    .realloc = dlist_core_realloc,
    .check = dlist_core_check,
    .walk = dlist_core_walk,
};
