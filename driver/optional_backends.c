/*
 * optional_backends.c -- jemalloc, mimalloc and tcmalloc as backends (see
 * optional_backends.h).
 *
 * Each library is opened with dlopen(RTLD_LOCAL): its functions are
 * called through the pointers dlsym gives, under their own names where the
 * library has them (mi_malloc, tc_malloc; jemalloc's are plain malloc,
 * free, realloc in its own namespace), and the rest of the program keeps
 * the C library's malloc.  Like libc, these backends keep their memory
 * outside memlib, so their footprint comes from a probe: what the
 * library's own statistics say it holds from the system, less what it
 * held when init ran:
 *
 *   jemalloc   mallctl "stats.mapped" (after "epoch" refreshes the stats)
 *   mimalloc   mi_process_info's current_commit
 *   tcmalloc   "generic.heap_size" - "tcmalloc.pageheap_unmapped_bytes"
 *              (MallocExtension_GetNumericProperty)
 *
 * Requests are rounded up to a multiple of 16 (see aligned_request).
 * init first asks the library to give back what it can (jemalloc's arena
 * purge, mi_collect, MallocExtension_ReleaseFreeMemory), as libc's init
 * calls malloc_trim.  The edge cases (realloc(p, 0) frees p and returns
 * NULL) are handled here, as libc.c does, not left to the library.
 */
#include "optional_backends.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"

/* Set in the environment when the program started itself again. */
static const char RETRY_VARIABLE[] = "HEAPLAB_STATIC_TLS_RETRY";

typedef void *malloc_fn(size_t);
typedef void free_fn(void *);
typedef void *realloc_fn(void *, size_t);

/* One library's entry points, and the bytes it held at init. */
struct library {
    malloc_fn *malloc;
    free_fn *free;
    realloc_fn *realloc;
    size_t baseline;
};

/*
 * A request rounded up to a multiple of 16 (0 becomes 16).  All three
 * libraries have an 8-byte size class (C asks only for an alignment that
 * suits the object's size) and would return an 8-byte aligned block for
 * it; the contract wants 16.  Their other classes are multiples of 16, so
 * rounding is enough, and cheaper than their aligned-allocation calls.
 */
static inline size_t aligned_request(size_t size)
{
    if (size == 0)
        return HEAPLAB_ALIGNMENT; /* malloc(0): a unique 16-byte block */
    size_t mask = HEAPLAB_ALIGNMENT - 1;
    return size > SIZE_MAX - mask ? size : (size + mask) & ~mask;
}

static void *library_malloc(const struct library *l, size_t size)
{
    return l->malloc(aligned_request(size));
}

static void *library_realloc(const struct library *l, void *ptr, size_t size)
{
    if (ptr == NULL)
        return library_malloc(l, size);
    if (size == 0) {
        l->free(ptr); /* the contract's rule, not left to the library */
        return NULL;
    }
    return l->realloc(ptr, aligned_request(size));
}

static size_t above(size_t held, size_t baseline)
{
    return held > baseline ? held - baseline : 0;
}

/* --- jemalloc ----------------------------------------------------------- */

typedef int mallctl_fn(const char *, void *, size_t *, void *, size_t);

static struct library jemalloc;
static mallctl_fn *je_mallctl;

static size_t jemalloc_held(void)
{
    uint64_t epoch = 1;
    size_t mapped = 0, length = sizeof mapped;
    je_mallctl("epoch", NULL, NULL, &epoch, sizeof epoch);
    if (je_mallctl("stats.mapped", &mapped, &length, NULL, 0) != 0)
        return 0;
    return mapped;
}

static size_t jemalloc_footprint(void)
{
    return above(jemalloc_held(), jemalloc.baseline);
}

static int jemalloc_init(void)
{
    je_mallctl("arena.4096.purge", NULL, NULL, NULL, 0); /* all arenas */
    jemalloc.baseline = jemalloc_held();
    mem_set_footprint_probe(jemalloc_footprint);
    return 0;
}

static void *jemalloc_malloc(size_t size)
{
    return library_malloc(&jemalloc, size);
}

static void jemalloc_free(void *ptr) { jemalloc.free(ptr); }

static void *jemalloc_realloc(void *ptr, size_t size)
{
    return library_realloc(&jemalloc, ptr, size);
}

static const struct allocator jemalloc_allocator = {
    .name = "jemalloc",
    .summary = "jemalloc, FreeBSD's and Firefox's malloc (reference)",
    .init = jemalloc_init,
    .malloc = jemalloc_malloc,
    .free = jemalloc_free,
    .realloc = jemalloc_realloc,
};

/* --- mimalloc ----------------------------------------------------------- */

typedef void process_info_fn(size_t *, size_t *, size_t *, size_t *,
                             size_t *, size_t *, size_t *, size_t *);
typedef void collect_fn(_Bool);

static struct library mimalloc;
static process_info_fn *mi_process_info;
static collect_fn *mi_collect;

static size_t mimalloc_held(void)
{
    size_t elapsed, user, system, rss, peak_rss, commit = 0, peak_commit,
        faults;
    mi_process_info(&elapsed, &user, &system, &rss, &peak_rss, &commit,
                    &peak_commit, &faults);
    return commit;
}

static size_t mimalloc_footprint(void)
{
    return above(mimalloc_held(), mimalloc.baseline);
}

static int mimalloc_init(void)
{
    mi_collect(1);
    mimalloc.baseline = mimalloc_held();
    mem_set_footprint_probe(mimalloc_footprint);
    return 0;
}

static void *mimalloc_malloc(size_t size)
{
    return library_malloc(&mimalloc, size);
}

static void mimalloc_free(void *ptr) { mimalloc.free(ptr); }

static void *mimalloc_realloc(void *ptr, size_t size)
{
    return library_realloc(&mimalloc, ptr, size);
}

static const struct allocator mimalloc_allocator = {
    .name = "mimalloc",
    .summary = "mimalloc, Microsoft's free-list sharding malloc (reference)",
    .init = mimalloc_init,
    .malloc = mimalloc_malloc,
    .free = mimalloc_free,
    .realloc = mimalloc_realloc,
};

/* --- tcmalloc ----------------------------------------------------------- */

typedef int property_fn(const char *, size_t *);
typedef void release_fn(void);

static struct library tcmalloc;
static property_fn *tc_property;
static release_fn *tc_release;

static size_t tcmalloc_held(void)
{
    size_t heap = 0, unmapped = 0;
    tc_property("generic.heap_size", &heap);
    tc_property("tcmalloc.pageheap_unmapped_bytes", &unmapped);
    return above(heap, unmapped);
}

static size_t tcmalloc_footprint(void)
{
    return above(tcmalloc_held(), tcmalloc.baseline);
}

static int tcmalloc_init(void)
{
    tc_release();
    tcmalloc.baseline = tcmalloc_held();
    mem_set_footprint_probe(tcmalloc_footprint);
    return 0;
}

static void *tcmalloc_malloc(size_t size)
{
    return library_malloc(&tcmalloc, size);
}

static void tcmalloc_free(void *ptr) { tcmalloc.free(ptr); }

static void *tcmalloc_realloc(void *ptr, size_t size)
{
    return library_realloc(&tcmalloc, ptr, size);
}

static const struct allocator tcmalloc_allocator = {
    .name = "tcmalloc",
    .summary = "tcmalloc (minimal), Google's thread-caching malloc "
               "(reference)",
    .init = tcmalloc_init,
    .malloc = tcmalloc_malloc,
    .free = tcmalloc_free,
    .realloc = tcmalloc_realloc,
};

/* --- loading ------------------------------------------------------------ */

/*
 * jemalloc keeps its thread state in "initial-exec" TLS, which a library
 * opened with dlopen must find room for in the static TLS block; glibc
 * leaves too little by default ("cannot allocate memory in static TLS
 * block").  The fix is a glibc tunable, read at process start only, so
 * the program starts itself again once with it set.
 */
static void retry_with_static_tls(char **argv)
{
    static const char tunable[] = "glibc.rtld.optional_static_tls=16384";
    if (argv == NULL || getenv(RETRY_VARIABLE) != NULL)
        return;
    const char *old = getenv("GLIBC_TUNABLES");
    char value[1024];
    snprintf(value, sizeof value, "%s%s%s", old != NULL ? old : "",
             old != NULL && *old ? ":" : "", tunable);
    setenv("GLIBC_TUNABLES", value, 1);
    setenv(RETRY_VARIABLE, "1", 1);
    execv("/proc/self/exe", argv); /* returns only when it failed */
}

/* What to load for one backend, and where its pointers go. */
struct candidate {
    const struct allocator *allocator;
    const char *soname;  /* the library's file, as dlopen finds it */
    const char *package; /* the Debian package that installs it */
    struct library *library;
    const char *names[3]; /* malloc, free, realloc */
    const char *stats[2]; /* the statistics functions */
    void **stats_at[2];
};

static int load(const struct candidate *c, char **argv)
{
    void *handle = dlopen(c->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL && strstr(dlerror(), "static TLS") != NULL) {
        retry_with_static_tls(argv);
        return -1;
    }
    if (handle == NULL)
        return -1;
    void *found[5] = {NULL};
    for (int i = 0; i < 3; i++)
        found[i] = dlsym(handle, c->names[i]);
    for (int i = 0; i < 2 && c->stats[i] != NULL; i++)
        found[3 + i] = dlsym(handle, c->stats[i]);
    for (int i = 0; i < 5; i++)
        if (found[i] == NULL && (i < 3 || c->stats[i - 3] != NULL)) {
            dlclose(handle);
            return -1;
        }
    /* POSIX: a pointer from dlsym converts to a function pointer. */
    *(void **)&c->library->malloc = found[0];
    *(void **)&c->library->free = found[1];
    *(void **)&c->library->realloc = found[2];
    for (int i = 0; i < 2 && c->stats[i] != NULL; i++)
        *c->stats_at[i] = found[3 + i];
    return 0;
}

void optional_backends_load(char **argv)
{
    static int loaded;
    if (loaded++)
        return;
    const struct candidate candidates[] = {
        {&jemalloc_allocator, "libjemalloc.so.2", "libjemalloc2", &jemalloc,
         {"malloc", "free", "realloc"}, {"mallctl", NULL},
         {(void **)&je_mallctl, NULL}},
        {&mimalloc_allocator, "libmimalloc.so.2", "libmimalloc2.0",
         &mimalloc, {"mi_malloc", "mi_free", "mi_realloc"},
         {"mi_process_info", "mi_collect"},
         {(void **)&mi_process_info, (void **)&mi_collect}},
        {&tcmalloc_allocator, "libtcmalloc_minimal.so.4",
         "libtcmalloc-minimal4", &tcmalloc,
         {"tc_malloc", "tc_free", "tc_realloc"},
         {"MallocExtension_GetNumericProperty",
          "MallocExtension_ReleaseFreeMemory"},
         {(void **)&tc_property, (void **)&tc_release}},
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        const struct candidate *c = &candidates[i];
        if (load(c, argv) == 0)
            registry_add(c->allocator, REGISTRY_REFERENCE);
        else
            registry_add_unavailable(c->allocator->name,
                                     c->allocator->summary, c->package);
    }
}
