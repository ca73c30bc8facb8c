/*
 * registry.c -- the one table of backends.  To add a backend, write
 * allocators/NAME.c exporting `const struct allocator NAME_allocator`,
 * declare it below, and add its line to the table, in its family's place:
 *
 *     {&NAME_allocator, REGISTRY_OTHER, MEMORY_MEMLIB},
 *
 * The order is the one every report, list and plot follows: the lecture's
 * six in the lecture's sequence, libc (the plots' colours are fixed by
 * place, and these seven keep theirs), the fit-policy variants beside
 * their lecture backend's order, the other designs, the appendix's.
 */
#include "heaplab/registry.h"

#include <string.h>

extern const struct allocator minimal_allocator;
extern const struct allocator pad_allocator;
extern const struct allocator list_allocator;
extern const struct allocator dlist_allocator;
extern const struct allocator bins_allocator;
extern const struct allocator mmap_allocator;
extern const struct allocator libc_allocator;
extern const struct allocator list_next_allocator;
extern const struct allocator list_best_allocator;
extern const struct allocator list_worst_allocator;
extern const struct allocator dlist_next_allocator;
extern const struct allocator dlist_best_allocator;
extern const struct allocator dlist_worst_allocator;
extern const struct allocator bitmap_allocator;
extern const struct allocator pool_allocator;
extern const struct allocator simple_allocator;
extern const struct allocator segdata_allocator;
extern const struct allocator segmeta_allocator;
extern const struct allocator hybrid_allocator;

/* Where a backend's memory comes from (see registry_uses_memlib). */
enum registry_memory {
    MEMORY_MEMLIB, /* mem_sbrk, mem_mmap: measured and counted by memlib */
    MEMORY_OWN,    /* its own: reported through a footprint probe */
};

static const struct registry_entry {
    const struct allocator *allocator;
    enum registry_family family;
    enum registry_memory memory;
} registry_table[] = {
    {&minimal_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&pad_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&list_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&dlist_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&bins_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&mmap_allocator, REGISTRY_LECTURE, MEMORY_MEMLIB},
    {&libc_allocator, REGISTRY_REFERENCE, MEMORY_OWN},
    {&list_next_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&list_best_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&list_worst_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&dlist_next_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&dlist_best_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&dlist_worst_allocator, REGISTRY_POLICY, MEMORY_MEMLIB},
    {&bitmap_allocator, REGISTRY_OTHER, MEMORY_MEMLIB},
    {&pool_allocator, REGISTRY_OTHER, MEMORY_MEMLIB},
    {&simple_allocator, REGISTRY_OTHER, MEMORY_OWN},
    {&hybrid_allocator, REGISTRY_OTHER, MEMORY_MEMLIB}, /* lab 4's */
    {&segdata_allocator, REGISTRY_APPENDIX, MEMORY_MEMLIB},
    {&segmeta_allocator, REGISTRY_APPENDIX, MEMORY_MEMLIB},
};

enum { REGISTRY_SIZE = sizeof registry_table / sizeof registry_table[0] };

static const char *const family_names[REGISTRY_FAMILIES] = {
    [REGISTRY_LECTURE] = "lecture",   [REGISTRY_REFERENCE] = "reference",
    [REGISTRY_POLICY] = "policy",     [REGISTRY_APPENDIX] = "appendix",
    [REGISTRY_OTHER] = "other",
};

/*
 * Backends found at run time, after the table (registry_add): the
 * production allocators driver/optional_backends.c loads with dlopen when
 * their libraries are installed, and the ones it could not find.
 */
enum { OPTIONAL_MAX = 8 };

static struct {
    struct registry_entry found[OPTIONAL_MAX];
    size_t found_count;
    struct {
        const char *name, *summary, *package;
    } missing[OPTIONAL_MAX];
    size_t missing_count;
} optional;

static const struct registry_entry *entry_at(size_t i)
{
    if (i < REGISTRY_SIZE)
        return &registry_table[i];
    i -= REGISTRY_SIZE;
    return i < optional.found_count ? &optional.found[i] : NULL;
}

size_t registry_count(void)
{
    return REGISTRY_SIZE + optional.found_count;
}

const struct allocator *registry_at(size_t i)
{
    const struct registry_entry *e = entry_at(i);
    return e != NULL ? e->allocator : NULL;
}

const struct allocator *registry_find(const char *name)
{
    for (size_t i = 0; i < registry_count(); i++)
        if (strcmp(entry_at(i)->allocator->name, name) == 0)
            return entry_at(i)->allocator;
    return NULL;
}

enum registry_family registry_family_of(size_t i)
{
    const struct registry_entry *e = entry_at(i);
    return e != NULL ? e->family : REGISTRY_OTHER;
}

int registry_add(const struct allocator *a, enum registry_family family)
{
    if (optional.found_count == OPTIONAL_MAX || registry_find(a->name))
        return -1;
    optional.found[optional.found_count++] =
        (struct registry_entry){a, family, MEMORY_OWN};
    return 0;
}

int registry_add_unavailable(const char *name, const char *summary,
                             const char *package)
{
    if (optional.missing_count == OPTIONAL_MAX)
        return -1;
    optional.missing[optional.missing_count].name = name;
    optional.missing[optional.missing_count].summary = summary;
    optional.missing[optional.missing_count].package = package;
    optional.missing_count++;
    return 0;
}

size_t registry_unavailable_count(void)
{
    return optional.missing_count;
}

const char *registry_unavailable_at(size_t i, const char **summary,
                                    const char **package)
{
    if (i >= optional.missing_count)
        return NULL;
    *summary = optional.missing[i].summary;
    *package = optional.missing[i].package;
    return optional.missing[i].name;
}

const char *registry_family_name(enum registry_family family)
{
    return (unsigned)family < REGISTRY_FAMILIES ? family_names[family] : "?";
}

bool registry_family_find(const char *name, enum registry_family *family)
{
    for (int f = 0; f < REGISTRY_FAMILIES; f++) {
        if (strcmp(family_names[f], name) == 0) {
            *family = (enum registry_family)f;
            return true;
        }
    }
    return false;
}

bool registry_uses_memlib(const struct allocator *a)
{
    for (size_t i = 0; i < registry_count(); i++)
        if (entry_at(i)->allocator == a)
            return entry_at(i)->memory == MEMORY_MEMLIB;
    return true;
}
