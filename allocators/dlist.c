/*
 * dlist.c -- boundary tags and a doubly linked free list, first fit:
 * Princeton COS 217's "doubly-linked list implementation" of the heap
 * manager, the lecture's fourth step (minimal -> pad -> list -> dlist ->
 * bins -> mmap).
 *
 * What it adds over list: O(1) free.  Every chunk ends with a footer, a
 * copy of its header, so free finds both heap neighbours at once (Knuth's
 * boundary tags), and a free chunk links to the previous free chunk too,
 * so it leaves the list without a walk; the list needs no order, a freed
 * chunk goes in front.  malloc takes the first listed chunk that is large
 * enough.  The heap manager -- block layout, splitting, the four coalescing
 * cases, growth, realloc, the checker, with its drawings and costs -- is
 * dlist_core.c, which dlist_best.c, dlist_worst.c and dlist_next.c share:
 * the four backends differ in the fit policy alone (fit_policy.h).
 *
 *   allocated:  | header: size|1 | payload ...               | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...  | footer: size|0 |
 *
 * Costs: 16 bytes per allocated chunk, 32-byte minimum chunk; malloc
 * O(free chunks), free O(1).
 */
#include "dlist_core.h"

static int dlist_init(void)
{
    return dlist_core_init("dlist", FIT_FIRST);
}

const struct allocator dlist_allocator = {
    .name = "dlist",
    .summary = "boundary tags, doubly linked free list, O(1) free",
    .init = dlist_init,
    .malloc = dlist_core_malloc,
    .free = dlist_core_free,
    .realloc = dlist_core_realloc,
    .check = dlist_core_check,
    .walk = dlist_core_walk,
};
