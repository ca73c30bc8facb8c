/*
 * list_core.h -- the heap manager that the list backends share
 * (list_core.c): an address-ordered free list with the fit policy as a
 * parameter.  Each backend is one file with its vtable, whose init calls
 * list_core_init with the backend's name and policy:
 *
 *     static int list_best_init(void)
 *     {
 *         return list_core_init("list-best", FIT_BEST);
 *     }
 *
 * and whose other methods are these functions.  Only allocators/ includes
 * this header; the student-facing contract is <heaplab/allocator.h>.
 */
#ifndef HEAPLAB_LIST_CORE_H
#define HEAPLAB_LIST_CORE_H

#include <stddef.h>

#include "fit_policy.h"
#include "heaplab/allocator.h"

/* The backend's init: an empty heap searched under `policy`; `name`
 * prefixes the checker's messages.  0 on success. */
int list_core_init(const char *name, enum fit_policy policy);

void *list_core_malloc(size_t size);
void list_core_free(void *ptr);
void *list_core_realloc(void *ptr, size_t size);
int list_core_check(void);
void list_core_walk(heaplab_visit_fn *visit, void *arg);

#endif /* HEAPLAB_LIST_CORE_H */
