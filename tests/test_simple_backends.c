/*
 * test_simple_backends.c -- what makes each of the simple backends what it
 * is, counted in memlib's system calls and bytes: minimal (one brk per
 * malloc, no reuse), pad (one sbrk per 8 KiB), mmap (one mapping per block)
 * and libc (the footprint probe).  Every test starts from a fresh heap:
 * mem_reset(), then the backend's init().
 */
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "suites.h"

extern const struct allocator minimal_allocator;
extern const struct allocator pad_allocator;
extern const struct allocator mmap_allocator;
extern const struct allocator libc_allocator;

/* A fresh heap, then the backend's init, as the driver starts every run. */
static void start_run(const struct allocator *backend)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

static struct mem_stats stats_now(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats;
}

/* Byte offset of p from the start of the heap. */
static size_t heap_offset(const void *p)
{
    return (size_t)((const char *)p - (const char *)mem_heap_lo());
}

static int aligned(const void *p)
{
    return (uintptr_t)p % HEAPLAB_ALIGNMENT == 0;
}

/* --- minimal ------------------------------------------------------------ */

START_TEST(test_minimal_one_brk_per_malloc)
{
    start_run(&minimal_allocator);
    size_t expected_heap = 0;
    for (size_t i = 1; i <= 100; i++) {
        size_t size = i * 7; /* 7, 14, ...: most are not multiples of 16 */
        void *p = minimal_allocator.malloc(size);
        ck_assert_ptr_nonnull(p);
        ck_assert(aligned(p));
        ck_assert_uint_eq(heap_offset(p), expected_heap);
        expected_heap += (size + 15) / 16 * 16;
        struct mem_stats stats = stats_now();
        ck_assert_uint_eq(stats.brk_calls, i);
        ck_assert_uint_eq(mem_syscalls(&stats), i); /* no sbrk(0) */
        ck_assert_uint_eq(stats.heap_bytes, expected_heap);
    }
    /* malloc(0) is NULL, at no cost. */
    ck_assert_ptr_null(minimal_allocator.malloc(0));
    ck_assert_uint_eq(stats_now().brk_calls, 100);
}
END_TEST

START_TEST(test_minimal_never_reuses)
{
    start_run(&minimal_allocator);
    char *first = minimal_allocator.malloc(64);
    ck_assert_ptr_nonnull(first);
    minimal_allocator.free(first);
    minimal_allocator.free(NULL);
    char *second = minimal_allocator.malloc(64);
    ck_assert_ptr_eq(second, first + 64); /* fresh memory, not first */
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.heap_bytes, 128);
    ck_assert_uint_eq(stats.footprint, 128);
    ck_assert_uint_eq(mem_syscalls(&stats), 2); /* free made none */
}
END_TEST

START_TEST(test_minimal_out_of_memory)
{
    start_run(&minimal_allocator);
    mem_set_limit(4096);
    char *first = minimal_allocator.malloc(4000);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(minimal_allocator.malloc(200)); /* 4000 + 208 */
    char *last = minimal_allocator.malloc(96);         /* exactly 4096 */
    ck_assert_ptr_eq(last, first + 4000); /* the failure moved nothing */
    ck_assert_uint_eq(stats_now().heap_bytes, 4096);
}
END_TEST

/* --- pad ---------------------------------------------------------------- */

START_TEST(test_pad_one_sbrk_per_8k)
{
    start_run(&pad_allocator);
    struct mem_stats at_start = stats_now();
    ck_assert_uint_eq(mem_syscalls(&at_start), 0); /* init grows nothing */
    char *previous = NULL;
    for (unsigned long i = 1; i <= 1000; i++) {
        char *p = pad_allocator.malloc(16);
        ck_assert_ptr_nonnull(p);
        if (previous != NULL)
            ck_assert_ptr_eq(p, previous + 16); /* carved from the pad */
        previous = p;
        /* 512 blocks of 16 bytes fill each 8 KiB growth. */
        struct mem_stats stats = stats_now();
        ck_assert_uint_eq(stats.sbrk_calls, (i + 511) / 512);
        ck_assert_uint_eq(mem_syscalls(&stats), stats.sbrk_calls);
        ck_assert_uint_eq(stats.heap_bytes, (i + 511) / 512 * 8192);
    }
    ck_assert_int_eq(pad_allocator.check(), 0);
}
END_TEST

START_TEST(test_pad_large_request_grows_more)
{
    start_run(&pad_allocator);
    char *small = pad_allocator.malloc(100); /* 112: grows 8192 */
    ck_assert_uint_eq(stats_now().heap_bytes, 8192);
    /* 20000 lack 20000 - 8080 = 11920 > 8192: grow by exactly that. */
    char *large = pad_allocator.malloc(20000);
    ck_assert_ptr_eq(large, small + 112);
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.sbrk_calls, 2);
    ck_assert_uint_eq(stats.heap_bytes, 112 + 20000);
    ck_assert_int_eq(pad_allocator.check(), 0);
    /* The pad is now empty: the next malloc grows the minimum again. */
    char *next = pad_allocator.malloc(1);
    ck_assert_ptr_eq(next, large + 20000);
    ck_assert_uint_eq(stats_now().heap_bytes, 112 + 20000 + 8192);
    ck_assert_uint_eq(stats_now().sbrk_calls, 3);
}
END_TEST

START_TEST(test_pad_footprint_by_hand)
{
    start_run(&pad_allocator);
    static const struct {
        size_t size;      /* request */
        size_t offset;    /* where the block must start */
        size_t footprint; /* heap bytes after the malloc */
    } steps[] = {
        {1, 0, 8192},         /* 16: pad empty, grow 8192 */
        {17, 16, 8192},       /* 32 from the pad, 8144 left */
        {8000, 48, 8192},     /* 8000 from the pad, 144 left */
        {3000, 8048, 16384},  /* 3008 > 144: lacks 2864, grow 8192 */
        {9000, 11056, 24576}, /* 9008 > 5328: lacks 3680, grow 8192 */
        {20000, 20064, 40064},/* 20000 > 4512: lacks 15488, grow that */
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        void *p = pad_allocator.malloc(steps[i].size);
        ck_assert_ptr_nonnull(p);
        pad_allocator.free(p); /* changes nothing */
        ck_assert_uint_eq(heap_offset(p), steps[i].offset);
        ck_assert_uint_eq(stats_now().footprint, steps[i].footprint);
    }
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.sbrk_calls, 4);
    ck_assert_uint_eq(stats.peak_footprint, 40064);
    ck_assert_int_eq(pad_allocator.check(), 0);
}
END_TEST

START_TEST(test_pad_check_sees_moved_break)
{
    start_run(&pad_allocator);
    ck_assert_ptr_nonnull(pad_allocator.malloc(48));
    ck_assert_int_eq(pad_allocator.check(), 0);
    ck_assert_ptr_ne(mem_sbrk(16), (void *)-1); /* behind the pad's back */
    ck_assert_int_ne(pad_allocator.check(), 0);
}
END_TEST

/* --- mmap --------------------------------------------------------------- */

START_TEST(test_mmap_one_mapping_per_malloc)
{
    start_run(&mmap_allocator);
    size_t page = mem_pagesize();
    /* Payloads that need 1, 1, 2 and 3 pages with the 16-byte header. */
    const size_t sizes[] = {1, page - 16, page - 15, 2 * page + 1};
    const size_t pages[] = {1, 1, 2, 3};
    void *blocks[4];
    size_t mapped = 0;
    for (unsigned long i = 0; i < 4; i++) {
        blocks[i] = mmap_allocator.malloc(sizes[i]);
        ck_assert_ptr_nonnull(blocks[i]);
        ck_assert_uint_eq((uintptr_t)blocks[i] % page, 16);
        memset(blocks[i], 0xAB, sizes[i]); /* the whole payload is ours */
        mapped += pages[i] * page;
        struct mem_stats stats = stats_now();
        ck_assert_uint_eq(stats.mmap_calls, i + 1);
        ck_assert_uint_eq(stats.live_mappings, i + 1);
        ck_assert_uint_eq(stats.mapped_bytes, mapped);
        ck_assert_uint_eq(stats.heap_bytes, 0);
        ck_assert_int_eq(mmap_allocator.check(), 0);
    }
    for (unsigned long i = 0; i < 4; i++) {
        mmap_allocator.free(blocks[i]);
        mapped -= pages[i] * page;
        struct mem_stats stats = stats_now();
        ck_assert_uint_eq(stats.munmap_calls, i + 1);
        ck_assert_uint_eq(stats.live_mappings, 3 - i);
        ck_assert_uint_eq(stats.mapped_bytes, mapped);
        ck_assert_int_eq(mmap_allocator.check(), 0);
    }
    mmap_allocator.free(NULL);
    ck_assert_uint_eq(stats_now().munmap_calls, 4);
    ck_assert_uint_eq(stats_now().footprint, 0);
}
END_TEST

START_TEST(test_mmap_realloc_keeps_data)
{
    start_run(&mmap_allocator);
    size_t page = mem_pagesize();
    unsigned char *p = mmap_allocator.realloc(NULL, 100); /* is malloc */
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    unsigned char *q = mmap_allocator.realloc(p, 3 * page); /* moves */
    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_ne(q, p);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(q[i], (unsigned)i);
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(stats.mmap_calls, 2);
    ck_assert_uint_eq(stats.munmap_calls, 1);
    ck_assert_uint_eq(stats.mapped_bytes, 4 * page); /* 16 + 3 pages */
    ck_assert_ptr_null(mmap_allocator.realloc(q, 0)); /* frees q */
    stats = stats_now();
    ck_assert_uint_eq(stats.live_mappings, 0);
    ck_assert_uint_eq(stats.munmap_calls, 2);
    ck_assert_int_eq(mmap_allocator.check(), 0);
}
END_TEST

START_TEST(test_mmap_realloc_in_place)
{
    start_run(&mmap_allocator);
    size_t page = mem_pagesize();
    unsigned char *p = mmap_allocator.malloc(100);
    ck_assert_ptr_nonnull(p);
    memset(p, 0x5A, 100);
    /* Grows to the last byte of the page, then shrinks: both in place. */
    ck_assert_ptr_eq(mmap_allocator.realloc(p, page - 16), p);
    p[page - 17] = 0x77; /* faults if the block were not that large */
    ck_assert_ptr_eq(mmap_allocator.realloc(p, 10), p);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(p[i], 0x5A);
    struct mem_stats stats = stats_now();
    ck_assert_uint_eq(mem_syscalls(&stats), 1); /* the first mmap only */
    /* One byte more than the page holds: a new mapping of two pages. */
    unsigned char *q = mmap_allocator.realloc(p, page - 15);
    ck_assert_ptr_ne(q, p);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(q[i], 0x5A);
    stats = stats_now();
    ck_assert_uint_eq(stats.mmap_calls, 2);
    ck_assert_uint_eq(stats.munmap_calls, 1);
    ck_assert_uint_eq(stats.mapped_bytes, 2 * page);
}
END_TEST

START_TEST(test_mmap_check_sees_foreign_mapping)
{
    start_run(&mmap_allocator);
    ck_assert_ptr_nonnull(mmap_allocator.malloc(1000));
    ck_assert_int_eq(mmap_allocator.check(), 0);
    ck_assert_ptr_ne(mem_mmap(100), MEM_MAP_FAILED); /* not the backend's */
    ck_assert_int_ne(mmap_allocator.check(), 0);
}
END_TEST

/* --- libc --------------------------------------------------------------- */

enum {
    LIBC_LARGE = 64 << 20, /* far above glibc's largest mmap threshold */
    LIBC_SLACK = 1 << 20   /* glibc's own bookkeeping, generously */
};

START_TEST(test_libc_footprint_probe)
{
    start_run(&libc_allocator);
    size_t before = stats_now().footprint;
    char *large = libc_allocator.malloc(LIBC_LARGE);
    ck_assert_ptr_nonnull(large);
    ck_assert(aligned(large));
    large[0] = 1;
    large[LIBC_LARGE - 1] = 2;
    struct mem_stats during = stats_now();
    libc_allocator.free(large);
    struct mem_stats after = stats_now();
    ck_assert_uint_eq(mem_syscalls(&after), 0); /* memlib was not used */
    if (tests_sanitized())
        return; /* ASan's malloc: mallinfo2 does not see it */
    /* Nothing allocated since init: exactly the baseline. */
    ck_assert_uint_eq(before, 0);
    /* One mmap'ed chunk: the request, a header and page rounding. */
    ck_assert_uint_ge(during.footprint, LIBC_LARGE);
    ck_assert_uint_lt(during.footprint, LIBC_LARGE + LIBC_SLACK);
    /* free unmapped it: back near the baseline, the peak remembers. */
    ck_assert_uint_lt(after.footprint, LIBC_SLACK);
    ck_assert_uint_ge(after.peak_footprint, LIBC_LARGE);
}
END_TEST

START_TEST(test_libc_edge_cases)
{
    start_run(&libc_allocator);
    libc_allocator.free(NULL);
    char *p = libc_allocator.realloc(NULL, 40); /* is malloc */
    ck_assert_ptr_nonnull(p);
    memcpy(p, "heaplab", 8);
    p = libc_allocator.realloc(p, 4000);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "heaplab");
    ck_assert_ptr_null(libc_allocator.realloc(p, 0)); /* frees p */
    for (size_t size = 1; size <= 1024; size += 37) {
        void *q = libc_allocator.malloc(size);
        ck_assert_ptr_nonnull(q);
        ck_assert(aligned(q));
        libc_allocator.free(q);
    }
}
END_TEST

static Suite *simple_backends_suite(void)
{
    Suite *suite = suite_create("simple_backends");
    TCase *minimal = tcase_create("minimal");
    tcase_add_test(minimal, test_minimal_one_brk_per_malloc);
    tcase_add_test(minimal, test_minimal_never_reuses);
    tcase_add_test(minimal, test_minimal_out_of_memory);
    suite_add_tcase(suite, minimal);
    TCase *pad = tcase_create("pad");
    tcase_add_test(pad, test_pad_one_sbrk_per_8k);
    tcase_add_test(pad, test_pad_large_request_grows_more);
    tcase_add_test(pad, test_pad_footprint_by_hand);
    tcase_add_test(pad, test_pad_check_sees_moved_break);
    suite_add_tcase(suite, pad);
    TCase *mapped = tcase_create("mmap");
    tcase_add_test(mapped, test_mmap_one_mapping_per_malloc);
    tcase_add_test(mapped, test_mmap_realloc_keeps_data);
    tcase_add_test(mapped, test_mmap_realloc_in_place);
    tcase_add_test(mapped, test_mmap_check_sees_foreign_mapping);
    suite_add_tcase(suite, mapped);
    TCase *libc = tcase_create("libc");
    tcase_add_test(libc, test_libc_footprint_probe);
    tcase_add_test(libc, test_libc_edge_cases);
    suite_add_tcase(suite, libc);
    return suite;
}

TEST_SUITE(simple_backends_suite)
