/*
 * select.h -- turning `-a list,dlist` (or `all`) into backends.
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
 * names: comma-separated backend names, or "all", or NULL for all.  The
 * order is the registry's (the lecture's), each backend once.  Returns 0,
 * or -1 with a message in error.
 */
int select_allocators(const char *names, struct selection *selection,
                      char *error, size_t error_size);

void select_free(struct selection *selection);

#endif /* HEAPLAB_SELECT_H */
