/*
 * test_quiet.c -- the probe of the core (quiet.h) and how a timed window
 * uses it: probes are positive; the floor only ever goes down; a probe is
 * quiet within QUIET_MARGIN of the floor, and always when the floor is
 * not known; a wait ends at a quiet probe or at its budget; a window keeps
 * its quiet samples when it has enough of them, and all of them when not;
 * a window whose core is never quiet still gives a figure, and --repeat
 * keeps every sample.  No check is about a speed: the floors used are far
 * below or far above any probe a machine can take.
 */
#include <math.h>

#include "broken_backends.h"
#include "quiet.h"
#include "replay.h"
#include "suites.h"
#include "timed.h"
#include "trace.h"

START_TEST(test_probes_are_positive)
{
    for (int i = 0; i < 5; i++) {
        double probe = quiet_probe();
        ck_assert(probe > 0 && isfinite(probe));
    }
}
END_TEST

START_TEST(test_quiet_within_the_margin_of_the_floor)
{
    ck_assert(quiet_is(4.0, 4.0));
    ck_assert(quiet_is(4.0 * (1 + QUIET_MARGIN) * 0.999, 4.0));
    ck_assert(!quiet_is(4.0 * (1 + QUIET_MARGIN) * 1.001, 4.0));
    ck_assert(!quiet_is(8.0, 4.0));
    ck_assert(quiet_is(3.0, 4.0)); /* below the floor: quieter still */
    /* nothing known, or nothing measured: every probe is quiet */
    ck_assert(quiet_is(100.0, 0));
    ck_assert(quiet_is(100.0, NAN));
    ck_assert(quiet_is(NAN, 4.0));
}
END_TEST

START_TEST(test_the_floor_only_goes_down)
{
    double floor = 0;
    quiet_note(&floor, 5.0); /* unknown: the first probe sets it */
    ck_assert_double_eq(floor, 5.0);
    quiet_note(&floor, 6.0);
    ck_assert_double_eq(floor, 5.0);
    quiet_note(&floor, 4.5);
    ck_assert_double_eq(floor, 4.5);
    quiet_note(&floor, NAN);
    quiet_note(&floor, 0);
    ck_assert_double_eq(floor, 4.5);
    floor = NAN;
    quiet_note(&floor, 7.0);
    ck_assert_double_eq(floor, 7.0);
}
END_TEST

START_TEST(test_the_process_learns_the_lowest_floor)
{
    /* Floors far above any real probe, so that the runs of later tests
     * are not changed by what this one teaches. */
    quiet_learn(1e6);
    double known = quiet_known_floor();
    ck_assert(known > 0 && known <= 1e6);
    quiet_learn(2e6);
    ck_assert_double_eq(quiet_known_floor(), known);
    quiet_learn(NAN);
    ck_assert_double_eq(quiet_known_floor(), known);
}
END_TEST

START_TEST(test_a_wait_ends_at_a_quiet_probe)
{
    double floor = 1e6, spent = 0; /* every probe is far below it */
    double probe = quiet_wait(&floor, 10.0, &spent);
    ck_assert(quiet_is(probe, floor));
    ck_assert_double_eq(floor, probe); /* and lowered the floor to it */
    ck_assert(spent >= 0 && spent < 10.0);
    floor = 0; /* unknown: the first probe is the floor, and quiet */
    probe = quiet_wait(&floor, 10.0, &spent);
    ck_assert_double_eq(floor, probe);
}
END_TEST

START_TEST(test_a_wait_ends_at_its_budget)
{
    double floor = 1e-6, spent = 0.5; /* no probe can be this fast */
    double probe = quiet_wait(&floor, 0.02, &spent);
    ck_assert(!quiet_is(probe, floor));
    ck_assert_double_eq(floor, 1e-6);
    ck_assert(spent >= 0.52); /* the budget spent, added to what was */
}
END_TEST

START_TEST(test_a_window_keeps_its_quiet_samples)
{
    double samples[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const unsigned char quiet[8] = {1, 0, 1, 1, 0, 0, 1, 1};
    ck_assert_uint_eq(quiet_select(samples, quiet, 8, 5), 5);
    const double kept[5] = {1, 3, 4, 7, 8};
    for (int i = 0; i < 5; i++)
        ck_assert_double_eq(samples[i], kept[i]);
}
END_TEST

START_TEST(test_too_few_quiet_samples_keep_them_all)
{
    double samples[6] = {1, 2, 3, 4, 5, 6};
    const unsigned char quiet[6] = {0, 1, 0, 1, 0, 0};
    ck_assert_uint_eq(quiet_select(samples, quiet, 6, 3), 6);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq(samples[i], i + 1);
    const unsigned char none[6] = {0};
    ck_assert_uint_eq(quiet_select(samples, none, 6, 1), 6);
}
END_TEST

static void parse(struct trace *t)
{
    static const char text[] = "a 0 24\na 1 100\nf 0\nr 1 300\nf 1\n";
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("quiet.rep", text, sizeof text - 1, t, error) ==
                      0,
                  "%s", error);
}

START_TEST(test_a_core_never_quiet_still_gives_a_figure)
{
    struct trace t;
    parse(&t);
    struct replay_options options = {.quiet_floor_ns = 1e-6};
    struct run_result r = {0};
    timed_replay(&bump_allocator, &t, &options, &r);
    ck_assert(r.ops_per_sec > 0);
    ck_assert_uint_ge(r.samples, TIMED_PARTS);
    ck_assert_double_eq(r.quiet_floor_ns, 1e-6); /* nothing got below */
    trace_free(&t);
}
END_TEST

START_TEST(test_a_window_reports_the_floor_it_saw)
{
    struct trace t;
    parse(&t);
    struct replay_options options = {0}; /* floor not known */
    struct run_result r = {0};
    timed_replay(&bump_allocator, &t, &options, &r);
    ck_assert(r.ops_per_sec > 0);
    ck_assert(r.quiet_floor_ns > 0 && isfinite(r.quiet_floor_ns));
    options.quiet_floor_ns = 1e6; /* far above: lowered by the probes */
    timed_replay(&bump_allocator, &t, &options, &r);
    ck_assert(r.quiet_floor_ns < 1e6);
    trace_free(&t);
}
END_TEST

START_TEST(test_repeat_keeps_every_sample)
{
    struct trace t;
    parse(&t);
    struct replay_options options = {.repeat = 9, .quiet_floor_ns = 1e-6};
    struct run_result r = {0};
    timed_replay(&bump_allocator, &t, &options, &r);
    ck_assert_uint_eq(r.samples, 9);
    ck_assert_double_eq(r.quiet_floor_ns, 1e-6); /* no probe taken */
    trace_free(&t);
}
END_TEST

static Suite *quiet_suite(void)
{
    Suite *suite = suite_create("quiet");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_probes_are_positive);
    tcase_add_test(tc, test_quiet_within_the_margin_of_the_floor);
    tcase_add_test(tc, test_the_floor_only_goes_down);
    tcase_add_test(tc, test_the_process_learns_the_lowest_floor);
    tcase_add_test(tc, test_a_wait_ends_at_a_quiet_probe);
    tcase_add_test(tc, test_a_wait_ends_at_its_budget);
    tcase_add_test(tc, test_a_window_keeps_its_quiet_samples);
    tcase_add_test(tc, test_too_few_quiet_samples_keep_them_all);
    tcase_add_test(tc, test_a_core_never_quiet_still_gives_a_figure);
    tcase_add_test(tc, test_a_window_reports_the_floor_it_saw);
    tcase_add_test(tc, test_repeat_keeps_every_sample);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(quiet_suite)
