/*
 * test_simple.c -- the static-storage backend: first fit over range
 * records, NULL exactly where the storage ends, no merging of free
 * neighbours, the high-water mark as the footprint, payloads that memlib
 * places in the static region, and a checker that notices corruption.
 *
 * The storage's size is set at build time; these tests build their own
 * copy of allocators/simple.c with 4 KiB of it, as an embedded build would
 * configure it, under another name so that it sits beside the registry's
 * 16 MiB `simple`.  Being the same file, they can read its state: the
 * array `storage` and the high-water mark `simple.top`.  A range is a
 * 16-byte record [size, allocated] and its payload, round_up(n + 16, 16)
 * bytes, at least 32.
 */
#define SIMPLE_STORAGE_BYTES 4096
#define simple_allocator simple_4k_allocator
#include "../allocators/simple.c"
#undef simple_allocator

#include <unistd.h>

#include "suites.h"

static const struct allocator *const backend = &simple_4k_allocator;

enum { STORAGE = 4096 };

static void start(void)
{
    mem_reset();
    ck_assert_int_eq(backend->init(), 0);
}

/* The range size for a request of n bytes. */
static size_t range_for(size_t n)
{
    size_t size = (n + RECORD + 15) / 16 * 16;
    return size < MIN_RANGE ? MIN_RANGE : size;
}

static size_t footprint(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats.footprint;
}

/* The ranges as walk() shows them. */
struct ranges {
    const void *start[300];
    size_t size[300];
    int used[300];
    size_t count;
};

static void record_range(const void *block, size_t size, int used, void *arg)
{
    struct ranges *r = arg;
    ck_assert_uint_lt(r->count, 300);
    r->start[r->count] = block;
    r->size[r->count] = size;
    r->used[r->count++] = used;
}

static struct ranges ranges_now(void)
{
    struct ranges r = {.count = 0};
    backend->walk(record_range, &r);
    return r;
}

START_TEST(out_of_space_is_null_exactly_at_the_end)
{
    start();
    /* One range can be the whole storage, not a byte more. */
    ck_assert_ptr_null(backend->malloc(STORAGE - RECORD + 1));
    char *all = backend->malloc(STORAGE - RECORD);
    ck_assert_ptr_eq(all, (char *)storage + RECORD);
    ck_assert_ptr_null(backend->malloc(1));
    backend->free(all);
    ck_assert_ptr_eq(backend->malloc(STORAGE - RECORD), all); /* reused */

    /* Ranges cut one after another end exactly at the storage's end. */
    start();
    char *p[4];
    for (int i = 0; i < 3; i++) {
        p[i] = backend->malloc(1008); /* 1024-byte ranges */
        ck_assert_ptr_eq(p[i], (char *)storage + i * 1024 + RECORD);
    }
    ck_assert_ptr_null(backend->malloc(1009)); /* 1040 > the 1024 left */
    p[3] = backend->malloc(1008);
    ck_assert_ptr_nonnull(p[3]);
    ck_assert_ptr_eq(simple.top, storage + STORAGE);
    ck_assert_ptr_null(backend->malloc(1));
    ck_assert_uint_eq(footprint(), STORAGE);
    ck_assert_int_eq(backend->check(), 0);

    /* First fit: a freed range serves the next request that fits. */
    backend->free(p[1]);
    ck_assert_ptr_null(backend->malloc(1009));
    ck_assert_ptr_eq(backend->malloc(1000), p[1]);
    ck_assert_ptr_null(backend->malloc(1));
}
END_TEST

START_TEST(free_neighbours_are_never_merged)
{
    start();
    char *a = backend->malloc(48), *b = backend->malloc(48);
    char *c = backend->malloc(48);
    ck_assert_ptr_eq(b, a + 64);
    ck_assert_ptr_eq(c, b + 64);
    backend->free(a);
    backend->free(b);
    ck_assert_int_eq(backend->check(), 0);
    struct ranges r = ranges_now();
    ck_assert_uint_eq(r.count, 3); /* two free ranges side by side */
    ck_assert_uint_eq(r.size[0], 64);
    ck_assert_uint_eq(r.size[1], 64);
    ck_assert_int_eq(r.used[0] + r.used[1], 0);

    /* 128 bytes are free at a, but as two ranges of 64: the request goes
     * to the top. */
    char *d = backend->malloc(100);
    ck_assert_ptr_eq(d, c + 64);
    ck_assert_ptr_eq(backend->malloc(48), a);
    ck_assert_ptr_eq(backend->malloc(48), b);

    /* The fragmentation that follows: the whole storage in 64-byte ranges,
     * all of them free, and a 100-byte request still finds no room. */
    start();
    size_t count = 0;
    char *blocks[STORAGE / 64 + 1]; /* and the NULL that ends it */
    while ((blocks[count] = backend->malloc(48)) != NULL)
        count++;
    ck_assert_uint_eq(count, STORAGE / 64);
    for (size_t i = 0; i < count; i++)
        backend->free(blocks[i]);
    ck_assert_ptr_null(backend->malloc(100));
    ck_assert_ptr_nonnull(backend->malloc(48));
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(a_large_free_range_is_split)
{
    start();
    char *big = backend->malloc(1000); /* 1024 */
    char *guard = backend->malloc(10);
    backend->free(big);
    char *small = backend->malloc(40); /* 64: the rest, 960, stays free */
    ck_assert_ptr_eq(small, big);
    struct ranges r = ranges_now();
    ck_assert_uint_eq(r.count, 3);
    ck_assert_uint_eq(r.size[0], range_for(40));
    ck_assert_uint_eq(r.size[1], 1024 - range_for(40));
    ck_assert_int_eq(r.used[1], 0);
    ck_assert_ptr_eq(r.start[2], guard - RECORD);

    /* A remainder too small for a range (64 - 48) stays with the range. */
    backend->free(small);
    ck_assert_ptr_eq(backend->malloc(24), small);
    ck_assert_uint_eq(ranges_now().size[0], 64);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

START_TEST(footprint_is_the_high_water_mark)
{
    start();
    ck_assert_uint_eq(footprint(), 0);
    char *a = backend->malloc(100);
    char *b = backend->malloc(300);
    ck_assert_uint_eq(footprint(), range_for(100) + range_for(300));
    backend->free(b);
    backend->free(a);
    ck_assert_uint_eq(footprint(), range_for(100) + range_for(300));
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.peak_footprint, range_for(100) + range_for(300));
    ck_assert_uint_eq(mem_syscalls(&stats), 0); /* memlib is not used */

    /* memlib knows the storage: the driver's placement check works. */
    size_t size = 0;
    ck_assert_ptr_eq(mem_static_region(&size), storage);
    ck_assert_uint_eq(size, STORAGE);
    ck_assert(mem_contains(a, 100));
    ck_assert_int_eq(mem_locate(a, NULL, NULL), MEM_IN_STATIC);
    ck_assert(!mem_contains(storage + STORAGE - 8, 16));
    mem_reset();
    ck_assert_ptr_null(mem_static_region(NULL));
}
END_TEST

START_TEST(realloc_in_place_at_the_top_or_moved)
{
    start();
    unsigned char *p = backend->malloc(40);
    for (int i = 0; i < 40; i++)
        p[i] = (unsigned char)i;
    /* The top range grows in place while the storage has room. */
    ck_assert_ptr_eq(backend->realloc(p, 2000), p);
    ck_assert_ptr_eq(simple.top, (unsigned char *)p - RECORD +
                                     range_for(2000));
    /* Shrinking splits off the rest. */
    ck_assert_ptr_eq(backend->realloc(p, 100), p);
    unsigned char *q = backend->malloc(500); /* in the split-off rest */
    ck_assert_ptr_eq(q, p + range_for(100));
    /* Not the top, too small: it moves, with its bytes. */
    unsigned char *moved = backend->realloc(p, 1500);
    ck_assert_ptr_ne(moved, p);
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(moved[i], i);
    /* No room anywhere: NULL, and the block is kept. */
    ck_assert_ptr_null(backend->realloc(moved, STORAGE));
    ck_assert_int_eq(moved[39], 39);
    ck_assert_int_eq(backend->check(), 0);
}
END_TEST

/* check() fails and names the range at `where` on stderr. */
static void expect_check_names(const void *where)
{
    char output[1024], name[32];
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
    output[fread(output, 1, sizeof output - 1, capture)] = '\0';
    fclose(capture);
    ck_assert_int_ne(result, 0);
    snprintf(name, sizeof name, "%p", where);
    ck_assert_msg(strstr(output, name) != NULL, "check() said \"%s\"",
                  output);
}

START_TEST(check_detects_corruption)
{
    start();
    char *a = backend->malloc(40);
    char *b = backend->malloc(40);
    ck_assert_int_eq(backend->check(), 0);
    struct range *record = payload_range(b);
    record->size = 40; /* not a multiple of 16 */
    expect_check_names(record);
    record->size = 64;
    record->allocated = 7;
    expect_check_names(record);
    record->allocated = 1;
    payload_range(a)->size = STORAGE; /* past the top */
    expect_check_names(payload_range(a));
}
END_TEST

static Suite *simple_suite(void)
{
    Suite *suite = suite_create("simple");
    TCase *tc = tcase_create("4 KiB");
    tcase_add_test(tc, out_of_space_is_null_exactly_at_the_end);
    tcase_add_test(tc, free_neighbours_are_never_merged);
    tcase_add_test(tc, a_large_free_range_is_split);
    tcase_add_test(tc, footprint_is_the_high_water_mark);
    tcase_add_test(tc, realloc_in_place_at_the_top_or_moved);
    tcase_add_test(tc, check_detects_corruption);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(simple_suite)
