/*
 * test_lab2_dlist.c -- lab 2's public tests: what your dlist.c must do
 * (labs/lab2-dlist/handout.md).  Run them with `make test`; one suite:
 *
 *     CK_RUN_SUITE=lab2-dlist build/tests/heaplab-tests
 *
 * They know the layout the handout prescribes: an 8-byte header and an
 * 8-byte footer, both size | 1 when allocated, size | 0 when free; the
 * payload right after the header; a free chunk's next and prev in its
 * first two payload words.  The last test runs every case of
 * checker_cases.c: the heaps your checker must accept or reject, graded
 * the same way by `make grade`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator dlist_allocator;
static const struct allocator *const dlist = &dlist_allocator;

enum { WORD = sizeof(size_t), USED = 1, CHUNKS = 10, SMALL = 40 };

static void fresh_heap(void)
{
    mem_reset();
    ck_assert_msg(dlist->init() == 0, "init() failed on a fresh heap");
}

/* malloc that must work, aligned, inside the heap. */
static unsigned char *must_malloc(size_t size)
{
    unsigned char *p = dlist->malloc(size);
    ck_assert_msg(p != NULL, "malloc(%zu) returned NULL on a heap that can "
                  "grow: is dlist_malloc written yet?", size);
    ck_assert_msg((uintptr_t)p % 16 == 0,
                  "malloc(%zu) returned %p, not 16-byte aligned", size,
                  (void *)p);
    ck_assert_msg(mem_contains(p, size),
                  "malloc(%zu) returned %p: its %zu bytes are not all inside "
                  "the heap [%p, %p]", size, (void *)p, size, mem_heap_lo(),
                  mem_heap_hi());
    return p;
}

static size_t header_of(const unsigned char *payload)
{
    return *(const size_t *)(const void *)(payload - WORD);
}

static size_t tag_at(const unsigned char *chunk)
{
    return *(const size_t *)(const void *)chunk;
}

static size_t size_of_tag(size_t tag)
{
    return tag & ~(size_t)15;
}

static size_t footer_at(const unsigned char *chunk)
{
    return tag_at(chunk + size_of_tag(tag_at(chunk)) - WORD);
}

static int by_address(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t) * (unsigned char *const *)x;
    uintptr_t b = (uintptr_t) * (unsigned char *const *)y;
    return (a > b) - (a < b);
}

static unsigned long syscalls_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return mem_syscalls(&stats);
}

START_TEST(malloc_gives_aligned_blocks_in_the_heap)
{
    fresh_heap();
    static const size_t sizes[] = {1, 8, 16, 24, 40, 100, 1000, 5000, 70000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        memset(must_malloc(sizes[i]), 0xa5, sizes[i]);
}
END_TEST

START_TEST(blocks_follow_the_layout)
{
    fresh_heap();
    static const size_t sizes[] = {1, 24, 40, 100, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = must_malloc(sizes[i]);
        size_t header = header_of(p), size = size_of_tag(header);
        ck_assert_msg(header & USED,
                      "malloc(%zu): the header %#zx before the payload does "
                      "not have the allocated bit (1) set", sizes[i], header);
        ck_assert_msg(size % 16 == 0 && size >= 32 &&
                          size >= sizes[i] + 2 * WORD,
                      "malloc(%zu): the chunk size %zu is not a multiple of "
                      "16 of at least 32 holding header, payload and footer",
                      sizes[i], size);
        ck_assert_msg(footer_at(p - WORD) == header,
                      "malloc(%zu): the footer %#zx (the chunk's last word) "
                      "differs from the header %#zx", sizes[i],
                      footer_at(p - WORD), header);
    }
}
END_TEST

START_TEST(blocks_keep_their_data)
{
    fresh_heap();
    enum { COUNT = 200 };
    unsigned char *block[COUNT];
    size_t size[COUNT];
    for (int i = 0; i < COUNT; i++) {
        size[i] = 1 + (size_t)(i * 37 % 300);
        block[i] = must_malloc(size[i]);
        memset(block[i], i, size[i]);
    }
    for (int i = 0; i < COUNT; i += 2)
        dlist->free(block[i]);
    for (int i = 0; i < COUNT; i += 2) {
        block[i] = must_malloc(size[i]);
        memset(block[i], i, size[i]);
    }
    for (int i = 0; i < COUNT; i++)
        for (size_t b = 0; b < size[i]; b++)
            ck_assert_msg(block[i][b] == (unsigned char)i,
                          "block %d (%zu bytes at %p) lost byte %zu: two "
                          "blocks overlap, or malloc/free wrote into a live "
                          "payload", i, size[i], (void *)block[i], b);
}
END_TEST

/* Ten chunks of 64 bytes side by side, in address order. */
static void ten_chunks(unsigned char *chunk[CHUNKS])
{
    for (int i = 0; i < CHUNKS; i++)
        chunk[i] = must_malloc(SMALL) - WORD;
    qsort(chunk, CHUNKS, sizeof chunk[0], by_address);
    for (int i = 1; i < CHUNKS; i++)
        ck_assert_msg(chunk[i - 1] + size_of_tag(tag_at(chunk[i - 1])) ==
                          chunk[i],
                      "ten mallocs of %d bytes on a fresh heap should lie "
                      "side by side; nothing ends where chunk %p starts",
                      SMALL, (void *)chunk[i]);
}

static void expect_free_chunk(const unsigned char *chunk, size_t size,
                              const char *after)
{
    ck_assert_msg(tag_at(chunk) == size,
                  "after %s, the chunk at %p should be one free chunk of %zu "
                  "bytes (header %#zx), not header %#zx", after,
                  (const void *)chunk, size, size, tag_at(chunk));
    ck_assert_msg(footer_at(chunk) == size,
                  "after %s, the free chunk at %p has footer %#zx, not %#zx",
                  after, (const void *)chunk, footer_at(chunk), size);
}

START_TEST(free_coalesces_in_all_four_cases)
{
    fresh_heap();
    unsigned char *c[CHUNKS];
    ten_chunks(c);
    size_t one = size_of_tag(tag_at(c[0]));
    dlist->free(c[2] + WORD); /* case 1: both neighbours allocated */
    expect_free_chunk(c[2], one, "freeing c2 between allocated c1 and c3");
    dlist->free(c[3] + WORD); /* case 3: the chunk below is free */
    expect_free_chunk(c[2], 2 * one, "freeing c3 above free c2");
    dlist->free(c[6] + WORD); /* case 1 */
    dlist->free(c[5] + WORD); /* case 2: the chunk above is free */
    expect_free_chunk(c[5], 2 * one, "freeing c5 below free c6");
    dlist->free(c[4] + WORD); /* case 4: both neighbours free */
    expect_free_chunk(c[2], 5 * one, "freeing c4 between free c3 and c5");
}
END_TEST

START_TEST(a_freed_chunk_is_reused)
{
    fresh_heap();
    unsigned char *keep = must_malloc(100);
    unsigned char *p = must_malloc(200);
    must_malloc(100);
    dlist->free(p);
    unsigned long before = syscalls_now();
    unsigned char *q = must_malloc(200);
    ck_assert_msg(syscalls_now() == before,
                  "malloc(200) grew the heap although a free chunk of that "
                  "size was on the free list");
    ck_assert_msg(q == p, "malloc(200) returned %p, not the free chunk %p "
                  "that fits exactly", (void *)q, (void *)p);
    (void)keep;
}
END_TEST

START_TEST(edge_cases)
{
    fresh_heap();
    dlist->free(NULL);
    void *zero = dlist->malloc(0);
    ck_assert_msg(zero == NULL || (uintptr_t)zero % 16 == 0,
                  "malloc(0) must return NULL or an aligned pointer");
    dlist->free(zero);
    mem_set_limit(1 << 20);
    ck_assert_msg(dlist->malloc((size_t)1 << 40) == NULL,
                  "malloc(1 TiB) must return NULL when memlib refuses");
    ck_assert_msg(dlist->malloc(SIZE_MAX) == NULL,
                  "malloc(SIZE_MAX) must return NULL, not overflow");
    must_malloc(100);
}
END_TEST

START_TEST(checker_case)
{
    const struct checker_case *c = &heaplab_checker_cases[_i];
    char message[CHECKER_MESSAGE_MAX];
    enum checker_verdict verdict =
        checker_run_case(c, dlist, 10, (size_t)256 << 20, message);
    ck_assert_msg(verdict == CHECKER_PASSED, "checker case %s", message);
}
END_TEST

static int checker_cases(void)
{
    int n = 0;
    while (heaplab_checker_cases[n].name != NULL)
        n++;
    return n;
}

static Suite *lab2_dlist_suite(void)
{
    Suite *s = suite_create("lab2-dlist");
    TCase *blocks = tcase_create("dlist");
    tcase_add_test(blocks, malloc_gives_aligned_blocks_in_the_heap);
    tcase_add_test(blocks, blocks_follow_the_layout);
    tcase_add_test(blocks, blocks_keep_their_data);
    tcase_add_test(blocks, free_coalesces_in_all_four_cases);
    tcase_add_test(blocks, a_freed_chunk_is_reused);
    tcase_add_test(blocks, edge_cases);
    suite_add_tcase(s, blocks);
    TCase *checker = tcase_create("checker");
    tcase_set_timeout(checker, 30);
    tcase_add_loop_test(checker, checker_case, 0, checker_cases());
    suite_add_tcase(s, checker);
    return s;
}

TEST_SUITE(lab2_dlist_suite)
