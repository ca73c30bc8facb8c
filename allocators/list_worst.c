/*
 * list_worst.c -- list with worst fit: the address-ordered free list of
 * list.c (list_core.c), whose malloc takes the LARGEST free chunk, the
 * lowest of equals, when it is large enough.
 *
 * What the change does.  The walk always visits the whole list, so malloc
 * is O(free chunks) every time.  The idea: carving from the largest chunk
 * leaves a remainder large enough to be useful, where best fit leaves
 * slivers.  The textbook's warning: it breaks up the large chunks first,
 * so a large request later finds none and the heap grows.
 * docs/comparing-allocators.md measures both effects.
 *
 * Everything else -- blocks, splitting, coalescing, growth, realloc, the
 * checker -- is list's (list_core.c).
 */
#include "list_core.h"

static int list_worst_init(void)
{
    return list_core_init("list-worst", FIT_WORST);
}

const struct allocator list_worst_allocator = {
    .name = "list-worst",
    .summary = "list with worst fit: the largest free chunk",
    .init = list_worst_init,
    .malloc = list_core_malloc,
    .free = list_core_free,
    .realloc = list_core_realloc,
    .check = list_core_check,
    .walk = list_core_walk,
};
