/*
 * test_contract.c -- the contract of <heaplab/allocator.h>, checked on
 * every registered backend (each test is a loop over the registry, so a
 * new backend is covered by adding it to allocators/registry.c).
 */
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "replay.h"
#include "suites.h"

/* A deterministic PRNG (splitmix64), so failures repeat. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static const struct allocator *backend(int i)
{
    const struct allocator *a = registry_at((size_t)i);
    mem_reset();
    ck_assert_msg(a->init() == 0, "%s: init failed", a->name);
    rng_state = 42;
    return a;
}

/* Does the design promise to reuse freed memory? */
static int reuses(const struct allocator *a)
{
    return strcmp(a->name, "minimal") != 0 && strcmp(a->name, "pad") != 0;
}

static size_t footprint(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats.footprint;
}

/* The first of n bytes at p that is not `value`, or n.  (One assertion per
 * block, not per byte: Check's assertions are slow in a loop, and very
 * slow under the sanitizer.) */
static size_t first_not(const unsigned char *p, size_t n, unsigned char value)
{
    for (size_t k = 0; k < n; k++)
        if (p[k] != value)
            return k;
    return n;
}

static void check_heap(const struct allocator *a)
{
    if (a->check != NULL)
        ck_assert_msg(a->check() == 0, "%s: heap checker failed", a->name);
}

START_TEST(vtable_is_complete)
{
    const struct allocator *a = registry_at((size_t)_i);
    ck_assert_ptr_nonnull(a->name);
    ck_assert_ptr_nonnull(a->summary);
    ck_assert(a->init != NULL);
    ck_assert(a->malloc != NULL);
    ck_assert(a->free != NULL);
    ck_assert_ptr_eq(registry_find(a->name), a);
    ck_assert(strlen(a->summary) > 10 && !strchr(a->summary, '\n'));
}
END_TEST

START_TEST(payloads_are_aligned_and_inside_the_heap)
{
    const struct allocator *a = backend(_i);
    static const size_t sizes[] = {1,  7,   8,    15,    16,     17,
                                   31, 100, 1000, 4095, 4096, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *p = a->malloc(sizes[i]);
        ck_assert_msg(p != NULL, "%s: malloc(%zu)", a->name, sizes[i]);
        ck_assert_msg((uintptr_t)p % HEAPLAB_ALIGNMENT == 0,
                      "%s: malloc(%zu) = %p", a->name, sizes[i], (void *)p);
        if (replay_uses_memlib(a) || mem_static_region(NULL) != NULL)
            ck_assert_msg(mem_contains(p, sizes[i]), "%s: %p outside",
                          a->name, (void *)p);
        memset(p, 0xCD, sizes[i]); /* must not fault */
    }
    check_heap(a);
}
END_TEST

enum { LIVE = 600 };

START_TEST(blocks_do_not_overlap)
{
    const struct allocator *a = backend(_i);
    static unsigned char *blocks[LIVE];
    static size_t sizes[LIVE];
    for (int i = 0; i < LIVE; i++) {
        sizes[i] = 1 + rng_next() % 700;
        blocks[i] = a->malloc(sizes[i]);
        ck_assert_ptr_nonnull(blocks[i]);
        memset(blocks[i], i & 0xFF, sizes[i]);
        if (i % 3 == 2) { /* free some to make holes */
            a->free(blocks[i - 1]);
            blocks[i - 1] = NULL;
        }
    }
    for (int i = 0; i < LIVE; i++) {
        size_t k = blocks[i] != NULL
                       ? first_not(blocks[i], sizes[i], (unsigned char)i)
                       : 0;
        ck_assert_msg(blocks[i] == NULL || k == sizes[i],
                      "%s: block %d byte %zu overwritten", a->name, i, k);
    }
    check_heap(a);
}
END_TEST

START_TEST(realloc_keeps_data)
{
    const struct allocator *a = backend(_i);
    size_t size = 40;
    unsigned char *p = a->malloc(size);
    for (size_t k = 0; k < size; k++)
        p[k] = (unsigned char)(k * 7);
    void *spacer = a->malloc(64); /* so growing cannot always stay put */
    static const size_t steps[] = {100, 5000, 33, 70000, 8, 300};
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        size_t kept = size < steps[s] ? size : steps[s];
        p = replay_realloc(a, p, size, steps[s]);
        ck_assert_ptr_nonnull(p);
        ck_assert((uintptr_t)p % HEAPLAB_ALIGNMENT == 0);
        size_t lost = kept;
        for (size_t k = 0; k < kept && lost == kept; k++)
            if (p[k] != (unsigned char)(k * 7))
                lost = k;
        ck_assert_msg(lost == kept, "%s: realloc to %zu lost byte %zu",
                      a->name, steps[s], lost);
        for (size_t k = kept; k < steps[s]; k++)
            p[k] = (unsigned char)(k * 7);
        size = steps[s];
        check_heap(a);
    }
    a->free(p);
    a->free(spacer);
    check_heap(a);
}
END_TEST

START_TEST(freed_memory_is_reused)
{
    const struct allocator *a = backend(_i);
    if (!reuses(a) || !replay_uses_memlib(a))
        return; /* minimal and pad never reuse; libc is not memlib's */
    void *keep = a->malloc(100);
    for (int round = 0; round < 50; round++) {
        void *p = a->malloc(3000);
        void *q = a->malloc(200);
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(q);
        a->free(p);
        a->free(q);
    }
    size_t after_first = 0;
    struct mem_stats stats;
    mem_get_stats(&stats);
    after_first = stats.peak_footprint;
    for (int round = 0; round < 200; round++) {
        void *p = a->malloc(3000);
        void *q = a->malloc(200);
        a->free(q);
        a->free(p);
    }
    mem_get_stats(&stats);
    ck_assert_msg(stats.peak_footprint == after_first,
                  "%s: peak footprint grew from %zu to %zu without new live "
                  "data",
                  a->name, after_first, stats.peak_footprint);
    a->free(keep);
    check_heap(a);
}
END_TEST

START_TEST(edge_cases)
{
    const struct allocator *a = backend(_i);
    a->free(NULL); /* no-op */
    void *zero = a->malloc(0);
    if (zero != NULL) {
        ck_assert((uintptr_t)zero % HEAPLAB_ALIGNMENT == 0);
        void *other = a->malloc(0);
        ck_assert_ptr_ne(zero, other);
        a->free(other);
        a->free(zero);
    }
    unsigned char *p = replay_realloc(a, NULL, 0, 48);
    ck_assert_ptr_nonnull(p);
    memset(p, 1, 48);
    ck_assert_ptr_null(replay_realloc(a, p, 48, 0));
    check_heap(a);
    p = a->malloc(48); /* the heap still works */
    ck_assert_ptr_nonnull(p);
    a->free(p);
    check_heap(a);
}
END_TEST

START_TEST(out_of_memory_gives_null)
{
    const struct allocator *a = backend(_i);
    void *huge = a->malloc(SIZE_MAX - 4096);
    ck_assert_msg(huge == NULL, "%s: malloc(SIZE_MAX - 4096)", a->name);
    if (replay_uses_memlib(a)) {
        mem_set_limit(1 << 20);
        ck_assert_ptr_null(a->malloc(2 << 20));
        void *blocks[64];
        int got = 0;
        while (got < 64 && (blocks[got] = a->malloc(60000)) != NULL)
            got++;
        ck_assert_msg(got < 64, "%s: 64 x 60000 bytes under a 1 MiB cap",
                      a->name);
        ck_assert_uint_le(footprint(), 1 << 20);
        check_heap(a);
        if (reuses(a) && got > 0) { /* freeing makes room again */
            a->free(blocks[--got]);
            ck_assert_ptr_nonnull(blocks[got] = a->malloc(60000));
        }
        while (got > 0)
            a->free(blocks[--got]);
    }
    ck_assert_ptr_nonnull(a->malloc(32)); /* still usable */
    check_heap(a);
}
END_TEST

/* walk() data: blocks in increasing address order. */
struct walk_state {
    const char *last_end;
    size_t blocks, used;
    int ordered;
};

static void visit(const void *block, size_t size, int used, void *arg)
{
    struct walk_state *w = arg;
    if ((const char *)block < w->last_end)
        w->ordered = 0;
    w->last_end = (const char *)block + size;
    w->blocks++;
    w->used += used != 0;
}

START_TEST(random_operations_keep_the_heap_consistent)
{
    const struct allocator *a = backend(_i);
    enum { SLOTS = 300, OPS = 6000 };
    static unsigned char *slot[SLOTS];
    static size_t size[SLOTS];
    memset(slot, 0, sizeof slot);
    for (int op = 0; op < OPS; op++) {
        int i = (int)(rng_next() % SLOTS);
        if (slot[i] == NULL) {
            size[i] = rng_next() % 4 ? rng_next() % 200 + 1
                                     : rng_next() % 20000 + 1;
            slot[i] = a->malloc(size[i]);
            ck_assert_ptr_nonnull(slot[i]);
            memset(slot[i], i, size[i]);
        } else if (rng_next() % 3 == 0) {
            size_t n = rng_next() % 3000 + 1;
            slot[i] = replay_realloc(a, slot[i], size[i], n);
            ck_assert_ptr_nonnull(slot[i]);
            size_t kept = n < size[i] ? n : size[i];
            ck_assert_uint_eq(first_not(slot[i], kept, (unsigned char)i),
                              kept);
            memset(slot[i], i, n);
            size[i] = n;
        } else {
            ck_assert_uint_eq(first_not(slot[i], size[i], (unsigned char)i),
                              size[i]);
            a->free(slot[i]);
            slot[i] = NULL;
        }
        if (op % 250 == 0)
            check_heap(a);
    }
    check_heap(a);
    if (a->walk != NULL) {
        struct walk_state w = {.ordered = 1};
        a->walk(visit, &w);
        size_t live = 0;
        for (int i = 0; i < SLOTS; i++)
            live += slot[i] != NULL;
        ck_assert(w.ordered);
        ck_assert_uint_eq(w.used, live);
    }
}
END_TEST

START_TEST(init_gives_a_fresh_start)
{
    const struct allocator *a = backend(_i);
    for (int i = 0; i < 100; i++)
        ck_assert_ptr_nonnull(a->malloc(100 + (size_t)i));
    mem_reset();
    ck_assert_int_eq(a->init(), 0);
    void *p = a->malloc(64);
    ck_assert_ptr_nonnull(p);
    check_heap(a);
    if (a->walk != NULL) {
        struct walk_state w = {.ordered = 1};
        a->walk(visit, &w);
        ck_assert_uint_eq(w.used, 1);
    }
}
END_TEST

static Suite *contract_suite(void)
{
    Suite *suite = suite_create("contract");
    TCase *tc = tcase_create("every backend");
    int n = (int)registry_count();
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, vtable_is_complete, 0, n);
    tcase_add_loop_test(tc, payloads_are_aligned_and_inside_the_heap, 0, n);
    tcase_add_loop_test(tc, blocks_do_not_overlap, 0, n);
    tcase_add_loop_test(tc, realloc_keeps_data, 0, n);
    tcase_add_loop_test(tc, freed_memory_is_reused, 0, n);
    tcase_add_loop_test(tc, edge_cases, 0, n);
    tcase_add_loop_test(tc, out_of_memory_gives_null, 0, n);
    tcase_add_loop_test(tc, random_operations_keep_the_heap_consistent, 0, n);
    tcase_add_loop_test(tc, init_gives_a_fresh_start, 0, n);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(contract_suite)
