/*
 * page_array.h -- a growable array whose memory comes from pages.h, for
 * the driver's bookkeeping during a replay (never the C library's malloc:
 * the libc backend's footprint must stay its own).
 */
#ifndef HEAPLAB_PAGE_ARRAY_H
#define HEAPLAB_PAGE_ARRAY_H

#include <stddef.h>
#include <string.h>

#include "pages.h"

struct page_array {
    void *items;
    size_t count;
    size_t capacity; /* items */
    size_t item_size;
};

static inline void page_array_init(struct page_array *array, size_t item_size)
{
    *array = (struct page_array){.item_size = item_size};
}

static inline void page_array_free(struct page_array *array)
{
    pages_free(array->items, array->capacity * array->item_size);
    page_array_init(array, array->item_size);
}

/* A new zeroed slot at the end, or NULL when out of memory. */
static inline void *page_array_push(struct page_array *array)
{
    if (array->count == array->capacity) {
        size_t capacity = array->capacity ? 2 * array->capacity : 1024;
        void *items = pages_alloc(capacity * array->item_size);
        if (items == NULL)
            return NULL;
        if (array->count > 0)
            memcpy(items, array->items, array->count * array->item_size);
        pages_free(array->items, array->capacity * array->item_size);
        array->items = items;
        array->capacity = capacity;
    }
    void *slot = (char *)array->items + array->item_size * array->count++;
    memset(slot, 0, array->item_size);
    return slot;
}

#endif /* HEAPLAB_PAGE_ARRAY_H */
