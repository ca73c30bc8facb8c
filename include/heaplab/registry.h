/*
 * registry.h -- the table of every backend heaplab knows, each with the
 * family it belongs to, in this order: the lecture's six (minimal, pad,
 * list, dlist, bins, mmap), the C library's malloc, the fit-policy
 * variants, the other designs, the appendix's.
 */
#ifndef HEAPLAB_REGISTRY_H
#define HEAPLAB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "heaplab/allocator.h"

/*
 * What a backend is there for; `heaplab list` prints it and `-a FAMILY`
 * selects a whole family.
 */
enum registry_family {
    REGISTRY_LECTURE,   /* "lecture": the six steps of the lecture */
    REGISTRY_REFERENCE, /* "reference": production allocators (libc) */
    REGISTRY_POLICY,    /* "policy": a lecture backend with another fit */
    REGISTRY_APPENDIX,  /* "appendix": the designs of the appendix */
    REGISTRY_OTHER,     /* "other": further designs courses compare */
    REGISTRY_FAMILIES   /* how many families there are */
};

/* How many backends are registered. */
size_t registry_count(void);

/* The i-th backend in the registry's order, 0 <= i < registry_count(). */
const struct allocator *registry_at(size_t i);

/* The backend called name, or NULL. */
const struct allocator *registry_find(const char *name);

/* The family of the i-th backend, 0 <= i < registry_count(). */
enum registry_family registry_family_of(size_t i);

/* "lecture", "reference", "policy", "appendix", "other". */
const char *registry_family_name(enum registry_family family);

/* The family called name; false when there is none. */
bool registry_family_find(const char *name, enum registry_family *family);

/*
 * Does backend a get its memory from memlib?  True for every backend but
 * the registered ones that keep memory of their own (libc: the C
 * library's; simple: a static array), whose footprint comes from a probe
 * (mem_set_footprint_probe) and whose system calls memlib cannot count.
 * A backend that is not registered (a student's) uses memlib.
 */
bool registry_uses_memlib(const struct allocator *a);

/*
 * Backends found at run time, registered after the table: the production
 * allocators that driver/optional_backends.c loads with dlopen when their
 * Debian libraries are installed (jemalloc, mimalloc, tcmalloc).  Their
 * memory is their own: registry_uses_memlib is false for them.  0, or -1
 * when the name is taken or the room for them is full.
 */
int registry_add(const struct allocator *a, enum registry_family family);

/*
 * A backend that is not there but would be with a package installed:
 * `heaplab list` shows it as unavailable, with `apt-get install PACKAGE`.
 * The strings are kept, not copied.  0, or -1 when the room is full.
 */
int registry_add_unavailable(const char *name, const char *summary,
                             const char *package);

/* How many backends registry_add_unavailable recorded. */
size_t registry_unavailable_count(void);

/* The i-th unavailable backend's name, its summary and package in
 * *summary and *package; NULL past the end. */
const char *registry_unavailable_at(size_t i, const char **summary,
                                    const char **package);

#endif /* HEAPLAB_REGISTRY_H */
