/*
 * select.h -- turning `-a list,dlist` (or `all`, or a family: `lecture`,
 * `reference`, `policy`, `appendix`, `other`) into backends.
 */
#ifndef HEAPLAB_SELECT_H
#define HEAPLAB_SELECT_H

#include <stddef.h>

#include "heaplab/allocator.h"

struct selection {
    const struct allocator **allocators;
    size_t count;
};

/*
 * names: comma-separated words, each a backend's name, a family's name
 * (every backend of that family, see heaplab/registry.h), or "all"; NULL
 * means all.  `-a lecture,libc` is the lecture's six and libc.  The order
 * is the registry's, each backend once.  Returns 0, or -1 with a message
 * in error.
 */
int select_allocators(const char *names, struct selection *selection,
                      char *error, size_t error_size);

void select_free(struct selection *selection);

#endif /* HEAPLAB_SELECT_H */
