/*
 * test_bins.c -- what makes the bins backend what it is, observed through
 * the pointers it returns, its walk() and memlib's counters: exact small
 * bins give best fit, large chunks live in the last bin (first fit), the
 * four coalescing cases, realloc in place, a heap checker that catches
 * corruption, and 20k random operations.  Every test starts from a fresh
 * heap: mem_reset(), then bins_allocator.init().
 *
 * Chunk sizes below follow bins.c: request + 16 bytes of header and footer,
 * rounded up to 16, at least 32; the heap grows by at least 4096 bytes and
 * spends 16 bytes on its prologue and epilogue.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator bins_allocator;

enum { HEAP_FENCES = 16, GROWTH = 4096, MAX_CHUNKS = 4096 };

static void start_run(void)
{
    mem_reset();
    ck_assert_int_eq(bins_allocator.init(), 0);
}

static struct mem_stats stats_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats;
}

/* --- the heap as walk() shows it ---------------------------------------- */

struct chunk {
    const char *start;
    size_t size;
    int used;
};

static struct {
    struct chunk chunks[MAX_CHUNKS];
    size_t count;
} layout;

static void record(const void *block, size_t size, int used, void *arg)
{
    (void)arg;
    ck_assert_uint_lt(layout.count, MAX_CHUNKS);
    layout.chunks[layout.count++] =
        (struct chunk){.start = block, .size = size, .used = used};
}

/* Walks the heap into `layout`; checks address order and contiguity. */
static void take_layout(void)
{
    layout.count = 0;
    bins_allocator.walk(record, NULL);
    for (size_t i = 1; i < layout.count; i++)
        ck_assert_ptr_eq(layout.chunks[i].start,
                         layout.chunks[i - 1].start + layout.chunks[i - 1].size);
}

/* The index in `layout` of the chunk holding payload p. */
static size_t chunk_index(const void *p)
{
    const char *at = p;
    for (size_t i = 0; i < layout.count; i++)
        if (at > layout.chunks[i].start &&
            at < layout.chunks[i].start + layout.chunks[i].size)
            return i;
    ck_abort_msg("payload %p is in no chunk", p);
    return 0;
}

static struct chunk chunk_of(const void *p)
{
    take_layout();
    return layout.chunks[chunk_index(p)];
}

/* The chunk right after the one holding payload p. */
static struct chunk chunk_after(const void *p)
{
    take_layout();
    size_t i = chunk_index(p);
    ck_assert_uint_lt(i + 1, layout.count);
    return layout.chunks[i + 1];
}

static void *must_malloc(size_t size)
{
    void *p = bins_allocator.malloc(size);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAPLAB_ALIGNMENT, 0);
    return p;
}

static void fill(void *p, size_t size, unsigned seed)
{
    unsigned char *bytes = p;
    for (size_t i = 0; i < size; i++)
        bytes[i] = (unsigned char)(seed + i * 31);
}

static int intact(const void *p, size_t size, unsigned seed)
{
    const unsigned char *bytes = p;
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != (unsigned char)(seed + i * 31))
            return 0;
    return 1;
}

/* check() with its stderr lines silenced (they are expected). */
static int check_quietly(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *null = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(null);
    dup2(fileno(null), STDERR_FILENO);
    int result = bins_allocator.check();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fclose(null);
    return result;
}

/* --- tests -------------------------------------------------------------- */

START_TEST(test_edge_cases_and_chunk_sizes)
{
    start_run();
    take_layout();
    ck_assert_uint_eq(layout.count, 0);
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES);
    ck_assert_int_eq(bins_allocator.check(), 0);

    ck_assert_ptr_null(bins_allocator.malloc(0));
    ck_assert_ptr_null(bins_allocator.malloc(SIZE_MAX));
    bins_allocator.free(NULL);

    /* request -> chunk: 1 -> 32, 16 -> 32, 17 -> 48, 24 -> 48, 1000 -> 1024 */
    static const size_t requests[] = {1, 16, 17, 24, 1000};
    static const size_t chunks[] = {32, 32, 48, 48, 1024};
    char *previous = NULL;
    for (size_t i = 0; i < 5; i++) {
        char *p = must_malloc(requests[i]);
        if (previous == NULL)
            ck_assert_ptr_eq(p, (char *)mem_heap_lo() + 16);
        else
            ck_assert_ptr_eq(p, previous + chunks[i - 1]);
        ck_assert_uint_eq(chunk_of(p).size, chunks[i]);
        previous = p;
    }
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.sbrk_calls, 2); /* init, then one 4 KiB growth */
    ck_assert_uint_eq(stats.heap_bytes, HEAP_FENCES + GROWTH);

    char *r = bins_allocator.realloc(NULL, 40);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_null(bins_allocator.realloc(r, 0));
    ck_assert_int_eq(chunk_after(previous).used, 0); /* r's chunk went back */
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* init forgets everything. */
    start_run();
    take_layout();
    ck_assert_uint_eq(layout.count, 0);
    ck_assert_ptr_eq(must_malloc(1), (char *)mem_heap_lo() + 16);
}
END_TEST

START_TEST(test_exact_bin_is_best_fit)
{
    start_run();
    char *big = must_malloc(500); /* chunk 528 */
    must_malloc(1);
    char *mid = must_malloc(200); /* chunk 224 */
    must_malloc(1);
    char *exact = must_malloc(64); /* chunk 80 */
    must_malloc(1);
    unsigned long sbrk_calls = stats_now().sbrk_calls;

    /* Freed last, big is first on any LIFO or address-ordered list. */
    bins_allocator.free(exact);
    bins_allocator.free(mid);
    bins_allocator.free(big);
    ck_assert_int_eq(bins_allocator.check(), 0);

    ck_assert_ptr_eq(bins_allocator.malloc(64), exact);
    ck_assert_ptr_eq(bins_allocator.malloc(200), mid);
    ck_assert_ptr_eq(bins_allocator.malloc(500), big);
    ck_assert_uint_eq(chunk_of(exact).size, 80);
    ck_assert_uint_eq(chunk_of(mid).size, 224);
    ck_assert_uint_eq(chunk_of(big).size, 528);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_smallest_bigger_bin_when_exact_is_empty)
{
    start_run();
    char *larger = must_malloc(400); /* chunk 416 */
    must_malloc(1);
    char *smaller = must_malloc(80); /* chunk 96 */
    must_malloc(1);
    bins_allocator.free(smaller);
    bins_allocator.free(larger);

    /* 40 bytes need a 64-byte chunk: bin 64 is empty, 96 is the next. */
    ck_assert_ptr_eq(bins_allocator.malloc(40), smaller);
    struct chunk taken = chunk_of(smaller), rest = chunk_after(smaller);
    ck_assert_uint_eq(taken.size, 64);
    ck_assert_int_eq(taken.used, 1);
    ck_assert_uint_eq(rest.size, 32); /* the split-off rest, free */
    ck_assert_int_eq(rest.used, 0);
    ck_assert_int_eq(chunk_of(larger).used, 0);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_large_chunks_in_last_bin_first_fit)
{
    start_run();
    char *first = must_malloc(2000); /* chunk 2016 */
    must_malloc(1);
    char *second = must_malloc(3000); /* chunk 3024 */
    must_malloc(1);
    unsigned long sbrk_calls = stats_now().sbrk_calls;
    bins_allocator.free(second);
    bins_allocator.free(first); /* now first in the last bin */

    /* 2500 (chunk 2528): first fit skips the 2016 chunk, takes 3024. */
    ck_assert_ptr_eq(bins_allocator.malloc(2500), second);
    ck_assert_uint_eq(chunk_of(second).size, 2528);
    ck_assert_uint_eq(chunk_after(second).size, 3024 - 2528);
    ck_assert_int_eq(chunk_after(second).used, 0);
    /* 1500 (chunk 1520): the 496-byte rest is in a small bin, too small;
     * the last bin serves it. */
    ck_assert_ptr_eq(bins_allocator.malloc(1500), first);
    ck_assert_uint_eq(chunk_of(first).size, 1520);
    /* A small request with only large chunks free comes from the last bin
     * (the heap's free tail), not from new memory. */
    char *small = must_malloc(600);
    ck_assert(small > second);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_coalescing_four_cases)
{
    start_run();
    must_malloc(64);
    char *a = must_malloc(64), *b = must_malloc(64), *c = must_malloc(64);
    char *d = must_malloc(64), *e = must_malloc(64);
    char *guard = must_malloc(64); /* each chunk 80 bytes */
    take_layout();
    size_t chunks = layout.count;

    bins_allocator.free(b); /* case 1: both neighbours allocated */
    ck_assert_uint_eq(chunk_of(b).size, 80);
    ck_assert_int_eq(chunk_of(b).used, 0);
    ck_assert_int_eq(chunk_of(a).used, 1);
    ck_assert_int_eq(chunk_of(c).used, 1);
    ck_assert_uint_eq(layout.count, chunks);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(a); /* case 2: next free: a + b */
    ck_assert_ptr_eq(chunk_of(b).start, chunk_of(a).start); /* one chunk */
    ck_assert_uint_eq(chunk_of(a).size, 160);
    ck_assert_int_eq(chunk_of(a).used, 0);
    ck_assert_uint_eq(layout.count, chunks - 1);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(c); /* case 3: previous free: a + b + c */
    ck_assert_uint_eq(chunk_of(c).size, 240);
    ck_assert_ptr_eq(chunk_of(c).start, chunk_of(a).start);
    ck_assert_int_eq(chunk_after(c).used, 1); /* d */
    ck_assert_uint_eq(layout.count, chunks - 2);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(e); /* case 1 again, so that d has two free sides */
    ck_assert_uint_eq(chunk_of(e).size, 80);
    bins_allocator.free(d); /* case 4: both free: a + ... + e */
    struct chunk merged = chunk_of(d);
    ck_assert_ptr_eq(merged.start, chunk_of(a).start);
    ck_assert_uint_eq(merged.size, 400);
    ck_assert_int_eq(merged.used, 0);
    ck_assert_ptr_eq(chunk_after(d).start, chunk_of(guard).start);
    ck_assert_uint_eq(layout.count, chunks - 4);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* The merged chunk is reused whole, in place. */
    ck_assert_ptr_eq(bins_allocator.malloc(400 - 16), a);
}
END_TEST

START_TEST(test_realloc_shrinks_in_place)
{
    start_run();
    char *p = must_malloc(500); /* chunk 528 */
    must_malloc(1);
    fill(p, 500, 7);
    ck_assert_ptr_eq(bins_allocator.realloc(p, 100), p);
    ck_assert(intact(p, 100, 7));
    ck_assert_uint_eq(chunk_of(p).size, 128);
    ck_assert_uint_eq(chunk_after(p).size, 400);
    ck_assert_int_eq(chunk_after(p).used, 0);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc_into_free_next)
{
    start_run();
    char *p = must_malloc(100); /* chunk 128 */
    char *next = must_malloc(300); /* chunk 320 */
    must_malloc(1);
    fill(p, 100, 3);
    bins_allocator.free(next);
    unsigned long sbrk_calls = stats_now().sbrk_calls;

    /* 350 (chunk 368) fits in 128 + 320; the 80 left over stay free. */
    ck_assert_ptr_eq(bins_allocator.realloc(p, 350), p);
    ck_assert(intact(p, 100, 3));
    ck_assert_uint_eq(chunk_of(p).size, 368);
    ck_assert_uint_eq(chunk_after(p).size, 80);
    ck_assert_int_eq(chunk_after(p).used, 0);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc_grows_at_heap_end)
{
    /* The last chunk ends at the epilogue: grow by just the difference. */
    start_run();
    char *p = must_malloc(GROWTH - 16); /* chunk 4096, no free tail */
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES + GROWTH);
    fill(p, GROWTH - 16, 5);
    ck_assert_ptr_eq(bins_allocator.realloc(p, 8000), p); /* chunk 8016 */
    ck_assert(intact(p, GROWTH - 16, 5));
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES + 8016);
    take_layout();
    ck_assert_uint_eq(layout.count, 1);
    ck_assert_uint_eq(layout.chunks[0].size, 8016);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free last chunk follows, too small: it joins, the heap grows by
     * the rest only. */
    start_run();
    p = must_malloc(100); /* chunk 128, then a free tail of 3968 */
    fill(p, 100, 9);
    ck_assert_ptr_eq(bins_allocator.realloc(p, 6000), p); /* chunk 6016 */
    ck_assert(intact(p, 100, 9));
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES + 6016);
    ck_assert_uint_eq(stats_now().sbrk_calls, 3);
    take_layout();
    ck_assert_uint_eq(layout.count, 1);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc_moves_when_boxed_in)
{
    start_run();
    char *p = must_malloc(100);
    must_malloc(1);
    fill(p, 100, 11);
    char *q = bins_allocator.realloc(p, 1000);
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(q, p);
    ck_assert(intact(q, 100, 11));
    ck_assert_int_eq(chunk_of(p).used, 0); /* the old chunk is free */
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_out_of_memory_leaves_heap_intact)
{
    start_run();
    mem_set_limit(HEAP_FENCES + GROWTH);
    char *p = must_malloc(100);
    fill(p, 100, 13);
    ck_assert_ptr_null(bins_allocator.malloc(10000));
    ck_assert_ptr_null(bins_allocator.realloc(p, 100000));
    ck_assert(intact(p, 100, 13));
    ck_assert_uint_eq(chunk_of(p).size, 128);
    ck_assert_int_eq(bins_allocator.check(), 0);
    ck_assert_ptr_nonnull(bins_allocator.malloc(1000)); /* from the tail */
}
END_TEST

START_TEST(test_check_detects_corruption)
{
    start_run();
    char *p = must_malloc(100);
    char *q = must_malloc(100);
    must_malloc(100);
    bins_allocator.free(q);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* An allocated chunk's footer, overwritten as by a buffer overflow. */
    struct chunk used = chunk_of(p);
    size_t *footer = (size_t *)(void *)(used.start + used.size - sizeof(size_t));
    size_t saved = *footer;
    *footer = 0xdeadbeef;
    ck_assert_int_ne(check_quietly(), 0);
    *footer = saved;
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free chunk marked allocated in its header only. */
    size_t *header = (size_t *)(void *)chunk_of(q).start;
    saved = *header;
    *header |= 1;
    ck_assert_int_ne(check_quietly(), 0);
    *header = saved;
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free chunk's next link, as by a write after free. */
    void **link = (void **)(void *)q;
    void *saved_link = *link;
    *link = NULL;
    ck_assert_int_ne(check_quietly(), 0);
    *link = (char *)saved_link + 16;
    ck_assert_int_ne(check_quietly(), 0);
    *link = saved_link;
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_double_free_aborts)
{
    start_run();
    char *p = must_malloc(10);
    must_malloc(10);
    bins_allocator.free(p);
    FILE *null = freopen("/dev/null", "w", stderr); /* the expected message */
    (void)null;
    bins_allocator.free(p); /* VERIFY stops the program here */
}
END_TEST

/* splitmix64: a deterministic PRNG, the same sequence on every machine. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t random_size(uint64_t *state)
{
    uint64_t r = next_random(state);
    switch (r % 10) {
    case 0: return 1025 + (r >> 8) % 20000;  /* large: the last bin */
    case 1: case 2: return 257 + (r >> 8) % 768;
    default: return 1 + (r >> 8) % 256;       /* most requests are small */
    }
}

START_TEST(test_random_operations_keep_heap_consistent)
{
    enum { SLOTS = 300, OPERATIONS = 20000 };
    static char *pointers[SLOTS];
    static size_t sizes[SLOTS];
    static unsigned seeds[SLOTS];
    uint64_t state = 42;
    start_run();
    memset(pointers, 0, sizeof pointers);

    for (unsigned op = 0; op < OPERATIONS; op++) {
        size_t slot = next_random(&state) % SLOTS;
        if (pointers[slot] == NULL) {
            sizes[slot] = random_size(&state);
            seeds[slot] = op;
            pointers[slot] = must_malloc(sizes[slot]);
            fill(pointers[slot], sizes[slot], op);
        } else if (next_random(&state) % 2 == 0) {
            ck_assert_msg(intact(pointers[slot], sizes[slot], seeds[slot]),
                          "op %u: slot %zu corrupted", op, slot);
            bins_allocator.free(pointers[slot]);
            pointers[slot] = NULL;
        } else {
            size_t size = random_size(&state);
            char *moved = bins_allocator.realloc(pointers[slot], size);
            ck_assert_ptr_nonnull(moved);
            size_t kept = size < sizes[slot] ? size : sizes[slot];
            ck_assert_msg(intact(moved, kept, seeds[slot]),
                          "op %u: realloc lost data of slot %zu", op, slot);
            pointers[slot] = moved;
            sizes[slot] = size;
            seeds[slot] = op;
            fill(moved, size, op);
        }
        ck_assert_msg(bins_allocator.check() == 0, "op %u: check failed", op);
    }

    /* Every byte of the heap is in a chunk; all free, it is one chunk. */
    for (size_t slot = 0; slot < SLOTS; slot++) {
        if (pointers[slot] != NULL) {
            ck_assert(intact(pointers[slot], sizes[slot], seeds[slot]));
            bins_allocator.free(pointers[slot]);
        }
    }
    take_layout();
    ck_assert_uint_eq(layout.count, 1);
    ck_assert_int_eq(layout.chunks[0].used, 0);
    ck_assert_uint_eq(layout.chunks[0].size + HEAP_FENCES,
                      stats_now().heap_bytes);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

static Suite *bins_suite(void)
{
    Suite *suite = suite_create("bins");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_edge_cases_and_chunk_sizes);
    tcase_add_test(tc, test_exact_bin_is_best_fit);
    tcase_add_test(tc, test_smallest_bigger_bin_when_exact_is_empty);
    tcase_add_test(tc, test_large_chunks_in_last_bin_first_fit);
    tcase_add_test(tc, test_coalescing_four_cases);
    tcase_add_test(tc, test_realloc_shrinks_in_place);
    tcase_add_test(tc, test_realloc_into_free_next);
    tcase_add_test(tc, test_realloc_grows_at_heap_end);
    tcase_add_test(tc, test_realloc_moves_when_boxed_in);
    tcase_add_test(tc, test_out_of_memory_leaves_heap_intact);
    tcase_add_test(tc, test_check_detects_corruption);
    tcase_add_test_raise_signal(tc, test_double_free_aborts, SIGABRT);
    tcase_add_test(tc, test_random_operations_keep_heap_consistent);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(bins_suite)
