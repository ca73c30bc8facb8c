/*
 * test_lab1_pad.c -- lab 1's public tests: what your pad.c must do
 * (labs/lab1-pad/handout.md).  Run them with `make test`; one suite:
 *
 *     CK_RUN_SUITE=lab1-pad build/tests/heaplab-tests
 *
 * Every test starts on a fresh heap (mem_reset, then init) and counts
 * memlib's system calls, as `heaplab run` does in its syscalls column.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator pad_allocator;
static const struct allocator *const pad = &pad_allocator;

enum { PAD_GROWTH = 8192 };

static void fresh_heap(void)
{
    mem_reset();
    ck_assert_msg(pad->init() == 0, "init() failed on a fresh heap");
}

static unsigned char *must_malloc(size_t size)
{
    unsigned char *p = pad->malloc(size);
    ck_assert_msg(p != NULL, "malloc(%zu) returned NULL on a heap that can "
                  "grow: is pad_malloc written yet?", size);
    ck_assert_msg((uintptr_t)p % 16 == 0,
                  "malloc(%zu) returned %p, not 16-byte aligned", size,
                  (void *)p);
    ck_assert_msg(mem_contains(p, size),
                  "malloc(%zu) returned %p: its %zu bytes are not all inside "
                  "the heap [%p, %p]", size, (void *)p, size, mem_heap_lo(),
                  mem_heap_hi());
    return p;
}

static struct mem_stats stats_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats;
}

START_TEST(malloc_gives_aligned_blocks_in_the_heap)
{
    fresh_heap();
    static const size_t sizes[] = {1, 15, 16, 17, 100, 4000, 9000, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        memset(must_malloc(sizes[i]), 0xa5, sizes[i]);
}
END_TEST

START_TEST(blocks_do_not_overlap)
{
    fresh_heap();
    enum { COUNT = 300 };
    unsigned char *block[COUNT];
    size_t size[COUNT];
    for (int i = 0; i < COUNT; i++) {
        size[i] = 1 + (size_t)(i * 53 % 700);
        block[i] = must_malloc(size[i]);
        memset(block[i], i, size[i]);
    }
    for (int i = 0; i < COUNT; i++)
        for (size_t b = 0; b < size[i]; b++)
            ck_assert_msg(block[i][b] == (unsigned char)i,
                          "block %d (%zu bytes at %p) lost byte %zu: two "
                          "blocks overlap", i, size[i], (void *)block[i], b);
}
END_TEST

START_TEST(blocks_are_carved_in_order_from_the_heap_start)
{
    fresh_heap();
    unsigned char *first = must_malloc(24);
    unsigned char *second = must_malloc(24);
    ck_assert_msg(first == (unsigned char *)mem_heap_lo(),
                  "the first block should start the heap (%p), not lie at "
                  "%p", mem_heap_lo(), (void *)first);
    ck_assert_msg(second == first + 32,
                  "malloc(24) then malloc(24): the second block should "
                  "follow the first, 24 rounded up to 32 bytes on, at %p, "
                  "not %p", (void *)(first + 32), (void *)second);
}
END_TEST

START_TEST(one_system_call_per_8_kib_of_small_blocks)
{
    fresh_heap();
    for (int i = 0; i < 1000; i++)
        must_malloc(24);
    struct mem_stats s = stats_now();
    unsigned long calls = mem_syscalls(&s);
    /* 1000 blocks of 32 bytes: 32000 bytes, 4 steps of 8 KiB */
    ck_assert_msg(calls >= 1 && calls <= 4,
                  "1000 mallocs of 24 bytes made %lu system calls; pad grows "
                  "the heap 8 KiB at a time, so 32000 bytes need 4 (minimal "
                  "makes 1000)", calls);
    ck_assert_msg(s.heap_bytes <= 32000 + PAD_GROWTH,
                  "1000 mallocs of 24 bytes left a heap of %zu bytes: more "
                  "than the blocks (32000) and one pad (8192)", s.heap_bytes);
}
END_TEST

START_TEST(a_large_request_grows_the_heap_once)
{
    fresh_heap();
    must_malloc(100000);
    struct mem_stats s = stats_now();
    ck_assert_msg(mem_syscalls(&s) == 1,
                  "malloc(100000) on a fresh heap made %lu system calls, "
                  "not 1", mem_syscalls(&s));
    ck_assert_msg(s.heap_bytes >= 100000 && s.heap_bytes <= 100000 + 16 +
                                                              PAD_GROWTH,
                  "after malloc(100000) the heap has %zu bytes", s.heap_bytes);
}
END_TEST

START_TEST(edge_cases)
{
    fresh_heap();
    pad->free(NULL);
    void *zero = pad->malloc(0);
    ck_assert_msg(zero == NULL || (uintptr_t)zero % 16 == 0,
                  "malloc(0) must return NULL or an aligned pointer");
    mem_set_limit(1 << 20);
    ck_assert_msg(pad->malloc((size_t)1 << 40) == NULL,
                  "malloc(1 TiB) must return NULL when memlib refuses");
    ck_assert_msg(pad->malloc(SIZE_MAX) == NULL,
                  "malloc(SIZE_MAX) must return NULL, not overflow");
    must_malloc(100);
}
END_TEST

START_TEST(init_starts_afresh)
{
    fresh_heap();
    must_malloc(5000);
    must_malloc(5000);
    fresh_heap();
    ck_assert_msg(must_malloc(24) == (unsigned char *)mem_heap_lo(),
                  "after mem_reset() and init(), the first block must start "
                  "the heap again: init() must forget the old pad");
    if (pad->check != NULL)
        ck_assert_msg(pad->check() == 0, "check() rejects a correct heap");
}
END_TEST

static Suite *lab1_pad_suite(void)
{
    Suite *s = suite_create("lab1-pad");
    TCase *tc = tcase_create("pad");
    tcase_add_test(tc, malloc_gives_aligned_blocks_in_the_heap);
    tcase_add_test(tc, blocks_do_not_overlap);
    tcase_add_test(tc, blocks_are_carved_in_order_from_the_heap_start);
    tcase_add_test(tc, one_system_call_per_8_kib_of_small_blocks);
    tcase_add_test(tc, a_large_request_grows_the_heap_once);
    tcase_add_test(tc, edge_cases);
    tcase_add_test(tc, init_starts_afresh);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(lab1_pad_suite)
