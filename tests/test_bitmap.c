/*
 * test_bitmap.c -- the bitmap backend: runs of free units found across
 * 64-bit word boundaries, blocks with no header, a full heap, the free of
 * the heap's last unit, realloc in place, bitmaps that grow, and a double
 * free that stops the program.
 *
 * These tests know bitmap's layout (allocators/bitmap.c): the heap starts
 * at mem_heap_lo() and is cut into 16-byte units, unit i at
 * mem_heap_lo() + 16 i; a block is its units, no header; first fit by
 * address; the heap grows by at least 8 KiB (512 units), the bitmaps live
 * in one mapping of a page (16384 units) that doubles when outgrown.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator bitmap_allocator;
static const struct allocator *const backend = &bitmap_allocator;

enum { UNIT = 16, FIRST_UNITS = 512 };

static void start(void)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static char *unit_at(size_t unit)
{
    return (char *)mem_heap_lo() + unit * UNIT;
}

/* A block of n units; it must start at unit `expected`. */
static char *take_units(size_t n, size_t expected)
{
    char *p = backend->malloc(n * UNIT);
    ck_assert_msg(p == unit_at(expected), "%zu units at unit %td, not %zu",
                  n, (p - unit_at(0)) / UNIT, expected);
    ck_assert_int_eq(backend->check(), 0);
    return p;
}

static struct mem_stats stats_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats;
}

/* walk()'s blocks tile the heap; returns how many, and the last one. */
struct tiling {
    const char *end;
    size_t blocks;
    const void *last;
    size_t last_size;
    int last_used;
};

static void tile(const void *block, size_t size, int used, void *arg)
{
    struct tiling *t = arg;
    ck_assert_ptr_eq(block, t->end);
    t->end += size;
    t->blocks++;
    t->last = block;
    t->last_size = size;
    t->last_used = used;
}

static struct tiling tiling_now(void)
{
    struct tiling t = {.end = unit_at(0)};
    backend->walk(tile, &t);
    ck_assert_ptr_eq(t.end, (char *)mem_heap_hi() + 1);
    return t;
}

START_TEST(blocks_have_no_header)
{
    start();
    char *a = backend->malloc(1), *b = backend->malloc(16);
    char *c = backend->malloc(17);
    ck_assert_ptr_eq(a, unit_at(0)); /* the heap's first byte */
    ck_assert_ptr_eq(b, unit_at(1));
    ck_assert_ptr_eq(c, unit_at(2));
    ck_assert_ptr_eq(backend->malloc(1), unit_at(4)); /* c took two */
    ck_assert_ptr_null(backend->malloc(0));
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(runs_span_word_boundaries)
{
    start();
    /* Units 60..69 straddle words 0 and 1. */
    take_units(60, 0);
    char *b = take_units(10, 60);
    take_units(1, 70);
    backend->free(b);
    take_units(3, 60);  /* the run begins at the top of word 0 */
    take_units(7, 63);  /* and goes on into word 1 */

    /* Exactly 64 units, half in each of words 1 and 2: 96..159. */
    start();
    take_units(96, 0);
    char *mid = take_units(64, 96);
    take_units(1, 160);
    backend->free(mid);
    take_units(64, 96);

    /* A run over three words (40..199) serves 150 units. */
    start();
    take_units(40, 0);
    char *long_run = take_units(160, 40);
    take_units(1, 200);
    backend->free(long_run);
    take_units(150, 40);
    take_units(10, 190); /* the rest of the run, to the unit */

    /* A run inside a word is found before a longer one later, and one too
     * short is passed over. */
    start();
    char *first[12];
    for (size_t i = 0; i < 12; i++)
        first[i] = take_units(1, i);
    take_units(300, 12);
    backend->free(first[2]);                  /* run 2..2 */
    for (size_t i = 5; i < 9; i++)             /* run 5..8 */
        backend->free(first[i]);
    take_units(4, 5);
    take_units(2, 312); /* 2..2 is too short: past the big block */
    take_units(1, 2);
}
END_TEST

START_TEST(a_full_heap_grows_once_and_reuses)
{
    start();
    char *block[FIRST_UNITS];
    for (size_t i = 0; i < FIRST_UNITS; i++)
        block[i] = backend->malloc(UNIT);
    for (size_t i = 0; i < FIRST_UNITS; i++)
        ck_assert_ptr_eq(block[i], unit_at(i));
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.heap_bytes, FIRST_UNITS * UNIT);
    ck_assert_uint_eq(stats.sbrk_calls, 1);
    ck_assert_uint_eq(stats.mmap_calls, 1); /* the bitmaps */
    ck_assert_uint_eq(tiling_now().blocks, FIRST_UNITS);

    /* Full: a freed unit is reused, without growth. */
    backend->free(block[300]);
    ck_assert_ptr_eq(backend->malloc(UNIT), block[300]);
    ck_assert_uint_eq(stats_now().sbrk_calls, 1);

    /* Full: the next block grows the heap. */
    ck_assert_ptr_eq(backend->malloc(UNIT), unit_at(FIRST_UNITS));
    ck_assert_uint_eq(stats_now().sbrk_calls, 2);
    ck_assert_int_eq(backend->check(), 0);

    /* Full under a cap: NULL, and still full and sound. */
    start();
    mem_set_limit(FIRST_UNITS * UNIT + mem_pagesize());
    for (size_t i = 0; i < FIRST_UNITS; i++)
        ck_assert_ptr_nonnull(block[i] = backend->malloc(UNIT));
    ck_assert_ptr_null(backend->malloc(UNIT));
    ck_assert_int_eq(backend->check(), 0);
    backend->free(block[7]);
    ck_assert_ptr_eq(backend->malloc(UNIT), block[7]);
}
END_TEST

START_TEST(free_of_the_last_unit)
{
    start();
    char *block[FIRST_UNITS];
    for (size_t i = 0; i < FIRST_UNITS; i++)
        block[i] = backend->malloc(UNIT);
    backend->free(block[FIRST_UNITS - 1]); /* bit 63 of the last word */
    ck_assert_int_eq(backend->check(), 0);
    struct tiling t = tiling_now();
    ck_assert_ptr_eq(t.last, block[FIRST_UNITS - 1]);
    ck_assert_uint_eq(t.last_size, UNIT);
    ck_assert_int_eq(t.last_used, 0);

    /* Two units: the free unit at the break counts, the heap grows. */
    char *two = backend->malloc(2 * UNIT);
    ck_assert_ptr_eq(two, block[FIRST_UNITS - 1]);
    ck_assert_uint_eq(stats_now().sbrk_calls, 2);
    backend->free(two); /* its end is a free unit, past a word boundary */
    backend->free(block[FIRST_UNITS - 2]);
    t = tiling_now();
    ck_assert_ptr_eq(t.last, block[FIRST_UNITS - 2]);
    ck_assert_uint_eq(t.last_size, 8192 + 2 * UNIT);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(realloc_in_place_and_at_the_break)
{
    start();
    unsigned char *p = backend->malloc(4 * UNIT);
    char *q = take_units(2, 4);
    for (int i = 0; i < 64; i++)
        p[i] = (unsigned char)i;
    backend->free(q);
    ck_assert_ptr_eq(backend->realloc(p, 6 * UNIT), p); /* into q's units */
    ck_assert_ptr_eq(backend->realloc(p, 3 * UNIT), p); /* shrinks */
    take_units(3, 3);                                   /* the tail is free */
    /* The last block grows past the break. */
    unsigned char *last = (unsigned char *)take_units(1, 6);
    ck_assert_ptr_eq(backend->realloc(last, 600 * UNIT), last);
    ck_assert_uint_eq(stats_now().heap_bytes, 8192 + 8192);
    /* Blocked on both sides: it moves, with its bytes. */
    unsigned char *moved = backend->realloc(p, 40 * UNIT);
    ck_assert_ptr_ne(moved, p);
    for (int i = 0; i < 48; i++)
        ck_assert_int_eq(moved[i], i);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(the_bitmaps_grow_with_the_heap)
{
    start();
    enum { BLOCKS = 300, BLOCK = 1024 }; /* 300 KiB > 16384 units */
    static unsigned char *block[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        block[i] = backend->malloc(BLOCK);
        ck_assert_ptr_nonnull(block[i]);
        memset(block[i], i, BLOCK);
    }
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.mmap_calls, 2);   /* mapped anew, */
    ck_assert_uint_eq(stats.munmap_calls, 1); /* the old one let go */
    ck_assert_uint_eq(stats.live_mappings, 1);
    ck_assert_int_eq(backend->check(), 0);
    for (int i = 0; i < BLOCKS; i += 2)
        backend->free(block[i]);
    ck_assert_ptr_eq(backend->malloc(BLOCK), block[0]);
    ck_assert_int_eq(block[1][BLOCK - 1], 1);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(double_free_aborts)
{
    start();
    void *p = backend->malloc(100);
    backend->free(p);
    backend->free(p); /* its start bit is gone: VERIFY stops here */
}
END_TEST

static Suite *bitmap_suite(void)
{
    Suite *suite = suite_create("bitmap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, blocks_have_no_header);
    tcase_add_test(tc, runs_span_word_boundaries);
    tcase_add_test(tc, a_full_heap_grows_once_and_reuses);
    tcase_add_test(tc, free_of_the_last_unit);
    tcase_add_test(tc, realloc_in_place_and_at_the_break);
    tcase_add_test(tc, the_bitmaps_grow_with_the_heap);
    tcase_add_test_raise_signal(tc, double_free_aborts, SIGABRT);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(bitmap_suite)
