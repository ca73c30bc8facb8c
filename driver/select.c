/* select.c -- see select.h. */
#include "select.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/registry.h"

/* The word of n bytes at p, in name (of size >= 64); false when longer. */
static bool copy_word(const char *p, size_t n, char name[64])
{
    if (n >= 64)
        return false;
    memcpy(name, p, n);
    name[n] = '\0';
    return true;
}

/* Is name "all", a family, or a backend? */
static bool name_known(const char *name)
{
    enum registry_family family;
    return strcmp(name, "all") == 0 || registry_family_find(name, &family) ||
           registry_find(name) != NULL;
}

/* Does name select the i-th backend? */
static bool name_selects(const char *name, size_t i)
{
    enum registry_family family;
    if (strcmp(name, "all") == 0)
        return true;
    if (registry_family_find(name, &family))
        return registry_family_of(i) == family;
    return strcmp(registry_at(i)->name, name) == 0;
}

int select_allocators(const char *names, struct selection *selection,
                      char *error, size_t error_size)
{
    size_t total = registry_count();
    selection->count = 0;
    selection->allocators = calloc(total ? total : 1,
                                   sizeof *selection->allocators);
    if (selection->allocators == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    if (names == NULL)
        names = "all";
    if (*names == '\0') {
        snprintf(error, error_size, "-a needs at least one allocator");
        select_free(selection);
        return -1;
    }
    /* Every word must name a backend, a family, or all. */
    char name[64];
    for (const char *p = names; *p;) {
        size_t word = strcspn(p, ",");
        if (word == 0 || !copy_word(p, word, name) || !name_known(name)) {
            snprintf(error, error_size,
                     "unknown allocator '%.*s' (see 'heaplab list')",
                     word < 64 ? (int)word : 63, p);
            select_free(selection);
            return -1;
        }
        p += word + (p[word] == ',');
    }
    for (size_t i = 0; i < total; i++) {
        bool selected = false;
        for (const char *p = names; *p && !selected;) {
            size_t word = strcspn(p, ",");
            selected = copy_word(p, word, name) && name_selects(name, i);
            p += word + (p[word] == ',');
        }
        if (selected)
            selection->allocators[selection->count++] = registry_at(i);
    }
    if (selection->count == 0) {
        snprintf(error, error_size, "'%s' selects no backend (see 'heaplab "
                 "list')", names);
        select_free(selection);
        return -1;
    }
    return 0;
}

void select_free(struct selection *selection)
{
    free(selection->allocators);
    selection->allocators = NULL;
    selection->count = 0;
}
