/*
 * list_next.c -- list with next fit: the address-ordered free list of
 * list.c (list_core.c), whose malloc resumes the search where the last one
 * stopped instead of at the lowest address (Knuth vol. 1, 2.5, exercise 6).
 *
 * What the change does.  list_core keeps a rover: the free chunk before
 * the one the last search chose.  The next search starts just after it,
 * walks to the end of the list and wraps around to it once; it takes the
 * first chunk that fits.  Since list hands out the tail end of the chosen
 * chunk, whose head stays on the list, consecutive mallocs keep carving
 * the same chunk, and the front of the list is not searched over and over
 * as under first fit.  When the rover's chunk leaves the list (allocated
 * whole, or merged into a neighbour), the rover moves to the chunk that
 * takes its place.  The textbook's warning: small holes spread over the
 * whole heap instead of collecting near its start.
 * docs/comparing-allocators.md measures it.
 *
 * Everything else -- blocks, splitting, coalescing, growth, realloc, the
 * checker -- is list's (list_core.c).
 */
#include "list_core.h"

static int list_next_init(void)
{
    return list_core_init("list-next", FIT_NEXT);
}

const struct allocator list_next_allocator = {
    .name = "list-next",
    .summary = "list with next fit: the search resumes where it stopped",
    .init = list_next_init,
    .malloc = list_core_malloc,
    .free = list_core_free,
    .realloc = list_core_realloc,
    .check = list_core_check,
    .walk = list_core_walk,
};
