/*
 * test_placement.c -- driver/placement.h: offsets are whole pages below
 * the span and follow the seed; placed blocks are zeroed, writable pages
 * whose place changes from block to block (where mmap alone would hand
 * back the same address every time) and are gone when freed; a placed
 * call runs on a stack of its own that moves from call to call and holds
 * deep frames; a placed thread runs apart from its caller, its stack and
 * thread-local variables moving from thread to thread; the timed replay
 * still times as before and leaves the caller's trace alone.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broken_backends.h"
#include "placement.h"
#include "suites.h"
#include "timed.h"
#include "trace.h"

enum { DRAWS = 64 };

static size_t page(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* How many distinct values v[0..n) holds. */
static unsigned distinct(const uintptr_t *v, unsigned n)
{
    unsigned count = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned j = 0;
        while (j < i && v[j] != v[i])
            j++;
        count += j == i;
    }
    return count;
}

START_TEST(test_offsets_follow_the_seed)
{
    struct placement a, b, c;
    placement_seed(&a, 42);
    placement_seed(&b, 42);
    placement_seed(&c, 43);
    uintptr_t seen[DRAWS];
    unsigned differ = 0;
    for (unsigned i = 0; i < DRAWS; i++) {
        size_t x = placement_offset(&a);
        ck_assert_uint_eq(x, placement_offset(&b));
        differ += x != placement_offset(&c);
        ck_assert_uint_lt(x, PLACEMENT_SPAN);
        ck_assert_uint_eq(x % page(), 0);
        seen[i] = x;
    }
    ck_assert_uint_gt(differ, DRAWS / 2);
    /* 4096 possible offsets: 64 draws repeat few (seed 42: 1 repeat) */
    ck_assert_uint_gt(distinct(seen, DRAWS), DRAWS - 8);
}
END_TEST

START_TEST(test_blocks_are_zeroed_pages_that_move)
{
    struct placement pl;
    placement_seed(&pl, 0);
    /* Without placement, a block mapped after the last one was unmapped
     * comes back at the same address: what moves it is the offset. */
    void *plain = mmap(NULL, 3 * page(), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(plain, MAP_FAILED);
    munmap(plain, 3 * page());
    uintptr_t where[DRAWS];
    for (unsigned i = 0; i < DRAWS; i++) {
        struct placed block;
        unsigned char *p = placed_alloc(&pl, &block, 2 * page() + 1);
        ck_assert_ptr_nonnull(p);
        ck_assert_ptr_eq(p, block.p);
        ck_assert_uint_eq(block.length, 3 * page());
        ck_assert_uint_eq((uintptr_t)p % page(), 0);
        for (size_t j = 0; j < block.length; j += 512)
            ck_assert_uint_eq(p[j], 0);
        memset(p, 0xab, block.length);
        where[i] = (uintptr_t)p;
        placed_free(&block);
        ck_assert_ptr_null(block.p);
        /* gone: msync on an unmapped page fails with ENOMEM */
        ck_assert_int_eq(msync(p, page(), MS_ASYNC), -1);
        ck_assert_int_eq(errno, ENOMEM);
    }
    ck_assert_uint_gt(distinct(where, DRAWS), DRAWS / 2);

    struct placed empty;
    ck_assert_ptr_nonnull(placed_alloc(&pl, &empty, 0));
    ck_assert_uint_eq(empty.length, page());
    placed_free(&empty);
    placed_free(&empty); /* twice: harmless */
}
END_TEST

struct probe {
    uintptr_t local; /* where the callee's frame was */
    unsigned calls;
    size_t deep; /* bytes of stack to use, 0 for none */
};

/* Uses about depth * 64 KiB of stack, keeps the compiler from folding it. */
static unsigned use_stack(size_t depth)
{
    volatile unsigned char frame[64 * 1024];
    frame[0] = (unsigned char)depth;
    frame[sizeof frame - 1] = 1;
    return depth == 0 ? frame[0] + frame[sizeof frame - 1]
                      : use_stack(depth - 1) + frame[sizeof frame - 1];
}

static void record(void *arg)
{
    struct probe *p = arg;
    volatile char here = 0;
    p->local = (uintptr_t)&here;
    p->calls++;
    if (p->deep > 0)
        ck_assert_uint_eq(use_stack(p->deep / (64 * 1024)),
                          p->deep / (64 * 1024) + 1);
}

START_TEST(test_calls_run_on_a_stack_that_moves)
{
    struct placement pl;
    placement_seed(&pl, 0);
    uintptr_t where[DRAWS];
    unsigned placed = 0;
    for (unsigned i = 0; i < DRAWS; i++) {
        struct probe p = {0};
        placed += (unsigned)placement_call(&pl, record, &p);
        ck_assert_uint_eq(p.calls, 1);
        where[i] = p.local;
    }
#if defined(__SANITIZE_ADDRESS__)
    /* the sanitized build stays on the caller's stack */
    ck_assert_uint_eq(placed, 0);
    ck_assert_uint_eq(distinct(where, DRAWS), 1);
#else
    volatile char mine = 0;
    ck_assert_uint_eq(placed, DRAWS);
    ck_assert_uint_gt(distinct(where, DRAWS), DRAWS / 2);
    for (unsigned i = 0; i < DRAWS; i++) /* not on the caller's stack */
        ck_assert(where[i] > (uintptr_t)&mine + PLACEMENT_STACK ||
                  where[i] + PLACEMENT_STACK < (uintptr_t)&mine);
#endif
    /* a callee that needs 4 MiB of stack gets it */
    struct probe deep = {.deep = (size_t)4 << 20};
    placement_call(&pl, record, &deep);
    ck_assert_uint_eq(deep.calls, 1);
}
END_TEST

static _Thread_local char thread_variable;

struct thread_probe {
    pthread_t caller, self;
    uintptr_t local, tls;
};

static void *record_thread(void *arg)
{
    struct thread_probe *p = arg;
    volatile char here = 0;
    p->self = pthread_self();
    p->local = (uintptr_t)&here;
    p->tls = (uintptr_t)&thread_variable;
    return NULL;
}

START_TEST(test_threads_have_their_stack_and_tls_placed)
{
    struct placement pl;
    placement_seed(&pl, 0);
    uintptr_t stacks[DRAWS], tls[DRAWS];
    for (unsigned i = 0; i < DRAWS; i++) {
        struct thread_probe p = {.caller = pthread_self()};
        ck_assert_int_eq(placement_thread(&pl, record_thread, &p), 0);
        ck_assert(!pthread_equal(p.self, p.caller));
        stacks[i] = p.local;
        tls[i] = p.tls;
    }
    ck_assert_uint_gt(distinct(stacks, DRAWS), DRAWS / 2);
    ck_assert_uint_gt(distinct(tls, DRAWS), DRAWS / 2);
}
END_TEST

START_TEST(test_timed_replay_times_from_placed_memory)
{
    struct trace t;
    char error[TRACE_ERROR_MAX];
    static const char text[] = "a 0 24\na 1 100\nf 0\nr 1 300\nf 1\n";
    ck_assert_msg(
        trace_parse("placed.rep", text, sizeof text - 1, &t, error) == 0, "%s",
        error);
    const struct trace_op *ops = t.ops;
    struct replay_options options = {.repeat = 7};
    struct run_result r = {0};
    timed_replay(&bump_allocator, &t, &options, &r);
    ck_assert_uint_eq(r.samples, 7);
    ck_assert(r.ops_per_sec > 0);
    ck_assert_ptr_eq(t.ops, ops); /* the caller's trace is left alone */
    trace_free(&t);
}
END_TEST

static Suite *placement_suite(void)
{
    Suite *suite = suite_create("placement");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_offsets_follow_the_seed);
    tcase_add_test(tc, test_blocks_are_zeroed_pages_that_move);
    tcase_add_test(tc, test_calls_run_on_a_stack_that_moves);
    tcase_add_test(tc, test_threads_have_their_stack_and_tls_placed);
    tcase_add_test(tc, test_timed_replay_times_from_placed_memory);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(placement_suite)
