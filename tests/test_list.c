/*
 * test_list.c -- what makes the list backend what it is: an address-ordered
 * free list, first fit, tail-end splitting, the four coalescing cases,
 * growth that merges with a free chunk at the break, realloc in place, and
 * a checker that notices corruption.
 *
 * These tests know list's layout (allocators/list_core.c): an 8-byte
 * header (size | 1 when allocated) before each payload, the next-free link
 * in the first payload word of a free chunk, chunks of round_up(n + 8, 16)
 * >= 16 bytes, 8 bytes of padding before the first chunk, growth by at
 * least 8 KiB.  Every test starts with mem_reset(), then init().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator list_allocator;
static const struct allocator *const backend = &list_allocator;

enum { HEADER = 8, PAD = 8, GROWTH = 8192, USED_BIT = 1, MAX_CHUNKS = 64 };

/* The chunk size list gives a request of n bytes. */
static size_t chunk_for(size_t n)
{
    size_t size = (n + HEADER + 15) / 16 * 16;
    return size < 16 ? 16 : size;
}

static void start(void)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static char *heap_break(void) { return (char *)mem_heap_hi() + 1; }
static char *chunk_of(void *payload) { return (char *)payload - HEADER; }

/* --- the heap as walk() shows it ---------------------------------------- */

struct chunk {
    const char *start;
    size_t size;
    int used;
};

struct layout {
    struct chunk chunks[MAX_CHUNKS];
    size_t count;
};

static void record(const void *block, size_t size, int used, void *arg)
{
    struct layout *layout = arg;
    ck_assert_uint_lt(layout->count, MAX_CHUNKS);
    layout->chunks[layout->count++] = (struct chunk){block, size, used};
}

/* walk()'s chunks, checked to tile the heap from the pad to the break. */
static struct layout layout_now(void)
{
    struct layout layout = {.count = 0};
    backend->walk(record, &layout);
    const char *expected = (const char *)mem_heap_lo() + PAD;
    for (size_t i = 0; i < layout.count; i++) {
        ck_assert_ptr_eq(layout.chunks[i].start, expected);
        expected += layout.chunks[i].size;
    }
    ck_assert_ptr_eq(expected, heap_break());
    return layout;
}

/* Asserts the chunk at `start` has this size and status. */
static void expect_chunk(const struct layout *layout, const void *start,
                         size_t size, int used)
{
    for (size_t i = 0; i < layout->count; i++) {
        if (layout->chunks[i].start == start) {
            ck_assert_uint_eq(layout->chunks[i].size, size);
            ck_assert_int_eq(layout->chunks[i].used, used);
            return;
        }
    }
    ck_abort_msg("no chunk starts at %p", start);
}

/* --- the checker's output ----------------------------------------------- */

/* Runs check() with stderr captured in out; returns check()'s result. */
static int check_captured(char *out, size_t capacity)
{
    FILE *capture = tmpfile();
    ck_assert_ptr_nonnull(capture);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(capture), STDERR_FILENO);
    int result = backend->check();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(capture);
    size_t length = fread(out, 1, capacity - 1, capture);
    out[length] = '\0';
    fclose(capture);
    return result;
}

/* check() fails and names the chunk at `where` on stderr. */
static void expect_check_names(const void *where)
{
    char output[4096], name[32];
    ck_assert_int_ne(check_captured(output, sizeof output), 0);
    snprintf(name, sizeof name, "%p", where);
    ck_assert_msg(strstr(output, name) != NULL, "check() said \"%s\", "
                  "not naming %s", output, name);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static int intact(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return 0;
    return 1;
}

/* --- tests ---------------------------------------------------------------- */

START_TEST(test_list_tail_end_handed_out)
{
    start();
    char *p = backend->malloc(100);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAPLAB_ALIGNMENT, 0);
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 2); /* the grown chunk's head, then p */
    expect_chunk(&layout, (char *)mem_heap_lo() + PAD, GROWTH - chunk_for(100),
                 0);
    expect_chunk(&layout, chunk_of(p), chunk_for(100), 1);
    ck_assert_ptr_eq(chunk_of(p) + chunk_for(100), heap_break());

    /* The next one is the tail of what is left: just below p. */
    char *q = backend->malloc(100);
    ck_assert_ptr_eq(q, p - chunk_for(100));
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_first_fit_lowest_address)
{
    start();
    /* By address: g0 < x < g1 < y < g2 < z < g3, allocated top down. */
    size_t sizes[7] = {40, 50, 40, 200, 40, 200, 40};
    char *p[7];
    for (int i = 6; i >= 0; i--) {
        p[i] = backend->malloc(sizes[i]);
        ck_assert_ptr_nonnull(p[i]);
        if (i < 6)
            ck_assert_ptr_eq(p[i] + chunk_for(sizes[i]), p[i + 1]);
    }
    /* Use up the rest of the grown chunk, which lies lowest. */
    struct layout layout = layout_now();
    ck_assert_int_eq(layout.chunks[0].used, 0);
    char *rest = backend->malloc(layout.chunks[0].size - HEADER);
    ck_assert_ptr_eq(chunk_of(rest), layout.chunks[0].start);

    char *x = p[1], *y = p[3], *z = p[5];
    backend->free(z);
    backend->free(x);
    backend->free(y);
    ck_assert_int_eq(backend->check(), 0);

    /* 112 bytes: x (64) is too small, y (208) is the lowest that fits; z,
     * as large, stays whole.  y's tail end is handed out. */
    char *r = backend->malloc(100);
    ck_assert_ptr_eq(chunk_of(r), chunk_of(y) + 208 - 112);
    layout = layout_now();
    expect_chunk(&layout, chunk_of(y), 208 - 112, 0);
    expect_chunk(&layout, chunk_of(z), 208, 0);
    expect_chunk(&layout, chunk_of(x), 64, 0);

    /* 48 bytes: x now fits first, and splits. */
    char *s = backend->malloc(40);
    ck_assert_ptr_eq(chunk_of(s), chunk_of(x) + 16);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_coalesce_four_cases)
{
    start();
    /* a[0] < a[1] < ... < a[6], 48-byte chunks, below them the rest. */
    char *a[7];
    for (int i = 6; i >= 0; i--) {
        a[i] = backend->malloc(32);
        ck_assert_ptr_nonnull(a[i]);
    }
    for (int i = 0; i < 6; i++)
        ck_assert_ptr_eq(a[i] + 48, a[i + 1]);
    ck_assert_uint_eq(layout_now().count, 8);

    /* Case 1: both neighbours allocated. */
    backend->free(a[2]);
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 8);
    expect_chunk(&layout, chunk_of(a[2]), 48, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Case 2: the next chunk (a[2]) free, the previous (a[0]) not. */
    backend->free(a[1]);
    layout = layout_now();
    ck_assert_uint_eq(layout.count, 7);
    expect_chunk(&layout, chunk_of(a[1]), 96, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Case 3: the previous chunk (a[1..2]) free, the next (a[4]) not. */
    backend->free(a[3]);
    layout = layout_now();
    ck_assert_uint_eq(layout.count, 6);
    expect_chunk(&layout, chunk_of(a[1]), 144, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Case 4: both free (a[5] first, by case 1). */
    backend->free(a[5]);
    ck_assert_uint_eq(layout_now().count, 6);
    backend->free(a[4]);
    layout = layout_now();
    ck_assert_uint_eq(layout.count, 4);
    expect_chunk(&layout, chunk_of(a[1]), 5 * 48, 0);
    expect_chunk(&layout, chunk_of(a[0]), 48, 1);
    expect_chunk(&layout, chunk_of(a[6]), 48, 1);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_growth_merges_with_last_free_chunk)
{
    start();
    backend->free(backend->malloc(100));
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 1); /* one free chunk, up to the break */
    const char *first = layout.chunks[0].start;
    ck_assert_uint_eq(layout.chunks[0].size, GROWTH);

    /* 9008 bytes do not fit in 8192: the heap grows by at least 8 KiB and
     * the new chunk merges with the free one below (case 3), whose tail end
     * is handed out. */
    struct mem_stats before, after;
    mem_get_stats(&before);
    char *big = backend->malloc(9000);
    ck_assert_ptr_nonnull(big);
    mem_get_stats(&after);
    ck_assert_uint_eq(after.sbrk_calls, before.sbrk_calls + 1);
    ck_assert_uint_eq(after.heap_bytes, PAD + 2 * GROWTH);
    layout = layout_now();
    ck_assert_uint_eq(layout.count, 2);
    expect_chunk(&layout, first, 2 * GROWTH - chunk_for(9000), 0);
    expect_chunk(&layout, chunk_of(big), chunk_for(9000), 1);
    ck_assert_int_eq(backend->check(), 0);

    /* Now the last chunk is allocated: the next growth stays apart. */
    char *more = backend->malloc(9000);
    layout = layout_now();
    ck_assert_uint_eq(layout.count, 3);
    expect_chunk(&layout, first, 2 * GROWTH - chunk_for(9000), 0);
    expect_chunk(&layout, chunk_of(more), chunk_for(9000), 1);
    ck_assert_ptr_eq(chunk_of(more), chunk_of(big) + chunk_for(9000));
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_realloc_in_place)
{
    start();
    char *top = backend->malloc(200);
    char *p = backend->malloc(200);
    char *guard = backend->malloc(40);
    ck_assert_ptr_eq(p + 208, top);
    fill((unsigned char *)p, 200, 1);
    backend->free(top);

    /* Shrinking: the tail (160) goes back, merging with top's chunk. */
    ck_assert_ptr_eq(backend->realloc(p, 40), p);
    ck_assert(intact((unsigned char *)p, 40, 1));
    struct layout layout = layout_now();
    expect_chunk(&layout, chunk_of(p), 48, 1);
    expect_chunk(&layout, chunk_of(p) + 48, 160 + 208, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Growing into the free chunk above: 48 + 368 >= 304, rest 112. */
    ck_assert_ptr_eq(backend->realloc(p, 290), p);
    ck_assert(intact((unsigned char *)p, 40, 1));
    layout = layout_now();
    expect_chunk(&layout, chunk_of(p), 304, 1);
    expect_chunk(&layout, chunk_of(p) + 304, 112, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* A size in the same chunk: nothing moves. */
    ck_assert_ptr_eq(backend->realloc(p, 296), p);

    /* guard's neighbour above is p: it must move, with its bytes. */
    fill((unsigned char *)guard, 40, 9);
    char *moved = backend->realloc(guard, 1000);
    ck_assert_ptr_nonnull(moved);
    ck_assert_ptr_ne(moved, guard);
    ck_assert(intact((unsigned char *)moved, 40, 9));
    layout = layout_now();
    expect_chunk(&layout, chunk_of(moved), chunk_for(1000), 1);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_check_detects_corruption)
{
    start();
    char *a = backend->malloc(40); /* top */
    char *b = backend->malloc(40);
    char *c = backend->malloc(40);
    backend->free(b);
    ck_assert_int_eq(backend->check(), 0);
    const char *rest = layout_now().chunks[0].start; /* the list's head */

    /* An allocated chunk marked free: not on the list, touches b. */
    size_t *a_header = (size_t *)chunk_of(a);
    size_t saved = *a_header;
    *a_header &= ~(size_t)USED_BIT;
    expect_check_names(chunk_of(a));
    *a_header = saved;
    ck_assert_int_eq(backend->check(), 0);

    /* b's next link pointing back to the head: a cycle out of order. */
    char **b_next = (char **)b;
    char *saved_link = *b_next;
    *b_next = (char *)rest;
    expect_check_names(rest);
    *b_next = saved_link;
    ck_assert_int_eq(backend->check(), 0);

    /* A size that is not a multiple of 16. */
    size_t *c_header = (size_t *)chunk_of(c);
    saved = *c_header;
    *c_header = 40 | USED_BIT;
    expect_check_names(chunk_of(c));
    *c_header = saved;
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_list_edge_cases_and_out_of_memory)
{
    start();
    backend->free(NULL);
    ck_assert_ptr_null(backend->malloc(0));
    ck_assert_ptr_null(backend->malloc(SIZE_MAX));
    char *p = backend->realloc(NULL, 10);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(backend->realloc(p, 0)); /* frees p */
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 1);
    ck_assert_int_eq(layout.chunks[0].used, 0);

    /* Beyond the limit: NULL, and the heap as it was. */
    mem_set_limit(64 * 1024);
    p = backend->malloc(100);
    fill((unsigned char *)p, 100, 3);
    ck_assert_ptr_null(backend->malloc(100 * 1024));
    ck_assert_ptr_null(backend->realloc(p, 100 * 1024));
    ck_assert(intact((unsigned char *)p, 100, 3));
    ck_assert_int_eq(backend->check(), 0);
    ck_assert_ptr_nonnull(backend->malloc(1000));
}
END_TEST

/* Many mixed operations, each payload's bytes verified, check() each time. */
START_TEST(test_list_random_ops_stay_consistent)
{
    start();
    enum { SLOTS = 40, OPS = 3000 };
    unsigned char *slot[SLOTS] = {NULL};
    size_t length[SLOTS] = {0};
    uint32_t seed = 12345;
    for (unsigned op = 0; op < OPS; op++) {
        seed = seed * 1103515245u + 12345u;
        unsigned i = (seed >> 8) % SLOTS;
        size_t n = 1 + (seed >> 16) % ((seed & 1) ? 64 : 3000);
        if (slot[i] != NULL)
            ck_assert(intact(slot[i], length[i], i));
        if (slot[i] == NULL) {
            slot[i] = backend->malloc(n);
        } else if (seed & 2) {
            backend->free(slot[i]);
            slot[i] = NULL;
            n = 0;
        } else {
            slot[i] = backend->realloc(slot[i], n);
            ck_assert(intact(slot[i], n < length[i] ? n : length[i], i));
        }
        length[i] = n;
        if (slot[i] != NULL) {
            ck_assert_uint_eq((uintptr_t)slot[i] % HEAPLAB_ALIGNMENT, 0);
            fill(slot[i], n, i);
        }
        ck_assert_int_eq(backend->check(), 0);
    }
    for (unsigned i = 0; i < SLOTS; i++)
        backend->free(slot[i]);
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 1); /* everything merged back */
    ck_assert_int_eq(layout.chunks[0].used, 0);
}
END_TEST

static Suite *list_suite(void)
{
    Suite *suite = suite_create("list");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_list_tail_end_handed_out);
    tcase_add_test(tc, test_list_first_fit_lowest_address);
    tcase_add_test(tc, test_list_coalesce_four_cases);
    tcase_add_test(tc, test_list_growth_merges_with_last_free_chunk);
    tcase_add_test(tc, test_list_realloc_in_place);
    tcase_add_test(tc, test_list_check_detects_corruption);
    tcase_add_test(tc, test_list_edge_cases_and_out_of_memory);
    tcase_add_test(tc, test_list_random_ops_stay_consistent);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(list_suite)
