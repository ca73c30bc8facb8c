/*
 * list_best.c -- list with best fit: the address-ordered free list of
 * list.c (list_core.c), whose malloc takes the SMALLEST free chunk that is
 * large enough, the lowest of equals, instead of the first.
 *
 * What the change does.  The walk cannot stop at the first chunk that fits:
 * it visits the whole list unless it meets an exact fit, so malloc is
 * always O(free chunks), where first fit often stops early.  In exchange
 * the remainder a split leaves is as small as it can be, and large chunks
 * stay whole for large requests.  The textbook's warning: those small
 * remainders pile up as holes too small for any request.
 * docs/comparing-allocators.md measures both effects.
 *
 * Everything else -- blocks, splitting, coalescing, growth, realloc, the
 * checker -- is list's (list_core.c).
 */
#include "list_core.h"

static int list_best_init(void)
{
    return list_core_init("list-best", FIT_BEST);
}

const struct allocator list_best_allocator = {
    .name = "list-best",
    .summary = "list with best fit: the smallest free chunk that fits",
    .init = list_best_init,
    .malloc = list_core_malloc,
    .free = list_core_free,
    .realloc = list_core_realloc,
    .check = list_core_check,
    .walk = list_core_walk,
};
