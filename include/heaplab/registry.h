/*
 * registry.h -- the table of every backend heaplab knows, in the lecture's
 * order (minimal, pad, list, dlist, bins, mmap), then the references.
 */
#ifndef HEAPLAB_REGISTRY_H
#define HEAPLAB_REGISTRY_H

#include <stddef.h>

#include "heaplab/allocator.h"

/* How many backends are registered. */
size_t registry_count(void);

/* The i-th backend in the lecture's order, 0 <= i < registry_count(). */
const struct allocator *registry_at(size_t i);

/* The backend called name, or NULL. */
const struct allocator *registry_find(const char *name);

#endif /* HEAPLAB_REGISTRY_H */
