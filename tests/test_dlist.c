/*
 * test_dlist.c -- what makes the dlist backend what it is: boundary tags,
 * an unordered (LIFO) doubly linked free list with first fit, tail-end
 * splitting, O(1) free that coalesces in all four cases, growth that
 * merges with a free last chunk, realloc in place (also at the end of the
 * heap), and a checker that notices corruption.
 *
 * These tests know dlist's layout (allocators/dlist_core.c): an 8-byte
 * header and an 8-byte footer, both size | 1 when allocated; a free chunk's next
 * and prev links in its first two payload words; chunks of
 * round_up(n + 16, 16) >= 32 bytes; 8 bytes of padding before the first
 * chunk; growth by at least 8 KiB.  Every test starts with mem_reset(),
 * then init().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator dlist_allocator;
static const struct allocator *const backend = &dlist_allocator;

enum { HEADER = 8, PAD = 8, GROWTH = 8192, USED_BIT = 1, MAX_CHUNKS = 64 };

/* The chunk size dlist gives a request of n bytes. */
static size_t chunk_for(size_t n)
{
    size_t size = (n + 2 * HEADER + 15) / 16 * 16;
    return size < 32 ? 32 : size;
}

static void start(void)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static char *heap_break(void) { return (char *)mem_heap_hi() + 1; }
static char *chunk_of(void *payload) { return (char *)payload - HEADER; }

/* The footer of the chunk at `chunk`, `size` bytes long. */
static size_t *footer_of(char *chunk, size_t size)
{
    return (size_t *)(chunk + size - sizeof(size_t));
}

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

START_TEST(test_dlist_boundary_tags_and_tail_end)
{
    start();
    char *p = backend->malloc(100);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAPLAB_ALIGNMENT, 0);
    size_t size = chunk_for(100);
    ck_assert_uint_eq(size, 128);
    size_t *header = (size_t *)chunk_of(p);
    ck_assert_uint_eq(*header, size | USED_BIT);
    ck_assert_uint_eq(*footer_of(chunk_of(p), size), size | USED_BIT);

    /* The tail end of the grown chunk: p ends at the break. */
    ck_assert_ptr_eq(chunk_of(p) + size, heap_break());
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 2);
    char *first = (char *)mem_heap_lo() + PAD;
    expect_chunk(&layout, first, GROWTH - size, 0);
    ck_assert_uint_eq(*(size_t *)first, GROWTH - size); /* free: bit 0 */
    ck_assert_uint_eq(*footer_of(first, GROWTH - size), GROWTH - size);
    ck_assert_ptr_eq(backend->malloc(100), p - size);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_dlist_first_fit_is_lifo)
{
    start();
    /* By address: rest < g2 < y < g1 < x, allocated top down. */
    char *x = backend->malloc(200);
    char *g1 = backend->malloc(40);
    char *y = backend->malloc(200);
    char *g2 = backend->malloc(40);
    ck_assert_ptr_nonnull(g1);
    ck_assert_ptr_eq(g2 + chunk_for(40), y);

    /* The list is now y, x, rest: y is first though rest lies lower. */
    backend->free(x);
    backend->free(y);
    char *r = backend->malloc(100);
    ck_assert_ptr_eq(chunk_of(r), chunk_of(y) + chunk_for(200) - 128);

    /* r back (case 3), then g2 (case 4: y's chunk leaves the list, rest
     * absorbs it): the list is x, rest.  x is first, though higher. */
    backend->free(r);
    backend->free(g2);
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 3); /* free, g1, x */
    ck_assert_uint_gt(layout.chunks[0].size, chunk_for(200));
    char *s = backend->malloc(100);
    ck_assert_ptr_eq(chunk_of(s), chunk_of(x) + chunk_for(200) - 128);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_dlist_coalesce_four_cases)
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
    ck_assert_uint_eq(*footer_of(chunk_of(a[1]), 96), 96);
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
    ck_assert_uint_eq(*footer_of(chunk_of(a[1]), 5 * 48), 5 * 48);
    expect_chunk(&layout, chunk_of(a[0]), 48, 1);
    expect_chunk(&layout, chunk_of(a[6]), 48, 1);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

/* --- O(1) free ------------------------------------------------------------ */

/* 32-byte chunks filling 782 growths of 8 KiB exactly: the heap holds
 * nothing else.  Freeing every other one puts 100k chunks on the list. */
enum { MANY = 782 * (GROWTH / 32), TOP = MANY - 1 };

static char *many[MANY];

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (char *const *)a;
    uintptr_t y = (uintptr_t) * (char *const *)b;
    return (x > y) - (x < y);
}

/* What walk() says about the whole heap and one chunk in it. */
struct probe {
    const void *target;
    size_t target_size;
    int target_used;
    size_t chunks, free_chunks;
    const char *last_end;
};

static void probe_visit(const void *block, size_t size, int used, void *arg)
{
    struct probe *probe = arg;
    if (block == probe->target) {
        probe->target_size = size;
        probe->target_used = used;
    }
    probe->chunks++;
    probe->free_chunks += !used;
    probe->last_end = (const char *)block + size;
}

static struct probe probe_at(const void *target)
{
    struct probe probe = {.target = target, .target_size = 0};
    backend->walk(probe_visit, &probe);
    ck_assert_ptr_eq(probe.last_end, heap_break());
    return probe;
}

/*
 * free must not walk the free list.  With 100k chunks on it, one chunk deep
 * inside gets links that point at page 0: any walk that reached it would
 * crash.  Then free runs through all four cases; the merged chunks must be
 * right at once.  (With list's O(n) free this test would crash.)
 */
START_TEST(test_dlist_free_is_constant_time)
{
    start();
    for (size_t i = 0; i < MANY; i++) {
        many[i] = backend->malloc(16); /* 32-byte chunks */
        ck_assert_ptr_nonnull(many[i]);
    }
    qsort(many, MANY, sizeof many[0], by_address);
    for (size_t i = 0; i + 1 < MANY; i++)
        ck_assert_ptr_eq(many[i] + 32, many[i + 1]);
    ck_assert_uint_eq(probe_at(NULL).free_chunks, 0);
    for (size_t i = 1; i < TOP; i += 2) /* odd ones, but the top one */
        if (i != 101 && i != 103)
            backend->free(many[i]);
    ck_assert_int_eq(backend->check(), 0);
    struct probe probe = probe_at(NULL);
    const size_t free_chunks = MANY / 2 - 3;
    ck_assert_uint_gt(free_chunks, 100000);
    ck_assert_uint_eq(probe.chunks, MANY);
    ck_assert_uint_eq(probe.free_chunks, free_chunks);

    /* Poison the links of a chunk freed long ago, deep in the list. */
    char *deep = many[99999];
    char saved[16];
    memcpy(saved, deep, sizeof saved);
    uintptr_t poison[2] = {0x10, 0x18};
    memcpy(deep, poison, sizeof poison);

    backend->free(many[TOP - 3]); /* case 4: TOP-4 .. TOP-2 */
    backend->free(many[0]);       /* case 2: 0 .. 1 */
    backend->free(many[TOP - 1]); /* case 3: TOP-4 .. TOP-1 */
    backend->free(many[102]);     /* case 1 */

    memcpy(deep, saved, sizeof saved);
    ck_assert_int_eq(backend->check(), 0);
    probe = probe_at(chunk_of(many[TOP - 4]));
    ck_assert_uint_eq(probe.target_size, 4 * 32);
    ck_assert_int_eq(probe.target_used, 0);
    ck_assert_uint_eq(probe.chunks, MANY - 4);
    ck_assert_uint_eq(probe.free_chunks, free_chunks);
    probe = probe_at(chunk_of(many[0]));
    ck_assert_uint_eq(probe.target_size, 2 * 32);
    ck_assert_int_eq(probe.target_used, 0);
    probe = probe_at(chunk_of(many[102]));
    ck_assert_uint_eq(probe.target_size, 32);
    ck_assert_int_eq(probe.target_used, 0);
}
END_TEST

START_TEST(test_dlist_growth_merges_with_last_chunk)
{
    start();
    backend->free(backend->malloc(100));
    struct layout layout = layout_now();
    ck_assert_uint_eq(layout.count, 1); /* one free chunk, up to the break */
    const char *first = layout.chunks[0].start;
    ck_assert_uint_eq(layout.chunks[0].size, GROWTH);

    /* 9024 bytes do not fit in 8192: the heap grows by at least 8 KiB and
     * the new chunk merges with the free last chunk (case 3), whose tail
     * end is handed out. */
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

START_TEST(test_dlist_realloc_in_place)
{
    start();
    char *top = backend->malloc(200); /* 224 */
    char *p = backend->malloc(200);
    char *guard = backend->malloc(40);
    ck_assert_ptr_eq(p + 224, top);
    fill((unsigned char *)p, 200, 1);
    backend->free(top);

    /* Shrinking: the tail (224 - 64) goes back, merging with top's chunk. */
    ck_assert_ptr_eq(backend->realloc(p, 40), p);
    ck_assert(intact((unsigned char *)p, 40, 1));
    struct layout layout = layout_now();
    expect_chunk(&layout, chunk_of(p), 64, 1);
    expect_chunk(&layout, chunk_of(p) + 64, 160 + 224, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Growing into the free chunk above: 64 + 384 >= 320, rest 128. */
    ck_assert_ptr_eq(backend->realloc(p, 300), p);
    ck_assert(intact((unsigned char *)p, 40, 1));
    layout = layout_now();
    expect_chunk(&layout, chunk_of(p), 320, 1);
    expect_chunk(&layout, chunk_of(p) + 320, 128, 0);
    ck_assert_int_eq(backend->check(), 0);

    /* Last chunk (with a free chunk after it): the heap grows, once. */
    struct mem_stats before, after;
    mem_get_stats(&before);
    fill((unsigned char *)p, 300, 2);
    ck_assert_ptr_eq(backend->realloc(p, 20000), p);
    ck_assert(intact((unsigned char *)p, 300, 2));
    mem_get_stats(&after);
    ck_assert_uint_eq(after.sbrk_calls, before.sbrk_calls + 1);
    layout = layout_now();
    expect_chunk(&layout, chunk_of(p), chunk_for(20000), 1);
    ck_assert_ptr_eq(chunk_of(p) + chunk_for(20000), heap_break());
    ck_assert_int_eq(backend->check(), 0);

    /* guard's neighbour above is p: it must move, with its bytes. */
    fill((unsigned char *)guard, 40, 9);
    char *moved = backend->realloc(guard, 1000);
    ck_assert_ptr_nonnull(moved);
    ck_assert_ptr_ne(moved, guard);
    ck_assert(intact((unsigned char *)moved, 40, 9));
    layout = layout_now();
    expect_chunk(&layout, chunk_of(moved), chunk_for(1000), 1);
    expect_chunk(&layout, chunk_of(guard), chunk_for(40), 0);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_dlist_check_detects_corruption)
{
    start();
    char *a = backend->malloc(40); /* top */
    char *b = backend->malloc(40);
    char *c = backend->malloc(40);
    backend->free(b); /* the list: b, rest */
    ck_assert_int_eq(backend->check(), 0);
    const size_t size = chunk_for(40);

    /* A footer overwritten, as by a payload overrun. */
    size_t *footer = footer_of(chunk_of(c), size);
    size_t saved = *footer;
    *footer = 0x1234;
    expect_check_names(chunk_of(c));
    *footer = saved;
    ck_assert_int_eq(backend->check(), 0);

    /* An allocated chunk marked free in both tags: not on the list. */
    size_t *a_header = (size_t *)chunk_of(a);
    *a_header = size;
    *footer_of(chunk_of(a), size) = size;
    expect_check_names(chunk_of(a)); /* touches b: not coalesced */
    *a_header = size | USED_BIT;
    *footer_of(chunk_of(a), size) = size | USED_BIT;
    ck_assert_int_eq(backend->check(), 0);

    /* A prev link that does not point back. */
    char **links = (char **)b;
    char *saved_prev = links[1];
    links[1] = chunk_of(c);
    expect_check_names(chunk_of(b));
    links[1] = saved_prev;
    ck_assert_int_eq(backend->check(), 0);

    /* A next link to itself: a cycle, and check() still returns. */
    char *saved_next = links[0];
    links[0] = chunk_of(b);
    expect_check_names(chunk_of(b));
    links[0] = saved_next;
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_dlist_edge_cases_and_out_of_memory)
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
    ck_assert_ptr_null(backend->realloc(p, 100 * 1024)); /* p is last */
    ck_assert(intact((unsigned char *)p, 100, 3));
    ck_assert_int_eq(backend->check(), 0);
    ck_assert_ptr_nonnull(backend->malloc(1000));
}
END_TEST

/* Many mixed operations, each payload's bytes verified, check() each time. */
START_TEST(test_dlist_random_ops_stay_consistent)
{
    start();
    enum { SLOTS = 40, OPS = 3000 };
    unsigned char *slot[SLOTS] = {NULL};
    size_t length[SLOTS] = {0};
    uint32_t seed = 54321;
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

static Suite *dlist_suite(void)
{
    Suite *suite = suite_create("dlist");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_dlist_boundary_tags_and_tail_end);
    tcase_add_test(tc, test_dlist_first_fit_is_lifo);
    tcase_add_test(tc, test_dlist_coalesce_four_cases);
    tcase_add_test(tc, test_dlist_free_is_constant_time);
    tcase_add_test(tc, test_dlist_growth_merges_with_last_chunk);
    tcase_add_test(tc, test_dlist_realloc_in_place);
    tcase_add_test(tc, test_dlist_check_detects_corruption);
    tcase_add_test(tc, test_dlist_edge_cases_and_out_of_memory);
    tcase_add_test(tc, test_dlist_random_ops_stay_consistent);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(dlist_suite)
