/*
 * test_segdata.c -- the segregated-data backend, observed through the
 * pointers it returns, the page headers in front of them, memlib's
 * counters, its heap checker and its walk: each request routed to its
 * class's pages, blocks of a class a class size apart, LIFO reuse, no page
 * shared by two classes, runs of whole pages for large blocks (reused by
 * length, the last one taken back by the frontier), realloc in place, a
 * checker that catches a broken header or list, a heap that grows in few
 * system calls, a walk that names every block, a free of a pointer never
 * handed out stopped, and 20k random operations.
 *
 * These tests know segdata's layout (allocators/segdata.c): 4 KiB pages
 * from the start of the heap, each starting with a 16-byte header (kind:
 * the class's index or RUN / FREE_RUN; pages; a seal), the classes below,
 * blocks of a fresh page handed out in address order, a run's payload 16
 * bytes into its first page.
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

extern const struct allocator segdata_allocator;
static const struct allocator *const backend = &segdata_allocator;

enum { PAGE = 4096, HEADER = 16, KIND_RUN = 0x100, KIND_FREE_RUN = 0x101 };

static const size_t class_size[] = {
    16,  32,  48,  64,  80,  96,  112, 128, 160, 192,  224,
    272, 336, 400, 448, 496, 576, 672, 816, 1008, 1360, 2032,
};
enum { CLASS_COUNT = sizeof class_size / sizeof class_size[0] };

/* A page's header, as segdata lays it out. */
struct header {
    uint32_t kind;
    uint32_t pages;
    uint64_t seal;
};

static void start_run(void)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static char *must_malloc(size_t size)
{
    char *p = backend->malloc(size);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAPLAB_ALIGNMENT, 0);
    return p;
}

static size_t page_offset(const void *p)
{
    return (size_t)((const char *)p - (const char *)mem_heap_lo()) % PAGE;
}

static struct header *header_of(const void *p)
{
    return (struct header *)(void *)((const char *)p - page_offset(p));
}

static int check_quietly(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *null = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(null);
    dup2(fileno(null), STDERR_FILENO);
    int result = backend->check();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fclose(null);
    return result;
}

START_TEST(test_classes_route_requests)
{
    start_run();
    ck_assert_ptr_null(backend->malloc(0));
    backend->free(NULL);
    struct header *pages[CLASS_COUNT];
    for (size_t c = 0; c < CLASS_COUNT; c++) {
        /* The largest and the smallest request of the class share its
         * fresh page, a class size apart, behind its header. */
        size_t smallest = c == 0 ? 1 : class_size[c - 1] + 1;
        char *a = must_malloc(class_size[c]), *b = must_malloc(smallest);
        ck_assert_uint_eq(page_offset(a), HEADER);
        ck_assert_ptr_eq(b, a + class_size[c]);
        pages[c] = header_of(a);
        ck_assert_uint_eq(pages[c]->kind, c);
        ck_assert_uint_eq(pages[c]->pages, 1);
        for (size_t d = 0; d < c; d++) /* a page of its own */
            ck_assert_ptr_ne(pages[d], pages[c]);
    }
    /* Above the largest class: a run of whole pages. */
    char *large = must_malloc(class_size[CLASS_COUNT - 1] + 1);
    ck_assert_uint_eq(page_offset(large), HEADER);
    ck_assert_uint_eq(header_of(large)->kind, KIND_RUN);
    ck_assert_uint_eq(header_of(large)->pages, 1);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_a_page_fills_with_its_class)
{
    start_run();
    /* 63 blocks of 64 fill a page (48 bytes left over); the 64th takes a
     * fresh one. */
    char *first = must_malloc(64), *last = first;
    for (int i = 1; i < 63; i++) {
        char *p = must_malloc(64);
        ck_assert_ptr_eq(p, last + 64);
        last = p;
    }
    ck_assert_uint_eq(page_offset(last), HEADER + 62 * 64);
    char *next = must_malloc(50);
    ck_assert_uint_eq(page_offset(next), HEADER);
    ck_assert_ptr_ne(header_of(next), header_of(first));
    ck_assert_uint_eq(header_of(next)->kind, 3);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_free_then_malloc_reuses_lifo)
{
    start_run();
    char *a = must_malloc(100), *b = must_malloc(100); /* class 112 */
    char *c = must_malloc(100);
    char *other = must_malloc(300); /* class 336 */
    backend->free(a);
    backend->free(c);
    backend->free(other);
    /* Each class's last freed block comes back first. */
    ck_assert_ptr_eq(backend->malloc(97), c);
    ck_assert_ptr_eq(backend->malloc(112), a);
    ck_assert_ptr_eq(backend->malloc(280), other);
    ck_assert_ptr_eq(must_malloc(112), c + 112); /* then the bump again */
    backend->free(b);
    ck_assert_ptr_eq(backend->malloc(99), b);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_pages_are_never_shared_across_classes)
{
    enum { BLOCKS = 600 };
    static char *small[BLOCKS], *medium[BLOCKS];
    start_run();
    for (int i = 0; i < BLOCKS; i++) { /* interleaved: 48 and 64 bytes */
        small[i] = must_malloc(40);
        medium[i] = must_malloc(64);
    }
    for (int i = 0; i < BLOCKS; i++) {
        ck_assert_uint_eq(header_of(small[i])->kind, 2);
        ck_assert_uint_eq(header_of(medium[i])->kind, 3);
    }
    /* The 48-byte blocks freed: 64-byte requests still get fresh pages of
     * their own, never a slot of the idle 48-byte pages. */
    for (int i = 0; i < BLOCKS; i++)
        backend->free(small[i]);
    for (int i = 0; i < BLOCKS; i++) {
        char *p = must_malloc(64);
        ck_assert_uint_eq(header_of(p)->kind, 3);
    }
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_large_runs)
{
    start_run();
    char *a = must_malloc(5000); /* 2 pages with its header */
    char *guard = must_malloc(PAGE);
    ck_assert_uint_eq(page_offset(a), HEADER);
    ck_assert_uint_eq(header_of(a)->kind, KIND_RUN);
    ck_assert_uint_eq(header_of(a)->pages, 2);
    ck_assert_ptr_eq(guard, a + 2 * PAGE);
    backend->free(a);
    ck_assert_uint_eq(header_of(a)->kind, KIND_FREE_RUN);
    ck_assert_int_eq(backend->check(), 0);
    /* A run of 2 pages serves any request of 2 pages, not of 3. */
    char *again = must_malloc(2 * PAGE - HEADER);
    ck_assert_ptr_eq(again, a);
    ck_assert_uint_eq(header_of(a)->kind, KIND_RUN);
    backend->free(again);
    char *three = must_malloc(2 * PAGE - HEADER + 1);
    ck_assert_ptr_ne(three, a);
    ck_assert_uint_eq(header_of(three)->pages, 3);
    /* A shorter request takes the whole run: no splitting. */
    char *one = must_malloc(3000);
    ck_assert_ptr_eq(one, a);
    ck_assert_uint_eq(header_of(one)->pages, 2);
    ck_assert_ptr_eq(must_malloc(3000), three + 3 * PAGE);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_last_run_goes_back_to_the_frontier)
{
    start_run();
    char *a = must_malloc(3 * PAGE);
    backend->free(a);
    /* A longer run starts where the freed one did. */
    char *b = must_malloc(5 * PAGE);
    ck_assert_ptr_eq(b, a);
    ck_assert_uint_eq(header_of(b)->pages, 6);
    /* So do class pages. */
    backend->free(b);
    ck_assert_ptr_eq(must_malloc(16), b);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_realloc)
{
    start_run();
    char *p = must_malloc(20); /* class 32 */
    memset(p, 'x', 20);
    ck_assert_ptr_eq(backend->realloc(p, 32), p); /* fits */
    ck_assert_ptr_eq(backend->realloc(p, 1), p);  /* shrinks in place */
    char *q = backend->realloc(p, 100);           /* moves */
    ck_assert_ptr_ne(q, p);
    ck_assert_uint_eq(header_of(q)->kind, 6);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(q[i], 'x');
    ck_assert_ptr_eq(must_malloc(30), p); /* p was freed */
    /* A run at the frontier grows in place. */
    char *run = must_malloc(5000);
    memset(run, 'y', 5000);
    ck_assert_ptr_eq(backend->realloc(run, 20000), run);
    ck_assert_uint_eq(header_of(run)->pages, 5);
    ck_assert_int_eq(run[4999], 'y');
    ck_assert_ptr_eq(backend->realloc(run, 5 * PAGE - HEADER), run);
    ck_assert_ptr_eq(must_malloc(PAGE), run + 5 * PAGE);
    /* Boxed in now: it moves. */
    char *moved = backend->realloc(run, 5 * PAGE);
    ck_assert_ptr_ne(moved, run);
    ck_assert_int_eq(moved[4999], 'y');
    ck_assert_ptr_null(backend->realloc(q, 0));
    ck_assert_ptr_eq(must_malloc(100), q); /* q was freed */
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_check_detects_corruption)
{
    start_run();
    char *a = must_malloc(64), *b = must_malloc(64);
    char *other = must_malloc(200);
    char *run = must_malloc(3 * PAGE);
    char *live_run = must_malloc(PAGE);
    char *second = must_malloc(3 * PAGE);
    must_malloc(PAGE);
    backend->free(a);
    backend->free(run);
    backend->free(second); /* the list of 4-page runs: second, run */
    ck_assert_int_eq(backend->check(), 0);
    /* The header of a's page, through the pointer: another class... */
    struct header *h = header_of(b), saved_header = *h;
    h->kind = 4;
    ck_assert_int_ne(check_quietly(), 0);
    /* ... or a seal that no longer matches. */
    *h = saved_header;
    h->seal ^= 1;
    ck_assert_int_ne(check_quietly(), 0);
    *h = saved_header;
    ck_assert_int_eq(backend->check(), 0);
    /* The same in a page with no free block, and in a live run's. */
    h = header_of(other);
    saved_header = *h;
    h->kind = 3;
    ck_assert_int_ne(check_quietly(), 0);
    *h = saved_header;
    h = header_of(live_run);
    saved_header = *h;
    h->seal ^= (uint64_t)1 << 40;
    ck_assert_int_ne(check_quietly(), 0);
    *h = saved_header;
    ck_assert_int_eq(backend->check(), 0);
    /* a's link, pointed into another class's page (a write after free) */
    char **link = (char **)(void *)a;
    char *saved = *link;
    *link = other;
    ck_assert_int_ne(check_quietly(), 0);
    *link = b + 8; /* inside its page, but not on a block boundary */
    ck_assert_int_ne(check_quietly(), 0);
    *link = saved;
    /* A free run's header marked in use: it is on a list but not free. */
    header_of(run)->kind = KIND_RUN;
    ck_assert_int_ne(check_quietly(), 0);
    header_of(run)->kind = KIND_FREE_RUN;
    ck_assert_int_eq(backend->check(), 0);
    /* A free run lost from its list (second's link cut). */
    char **run_link = (char **)(void *)second;
    saved = *run_link;
    *run_link = NULL;
    ck_assert_int_ne(check_quietly(), 0);
    *run_link = saved;
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_heap_grows_in_few_sbrk_calls)
{
    enum { BLOCKS = 65536 }; /* 4 MiB of 64-byte blocks: 1041 pages */
    start_run();
    for (int i = 0; i < BLOCKS; i++)
        must_malloc(64);
    for (int i = 0; i < 100; i++)
        must_malloc(10 * PAGE);
    struct mem_stats stats;
    mem_get_stats(&stats);
    /* At least 64 KiB or an eighth of the heap at a time. */
    ck_assert_uint_le(stats.sbrk_calls, 40);
    ck_assert_uint_eq(stats.mmap_calls + stats.brk_calls, 0);
    size_t used = (BLOCKS / 63 + 1 + 100 * 11) * (size_t)PAGE;
    ck_assert_uint_ge(stats.heap_bytes, used);
    ck_assert_uint_le(stats.heap_bytes, used + used / 8 + 64 * 1024);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

/* What walk() saw. */
struct walk_record {
    const char *last_end;
    size_t blocks, used, free, small_free, ordered_violations;
    const char *seen_free;   /* looked for among the free blocks */
    int found_free;
    const char *seen_run;    /* looked for among the used blocks */
    size_t run_size;
    size_t tail;             /* the last block's size when free */
};

static void record(const void *block, size_t size, int used, void *arg)
{
    struct walk_record *w = arg;
    const char *at = block;
    if (at < w->last_end)
        w->ordered_violations++;
    w->last_end = at + size;
    w->blocks++;
    if (used) {
        w->used++;
        if (at == w->seen_run)
            w->run_size = size;
    } else {
        w->free++;
        w->small_free += size < PAGE;
        w->found_free |= at == w->seen_free;
    }
    w->tail = used ? 0 : size;
}

START_TEST(test_walk_reports_every_block)
{
    start_run();
    char *a = must_malloc(64), *b = must_malloc(64), *c = must_malloc(64);
    char *run = must_malloc(3 * PAGE);
    backend->free(b);
    struct walk_record w = {.seen_free = b, .seen_run = run - HEADER};
    backend->walk(record, &w);
    ck_assert_uint_eq(w.ordered_violations, 0);
    /* The page of 64 (63 blocks: a and c used, the rest free), the run
     * (header included), the heap past the frontier. */
    ck_assert_uint_eq(w.used, 2 + 1);
    ck_assert_uint_eq(w.blocks, 63 + 1 + 1);
    ck_assert(w.found_free);
    ck_assert_uint_eq(w.run_size, 4 * PAGE);
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(w.tail, stats.heap_bytes - 5 * PAGE);
    (void)a;
    (void)c;
}
END_TEST

START_TEST(test_walk_covers_a_large_heap)
{
    enum { BLOCKS = 1500 }; /* 750 pages of 2032: three walk windows */
    static char *blocks[BLOCKS];
    start_run();
    for (int i = 0; i < BLOCKS; i++)
        blocks[i] = must_malloc(2000);
    size_t live = BLOCKS;
    for (int i = 0; i < BLOCKS; i += 3, live--)
        backend->free(blocks[i]);
    struct walk_record w = {.seen_free = blocks[BLOCKS - 3]};
    backend->walk(record, &w);
    ck_assert_uint_eq(w.ordered_violations, 0);
    ck_assert_uint_eq(w.used, live);
    ck_assert_uint_eq(w.small_free, BLOCKS - live); /* and maybe a tail */
    ck_assert(w.found_free);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(test_free_inside_a_run_aborts)
{
    start_run();
    char *run = must_malloc(3 * PAGE);
    must_malloc(16);
    FILE *null = freopen("/dev/null", "w", stderr); /* the expected message */
    (void)null;
    backend->free(run + PAGE); /* no header there: VERIFY stops here */
}
END_TEST

START_TEST(test_double_free_of_a_run_aborts)
{
    start_run();
    char *run = must_malloc(3 * PAGE);
    must_malloc(16);
    backend->free(run);
    FILE *null = freopen("/dev/null", "w", stderr);
    (void)null;
    backend->free(run); /* a free run: VERIFY stops here */
}
END_TEST

static size_t random_size(uint64_t *state)
{
    uint64_t r = splitmix64(state);
    switch (r % 10) {
    case 0: return 2033 + (r >> 8) % 30000;   /* large: a run */
    case 1: case 2: return 257 + (r >> 8) % 1776;
    default: return 1 + (r >> 8) % 256;
    }
}

START_TEST(test_random_operations_keep_heap_consistent)
{
    enum { SLOTS = 300, OPERATIONS = 20000 };
    static unsigned char *pointers[SLOTS];
    static size_t sizes[SLOTS];
    uint64_t state = 11;
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
            backend->free(pointers[slot]);
            pointers[slot] = NULL;
        } else {
            size_t size = random_size(&state);
            unsigned char *moved = backend->realloc(pointers[slot], size);
            ck_assert_ptr_nonnull(moved);
            size_t kept = size < sizes[slot] ? size : sizes[slot];
            for (size_t i = 0; i < kept; i += 97)
                ck_assert_uint_eq(moved[i], (unsigned char)slot);
            memset(moved, (int)slot, size);
            pointers[slot] = moved;
            sizes[slot] = size;
        }
        ck_assert_msg(backend->check() == 0, "op %u: check failed", op);
    }
    size_t live = 0;
    for (size_t slot = 0; slot < SLOTS; slot++)
        live += pointers[slot] != NULL;
    struct walk_record w = {0};
    backend->walk(record, &w);
    ck_assert_uint_eq(w.ordered_violations, 0);
    ck_assert_uint_eq(w.used, live);
}
END_TEST

static Suite *segdata_suite(void)
{
    Suite *suite = suite_create("segdata");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_classes_route_requests);
    tcase_add_test(tc, test_a_page_fills_with_its_class);
    tcase_add_test(tc, test_free_then_malloc_reuses_lifo);
    tcase_add_test(tc, test_pages_are_never_shared_across_classes);
    tcase_add_test(tc, test_large_runs);
    tcase_add_test(tc, test_last_run_goes_back_to_the_frontier);
    tcase_add_test(tc, test_realloc);
    tcase_add_test(tc, test_check_detects_corruption);
    tcase_add_test(tc, test_heap_grows_in_few_sbrk_calls);
    tcase_add_test(tc, test_walk_reports_every_block);
    tcase_add_test(tc, test_walk_covers_a_large_heap);
    tcase_add_test_raise_signal(tc, test_free_inside_a_run_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, test_double_free_of_a_run_aborts,
                                SIGABRT);
    tcase_add_test(tc, test_random_operations_keep_heap_consistent);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(segdata_suite)
