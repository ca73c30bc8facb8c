/*
 * test_measure.c -- the measurement code, never a speed: the timed replay
 * takes the samples it says and frees what the trace left live, a failing
 * pass gives no figure, the suite's spread is what report.h defines, the
 * registry takes backends found at run time, and instruction counting
 * counts the backend and not the driver.
 *
 * The last one uses a backend with a known loop: its malloc spins K times,
 * its free does nothing.  This test program is run again under callgrind
 * (measure_callgrind) with only the `inner` case selected, which replays a
 * trace of N mallocs and N frees with collection switched on around each
 * call; counts for K = 1000 and 2000 must differ by exactly N * 1000
 * times the loop's instructions per turn, and K = 0 must count only a
 * few instructions per call, although the driver and the test harness run
 * many more between the calls.
 */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "measure.h"
#include "report.h"
#include "suites.h"
#include "timed.h"
#include "trace.h"

enum { LOOP_BLOCKS = 100 };

/* --- backends with known behaviour -------------------------------------- */

static struct {
    unsigned iterations; /* malloc spins this many times */
    unsigned slow_down;  /* ... and init adds this many more */
    unsigned long mallocs, frees;
    int fail_init, return_null;
} loop;

static _Alignas(16) char loop_block[16];

static int loop_init(void)
{
    loop.iterations += loop.slow_down;
    return loop.fail_init ? -1 : 0;
}

static void *loop_malloc(size_t size)
{
    (void)size;
    for (volatile unsigned i = 0; i < loop.iterations; i++)
        ;
    loop.mallocs++;
    return loop.return_null ? NULL : loop_block;
}

static void loop_free(void *ptr)
{
    loop.frees += ptr != NULL;
}

static const struct allocator loop_allocator = {
    .name = "known-loop",
    .summary = "spins a known number of times per malloc",
    .init = loop_init,
    .malloc = loop_malloc,
    .free = loop_free,
};

/* N mallocs, then N frees (free_all), or the frees left out. */
static void make_trace(struct trace *t, int free_all)
{
    static char text[LOOP_BLOCKS * 24];
    size_t used = 0;
    for (int id = 0; id < LOOP_BLOCKS; id++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "a %d 16\n", id);
    for (int id = 0; free_all && id < LOOP_BLOCKS; id++)
        used += (size_t)snprintf(text + used, sizeof text - used, "f %d\n",
                                 id);
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("loop.rep", text, used, t, error) == 0, "%s",
                  error);
}

/* --- the timed replay --------------------------------------------------- */

START_TEST(test_timed_replay_takes_its_samples)
{
    struct trace t;
    make_trace(&t, 1);
    memset(&loop, 0, sizeof loop);
    loop.iterations = 10;
    struct replay_options options = {.repeat = 3};
    struct run_result r = {.ops_per_sec = NAN};
    timed_replay(&loop_allocator, &t, &options, &r);
    ck_assert_uint_eq(r.samples, 3);
    ck_assert(isfinite(r.ops_per_sec) && r.ops_per_sec > 0);
    /* fewer samples than parts: no spread */
    ck_assert(isnan(r.ops_per_sec_spread));
    ck_assert(isnan(r.part_seconds[0]));
    /* one warm-up pass, then the 3: every malloc freed by the trace */
    ck_assert_uint_eq(loop.mallocs, 4 * LOOP_BLOCKS);
    ck_assert_uint_eq(loop.frees, 4 * LOOP_BLOCKS);

    /* Adaptive: at least 15 samples, so every part has its median. */
    options.repeat = 0;
    timed_replay(&loop_allocator, &t, &options, &r);
    ck_assert_uint_ge(r.samples, 15);
    double lo = INFINITY, hi = 0;
    for (int p = 0; p < TIMED_PARTS; p++) {
        ck_assert(r.part_seconds[p] > 0);
        lo = fmin(lo, 1 / r.part_seconds[p]);
        hi = fmax(hi, 1 / r.part_seconds[p]);
    }
    /* the spread is the parts' (max - min) over their median, so it lies
     * between (max - min) / max and (max - min) / min */
    ck_assert(isfinite(r.ops_per_sec_spread));
    ck_assert(r.ops_per_sec_spread >= (hi - lo) / hi - 1e-12);
    ck_assert(r.ops_per_sec_spread <= (hi - lo) / lo + 1e-12);
    trace_free(&t);
}
END_TEST

/* The parts follow the order the samples were taken in: a backend that
 * gets slower with every pass has slower parts one after the other. */
START_TEST(test_timed_parts_in_time_order)
{
    struct trace t;
    make_trace(&t, 1);
    memset(&loop, 0, sizeof loop);
    loop.slow_down = 2000; /* each pass ~0.2 ms slower than the last */
    struct replay_options options = {.repeat = 25};
    struct run_result r = {.ops_per_sec = NAN};
    timed_replay(&loop_allocator, &t, &options, &r);
    ck_assert_uint_eq(r.samples, 25);
    ck_assert(r.part_seconds[0] < r.part_seconds[2]);
    ck_assert(r.part_seconds[2] < r.part_seconds[4]);
    /* the spread is that of the parts: the last part's passes spin about
     * 6 times as long as the first's, so it is far above any noise */
    ck_assert(r.ops_per_sec_spread > 1);
    trace_free(&t);
}
END_TEST

START_TEST(test_timed_pass_frees_what_the_trace_leaves)
{
    struct trace t;
    make_trace(&t, 0); /* no frees in the trace */
    memset(&loop, 0, sizeof loop);
    void *pointers[LOOP_BLOCKS];
    uint64_t sizes[LOOP_BLOCKS];
    double seconds = timed_pass(&loop_allocator, &t, pointers, sizes, 0);
    ck_assert(seconds >= 0);
    ck_assert_uint_eq(loop.mallocs, LOOP_BLOCKS);
    ck_assert_uint_eq(loop.frees, LOOP_BLOCKS); /* outside the timing */
    trace_free(&t);
}
END_TEST

START_TEST(test_failing_pass_gives_no_figure)
{
    struct trace t;
    make_trace(&t, 1);
    struct replay_options options = {0};
    memset(&loop, 0, sizeof loop);
    loop.return_null = 1;
    struct run_result r = {.ops_per_sec = NAN};
    timed_replay(&loop_allocator, &t, &options, &r);
    ck_assert(isnan(r.ops_per_sec));
    ck_assert_uint_eq(r.samples, 0);
    memset(&loop, 0, sizeof loop);
    loop.fail_init = 1;
    timed_replay(&loop_allocator, &t, &options, &r);
    ck_assert(isnan(r.ops_per_sec));
    trace_free(&t);
}
END_TEST

START_TEST(test_pinning_leaves_one_cpu)
{
    if (timed_pin_thread() != 0)
        return; /* not allowed here: nothing to check */
    cpu_set_t set;
    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    ck_assert_int_eq(CPU_COUNT(&set), 1);
    ck_assert(CPU_ISSET(sched_getcpu(), &set));
}
END_TEST

START_TEST(test_suite_spread_weighs_by_time)
{
    /* Trace x: 1000 ops, about 1 s; trace y: 1000 ops, about 2 s.  The
     * suite's time in each of the five parts is the sum of the traces':
     * 3, 3.1, 2.9, 3, 3.2 s, so its throughputs are 2000 / those, and the
     * spread is (max - min) / median of them. */
    struct report report = {0};
    struct run_result x = {.status = RUN_OK, .ops = 1000, .util = NAN,
                           .ops_per_sec = 1000, .ops_per_sec_spread = 0.2,
                           .part_seconds = {1, 1.1, 0.9, 1, 1},
                           .instructions_per_op = NAN};
    struct run_result y = x;
    y.ops_per_sec = 500;
    double y_parts[TIMED_PARTS] = {2, 2, 2, 2, 2.2};
    memcpy(y.part_seconds, y_parts, sizeof y_parts);
    ck_assert_int_eq(report_add(&report, "b", "b", "x", &x), 0);
    ck_assert_int_eq(report_add(&report, "b", "b", "y", &y), 0);
    struct report_summary s;
    report_summarize(&report, "b", &s);
    ck_assert_double_eq_tol(s.ops_per_sec, 2000.0 / 3, 1e-9);
    ck_assert_double_eq_tol(s.ops_per_sec_spread,
                            (1 / 2.9 - 1 / 3.2) / (1 / 3.0), 1e-12);
    ck_assert(isnan(s.instructions_per_op));

    /* A run without parts (fewer samples than parts): no spread. */
    struct run_result z = x;
    z.part_seconds[2] = NAN;
    ck_assert_int_eq(report_add(&report, "b", "b", "z", &z), 0);
    report_summarize(&report, "b", &s);
    ck_assert(isnan(s.ops_per_sec_spread));
    report_free(&report);
}
END_TEST

/* --- the registry's run-time entries ------------------------------------ */

START_TEST(test_registry_takes_backends_found_at_run_time)
{
    size_t before = registry_count();
    ck_assert_ptr_null(registry_find("known-loop"));
    ck_assert_int_eq(registry_add(&loop_allocator, REGISTRY_REFERENCE), 0);
    ck_assert_uint_eq(registry_count(), before + 1);
    ck_assert_ptr_eq(registry_find("known-loop"), &loop_allocator);
    ck_assert_ptr_eq(registry_at(before), &loop_allocator);
    ck_assert_int_eq(registry_family_of(before), REGISTRY_REFERENCE);
    ck_assert(!registry_uses_memlib(&loop_allocator)); /* its own memory */
    ck_assert_int_eq(registry_add(&loop_allocator, REGISTRY_REFERENCE), -1);

    size_t missing = registry_unavailable_count();
    ck_assert_int_eq(registry_add_unavailable("zz", "a malloc", "libzz1"), 0);
    const char *summary, *package;
    ck_assert_str_eq(registry_unavailable_at(missing, &summary, &package),
                     "zz");
    ck_assert_str_eq(package, "libzz1");
    ck_assert_ptr_null(registry_find("zz"));
}
END_TEST

/* --- instruction counting ----------------------------------------------- */

/* Run under callgrind by the test below; does nothing otherwise. */
START_TEST(test_inner_counted_pass)
{
    const char *iterations = getenv("HEAPLAB_TEST_LOOP");
    if (iterations == NULL)
        return;
    ck_assert_int_eq(mem_init((size_t)1 << 30), 0); /* valgrind's room */
    memset(&loop, 0, sizeof loop);
    loop.iterations = (unsigned)atoi(iterations);
    struct trace t;
    make_trace(&t, 1);
    ck_assert_int_eq(measure_collected_pass(&loop_allocator, &t), 0);
    trace_free(&t);
}
END_TEST

static uint64_t count_under_callgrind(unsigned iterations)
{
    char loop_setting[64];
    snprintf(loop_setting, sizeof loop_setting, "HEAPLAB_TEST_LOOP=%u",
             iterations);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ck_assert(n > 0);
    self[n] = '\0'; /* valgrind's own /proc/self/exe would be valgrind */
    char *argv[] = {self, NULL};
    char *env[] = {"CK_RUN_SUITE=measure", "CK_RUN_CASE=inner",
                   "CK_FORK=no", loop_setting, NULL};
    uint64_t count = 0;
    char error[256];
    ck_assert_msg(measure_callgrind(argv, env, &count, error,
                                    sizeof error) == 0,
                  "%s", error);
    return count;
}

START_TEST(test_callgrind_counts_the_backend_not_the_driver)
{
    char how[256];
    if (tests_sanitized() || measure_instructions_available(how, sizeof how)
                                 != 0 ||
        system("command -v valgrind > /dev/null 2>&1") != 0)
        return; /* no valgrind here (or an ASan build, which it cannot run) */
    uint64_t none = count_under_callgrind(0);
    uint64_t k1000 = count_under_callgrind(1000);
    uint64_t k2000 = count_under_callgrind(2000);
    uint64_t turns = (uint64_t)LOOP_BLOCKS * 1000;
    /* 1000 more turns of the loop per malloc: exactly that many more
     * instructions, a whole number per turn. */
    ck_assert_uint_gt(k2000, k1000);
    ck_assert_uint_eq((k2000 - k1000) % turns, 0);
    uint64_t per_turn = (k2000 - k1000) / turns;
    ck_assert_uint_ge(per_turn, 2);
    ck_assert_uint_le(per_turn, 10);
    ck_assert_uint_ge(k1000 - none, turns * per_turn);
    ck_assert_uint_le(k1000 - none, turns * per_turn + 2 * LOOP_BLOCKS);
    /* Without the loop, a call costs a few instructions (the call, the
     * counter's switch, the function's body: about 25 with gcc -O2): the
     * driver's work between calls, as much again, is not there. */
    ck_assert_uint_le(none, (uint64_t)2 * LOOP_BLOCKS * 40);
    ck_assert_uint_gt(none, 0);
    /* And the same count again on another run. */
    ck_assert_uint_eq(count_under_callgrind(1000), k1000);
}
END_TEST

START_TEST(test_perf_counts_the_loop)
{
    struct trace t;
    make_trace(&t, 1);
    memset(&loop, 0, sizeof loop);
    uint64_t k1000, k2000;
    loop.iterations = 1000;
    if (measure_perf_pass(&loop_allocator, &t, &k1000) != 0) {
        trace_free(&t); /* no hardware counter here */
        return;
    }
    loop.iterations = 2000;
    ck_assert_int_eq(measure_perf_pass(&loop_allocator, &t, &k2000), 0);
    double per_turn = (double)(k2000 - k1000) / (LOOP_BLOCKS * 1000.0);
    ck_assert(per_turn > 1.9 && per_turn < 10.1);
    trace_free(&t);
}
END_TEST

static Suite *measure_suite(void)
{
    Suite *suite = suite_create("measure");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_timed_replay_takes_its_samples);
    tcase_add_test(tc, test_timed_pass_frees_what_the_trace_leaves);
    tcase_add_test(tc, test_failing_pass_gives_no_figure);
    tcase_add_test(tc, test_pinning_leaves_one_cpu);
    tcase_add_test(tc, test_suite_spread_weighs_by_time);
    tcase_add_test(tc, test_timed_parts_in_time_order);
    tcase_add_test(tc, test_registry_takes_backends_found_at_run_time);
    tcase_add_test(tc, test_callgrind_counts_the_backend_not_the_driver);
    tcase_add_test(tc, test_perf_counts_the_loop);
    suite_add_tcase(suite, tc);
    TCase *inner = tcase_create("inner");
    tcase_add_test(inner, test_inner_counted_pass);
    suite_add_tcase(suite, inner);
    return suite;
}

TEST_SUITE(measure_suite)
