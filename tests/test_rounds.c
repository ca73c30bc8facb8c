/*
 * test_rounds.c -- the timed figure in rounds (rounds.h): every pair that
 * passed is timed again in fresh processes, one per round; the figure is
 * the fastest round, so a round that the machine slowed does not move it;
 * the spread compares the rounds; pairs that failed are not timed again,
 * and a pair that fails in a later round reports that failure.
 *
 * The backend is the lecture's `bins` with a known loop in front of each
 * malloc, made much longer in one chosen process (counted in memory that
 * the test shares with every child), the way a busy machine slows one
 * window.  Checks compare windows 10 times apart, far beyond noise; no
 * check is about a speed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heaplab/registry.h"
#include "replay.h"
#include "rounds.h"
#include "runner.h"
#include "suites.h"
#include "trace.h"

enum { SPINS = 300, SLOW_FACTOR = 10, BLOCKS = 200 };

/* Shared with the children: how many processes have called init. */
struct shared {
    int processes;
};
static struct shared *shared;

static struct {
    const struct allocator *inner;
    pid_t pid;          /* the process that last called init */
    int slow_process;   /* this process (1-based) spins SLOW_FACTOR times
                           as long; 0: none */
    int failing_process; /* this process's mallocs fail; 0: none */
    unsigned spins;     /* in this process */
    int failing;
} wrap;

static int wrap_init(void)
{
    if (wrap.pid != getpid()) { /* the first init of a new process */
        wrap.pid = getpid();
        int n = __atomic_add_fetch(&shared->processes, 1, __ATOMIC_SEQ_CST);
        wrap.spins = n == wrap.slow_process ? SPINS * SLOW_FACTOR : SPINS;
        wrap.failing = n == wrap.failing_process;
    }
    return wrap.inner->init();
}

static void *wrap_malloc(size_t size)
{
    for (volatile unsigned i = 0; i < wrap.spins; i++)
        ;
    return wrap.failing ? NULL : wrap.inner->malloc(size);
}

static void wrap_free(void *ptr)
{
    wrap.inner->free(ptr);
}

static const struct allocator wrapped = {
    .name = "slow-bins",
    .summary = "bins behind a known loop",
    .init = wrap_init,
    .malloc = wrap_malloc,
    .free = wrap_free,
};

static void setup(void)
{
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert(shared != MAP_FAILED);
    memset(&wrap, 0, sizeof wrap);
    wrap.inner = registry_find("bins");
    ck_assert(wrap.inner != NULL);
}

static void teardown(void)
{
    munmap(shared, sizeof *shared);
}

static void make_trace(struct trace *t)
{
    static char text[BLOCKS * 24];
    size_t used = 0;
    for (int id = 0; id < BLOCKS; id++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "a %d %d\n", id, 16 + id % 7 * 24);
    for (int id = 0; id < BLOCKS; id++)
        used += (size_t)snprintf(text + used, sizeof text - used, "f %d\n",
                                 id);
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("rounds.rep", text, used, t, error) == 0,
                  "%s", error);
}

/* The first round (checked replay and timing) of the pair, then the rest. */
static struct run_result run_in_rounds(const struct trace *t)
{
    struct replay_options options = {.in_rounds = 1};
    struct runner_options limits = {.timeout_seconds = 60,
                                    .output_keep = 1024};
    struct run_result r;
    runner_run(&wrapped, t, &options, &limits, &r, NULL);
    ck_assert_msg(r.status == RUN_OK, "%s", r.message);
    struct round_job job = {.a = &wrapped, .t = t, .result = &r};
    rounds_run(&job, 1, &options, &limits, NULL);
    return r;
}

START_TEST(test_one_process_per_round_fastest_wins)
{
    struct trace t;
    make_trace(&t);
    wrap.slow_process = 3; /* round 3 */
    struct run_result r = run_in_rounds(&t);
    ck_assert_str_eq(run_status_name(r.status), "ok");
    ck_assert_int_eq(shared->processes, TIMED_PARTS);
    double fastest = INFINITY;
    for (int p = 0; p < TIMED_PARTS; p++) {
        ck_assert(r.part_seconds[p] > 0);
        fastest = fmin(fastest, r.part_seconds[p]);
    }
    /* the slowed round is the slowest by far, and the figure ignores it */
    for (int p = 0; p < TIMED_PARTS; p++)
        if (p != 2)
            ck_assert(r.part_seconds[2] > 3 * r.part_seconds[p]);
    ck_assert_double_eq_tol(r.ops_per_sec, (double)t.num_ops / fastest,
                            1e-6 * r.ops_per_sec);
    /* the spread says the run was disturbed: (max - min) / median of the
     * rounds' throughputs, far above 1 with one round 10 times slower */
    ck_assert(r.ops_per_sec_spread > 0.5);
    trace_free(&t);
}
END_TEST

START_TEST(test_failed_pairs_are_not_timed_again)
{
    struct trace t;
    make_trace(&t);
    wrap.failing_process = 1; /* the checked replay fails */
    struct replay_options options = {.in_rounds = 1};
    struct runner_options limits = {.timeout_seconds = 60};
    struct run_result r;
    runner_run(&wrapped, &t, &options, &limits, &r, NULL);
    ck_assert_str_ne(run_status_name(r.status), "ok");
    struct round_job job = {.a = &wrapped, .t = &t, .result = &r};
    rounds_run(&job, 1, &options, &limits, NULL);
    ck_assert_int_eq(shared->processes, 1);
    ck_assert(isnan(r.ops_per_sec));
    trace_free(&t);
}
END_TEST

START_TEST(test_a_later_round_that_fails_is_reported)
{
    struct trace t;
    make_trace(&t);
    wrap.failing_process = 2; /* the first timing-only round */
    struct run_result r = run_in_rounds(&t);
    ck_assert_str_eq(run_status_name(r.status), "error");
    ck_assert_msg(strstr(r.message, "timing round 2 of 5") != NULL, "%s",
                  r.message);
    ck_assert_msg(strstr(r.message, "checked replay passed") != NULL, "%s",
                  r.message);
    ck_assert(isnan(r.ops_per_sec));
    ck_assert_int_eq(shared->processes, 2); /* no round after the failure */
    trace_free(&t);
}
END_TEST

START_TEST(test_finish_takes_the_fastest_round)
{
    struct run_result r = {.ops = 1000};
    const double seconds[TIMED_PARTS] = {2e-3, 1e-3, 3e-3, 1.5e-3, 4e-3};
    rounds_finish(&r, seconds);
    ck_assert_double_eq_tol(r.ops_per_sec, 1e6, 1e-3);
    /* throughputs 0.5, 1, 0.333, 0.667, 0.25 M: (1 - 0.25) / 0.5 */
    ck_assert_double_eq_tol(r.ops_per_sec_spread, 1.5, 1e-9);
    for (int p = 0; p < TIMED_PARTS; p++)
        ck_assert_double_eq(r.part_seconds[p], seconds[p]);
}
END_TEST

START_TEST(test_without_rounds_nothing_changes)
{
    struct trace t;
    make_trace(&t);
    struct replay_options options = {.in_rounds = 0};
    struct runner_options limits = {.timeout_seconds = 60};
    struct run_result r;
    runner_run(&wrapped, &t, &options, &limits, &r, NULL);
    ck_assert_msg(r.status == RUN_OK, "%s", r.message);
    struct run_result before = r;
    struct round_job job = {.a = &wrapped, .t = &t, .result = &r};
    rounds_run(&job, 1, &options, &limits, NULL);
    ck_assert_int_eq(shared->processes, 1);
    ck_assert_double_eq(r.ops_per_sec, before.ops_per_sec);
    trace_free(&t);
}
END_TEST

static Suite *rounds_suite(void)
{
    Suite *suite = suite_create("rounds");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_finish_takes_the_fastest_round);
    tcase_add_test(tc, test_one_process_per_round_fastest_wins);
    tcase_add_test(tc, test_failed_pairs_are_not_timed_again);
    tcase_add_test(tc, test_a_later_round_that_fails_is_reported);
    tcase_add_test(tc, test_without_rounds_nothing_changes);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(rounds_suite)
