/*
 * dlist_next.c -- dlist with next fit: the boundary tags and doubly linked
 * free list of dlist.c (dlist_core.c), with the next-fit policy of
 * fit_policy.h instead of first fit.
 *
 * What the change does.  dlist_core keeps a rover: the chunk the last
 * search chose.  The next search starts there, walks to the end of the
 * list and wraps around to it once.  When the rover's chunk leaves the
 * list, the rover moves on to the chunk after it.  dlist's list is in LIFO
 * order, so "where it stopped" is a place in the order of frees, not in
 * the heap: the front of the list holds the chunks freed last, and first
 * fit already finds them first.  docs/comparing-allocators.md measures
 * whether next fit still makes a difference.
 *
 * Everything else -- blocks, splitting, O(1) coalescing, growth, realloc,
 * the checker -- is dlist's (dlist_core.c).
 */
#include "dlist_core.h"

static int dlist_next_init(void)
{
    return dlist_core_init("dlist-next", FIT_NEXT);
}

const struct allocator dlist_next_allocator = {
    .name = "dlist-next",
    .summary = "dlist with next fit: the search resumes where it stopped",
    .init = dlist_next_init,
    .malloc = dlist_core_malloc,
    .free = dlist_core_free,
    .realloc = dlist_core_realloc,
    .check = dlist_core_check,
    .walk = dlist_core_walk,
};
