/*
 * dlist_core.h -- the heap manager that the dlist backends share
 * (dlist_core.c): boundary tags and a doubly linked free list, with the
 * fit policy as a parameter.  Each backend is one file with its vtable,
 * whose init calls dlist_core_init with the backend's name and policy and
 * whose other methods are these functions.  Only allocators/ includes this
 * header; the student-facing contract is <heaplab/allocator.h>.
 */
#ifndef HEAPLAB_DLIST_CORE_H
#define HEAPLAB_DLIST_CORE_H

#include <stddef.h>

#include "fit_policy.h"
#include "heaplab/allocator.h"

/* The backend's init: an empty heap searched under `policy`; `name`
 * prefixes the checker's messages.  0 on success. */
int dlist_core_init(const char *name, enum fit_policy policy);

void *dlist_core_malloc(size_t size);
void dlist_core_free(void *ptr);
void *dlist_core_realloc(void *ptr, size_t size);
int dlist_core_check(void);
void dlist_core_walk(heaplab_visit_fn *visit, void *arg);

#endif /* HEAPLAB_DLIST_CORE_H */
