/*
 * test_lab4_hybrid.c -- lab 4's public tests: what your hybrid.c must do
 * (labs/lab4-hybrid/handout.md).  Run them with `make test`; one suite:
 *
 *     CK_RUN_SUITE=lab4-hybrid build/tests/heaplab-tests
 *
 * Small blocks must come from the heap (bins), large ones from mappings of
 * their own (mmap); memlib says which is which (mem_locate) and counts the
 * mappings.  The tests take your threshold to lie between 1 KiB and
 * 1 MiB, and set it with HEAPLAB_HYBRID_THRESHOLD in one test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator hybrid_allocator;
static const struct allocator *const hybrid = &hybrid_allocator;

enum { SMALL = 64, LARGE = 4 << 20 };

static void fresh_heap(void)
{
    mem_reset();
    ck_assert_msg(hybrid->init() == 0, "init() failed on a fresh heap");
}

static unsigned char *must_malloc(size_t size)
{
    unsigned char *p = hybrid->malloc(size);
    ck_assert_msg(p != NULL, "malloc(%zu) returned NULL: is hybrid_malloc "
                  "written yet?", size);
    ck_assert_msg((uintptr_t)p % 16 == 0,
                  "malloc(%zu) returned %p, not 16-byte aligned", size,
                  (void *)p);
    ck_assert_msg(mem_contains(p, size),
                  "malloc(%zu) returned %p: its bytes are neither all in the "
                  "heap nor all in one mapping", size, (void *)p);
    return p;
}

static struct mem_stats stats_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats;
}

static const char *place_name(const void *p)
{
    switch (mem_locate(p, NULL, NULL)) {
    case MEM_IN_HEAP:
        return "in the heap";
    case MEM_IN_MAPPING:
        return "in a mapping";
    default:
        return "neither in the heap nor in a mapping";
    }
}

static void expect_consistent(const char *after)
{
    ck_assert_msg(hybrid->check != NULL, "the vtable's check is NULL: lab 4 "
                  "asks for a heap checker");
    ck_assert_msg(hybrid->check() == 0, "check() rejects the heap after %s",
                  after);
}

START_TEST(small_blocks_come_from_the_heap)
{
    fresh_heap();
    for (size_t size = 1; size <= 1024; size *= 2) {
        unsigned char *p = must_malloc(size);
        ck_assert_msg(mem_locate(p, NULL, NULL) == MEM_IN_HEAP,
                      "malloc(%zu) returned a block %s: small blocks belong "
                      "to bins, in the heap", size, place_name(p));
    }
    ck_assert_uint_eq(stats_now().live_mappings, 0);
    expect_consistent("ten small mallocs");
}
END_TEST

START_TEST(large_blocks_get_a_mapping_each)
{
    fresh_heap();
    unsigned char *a = must_malloc(LARGE);
    unsigned char *b = must_malloc(2 * LARGE);
    ck_assert_msg(mem_locate(a, NULL, NULL) == MEM_IN_MAPPING &&
                      mem_locate(b, NULL, NULL) == MEM_IN_MAPPING,
                  "malloc(4 MiB) and malloc(8 MiB) returned blocks %s and "
                  "%s: large blocks belong to mmap", place_name(a),
                  place_name(b));
    ck_assert_msg(stats_now().live_mappings == 2,
                  "two large mallocs left %zu live mappings, not 2",
                  stats_now().live_mappings);
    memset(a, 1, LARGE);
    memset(b, 2, 2 * LARGE);
    expect_consistent("two large mallocs");
}
END_TEST

START_TEST(free_gives_a_large_block_back_at_once)
{
    fresh_heap();
    unsigned char *small = must_malloc(SMALL);
    unsigned char *large = must_malloc(LARGE);
    struct mem_stats before = stats_now();
    hybrid->free(small);
    ck_assert_msg(stats_now().munmap_calls == before.munmap_calls,
                  "free of a small block called munmap");
    hybrid->free(large);
    struct mem_stats after = stats_now();
    ck_assert_msg(after.munmap_calls == before.munmap_calls + 1 &&
                      after.live_mappings == 0 && after.mapped_bytes == 0,
                  "free of the 4 MiB block should unmap it: %zu mappings "
                  "(%zu bytes) are still live", after.live_mappings,
                  after.mapped_bytes);
    expect_consistent("freeing a small and a large block");
}
END_TEST

START_TEST(realloc_keeps_the_data)
{
    if (hybrid->realloc == NULL)
        return; /* the driver does malloc + copy + free */
    fresh_heap();
    static const size_t steps[] = {SMALL, 900, LARGE, 2 * LARGE, 500, 16};
    unsigned char *p = must_malloc(steps[0]);
    memset(p, 0x5a, steps[0]);
    for (size_t i = 1; i < sizeof steps / sizeof steps[0]; i++) {
        size_t keep = steps[i] < steps[i - 1] ? steps[i] : steps[i - 1];
        p = hybrid->realloc(p, steps[i]);
        ck_assert_msg(p != NULL, "realloc(p, %zu) returned NULL", steps[i]);
        for (size_t b = 0; b < keep; b++)
            ck_assert_msg(p[b] == 0x5a,
                          "realloc from %zu to %zu bytes lost byte %zu",
                          steps[i - 1], steps[i], b);
        memset(p, 0x5a, steps[i]);
        expect_consistent("a realloc");
    }
    hybrid->free(p);
    ck_assert_uint_eq(stats_now().live_mappings, 0);
}
END_TEST

START_TEST(the_environment_sets_the_threshold)
{
    setenv("HEAPLAB_HYBRID_THRESHOLD", "4096", 1);
    fresh_heap();
    unsigned char *below = must_malloc(4000);
    unsigned char *above = must_malloc(5000);
    unsetenv("HEAPLAB_HYBRID_THRESHOLD");
    ck_assert_msg(mem_locate(below, NULL, NULL) == MEM_IN_HEAP &&
                      mem_locate(above, NULL, NULL) == MEM_IN_MAPPING,
                  "with HEAPLAB_HYBRID_THRESHOLD=4096, malloc(4000) lies %s "
                  "and malloc(5000) %s: init() must read the threshold from "
                  "the environment", place_name(below), place_name(above));
}
END_TEST

START_TEST(random_operations_keep_the_heap_consistent)
{
    fresh_heap();
    enum { SLOTS = 60 };
    unsigned char *slot[SLOTS] = {NULL};
    uint64_t state = 777;
    for (int op = 0; op < 3000; op++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned s = (unsigned)(state >> 33) % SLOTS;
        size_t size = (state >> 24) % 8 == 0
                          ? 1 + (size_t)(state >> 40) % (2 << 20)
                          : 1 + (size_t)(state >> 40) % 2000;
        if (slot[s] == NULL) {
            slot[s] = must_malloc(size);
            memset(slot[s], (int)s, size < 64 ? size : 64);
        } else {
            ck_assert_msg(slot[s][0] == (unsigned char)s,
                          "block %u lost its first byte", s);
            hybrid->free(slot[s]);
            slot[s] = NULL;
        }
        if (op % 300 == 0)
            expect_consistent("random small and large mallocs and frees");
    }
    for (int s = 0; s < SLOTS; s++)
        hybrid->free(slot[s]);
    ck_assert_msg(stats_now().live_mappings == 0,
                  "%zu mappings are live after every block was freed",
                  stats_now().live_mappings);
    expect_consistent("freeing every block");
}
END_TEST

static Suite *lab4_hybrid_suite(void)
{
    Suite *s = suite_create("lab4-hybrid");
    TCase *tc = tcase_create("hybrid");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, small_blocks_come_from_the_heap);
    tcase_add_test(tc, large_blocks_get_a_mapping_each);
    tcase_add_test(tc, free_gives_a_large_block_back_at_once);
    tcase_add_test(tc, realloc_keeps_the_data);
    tcase_add_test(tc, the_environment_sets_the_threshold);
    tcase_add_test(tc, random_operations_keep_the_heap_consistent);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(lab4_hybrid_suite)
