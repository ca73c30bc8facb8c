/*
 * test_pool.c -- the pool backend: requests routed to size classes, no
 * header on a block, O(1) malloc and free on a free list threaded through
 * the free blocks (malloc reads the list's head and nothing else), large
 * requests mapped, and the debug run's poisoning, write-after-free stop
 * and leak report.
 *
 * These tests know pool's layout (allocators/pool.c): 4 KiB slabs from the
 * start of the heap, a 64-byte slab header, the block classes 16, 32, 64,
 * 128, 192, 256, 320, ..., 1984, 4032, blocks of a new slab handed out in
 * address order, larger requests in a mapping 32 bytes in; HEAPLAB_DEBUG=1
 * in the environment at init turns the debug run on.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator pool_allocator;
static const struct allocator *const backend = &pool_allocator;

enum { SLAB = 4096, SLAB_HEADER = 64, LARGEST = 4032, FREED = 0xDF };

static void start(int debug)
{
    if (debug)
        setenv("HEAPLAB_DEBUG", "1", 1);
    else
        unsetenv("HEAPLAB_DEBUG");
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static size_t slab_index(const void *p)
{
    return (size_t)((const char *)p - (const char *)mem_heap_lo()) / SLAB;
}

/* Runs init() with stderr captured in out. */
static void init_captured(char *out, size_t capacity)
{
    FILE *capture = tmpfile();
    ck_assert_ptr_nonnull(capture);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(capture), STDERR_FILENO);
    mem_reset();
    int result = backend->init();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(capture);
    out[fread(out, 1, capacity - 1, capture)] = '\0';
    fclose(capture);
    ck_assert_int_eq(result, 0);
}

START_TEST(requests_are_routed_to_their_class)
{
    start(0);
    static const struct {
        size_t request, block;
    } routes[] = {{1, 16},     {16, 16},     {17, 32},    {33, 64},
                  {64, 64},    {65, 128},    {200, 256},  {257, 320},
                  {1000, 1344}, {1345, 1984}, {4000, 4032}, {4032, 4032}};
    size_t slabs = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        char *p = backend->malloc(routes[i].request);
        char *q = backend->malloc(routes[i].request);
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_nonnull(q);
        if (routes[i].block == LARGEST) { /* one block per slab */
            ck_assert_uint_eq((uintptr_t)p % SLAB, SLAB_HEADER);
            ck_assert_uint_eq((uintptr_t)q % SLAB, SLAB_HEADER);
            continue;
        }
        /* Consecutive blocks of a class, no header between them. */
        ck_assert_msg((size_t)(q - p) == routes[i].block,
                      "malloc(%zu): blocks %td apart, not %zu",
                      routes[i].request, q - p, routes[i].block);
        if ((uintptr_t)p % SLAB == SLAB_HEADER) /* a new class: a new slab */
            ck_assert_uint_eq(slab_index(p), slabs++);
    }
    /* Above the largest class: a mapping of its own, 32 bytes in. */
    char *large = backend->malloc(LARGEST + 1);
    size_t offset = 0, extent = 0;
    ck_assert_int_eq(mem_locate(large, &offset, &extent), MEM_IN_MAPPING);
    ck_assert_uint_eq(offset, 32);
    ck_assert_uint_ge(extent, LARGEST + 1 + 32);
    ck_assert_int_eq(backend->check(), 0);
    backend->free(large);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(malloc_and_free_are_constant_time)
{
    start(0);
    enum { N = 1000 };
    static char *block[N];
    for (int i = 0; i < N; i++)
        block[i] = backend->malloc(48);
    /* Freed in a scrambled order, each block's first word links it to the
     * block freed before it: the list is threaded through the blocks. */
    static int order[N];
    for (int i = 0; i < N; i++)
        order[i] = (i * 379) % N; /* 379 is prime to N */
    for (int i = 0; i < N; i++) {
        memset(block[order[i]], 0x5A, 64);
        backend->free(block[order[i]]);
        void *link = *(void **)block[order[i]];
        ck_assert_ptr_eq(link, i == 0 ? NULL : block[order[i - 1]]);
        /* free wrote the link and nothing else: no header, no footer */
        for (int k = (int)sizeof link; k < 64; k++)
            ck_assert_int_eq(block[order[i]][k], 0x5A);
    }
    ck_assert_int_eq(backend->check(), 0);

    /* malloc reads the list's head and nothing more: with every other
     * listed block's link ruined, it still pops the head, in O(1). */
    void *saved[N];
    for (int i = 0; i < N - 1; i++) {
        saved[i] = *(void **)block[order[i]];
        *(void **)block[order[i]] = (void *)0x1; /* would crash a walk */
    }
    char *p = backend->malloc(48);
    ck_assert_ptr_eq(p, block[order[N - 1]]); /* the last freed */
    for (int i = 0; i < N - 1; i++)
        *(void **)block[order[i]] = saved[i];
    ck_assert_int_eq(backend->check(), 0);

    /* LIFO to the end: zero steps each time. */
    for (int i = N - 2; i >= 0; i--)
        ck_assert_ptr_eq(backend->malloc(48), block[order[i]]);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(classes_do_not_share_memory)
{
    start(0);
    enum { N = 256 }; /* one full slab of 16-byte blocks */
    static char *block[N];
    for (int i = 0; i < N; i++)
        block[i] = backend->malloc(16);
    for (int i = 0; i < N; i++)
        backend->free(block[i]);
    struct mem_stats before, after;
    mem_get_stats(&before);
    char *p = backend->malloc(32); /* 4 KiB free, but not of its class */
    mem_get_stats(&after);
    ck_assert_uint_eq(after.heap_bytes, before.heap_bytes + SLAB);
    ck_assert_uint_ne(slab_index(p), slab_index(block[0]));
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(realloc_stays_while_the_block_fits)
{
    start(0);
    unsigned char *p = backend->malloc(20); /* a 32-byte block */
    for (int i = 0; i < 20; i++)
        p[i] = (unsigned char)i;
    ck_assert_ptr_eq(backend->realloc(p, 32), p);
    ck_assert_ptr_eq(backend->realloc(p, 1), p);
    unsigned char *q = backend->realloc(p, 33);
    ck_assert_ptr_ne(q, p);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(q[i], i);
    unsigned char *large = backend->realloc(q, 5000);
    ck_assert_int_eq(large[19], 19);
    ck_assert_ptr_eq(backend->realloc(large, 8000), large); /* its pages */
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(debug_runs_poison_freed_blocks)
{
    start(1);
    unsigned char *p = backend->malloc(64), *q = backend->malloc(64);
    memset(p, 0x11, 64);
    backend->free(p);
    ck_assert_ptr_null(*(void **)p);
    for (int i = (int)sizeof(void *); i < 64; i++)
        ck_assert_int_eq(p[i], FREED);
    backend->free(q);
    ck_assert_ptr_eq(*(void **)q, p);
    ck_assert_ptr_eq(backend->malloc(60), q); /* the fill was kept: fine */
    ck_assert_int_eq(backend->check(), 0);

    /* Not a debug run: nothing but the link is written. */
    start(0);
    p = backend->malloc(64);
    memset(p, 0x11, 64);
    backend->free(p);
    ck_assert_int_eq(p[8], 0x11);
    ck_assert_int_eq(p[63], 0x11);
}
END_TEST

START_TEST(debug_runs_stop_a_write_after_free)
{
    start(1);
    unsigned char *p = backend->malloc(100);
    backend->free(p);
    p[50] = 1;              /* a write after free */
    backend->malloc(100);   /* reuses p, finds the fill broken: abort */
}
END_TEST

START_TEST(debug_runs_report_leaks_at_init)
{
    start(1);
    void *kept[4];
    kept[0] = backend->malloc(10);
    kept[1] = backend->malloc(16);
    kept[2] = backend->malloc(100);
    kept[3] = backend->malloc(50000);
    backend->free(backend->malloc(300)); /* returned: no leak */
    char said[512];
    init_captured(said, sizeof said);
    ck_assert_str_eq(said, "pool: 4 blocks never freed since the last init: "
                           "2 of 16 bytes, 1 of 128 bytes, 1 large\n");
    init_captured(said, sizeof said); /* nothing since */
    ck_assert_str_eq(said, "");

    /* Not a debug run: no report. */
    start(0);
    kept[0] = backend->malloc(10);
    init_captured(said, sizeof said);
    ck_assert_str_eq(said, "");
    (void)kept;
}
END_TEST

START_TEST(check_detects_corruption)
{
    start(0);
    char *a = backend->malloc(16), *b = backend->malloc(16);
    char *c = backend->malloc(64);
    backend->free(a);
    backend->free(b);
    ck_assert_int_eq(backend->check(), 0);
    void *saved = *(void **)b;
    *(void **)b = c; /* b's link into another class's slab */
    ck_assert_int_ne(backend->check(), 0);
    *(void **)b = b; /* a cycle */
    ck_assert_int_ne(backend->check(), 0);
    *(void **)b = saved;
    ck_assert_int_eq(backend->check(), 0);
    uint16_t *live = (uint16_t *)(void *)((uintptr_t)c / SLAB * SLAB + 6);
    (*live)++; /* the slab's live count, against its bits */
    ck_assert_int_ne(backend->check(), 0);
    (*live)--;
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(double_free_aborts)
{
    start(0);
    void *p = backend->malloc(100);
    backend->free(p);
    backend->free(p);
}
END_TEST

static Suite *pool_suite(void)
{
    Suite *suite = suite_create("pool");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, requests_are_routed_to_their_class);
    tcase_add_test(tc, malloc_and_free_are_constant_time);
    tcase_add_test(tc, classes_do_not_share_memory);
    tcase_add_test(tc, realloc_stays_while_the_block_fits);
    tcase_add_test(tc, debug_runs_poison_freed_blocks);
    tcase_add_test_raise_signal(tc, debug_runs_stop_a_write_after_free,
                                SIGABRT);
    tcase_add_test(tc, debug_runs_report_leaks_at_init);
    tcase_add_test(tc, check_detects_corruption);
    tcase_add_test_raise_signal(tc, double_free_aborts, SIGABRT);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(pool_suite)
