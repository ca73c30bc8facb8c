/*
 * test_bins.c -- what makes the bins backend what it is, observed through
 * the pointers it returns, its walk() and memlib's counters: exact small
 * bins give best fit, a large request takes the first fit of its own bin
 * or the smallest bigger bin, small requests are cut from the high end of
 * a free chunk, the four coalescing cases, footers only in free chunks
 * (the PREV_USED bit), realloc in place, a heap checker that catches
 * corruption, and 20k random operations.  Every test starts from a fresh
 * heap: mem_reset(), then bins_allocator.init().
 *
 * Chunk sizes below follow bins.c: request + an 8-byte header, rounded up
 * to 16, at least 32; requests up to 64 bytes are placed at the high end
 * of the chunk they are cut from; the heap grows by at least 4096 bytes
 * and spends 16 bytes on its padding word and epilogue.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "rng.h" /* splitmix64: the same numbers on every machine */
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

    /* Large enough to go low: request -> chunk, one after the other. */
    static const size_t requests[] = {65, 100, 200, 1000};
    static const size_t chunks[] = {80, 112, 208, 1008};
    char *previous = NULL;
    for (size_t i = 0; i < 4; i++) {
        char *p = must_malloc(requests[i]);
        if (previous == NULL)
            ck_assert_ptr_eq(p, (char *)mem_heap_lo() + 16);
        else
            ck_assert_ptr_eq(p, previous + chunks[i - 1]);
        ck_assert_uint_eq(chunk_of(p).size, chunks[i]);
        previous = p;
    }
    /* Small ones (up to 64 bytes) come from the top of the free chunk:
     * the first ends the heap.  8 bytes of header, no footer. */
    const char *end = (char *)mem_heap_hi() + 1 - 8; /* the epilogue */
    static const size_t small[] = {1, 16, 24, 25, 40, 56, 64};
    static const size_t small_chunks[] = {32, 32, 32, 48, 48, 64, 80};
    for (size_t i = 0; i < 7; i++) {
        struct chunk c = chunk_of(must_malloc(small[i]));
        ck_assert_uint_eq(c.size, small_chunks[i]);
        ck_assert_ptr_eq(c.start + c.size, end); /* right below the last */
        end = c.start;
    }
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.sbrk_calls, 2); /* init, then one 4 KiB growth */
    ck_assert_uint_eq(stats.heap_bytes, HEAP_FENCES + GROWTH);

    char *r = bins_allocator.realloc(NULL, 100);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_eq(r, previous + 1008); /* the low end of the free part */
    ck_assert_ptr_null(bins_allocator.realloc(r, 0));
    ck_assert_int_eq(chunk_after(previous).used, 0); /* r's chunk went back */
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* init forgets everything. */
    start_run();
    take_layout();
    ck_assert_uint_eq(layout.count, 0);
    ck_assert_ptr_eq(must_malloc(100), (char *)mem_heap_lo() + 16);
}
END_TEST

START_TEST(test_footers_only_in_free_chunks)
{
    start_run();
    char *a = must_malloc(120);  /* chunk 128: 120 bytes of payload */
    char *b = must_malloc(120);
    must_malloc(120);
    ck_assert_uint_eq(chunk_of(a).size, 128);
    ck_assert_ptr_eq(b, a + 128);
    /* a's payload runs to b's header: all 120 bytes are usable, and
     * writing them all leaves the heap sound. */
    fill(a, 120, 1);
    ck_assert_int_eq(bins_allocator.check(), 0);
    ck_assert(intact(a, 120, 1));
    /* b's header says that a, below it, is allocated (PREV_USED, 2). */
    size_t *b_header = (size_t *)(void *)(b - 8);
    ck_assert_uint_eq(*b_header & 2, 2);
    bins_allocator.free(a);
    ck_assert_uint_eq(*b_header & 2, 0); /* now free */
    /* a free chunk has a footer: its size, in its last word */
    ck_assert_uint_eq(*(size_t *)(void *)(b - 16), 128);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_exact_bin_is_best_fit)
{
    start_run();
    char *big = must_malloc(500); /* chunk 512 */
    must_malloc(100);
    char *mid = must_malloc(200); /* chunk 208 */
    must_malloc(100);
    char *exact = must_malloc(88); /* chunk 96 */
    must_malloc(100);
    unsigned long sbrk_calls = stats_now().sbrk_calls;

    /* Freed last, big is first on any LIFO or address-ordered list. */
    bins_allocator.free(exact);
    bins_allocator.free(mid);
    bins_allocator.free(big);
    ck_assert_int_eq(bins_allocator.check(), 0);

    ck_assert_ptr_eq(bins_allocator.malloc(88), exact);
    ck_assert_ptr_eq(bins_allocator.malloc(200), mid);
    ck_assert_ptr_eq(bins_allocator.malloc(500), big);
    ck_assert_uint_eq(chunk_of(exact).size, 96);
    ck_assert_uint_eq(chunk_of(mid).size, 208);
    ck_assert_uint_eq(chunk_of(big).size, 512);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_smallest_bigger_bin_when_exact_is_empty)
{
    start_run();
    char *larger = must_malloc(400); /* chunk 416 */
    must_malloc(100);
    char *smaller = must_malloc(180); /* chunk 192 */
    must_malloc(100);
    bins_allocator.free(smaller);
    bins_allocator.free(larger);

    /* 100 bytes need a 112-byte chunk: bin 112 is empty, 192 is the next
     * non-empty one; the request is cut from its low end. */
    ck_assert_ptr_eq(bins_allocator.malloc(100), smaller);
    struct chunk taken = chunk_of(smaller), rest = chunk_after(smaller);
    ck_assert_uint_eq(taken.size, 112);
    ck_assert_int_eq(taken.used, 1);
    ck_assert_uint_eq(rest.size, 80); /* the split-off rest, free */
    ck_assert_int_eq(rest.used, 0);
    ck_assert_int_eq(chunk_of(larger).used, 0);

    /* A small request is cut from the high end: 40 bytes (chunk 48) from
     * the 80-byte rest leave 32 free below it. */
    char *tiny = must_malloc(40);
    ck_assert_ptr_eq(chunk_of(tiny).start, rest.start + 32);
    ck_assert_uint_eq(chunk_of(tiny).size, 48);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_large_bins)
{
    start_run();
    char *first = must_malloc(2000); /* chunk 2008 -> 2016 */
    must_malloc(100);
    char *second = must_malloc(3000); /* chunk 3008 */
    must_malloc(100);
    unsigned long sbrk_calls = stats_now().sbrk_calls;
    bins_allocator.free(second);
    bins_allocator.free(first);

    /* 2500 (chunk 2512): its own bin (2304..2559) is empty; the smallest
     * non-empty bigger bin holds 3008, which fits. */
    ck_assert_ptr_eq(bins_allocator.malloc(2500), second);
    ck_assert_uint_eq(chunk_of(second).size, 2512);
    ck_assert_uint_eq(chunk_after(second).size, 3008 - 2512);
    ck_assert_int_eq(chunk_after(second).used, 0);
    /* 1500 (chunk 1520, bin 1408..1535, empty): 2016's bin serves. */
    ck_assert_ptr_eq(bins_allocator.malloc(1500), first);
    ck_assert_uint_eq(chunk_of(first).size, 1520);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* Within one large bin (1024..1151), first fit: the chunk in front
     * that is too small is skipped. */
    start_run();
    char *fits = must_malloc(1090); /* chunk 1104 */
    must_malloc(100);
    char *short_one = must_malloc(1040); /* chunk 1056 */
    must_malloc(100);
    bins_allocator.free(fits);
    bins_allocator.free(short_one); /* first in the bin now */
    ck_assert_ptr_eq(bins_allocator.malloc(1060), fits); /* chunk 1072 */
    ck_assert_int_eq(chunk_of(short_one).used, 0);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_coalescing_four_cases)
{
    start_run();
    must_malloc(88);
    char *a = must_malloc(88), *b = must_malloc(88), *c = must_malloc(88);
    char *d = must_malloc(88), *e = must_malloc(88);
    char *guard = must_malloc(88); /* each chunk 96 bytes */
    take_layout();
    size_t chunks = layout.count;

    bins_allocator.free(b); /* case 1: both neighbours allocated */
    ck_assert_uint_eq(chunk_of(b).size, 96);
    ck_assert_int_eq(chunk_of(b).used, 0);
    ck_assert_int_eq(chunk_of(a).used, 1);
    ck_assert_int_eq(chunk_of(c).used, 1);
    ck_assert_uint_eq(layout.count, chunks);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(a); /* case 2: next free: a + b */
    ck_assert_ptr_eq(chunk_of(b).start, chunk_of(a).start); /* one chunk */
    ck_assert_uint_eq(chunk_of(a).size, 192);
    ck_assert_int_eq(chunk_of(a).used, 0);
    ck_assert_uint_eq(layout.count, chunks - 1);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(c); /* case 3: previous free: a + b + c */
    ck_assert_uint_eq(chunk_of(c).size, 288);
    ck_assert_ptr_eq(chunk_of(c).start, chunk_of(a).start);
    ck_assert_int_eq(chunk_after(c).used, 1); /* d */
    ck_assert_uint_eq(layout.count, chunks - 2);
    ck_assert_int_eq(bins_allocator.check(), 0);

    bins_allocator.free(e); /* case 1 again, so that d has two free sides */
    ck_assert_uint_eq(chunk_of(e).size, 96);
    bins_allocator.free(d); /* case 4: both free: a + ... + e */
    struct chunk merged = chunk_of(d);
    ck_assert_ptr_eq(merged.start, chunk_of(a).start);
    ck_assert_uint_eq(merged.size, 480);
    ck_assert_int_eq(merged.used, 0);
    ck_assert_ptr_eq(chunk_after(d).start, chunk_of(guard).start);
    ck_assert_uint_eq(layout.count, chunks - 4);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* The merged chunk is reused whole, in place. */
    ck_assert_ptr_eq(bins_allocator.malloc(480 - 8), a);
}
END_TEST

START_TEST(test_realloc_shrinks_in_place)
{
    start_run();
    char *p = must_malloc(500); /* chunk 512 */
    must_malloc(100);
    fill(p, 500, 7);
    ck_assert_ptr_eq(bins_allocator.realloc(p, 100), p);
    ck_assert(intact(p, 100, 7));
    ck_assert_uint_eq(chunk_of(p).size, 112);
    ck_assert_uint_eq(chunk_after(p).size, 400);
    ck_assert_int_eq(chunk_after(p).used, 0);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc_into_free_next)
{
    start_run();
    char *p = must_malloc(100); /* chunk 112 */
    char *next = must_malloc(300); /* chunk 320 */
    must_malloc(100);
    fill(p, 100, 3);
    bins_allocator.free(next);
    unsigned long sbrk_calls = stats_now().sbrk_calls;

    /* 350 (chunk 368) fits in 112 + 320; the 64 left over stay free. */
    ck_assert_ptr_eq(bins_allocator.realloc(p, 350), p);
    ck_assert(intact(p, 100, 3));
    ck_assert_uint_eq(chunk_of(p).size, 368);
    ck_assert_uint_eq(chunk_after(p).size, 64);
    ck_assert_int_eq(chunk_after(p).used, 0);
    ck_assert_uint_eq(stats_now().sbrk_calls, sbrk_calls);
    ck_assert_int_eq(bins_allocator.check(), 0);
}
END_TEST

START_TEST(test_realloc_grows_at_heap_end)
{
    /* The last chunk ends at the epilogue: grow by just the difference. */
    start_run();
    char *p = must_malloc(GROWTH - 8); /* chunk 4096, no free tail */
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES + GROWTH);
    fill(p, GROWTH - 8, 5);
    ck_assert_ptr_eq(bins_allocator.realloc(p, 8000), p); /* chunk 8016 */
    ck_assert(intact(p, GROWTH - 8, 5));
    ck_assert_uint_eq(stats_now().heap_bytes, HEAP_FENCES + 8016);
    take_layout();
    ck_assert_uint_eq(layout.count, 1);
    ck_assert_uint_eq(layout.chunks[0].size, 8016);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free last chunk follows, too small: it joins, the heap grows by
     * the rest only. */
    start_run();
    p = must_malloc(100); /* chunk 112, then a free tail of 3984 */
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
    must_malloc(100);
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
    ck_assert_uint_eq(chunk_of(p).size, 112);
    ck_assert_int_eq(bins_allocator.check(), 0);
    ck_assert_ptr_nonnull(bins_allocator.malloc(1000)); /* from the tail */
}
END_TEST

START_TEST(test_check_detects_corruption)
{
    start_run();
    char *p = must_malloc(100);
    char *q = must_malloc(100);
    char *r = must_malloc(100);
    bins_allocator.free(q);
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free chunk's footer, overwritten as by a write after free. */
    struct chunk freed = chunk_of(q);
    size_t *footer =
        (size_t *)(void *)(freed.start + freed.size - sizeof(size_t));
    size_t saved = *footer;
    *footer = 0xdeadbeef;
    ck_assert_int_ne(check_quietly(), 0);
    *footer = saved;
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* A free chunk marked allocated in its header only. */
    size_t *header = (size_t *)(void *)freed.start;
    saved = *header;
    *header |= 1;
    ck_assert_int_ne(check_quietly(), 0);
    *header = saved;
    ck_assert_int_eq(bins_allocator.check(), 0);

    /* r's PREV_USED bit set while q below it is free, as by a stray write
     * into r's header: coalescing would never look at q. */
    size_t *r_header = (size_t *)(void *)chunk_of(r).start;
    saved = *r_header;
    *r_header |= 2;
    ck_assert_int_ne(check_quietly(), 0);
    *r_header = saved;
    /* ... and p's chunk (allocated) said to be free by q's header. */
    size_t *q_header = (size_t *)(void *)freed.start;
    saved = *q_header;
    *q_header &= ~(size_t)2;
    ck_assert_int_ne(check_quietly(), 0);
    *q_header = saved;
    ck_assert_int_eq(bins_allocator.check(), 0);
    (void)p;

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

static size_t random_size(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    switch (r % 10) {
    case 0: return 1025 + (r >> 8) % 20000;  /* large: the large bins */
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
        size_t slot = splitmix64(&state) % SLOTS;
        if (pointers[slot] == NULL) {
            sizes[slot] = random_size(&state);
            seeds[slot] = op;
            pointers[slot] = must_malloc(sizes[slot]);
            fill(pointers[slot], sizes[slot], op);
        } else if (splitmix64(&state) % 2 == 0) {
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
    tcase_add_test(tc, test_footers_only_in_free_chunks);
    tcase_add_test(tc, test_exact_bin_is_best_fit);
    tcase_add_test(tc, test_smallest_bigger_bin_when_exact_is_empty);
    tcase_add_test(tc, test_large_bins);
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
