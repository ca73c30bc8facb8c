/*
 * list.c -- an address-ordered free list with first fit: Princeton COS
 * 217's "List implementation" of the heap manager, the lecture's third
 * step (minimal -> pad -> list -> dlist -> bins -> mmap).
 *
 * What it adds over pad: reuse.  Every free chunk is on one singly linked
 * list in address order; malloc takes the lowest free chunk that is large
 * enough (first fit) before it asks the OS for more, and free merges a
 * chunk with its free neighbours.  The heap manager -- block layout,
 * splitting, the four coalescing cases, growth, realloc, the checker, with
 * its drawings and costs -- is list_core.c, which list_best.c,
 * list_worst.c and list_next.c share: the four backends differ in the fit
 * policy alone (fit_policy.h).
 *
 *   allocated:  | header: size|1 | payload ...                     |
 *   free:       | header: size|0 | next | unused ...               |
 *
 * Costs: 8 bytes per allocated chunk, 16-byte minimum chunk; malloc and
 * free O(free chunks).
 */
#include "list_core.h"

static int list_init(void)
{
    return list_core_init("list", FIT_FIRST);
}

const struct allocator list_allocator = {
    .name = "list",
    .summary = "address-ordered free list, first fit, O(n) free",
    .init = list_init,
    .malloc = list_core_malloc,
    .free = list_core_free,
    .realloc = list_core_realloc,
    .check = list_core_check,
    .walk = list_core_walk,
};
