/*
 * test_memlib.c -- the simulated OS: break semantics, faults past the
 * break, mappings, exact counters and footprint.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "heaplab/memlib.h"
#include "suites.h"

static char *heap_start(void)
{
    return mem_heap_lo();
}

START_TEST(sbrk_grows_and_returns_old_break)
{
    mem_reset();
    char *lo = heap_start();
    ck_assert_ptr_eq(mem_heap_hi(), lo - 1);
    ck_assert_ptr_eq(mem_sbrk(100), lo);
    ck_assert_ptr_eq(mem_sbrk(28), lo + 100);
    ck_assert_ptr_eq(mem_heap_hi(), lo + 127);
    memset(lo, 0xAB, 128);
    ck_assert_ptr_eq(mem_sbrk(0), lo + 128);

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.sbrk_calls, 3);
    ck_assert_uint_eq(stats.brk_calls, 0);
    ck_assert_uint_eq(stats.heap_bytes, 128);
    ck_assert_uint_eq(stats.footprint, 128);
    ck_assert_uint_eq(stats.peak_footprint, 128);
    ck_assert_uint_eq(mem_syscalls(&stats), 3);
}
END_TEST

START_TEST(heap_start_is_page_aligned)
{
    mem_reset();
    ck_assert_uint_eq((uintptr_t)heap_start() % mem_pagesize(), 0);
    ck_assert_uint_ge(mem_pagesize(), 4096);
}
END_TEST

START_TEST(write_past_break_faults)
{
    mem_reset();
    char *lo = mem_sbrk((intptr_t)mem_pagesize());
    lo[mem_pagesize() - 1] = 1; /* the last byte below the break: fine */
    lo[mem_pagesize()] = 1;     /* the first page past it: SIGSEGV */
}
END_TEST

START_TEST(brk_shrink_returns_pages)
{
    mem_reset();
    size_t page = mem_pagesize();
    char *lo = heap_start();
    ck_assert_int_eq(mem_brk(lo + 3 * page), 0);
    memset(lo, 0x5A, 3 * page);
    ck_assert_int_eq(mem_brk(lo + page), 0);
    ck_assert_ptr_eq(mem_heap_hi(), lo + page - 1);

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.brk_calls, 2);
    ck_assert_uint_eq(stats.footprint, page);
    ck_assert_uint_eq(stats.peak_footprint, 3 * page);

    /* Growing again gives fresh zeroed pages, not the old contents. */
    ck_assert_int_eq(mem_brk(lo + 2 * page), 0);
    ck_assert_int_eq(lo[page], 0);
    ck_assert_int_eq((unsigned char)lo[0], 0x5A);
}
END_TEST

START_TEST(write_after_shrink_faults)
{
    mem_reset();
    size_t page = mem_pagesize();
    char *lo = heap_start();
    ck_assert_int_eq(mem_brk(lo + 2 * page), 0);
    ck_assert_ptr_eq(mem_sbrk(-(intptr_t)page), lo + 2 * page);
    lo[page] = 1;
}
END_TEST

START_TEST(sbrk_below_start_fails)
{
    mem_reset();
    mem_sbrk(64);
    errno = 0;
    ck_assert_ptr_eq(mem_sbrk(-65), (void *)-1);
    ck_assert_int_eq(errno, ENOMEM);
    errno = 0;
    ck_assert_int_eq(mem_brk(heap_start() - 16), -1);
    ck_assert_int_eq(errno, ENOMEM);
    ck_assert_ptr_eq(mem_heap_hi(), heap_start() + 63);
}
END_TEST

START_TEST(limit_refuses_growth)
{
    mem_reset();
    mem_set_limit(8192);
    ck_assert_ptr_ne(mem_sbrk(8000), (void *)-1);
    errno = 0;
    ck_assert_ptr_eq(mem_sbrk(193), (void *)-1);
    ck_assert_int_eq(errno, ENOMEM);
    ck_assert_ptr_ne(mem_sbrk(192), (void *)-1);
    errno = 0;
    ck_assert_ptr_eq(mem_mmap(1), MEM_MAP_FAILED);
    ck_assert_int_eq(errno, ENOMEM);
    /* A huge request fails cleanly too, without a limit. */
    mem_set_limit(0);
    ck_assert_ptr_eq(mem_sbrk(INTPTR_MAX), (void *)-1);
    ck_assert_ptr_eq(mem_sbrk(INTPTR_MIN), (void *)-1);

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.failed_calls, 4);
    ck_assert_uint_eq(stats.sbrk_calls, 5);
    ck_assert_uint_eq(stats.footprint, 8192);
}
END_TEST

START_TEST(mmap_maps_tracks_and_unmaps)
{
    mem_reset();
    size_t page = mem_pagesize();
    char *p = mem_mmap(100);
    ck_assert_ptr_ne(p, MEM_MAP_FAILED);
    ck_assert_uint_eq((uintptr_t)p % page, 0);
    for (size_t i = 0; i < page; i++)
        ck_assert_int_eq(p[i], 0);
    char *q = mem_mmap(page + 1);
    ck_assert_ptr_ne(q, MEM_MAP_FAILED);

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.mmap_calls, 2);
    ck_assert_uint_eq(stats.live_mappings, 2);
    ck_assert_uint_eq(stats.mapped_bytes, 3 * page);
    ck_assert_uint_eq(stats.footprint, 3 * page);

    size_t offset = 0, extent = 0;
    ck_assert_int_eq(mem_locate(q + page + 5, &offset, &extent),
                     MEM_IN_MAPPING);
    ck_assert_uint_eq(offset, page + 5);
    ck_assert_uint_eq(extent, 2 * page);
    ck_assert(mem_contains(p + 16, page - 16));
    ck_assert(!mem_contains(p + 16, page - 15));

    errno = 0;
    ck_assert_int_eq(mem_munmap(p + page / 2, 1), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(mem_munmap(q, 2 * page + 1), -1);
    ck_assert_int_eq(mem_munmap(p, 100), 0);
    ck_assert_int_eq(mem_munmap(p, 100), -1);

    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.munmap_calls, 4);
    ck_assert_uint_eq(stats.live_mappings, 1);
    ck_assert_uint_eq(stats.mapped_bytes, 2 * page);
    ck_assert_uint_eq(stats.peak_footprint, 3 * page);
    ck_assert_int_eq(mem_locate(p, NULL, NULL), MEM_OUTSIDE);
}
END_TEST

START_TEST(locate_classifies)
{
    mem_reset();
    char *lo = mem_sbrk(64);
    size_t offset = 0;
    ck_assert_int_eq(mem_locate(lo + 10, &offset, NULL), MEM_IN_HEAP);
    ck_assert_uint_eq(offset, 10);
    ck_assert_int_eq(mem_locate(lo + 70, &offset, NULL), MEM_PAST_BREAK);
    ck_assert_uint_eq(offset, 6);
    int local;
    ck_assert_int_eq(mem_locate(&local, NULL, NULL), MEM_OUTSIDE);
    ck_assert(mem_contains(lo, 64));
    ck_assert(!mem_contains(lo, 65));
    ck_assert(!mem_contains(&local, 1));
}
END_TEST

START_TEST(reset_gives_a_fresh_heap)
{
    mem_reset();
    char *lo = mem_sbrk(4096);
    memset(lo, 7, 4096);
    char *m = mem_mmap(4096);
    ck_assert_ptr_ne(m, MEM_MAP_FAILED);
    mem_set_limit(1);
    mem_reset();

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(mem_syscalls(&stats), 0);
    ck_assert_uint_eq(stats.footprint, 0);
    ck_assert_uint_eq(stats.peak_footprint, 0);
    ck_assert_uint_eq(stats.live_mappings, 0);
    ck_assert_ptr_eq(mem_heap_lo(), lo);
    ck_assert_ptr_eq(mem_heap_hi(), lo - 1);
    ck_assert_int_eq(mem_locate(m, NULL, NULL), MEM_OUTSIDE);
    /* the limit is gone and the pages come back zeroed */
    ck_assert_ptr_eq(mem_sbrk(4096), lo);
    ck_assert_int_eq(lo[100], 0);
}
END_TEST

START_TEST(rewind_keeps_pages_but_zeroes_them)
{
    mem_reset();
    size_t page = mem_pagesize();
    char *lo = mem_sbrk((intptr_t)(4 * page));
    memset(lo, 0x77, 4 * page);
    mem_rewind();

    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(mem_syscalls(&stats), 0);
    ck_assert_uint_eq(stats.peak_footprint, 0);
    ck_assert_ptr_eq(mem_heap_hi(), lo - 1);
    /* Regrown memory reads as zero, like fresh pages. */
    ck_assert_ptr_eq(mem_sbrk((intptr_t)(2 * page + 10)), lo);
    for (size_t i = 0; i < 3 * page; i++)
        ck_assert_int_eq(lo[i], 0);
    /* Shrink and regrow inside the kept range: still zeroed. */
    memset(lo, 0x66, 2 * page);
    ck_assert_int_eq(mem_brk(lo), 0);
    ck_assert_int_eq(mem_brk(lo + 4 * page), 0);
    for (size_t i = 0; i < 4 * page; i++)
        ck_assert_int_eq(lo[i], 0);
}
END_TEST

/* A timed pass's heap: the kept pages stay accessible (no mprotect when
 * the break grows over them again), and a reset guards them again. */
START_TEST(rewind_leaves_pages_open)
{
    mem_reset();
    size_t page = mem_pagesize();
    char *lo = mem_sbrk((intptr_t)(4 * page));
    mem_rewind();
    lo[0] = 1;          /* past the break, but kept: no fault */
    lo[4 * page - 1] = 1;
    ck_assert_ptr_eq(mem_sbrk((intptr_t)page), lo);
    ck_assert_int_eq(lo[0], 0); /* zeroed as the break grew over it */
    mem_reset();
    ck_assert_ptr_eq(mem_sbrk((intptr_t)page), lo);
    lo[page] = 1;       /* past the break after a reset: SIGSEGV */
}
END_TEST

START_TEST(reset_unmaps_mappings)
{
    mem_reset();
    char *m = mem_mmap(4096);
    mem_reset();
    m[0] = 1; /* unmapped by the reset: SIGSEGV */
}
END_TEST

static size_t fixed_probe(void)
{
    return 12345;
}

START_TEST(probe_replaces_footprint)
{
    mem_reset();
    mem_set_footprint_probe(fixed_probe);
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.footprint, 12345);
    ck_assert_uint_eq(stats.peak_footprint, 12345);
    mem_reset();
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.footprint, 0);
}
END_TEST

static Suite *memlib_suite(void)
{
    Suite *suite = suite_create("memlib");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sbrk_grows_and_returns_old_break);
    tcase_add_test(tc, heap_start_is_page_aligned);
    tcase_add_test_raise_signal(tc, write_past_break_faults, SIGSEGV);
    tcase_add_test(tc, brk_shrink_returns_pages);
    tcase_add_test_raise_signal(tc, write_after_shrink_faults, SIGSEGV);
    tcase_add_test(tc, sbrk_below_start_fails);
    tcase_add_test(tc, limit_refuses_growth);
    tcase_add_test(tc, mmap_maps_tracks_and_unmaps);
    tcase_add_test(tc, locate_classifies);
    tcase_add_test(tc, reset_gives_a_fresh_heap);
    tcase_add_test_raise_signal(tc, reset_unmaps_mappings, SIGSEGV);
    tcase_add_test(tc, rewind_keeps_pages_but_zeroes_them);
    tcase_add_test_raise_signal(tc, rewind_leaves_pages_open, SIGSEGV);
    tcase_add_test(tc, probe_replaces_footprint);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(memlib_suite)
