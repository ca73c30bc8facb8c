/*
 * test_segmeta.c -- the segregated-metadata backend, observed through the
 * pointers it returns, memlib's counters and its heap checker: blocks with
 * no header (neighbours of a class touch), free finding the class from the
 * page table, runs of whole pages for large blocks, the frontier taking a
 * freed last run back, realloc in place, a checker that catches a broken
 * list or table, the table's growth, and 20k random operations.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "rng.h" /* splitmix64: the same numbers on every machine */
#include "suites.h"

extern const struct allocator segmeta_allocator;

enum { PAGE = 4096 };

static void start_run(void)
{
    mem_reset();
    ck_assert_int_eq(segmeta_allocator.init(), 0);
}

static char *must_malloc(size_t size)
{
    char *p = segmeta_allocator.malloc(size);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAPLAB_ALIGNMENT, 0);
    return p;
}

static size_t page_offset(const void *p)
{
    return (size_t)((const char *)p - (const char *)mem_heap_lo()) % PAGE;
}

static int check_quietly(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *null = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(null);
    dup2(fileno(null), STDERR_FILENO);
    int result = segmeta_allocator.check();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fclose(null);
    return result;
}

START_TEST(test_blocks_have_no_header)
{
    start_run();
    ck_assert_ptr_null(segmeta_allocator.malloc(0));
    segmeta_allocator.free(NULL);
    /* A class's blocks touch: no header, no footer. */
    char *a = must_malloc(64), *b = must_malloc(60), *c = must_malloc(49);
    ck_assert_uint_eq(page_offset(a), 0);
    ck_assert_ptr_eq(b, a + 64);
    ck_assert_ptr_eq(c, b + 64);
    /* Two blocks of 2048 fill a page exactly. */
    char *x = must_malloc(2048), *y = must_malloc(1500);
    ck_assert_uint_eq(page_offset(x), 0);
    ck_assert_ptr_eq(y, x + 2048);
    char *z = must_malloc(2000); /* the page is full: a new one */
    ck_assert_uint_eq(page_offset(z), 0);
    ck_assert_ptr_ne(z, x);
    /* Another class, another page. */
    char *small = must_malloc(16);
    ck_assert_uint_eq(page_offset(small), 0);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
    /* The table is a mapping of its own. */
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.live_mappings, 1);
}
END_TEST

START_TEST(test_free_finds_the_class_from_the_page)
{
    start_run();
    char *a = must_malloc(100); /* class 112 */
    char *b = must_malloc(100);
    char *big = must_malloc(300); /* class 320 */
    segmeta_allocator.free(a);
    segmeta_allocator.free(big);
    /* LIFO per class: each comes back to a request of its own class. */
    ck_assert_ptr_eq(segmeta_allocator.malloc(300), big);
    ck_assert_ptr_eq(segmeta_allocator.malloc(97), a);
    ck_assert_ptr_eq(must_malloc(112), b + 112);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

START_TEST(test_large_runs)
{
    start_run();
    char *a = must_malloc(5000); /* 2 pages */
    char *guard = must_malloc(PAGE);
    ck_assert_uint_eq(page_offset(a), 0);
    ck_assert_ptr_eq(guard, a + 2 * PAGE);
    segmeta_allocator.free(a);
    /* A run of 2 pages serves any request of 2 pages, not of 3. */
    char *again = must_malloc(8000);
    ck_assert_ptr_eq(again, a);
    segmeta_allocator.free(again);
    char *three = must_malloc(9000);
    ck_assert_ptr_ne(three, a);
    /* A shorter request takes the whole run: no splitting. */
    char *one = must_malloc(3000);
    ck_assert_ptr_eq(one, a);
    ck_assert_ptr_eq(must_malloc(3000), three + 3 * PAGE);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

START_TEST(test_last_run_goes_back_to_the_frontier)
{
    start_run();
    char *a = must_malloc(3 * PAGE);
    segmeta_allocator.free(a);
    /* A longer run starts where the freed one did. */
    char *b = must_malloc(5 * PAGE);
    ck_assert_ptr_eq(b, a);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc)
{
    start_run();
    char *p = must_malloc(20); /* class 32 */
    memset(p, 'x', 20);
    ck_assert_ptr_eq(segmeta_allocator.realloc(p, 32), p); /* fits */
    char *q = segmeta_allocator.realloc(p, 100);           /* moves */
    ck_assert_ptr_ne(q, p);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(q[i], 'x');
    /* A run at the frontier grows in place. */
    char *run = must_malloc(5000);
    memset(run, 'y', 5000);
    ck_assert_ptr_eq(segmeta_allocator.realloc(run, 20000), run);
    ck_assert_int_eq(run[4999], 'y');
    ck_assert_ptr_eq(must_malloc(PAGE), run + 5 * PAGE);
    ck_assert_ptr_null(segmeta_allocator.realloc(q, 0));
    ck_assert_ptr_eq(must_malloc(100), q); /* q was freed */
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

START_TEST(test_check_detects_corruption)
{
    start_run();
    char *a = must_malloc(64), *b = must_malloc(64);
    char *other = must_malloc(200);
    segmeta_allocator.free(a);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
    /* a's link, pointed into another class's page (a write after free) */
    char **link = (char **)(void *)a;
    char *saved = *link;
    *link = other;
    ck_assert_int_ne(check_quietly(), 0);
    *link = b + 8; /* inside its page, but not on a block boundary */
    ck_assert_int_ne(check_quietly(), 0);
    *link = saved;
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

START_TEST(test_table_grows)
{
    enum { BLOCKS = 4200 }; /* pages: more than the first table holds */
    static char *blocks[BLOCKS];
    start_run();
    for (size_t i = 0; i < BLOCKS; i++) {
        blocks[i] = must_malloc(PAGE);
        blocks[i][0] = (char)i;
    }
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_ge(stats.mmap_calls, 2); /* the table was copied */
    ck_assert_uint_eq(stats.live_mappings, 1);
    ck_assert_int_eq(segmeta_allocator.check(), 0);
    for (size_t i = 0; i < BLOCKS; i++) {
        ck_assert_int_eq(blocks[i][0], (char)i);
        segmeta_allocator.free(blocks[i]);
    }
    ck_assert_int_eq(segmeta_allocator.check(), 0);
}
END_TEST

static size_t random_size(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    switch (r % 10) {
    case 0: return 2049 + (r >> 8) % 30000;   /* large: a run */
    case 1: case 2: return 257 + (r >> 8) % 1792;
    default: return 1 + (r >> 8) % 256;
    }
}

START_TEST(test_random_operations_keep_heap_consistent)
{
    enum { SLOTS = 300, OPERATIONS = 20000 };
    static unsigned char *pointers[SLOTS];
    static size_t sizes[SLOTS];
    uint64_t state = 7;
    start_run();
    memset(pointers, 0, sizeof pointers);
    for (unsigned op = 0; op < OPERATIONS; op++) {
        size_t slot = splitmix64(&state) % SLOTS;
        if (pointers[slot] == NULL) {
            sizes[slot] = random_size(&state);
            pointers[slot] = (unsigned char *)must_malloc(sizes[slot]);
            memset(pointers[slot], (int)slot, sizes[slot]);
        } else if (splitmix64(&state) % 2 == 0) {
            for (size_t i = 0; i < sizes[slot]; i += 97)
                ck_assert_uint_eq(pointers[slot][i], (unsigned char)slot);
            segmeta_allocator.free(pointers[slot]);
            pointers[slot] = NULL;
        } else {
            size_t size = random_size(&state);
            unsigned char *moved = segmeta_allocator.realloc(pointers[slot],
                                                             size);
            ck_assert_ptr_nonnull(moved);
            size_t kept = size < sizes[slot] ? size : sizes[slot];
            for (size_t i = 0; i < kept; i += 97)
                ck_assert_uint_eq(moved[i], (unsigned char)slot);
            memset(moved, (int)slot, size);
            pointers[slot] = moved;
            sizes[slot] = size;
        }
        ck_assert_msg(segmeta_allocator.check() == 0, "op %u: check failed",
                      op);
    }
}
END_TEST

static Suite *segmeta_suite(void)
{
    Suite *suite = suite_create("segmeta");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blocks_have_no_header);
    tcase_add_test(tc, test_free_finds_the_class_from_the_page);
    tcase_add_test(tc, test_large_runs);
    tcase_add_test(tc, test_last_run_goes_back_to_the_frontier);
    tcase_add_test(tc, test_realloc);
    tcase_add_test(tc, test_check_detects_corruption);
    tcase_add_test(tc, test_table_grows);
    tcase_add_test(tc, test_random_operations_keep_heap_consistent);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(segmeta_suite)
