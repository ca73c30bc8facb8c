/*
 * registry.c -- the one table of backends.  To add a backend, write
 * allocators/NAME.c exporting `const struct allocator NAME_allocator` and
 * add it here, in its place in the lecture's sequence.
 */
#include "heaplab/registry.h"

#include <string.h>

/* DEVELOPMENT ONLY: weak until every backend file exists. */
#define BACKEND_DECL __attribute__((weak))
extern const struct allocator minimal_allocator BACKEND_DECL;
extern const struct allocator pad_allocator BACKEND_DECL;
extern const struct allocator list_allocator BACKEND_DECL;
extern const struct allocator dlist_allocator BACKEND_DECL;
extern const struct allocator bins_allocator BACKEND_DECL;
extern const struct allocator mmap_allocator BACKEND_DECL;
extern const struct allocator libc_allocator BACKEND_DECL;

static const struct allocator *const registry_table[] = {
    &minimal_allocator, &pad_allocator,  &list_allocator, &dlist_allocator,
    &bins_allocator,    &mmap_allocator, &libc_allocator,
};

static const struct allocator *present[16];
static size_t present_count;

static void registry_fill(void)
{
    if (present_count)
        return;
    for (size_t i = 0; i < sizeof registry_table / sizeof registry_table[0]; i++)
        if (registry_table[i] && registry_table[i]->name)
            present[present_count++] = registry_table[i];
}

size_t registry_count(void)
{
    registry_fill();
    return present_count;
}

const struct allocator *registry_at(size_t i)
{
    return i < registry_count() ? present[i] : NULL;
}

const struct allocator *registry_find(const char *name)
{
    for (size_t i = 0; i < registry_count(); i++)
        if (strcmp(present[i]->name, name) == 0)
            return present[i];
    return NULL;
}
