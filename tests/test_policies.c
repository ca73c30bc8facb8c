/*
 * test_policies.c -- the fit policies of fit_policy.h, on hand-made heaps
 * of the list and dlist backends: best fit takes the smallest chunk that
 * fits, worst fit the largest, next fit resumes where the last search
 * stopped (and wraps around), first fit is unchanged.  Also the registry's
 * families, which `-a FAMILY` selects.
 *
 * A hand-made heap: four free chunks ("holes") of known sizes, each
 * between two allocated guards, and nothing else free.  These tests know
 * the layouts of list_core.c and dlist_core.c: an 8-byte header (dlist
 * adds an 8-byte footer), chunks of round_up(n + overhead, 16), the tail
 * end of a chunk handed out when it splits, the first growth 8 KiB.
 */
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "suites.h"

extern const struct allocator list_allocator, list_best_allocator,
    list_worst_allocator, list_next_allocator;
extern const struct allocator dlist_allocator, dlist_best_allocator,
    dlist_worst_allocator, dlist_next_allocator;

enum { HEADER = 8, HOLES = 4, GUARD = 48 }; /* GUARD: a guard's chunk */

/* Chunk sizes of the holes, by address: a, b, c, d. */
static const size_t HOLE_SIZES[HOLES] = {112, 208, 64, 160};

struct heap {
    const struct allocator *a;
    size_t overhead;         /* header (+ footer) bytes per chunk */
    char *hole[HOLES];       /* chunk starts, ascending */
    char *guard[HOLES + 1];  /* payloads; guard[i] lies just below hole[i] */
};

static char *chunk_of(void *payload) { return (char *)payload - HEADER; }

static void *request(struct heap *h, size_t chunk)
{
    void *p = h->a->malloc(chunk - h->overhead);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(h->a->check(), 0);
    return p;
}

/*
 * The hand-made heap: from the top down (the backends hand out tail ends,
 * so each malloc lies just below the last) guard[4], hole d, guard[3],
 * hole c, ..., hole a, guard[0], then the rest of the first 8 KiB taken,
 * then the holes freed a, b, c, d (dlist's LIFO list: d, c, b, a).
 */
static struct heap make_heap(const struct allocator *a, size_t overhead)
{
    struct heap h = {.a = a, .overhead = overhead};
    mem_reset();
    ck_assert_int_eq(a->init(), 0);
    h.guard[HOLES] = request(&h, GUARD);
    for (int i = HOLES - 1; i >= 0; i--) {
        h.hole[i] = chunk_of(request(&h, HOLE_SIZES[i]));
        h.guard[i] = request(&h, GUARD);
        ck_assert_ptr_eq(chunk_of(h.guard[i]) + GUARD, h.hole[i]);
    }
    size_t rest = (size_t)(chunk_of(h.guard[0]) - (char *)mem_heap_lo());
    ck_assert_uint_gt(rest, 2 * HEADER + 32);
    request(&h, rest - HEADER); /* the lowest chunk, all of it */
    for (int i = 0; i < HOLES; i++)
        h.a->free(h.hole[i] + HEADER);
    ck_assert_int_eq(h.a->check(), 0);
    struct mem_stats stats;
    mem_get_stats(&stats);
    ck_assert_uint_eq(stats.sbrk_calls, 2); /* the pad, one growth */
    return h;
}

/* The hole that the payload p lies in, or -1. */
static int hole_of(const struct heap *h, void *p)
{
    char *chunk = chunk_of(p);
    for (int i = 0; i < HOLES; i++)
        if (chunk >= h->hole[i] && chunk < h->hole[i] + HOLE_SIZES[i])
            return i;
    return -1;
}

/* The hole that a request of `chunk` bytes is served from. */
static int served_from(struct heap *h, size_t chunk)
{
    return hole_of(h, request(h, chunk));
}

enum { A, B, C, D, NONE = -1 };

/* --- best and worst ------------------------------------------------------ */

START_TEST(first_fit_is_unchanged)
{
    struct heap h = make_heap(&list_allocator, HEADER);
    ck_assert_int_eq(served_from(&h, 48), A);  /* the lowest that fits */
    h = make_heap(&dlist_allocator, 2 * HEADER);
    ck_assert_int_eq(served_from(&h, 48), D);  /* the last freed (LIFO) */
}
END_TEST

START_TEST(best_fit_picks_the_smallest_chunk_that_fits)
{
    struct heap h = make_heap(&list_best_allocator, HEADER);
    ck_assert_int_eq(served_from(&h, 48), C);  /* 64: the smallest */
    ck_assert_int_eq(served_from(&h, 160), D); /* exact, though b is larger */
    ck_assert_int_eq(served_from(&h, 96), A);  /* 112 beats 208 */
    ck_assert_int_eq(served_from(&h, 16), A);  /* a's 16 left: the lowest
                                                  exact fit (c has 16 too) */
    ck_assert_int_eq(served_from(&h, 224), NONE); /* none fits: growth */

    h = make_heap(&dlist_best_allocator, 2 * HEADER);
    ck_assert_int_eq(served_from(&h, 48), C);  /* whatever the list order */
    ck_assert_int_eq(served_from(&h, 160), D);
    ck_assert_int_eq(served_from(&h, 96), A);
    ck_assert_int_eq(served_from(&h, 224), NONE);
}
END_TEST

START_TEST(worst_fit_picks_the_largest_chunk)
{
    struct heap h = make_heap(&list_worst_allocator, HEADER);
    ck_assert_int_eq(served_from(&h, 48), B);  /* 208: b keeps 160 */
    ck_assert_int_eq(served_from(&h, 48), B);  /* b 160, d 160: lowest */
    ck_assert_int_eq(served_from(&h, 48), D);  /* d 160 beats b 112 */
    ck_assert_int_eq(served_from(&h, 112), A); /* a 112, b 112: lowest */
    ck_assert_int_eq(served_from(&h, 128), NONE);

    h = make_heap(&dlist_worst_allocator, 2 * HEADER);
    ck_assert_int_eq(served_from(&h, 48), B);
    ck_assert_int_eq(served_from(&h, 48), D);  /* d and b 160: d is first on
                                                  the list (freed last) */
    ck_assert_int_eq(served_from(&h, 48), B);
}
END_TEST

/* --- next fit ------------------------------------------------------------ */

START_TEST(list_next_fit_resumes_where_it_stopped)
{
    struct heap h = make_heap(&list_next_allocator, HEADER);
    ck_assert_int_eq(served_from(&h, 160), B); /* a too small; b keeps 48 */
    ck_assert_int_eq(served_from(&h, 48), B);  /* resumes at b (first fit:
                                                  a); b leaves the list */
    ck_assert_int_eq(served_from(&h, 48), C);  /* resumes after b's place */
    ck_assert_int_eq(served_from(&h, 112), D); /* c's 16 too small */
    ck_assert_int_eq(served_from(&h, 112), A); /* d's 48 too small: wraps
                                                  around to the head */
    ck_assert_int_eq(served_from(&h, 112), NONE); /* once round: grows */

    /* The same requests under first fit. */
    h = make_heap(&list_allocator, HEADER);
    ck_assert_int_eq(served_from(&h, 160), B);
    ck_assert_int_eq(served_from(&h, 48), A);
    ck_assert_int_eq(served_from(&h, 48), A);
    ck_assert_int_eq(served_from(&h, 112), D);
    ck_assert_int_eq(served_from(&h, 112), NONE);
}
END_TEST

START_TEST(dlist_next_fit_resumes_where_it_stopped)
{
    /* The list, freed last first: d, c, b, a. */
    struct heap h = make_heap(&dlist_next_allocator, 2 * HEADER);
    ck_assert_int_eq(served_from(&h, 160), D); /* exact: d leaves the list,
                                                  the rover moves to c */
    ck_assert_int_eq(served_from(&h, 48), C);  /* all of c (16 over is less
                                                  than a chunk) */
    ck_assert_int_eq(served_from(&h, 48), B);  /* b keeps 160, the rover */

    /* A chunk freed now goes in front of the list: first fit takes it,
     * next fit stays at b. */
    h.a->free(h.guard[C]); /* between b's allocated tail and c */
    ck_assert_int_eq(h.a->check(), 0);
    ck_assert_int_eq(served_from(&h, 48), B);
    ck_assert_int_eq(served_from(&h, 112), B); /* exact: the rover moves on
                                                  to a */
    ck_assert_int_eq(served_from(&h, 112), A); /* exact: the list's end */
    void *p = request(&h, 48);                 /* wraps to the head */
    ck_assert_ptr_eq(p, h.guard[C]);

    /* The same with first fit, after the same first three requests. */
    h = make_heap(&dlist_allocator, 2 * HEADER);
    ck_assert_int_eq(served_from(&h, 160), D);
    ck_assert_int_eq(served_from(&h, 48), C);
    ck_assert_int_eq(served_from(&h, 48), B);
    h.a->free(h.guard[C]);
    ck_assert_ptr_eq(request(&h, 48), h.guard[C]);
}
END_TEST

/* The rover follows its chunk when the chunk merges or leaves the list. */
START_TEST(the_rover_survives_merging)
{
    const struct allocator *backends[] = {&list_next_allocator,
                                          &dlist_next_allocator};
    const size_t overheads[] = {HEADER, 2 * HEADER};
    for (int k = 0; k < 2; k++) {
        struct heap h = make_heap(backends[k], overheads[k]);
        /* list: the rover is a, before b; dlist: c, after d on the list */
        ck_assert_int_eq(served_from(&h, 160), k == 0 ? B : D);
        /* Every chunk merges with its neighbours, the rover's too. */
        for (int i = 0; i <= HOLES; i++) {
            h.a->free(h.guard[i]);
            ck_assert_int_eq(h.a->check(), 0);
        }
        void *p = request(&h, 48);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(h.a->check(), 0);
    }
}
END_TEST

/* --- the registry's families ------------------------------------------- */

START_TEST(families_group_the_backends)
{
    size_t count[REGISTRY_FAMILIES] = {0};
    for (size_t i = 0; i < registry_count(); i++) {
        enum registry_family f = registry_family_of(i);
        ck_assert_int_lt(f, REGISTRY_FAMILIES);
        count[f]++;
        /* lecture first, then no family before one already passed */
        if (i > 0)
            ck_assert_int_ge(f == REGISTRY_LECTURE ? 0 : 1,
                             registry_family_of(i - 1) == REGISTRY_LECTURE
                                 ? 0
                                 : 1);
        /* no backend is named like a family or "all" */
        enum registry_family named;
        ck_assert(!registry_family_find(registry_at(i)->name, &named));
        ck_assert_str_ne(registry_at(i)->name, "all");
    }
    ck_assert_uint_eq(count[REGISTRY_LECTURE], 6);
    ck_assert_uint_eq(count[REGISTRY_POLICY], 6);
    ck_assert_uint_ge(count[REGISTRY_OTHER], 3);
    for (int f = 0; f < REGISTRY_FAMILIES; f++) {
        enum registry_family found;
        const char *name = registry_family_name((enum registry_family)f);
        ck_assert(registry_family_find(name, &found));
        ck_assert_int_eq(found, f);
    }
    ck_assert(!registry_uses_memlib(registry_find("libc")));
    ck_assert(!registry_uses_memlib(registry_find("simple")));
    ck_assert(registry_uses_memlib(registry_find("bitmap")));
    ck_assert(registry_uses_memlib(&list_next_allocator));
}
END_TEST

static Suite *policies_suite(void)
{
    Suite *suite = suite_create("policies");
    TCase *tc = tcase_create("fit");
    tcase_add_test(tc, first_fit_is_unchanged);
    tcase_add_test(tc, best_fit_picks_the_smallest_chunk_that_fits);
    tcase_add_test(tc, worst_fit_picks_the_largest_chunk);
    tcase_add_test(tc, list_next_fit_resumes_where_it_stopped);
    tcase_add_test(tc, dlist_next_fit_resumes_where_it_stopped);
    tcase_add_test(tc, the_rover_survives_merging);
    tcase_add_test(tc, families_group_the_backends);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(policies_suite)
