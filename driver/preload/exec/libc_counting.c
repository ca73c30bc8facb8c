/*
 * libc_counting.c -- libheaplab-libc.so: the C library's own malloc, with
 * counters, for `heaplab exec -a libc` (the reference in `--compare`).
 *
 * Every function passes the call straight to glibc (its exported
 * __libc_malloc, __libc_free, ... entry points, which exist for exactly
 * this) and counts it.  No header and no lock: glibc's behaviour, speed and
 * footprint stay glibc's, and the counters are atomic.  What the summary
 * can and cannot say about glibc:
 *
 *   calls        exact, of each kind.
 *   live bytes   glibc's usable sizes (malloc_usable_size), not the sizes
 *                asked for: a block counts its rounding, up to 24 bytes
 *                more, so libc's utilization is a little flattering.
 *   footprint    glibc's own account, mallinfo2(): arena (memory taken by
 *                sbrk and by the heaps of the other arenas) + hblkhd (its
 *                live mmap'ed chunks).  mallinfo2 walks every bin, too slow
 *                for every call, so it is sampled: when the live bytes have
 *                grown by more than a 64th (and 4 KiB) since the last
 *                sample, checked after each allocation and before each
 *                free (so a sample sees the top of every climb, block
 *                still held), every 4096 calls, and at exit.  The peak is
 *                the highest sample: a lower bound, within about a 64th
 *                of the live bytes when the footprint peaks with the live
 *                data, as it usually does.
 *   system calls not counted: glibc makes them from inside itself.
 *
 * malloc_usable_size, which this library counts too, comes from glibc
 * through dlsym(RTLD_NEXT) (glibc exports no __libc_ name for it).  glibc
 * 2.34 and later allocate nothing in a dlsym that succeeds; a call that
 * arrives while the lookup runs is served but not counted.
 *
 * The counters live where layer.c keeps them (stats_file.h): in this
 * process's own memory until heaplab's statistics file is attached in the
 * constructor; forked children keep theirs to themselves.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_stats.h"
#include "stats_file.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc's entry points. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

/* Sampling, see above. */
enum { SAMPLE_EVERY = 4096, SAMPLE_SLACK = 4096, SAMPLE_GROWTH = 64 };

/*
 * Invariants (between calls, ignoring calls in flight):
 *   stats == &own, or this image's slot in the statistics file
 *   stats->live_bytes == sum of usable sizes of blocks counted live
 *   next_sample == live bytes at the last sample, plus a 64th, plus
 *                  SAMPLE_SLACK
 */
static struct {
    struct exec_image *stats;
    struct exec_image own;
    size_t (*usable_size)(void *);
    int looking_up;       /* the dlsym for usable_size is running */
    uint64_t next_sample; /* live bytes that trigger the next sample */
    uint64_t calls;       /* all calls, for the periodic sample */
    int sampling;         /* a thread is in mallinfo2 */
} counting = {
    .stats = &counting.own,
};

/* --- counting ------------------------------------------------------------ */

/* Finds glibc's malloc_usable_size, once; false while another call is
 * looking it up. */
static bool find_usable_size(void)
{
    if (__atomic_load_n(&counting.usable_size, __ATOMIC_ACQUIRE) != NULL)
        return true;
    if (__atomic_exchange_n(&counting.looking_up, 1, __ATOMIC_ACQ_REL))
        return false;
    void *symbol = dlsym(RTLD_NEXT, "malloc_usable_size");
    if (symbol == NULL) {
        stats_say("libc", "cannot find the C library's ",
                  "malloc_usable_size");
        abort();
    }
    size_t (*function)(void *);
    memcpy(&function, &symbol, sizeof symbol);
    __atomic_store_n(&counting.usable_size, function, __ATOMIC_RELEASE);
    return true;
}

static size_t usable(void *p)
{
    if (p == NULL || !find_usable_size())
        return 0;
    return counting.usable_size(p);
}

static void raise_to(uint64_t *peak, uint64_t value)
{
    uint64_t seen = __atomic_load_n(peak, __ATOMIC_RELAXED);
    while (value > seen &&
           !__atomic_compare_exchange_n(peak, &seen, value, true,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        continue;
}

/* One mallinfo2() sample of the footprint, unless one is running. */
static void sample(void)
{
    if (__atomic_exchange_n(&counting.sampling, 1, __ATOMIC_ACQUIRE))
        return;
    struct mallinfo2 info = mallinfo2();
    struct exec_image *s = counting.stats;
    uint64_t footprint = info.arena + info.hblkhd;
    __atomic_store_n(&s->footprint, footprint, __ATOMIC_RELAXED);
    raise_to(&s->peak_footprint, footprint);
    __atomic_store_n(&counting.sampling, 0, __ATOMIC_RELEASE);
}

/* Samples when the live bytes have climbed since the last sample. */
static void sample_if_grown(uint64_t live)
{
    if (live < __atomic_load_n(&counting.next_sample, __ATOMIC_RELAXED))
        return;
    __atomic_store_n(&counting.next_sample,
                     live + live / SAMPLE_GROWTH + SAMPLE_SLACK,
                     __ATOMIC_RELAXED);
    sample();
}

static uint64_t live_now(void)
{
    int64_t live =
        __atomic_load_n(&counting.stats->live_bytes, __ATOMIC_RELAXED);
    return live > 0 ? (uint64_t)live : 0;
}

/* Counts one call that added `added` live bytes and removed `removed`. */
static void count(enum exec_call kind, void *result, size_t added,
                  size_t removed, bool failed)
{
    struct exec_image *s = counting.stats;
    __atomic_fetch_add(&s->calls[kind], 1, __ATOMIC_RELAXED);
    if (failed)
        __atomic_fetch_add(&s->failed, 1, __ATOMIC_RELAXED);
    if (result != NULL || added != 0)
        __atomic_fetch_add(&s->live_blocks, 1, __ATOMIC_RELAXED);
    if (removed != 0)
        __atomic_fetch_sub(&s->live_blocks, 1, __ATOMIC_RELAXED);
    int64_t live = __atomic_add_fetch(
        &s->live_bytes, (int64_t)added - (int64_t)removed, __ATOMIC_RELAXED);
    uint64_t now = live > 0 ? (uint64_t)live : 0;
    raise_to(&s->peak_live_bytes, now);
    uint64_t calls = __atomic_add_fetch(&counting.calls, 1, __ATOMIC_RELAXED);
    if (calls % SAMPLE_EVERY == 0)
        sample();
    else
        sample_if_grown(now);
}

/* An allocation: counts it, sets errno on failure. */
static void *allocated(enum exec_call kind, void *p, int saved_errno)
{
    count(kind, p, usable(p), 0, p == NULL);
    errno = p != NULL ? saved_errno : ENOMEM;
    return p;
}

/* --- starting, fork ------------------------------------------------------ */

static void fork_child(void)
{
    if (counting.stats != &counting.own) {
        counting.own = *counting.stats;
        counting.stats = &counting.own;
    }
}

__attribute__((constructor)) static void counting_constructor(void)
{
    find_usable_size();
    sample();
    struct exec_image *slot =
        stats_attach("libc", EXEC_FLAG_LIBC, &counting.own);
    if (slot != NULL)
        counting.stats = slot;
    pthread_atfork(NULL, NULL, fork_child);
}

__attribute__((destructor)) static void counting_destructor(void)
{
    sample();
}

/* --- the C interface ----------------------------------------------------- */

EXPORT void *malloc(size_t size)
{
    int saved_errno = errno;
    return allocated(EXEC_MALLOC, __libc_malloc(size), saved_errno);
}

EXPORT void free(void *p)
{
    size_t size = usable(p);
    if (size != 0)
        sample_if_grown(live_now());
    __libc_free(p);
    count(EXEC_FREE, NULL, 0, size, false);
}

EXPORT void *calloc(size_t count_of, size_t size)
{
    int saved_errno = errno;
    return allocated(EXEC_CALLOC, __libc_calloc(count_of, size), saved_errno);
}

/* realloc and reallocarray: old's usable size out, the new block's in. */
static void *resize(enum exec_call kind, void *old, size_t size,
                    int saved_errno)
{
    size_t before = usable(old);
    if (before != 0)
        sample_if_grown(live_now());
    void *p = __libc_realloc(old, size);
    bool failed = p == NULL && !(old != NULL && size == 0);
    count(kind, p, usable(p), failed ? 0 : before, failed);
    if (failed)
        errno = ENOMEM;
    else if (p != NULL)
        errno = saved_errno;
    return p;
}

EXPORT void *realloc(void *old, size_t size)
{
    return resize(EXEC_REALLOC, old, size, errno);
}

EXPORT void *reallocarray(void *old, size_t count_of, size_t size)
{
    if (size != 0 && count_of > SIZE_MAX / size) {
        count(EXEC_REALLOCARRAY, NULL, 0, 0, true);
        errno = ENOMEM;
        return NULL;
    }
    return resize(EXEC_REALLOCARRAY, old, count_of * size, errno);
}

static bool power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

EXPORT int posix_memalign(void **result, size_t align, size_t size)
{
    if (align % sizeof(void *) != 0 || !power_of_two(align)) {
        count(EXEC_POSIX_MEMALIGN, NULL, 0, 0, true);
        return EINVAL;
    }
    int saved_errno = errno;
    void *p = allocated(EXEC_POSIX_MEMALIGN, __libc_memalign(align, size),
                        saved_errno);
    errno = saved_errno;
    if (p == NULL)
        return ENOMEM;
    *result = p;
    return 0;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
    if (!power_of_two(align)) { /* as layer.c and glibc 2.38 */
        count(EXEC_ALIGNED_ALLOC, NULL, 0, 0, true);
        errno = EINVAL;
        return NULL;
    }
    int saved_errno = errno;
    return allocated(EXEC_ALIGNED_ALLOC, __libc_memalign(align, size),
                     saved_errno);
}

EXPORT void *memalign(size_t align, size_t size)
{
    int saved_errno = errno;
    void *p = __libc_memalign(align, size);
    int error = errno;
    allocated(EXEC_MEMALIGN, p, saved_errno);
    if (p == NULL)
        errno = error; /* EINVAL or ENOMEM, as glibc said */
    return p;
}

EXPORT void *valloc(size_t size)
{
    int saved_errno = errno;
    return allocated(EXEC_VALLOC, __libc_valloc(size), saved_errno);
}

EXPORT void *pvalloc(size_t size)
{
    int saved_errno = errno;
    return allocated(EXEC_PVALLOC, __libc_pvalloc(size), saved_errno);
}

EXPORT size_t malloc_usable_size(void *p)
{
    size_t size = usable(p);
    count(EXEC_USABLE_SIZE, NULL, 0, 0, false);
    return size;
}
