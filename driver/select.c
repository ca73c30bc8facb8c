/* select.c -- see select.h. */
#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/registry.h"

/* Is `name` one of the comma-separated words of list? */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t word = strcspn(p, ",");
        if (word == n && strncmp(p, name, n) == 0)
            return 1;
        p += word + (p[word] == ',');
    }
    return 0;
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
    int all = names == NULL || strcmp(names, "all") == 0;
    if (!all) {
        /* Every word must name a backend. */
        for (const char *p = names; *p;) {
            size_t word = strcspn(p, ",");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)word, p);
            if (word == 0 || word >= sizeof name || !registry_find(name)) {
                snprintf(error, error_size,
                         "unknown allocator '%s' (see 'heaplab list')",
                         word ? name : "");
                select_free(selection);
                return -1;
            }
            p += word + (p[word] == ',');
        }
        if (*names == '\0') {
            snprintf(error, error_size, "-a needs at least one allocator");
            select_free(selection);
            return -1;
        }
    }
    for (size_t i = 0; i < total; i++) {
        const struct allocator *a = registry_at(i);
        if (all || listed(names, a->name))
            selection->allocators[selection->count++] = a;
    }
    return 0;
}

void select_free(struct selection *selection)
{
    free(selection->allocators);
    selection->allocators = NULL;
    selection->count = 0;
}
