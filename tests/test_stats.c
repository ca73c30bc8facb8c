/*
 * test_stats.c -- the order statistics of driver/stats.h: the median of
 * odd and even counts, NAN for none, the spread (max - min) / median, and
 * NAN where the median cannot divide.
 */
#include <math.h>

#include "stats.h"
#include "suites.h"

START_TEST(test_median_odd_and_even)
{
    double odd[] = {5, 1, 4, 2, 3};
    ck_assert_double_eq(stats_median(odd, 5), 3);
    ck_assert_double_eq(odd[0], 1); /* sorted in place */
    ck_assert_double_eq(odd[4], 5);
    double even[] = {4, 1, 3, 2};
    ck_assert_double_eq(stats_median(even, 4), 2.5);
    double one[] = {7};
    ck_assert_double_eq(stats_median(one, 1), 7);
    ck_assert(isnan(stats_median(one, 0)));
}
END_TEST

START_TEST(test_spread)
{
    double v[] = {1.0, 0.5, 0.25, 0.667, 0.333};
    ck_assert_double_eq_tol(stats_spread(v, 5), (1.0 - 0.25) / 0.5, 1e-12);
    double same[] = {2, 2, 2};
    ck_assert_double_eq(stats_spread(same, 3), 0);
    double zero[] = {0, 0, 1};
    ck_assert(isnan(stats_spread(zero, 3)));
    ck_assert(isnan(stats_spread(zero, 0)));
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *suite = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_median_odd_and_even);
    tcase_add_test(tc, test_spread);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(stats_suite)
