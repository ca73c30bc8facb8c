/*
 * fit_policy.h -- the four placement policies of the textbooks (first,
 * next, best and worst fit), shared by the list and dlist heap managers
 * (list_core.c, dlist_core.c), so that a policy is written once and the
 * variants of a backend differ in nothing else.
 *
 * A policy only decides; the heap manager walks.  The manager walks its
 * free list in its own order and offers each chunk's size to the search;
 * the search says whether that chunk is the best so far and whether the
 * walk may stop:
 *
 *     struct fit_search search = fit_search_start(policy, size);
 *     for (c = first; c != NULL && !search.done; c = c->next)
 *         if (fit_offer(&search, block_size(c)))
 *             chosen = c;
 *
 *   first  the first chunk that fits; the walk stops there.
 *   next   the same, but the manager starts the walk where the last search
 *          stopped (its "rover") and wraps around to it once: the search
 *          decides like first fit, the starting point is the manager's.
 *   best   the smallest chunk that fits; the walk stops early only on an
 *          exact fit, else it visits the whole list.
 *   worst  the largest chunk, if it fits; always the whole list.
 *
 * What the textbooks say to expect (Knuth vol. 1, 2.5; Wilson et al.,
 * "Dynamic Storage Allocation: A Survey and Critical Review", 1995; CS:APP
 * 9.9.7): first fit leaves small holes near the front of the list; next
 * fit is faster but spreads small holes over the whole heap; best fit
 * leaves the smallest remainders (often too small to use); worst fit keeps
 * remainders large but breaks up the large chunks.  What heaplab's traces
 * make of these claims: docs/comparing-allocators.md.
 *
 * Everything here is static inline: the policy costs one well-predicted
 * branch per chunk offered.
 */
#ifndef HEAPLAB_FIT_POLICY_H
#define HEAPLAB_FIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>

enum fit_policy {
    FIT_FIRST,
    FIT_NEXT,
    FIT_BEST,
    FIT_WORST,
};

/*
 * A search under way.  Invariant: chosen_size == 0 exactly when no chunk
 * offered so far fits (a fitting chunk has at least `need` > 0 bytes).
 */
struct fit_search {
    enum fit_policy policy;
    size_t need;        /* the chunk size the request needs, > 0 */
    size_t chosen_size; /* size of the chunk chosen so far, 0: none */
    bool done;          /* no later chunk can be a better choice */
};

static inline struct fit_search fit_search_start(enum fit_policy policy,
                                                 size_t need)
{
    return (struct fit_search){.policy = policy, .need = need};
}

/*
 * Offers a free chunk of `size` bytes.  Returns true when it becomes the
 * chosen chunk (the caller remembers which chunk that is); sets done when
 * the walk may stop.
 */
static inline bool fit_offer(struct fit_search *search, size_t size)
{
    if (size < search->need)
        return false;
    switch (search->policy) {
    case FIT_BEST:
        if (search->chosen_size != 0 && size >= search->chosen_size)
            return false;
        search->done = size == search->need; /* nothing beats exact */
        break;
    case FIT_WORST:
        if (size <= search->chosen_size)
            return false;
        break;
    default: /* FIT_FIRST, FIT_NEXT: the first that fits */
        search->done = true;
        break;
    }
    search->chosen_size = size;
    return true;
}

#endif /* HEAPLAB_FIT_POLICY_H */
