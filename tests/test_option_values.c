/*
 * test_option_values.c -- the numbers the subcommands read from their
 * command lines (driver/option_values.c): the whole text is the number,
 * ranges are inclusive, and what strtoul or strtod would quietly skip or
 * stop at is refused.
 */
#include <stdint.h>

#include "../driver/option_values.h"
#include "suites.h"

START_TEST(counts_in_range)
{
    uint64_t v = 7;
    ck_assert_int_eq(option_number("1", 0, 1, 10, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(option_number("10", 0, 1, 10, &v), 0);
    ck_assert_uint_eq(v, 10);
    ck_assert_int_eq(option_number("18446744073709551615", 0, 0, UINT64_MAX,
                                   &v),
                     0);
    ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(counts_refused)
{
    static const char *const bad[] = {"",   "0",  "11", " 5", "+5",
                                      "-1", "5x", "5 ", "1e3", "0x5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint64_t v = 42;
        ck_assert_msg(option_number(bad[i], 0, 1, 10, &v) == -1,
                      "'%s' was taken", bad[i]);
        ck_assert_uint_eq(v, 42); /* untouched */
    }
    uint64_t v = 42;
    ck_assert_int_eq(option_number("18446744073709551616", 0, 0, UINT64_MAX,
                                   &v),
                     -1);
}
END_TEST

START_TEST(hex_only_when_asked)
{
    uint64_t v = 0;
    ck_assert_int_eq(option_number("0x1F", 1, 0, UINT64_MAX, &v), 0);
    ck_assert_uint_eq(v, 31);
    ck_assert_int_eq(option_number("0x", 1, 0, UINT64_MAX, &v), -1);
    ck_assert_int_eq(option_number("0x-1", 1, 0, UINT64_MAX, &v), -1);
    ck_assert_int_eq(option_number("0x1F", 0, 0, UINT64_MAX, &v), -1);
    ck_assert_int_eq(option_number("31", 1, 0, UINT64_MAX, &v), 0);
    ck_assert_uint_eq(v, 31);
}
END_TEST

START_TEST(seconds)
{
    double s = 0;
    ck_assert_int_eq(option_seconds("2", &s), 0);
    ck_assert(s == 2.0);
    ck_assert_int_eq(option_seconds("0.5", &s), 0);
    ck_assert(s == 0.5);
    ck_assert_int_eq(option_seconds("1e-3", &s), 0);
    ck_assert(s == 1e-3);
    static const char *const bad[] = {"", "0", "-1", "+1", " 1", "1s",
                                      "inf", "nan", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s = 9;
        ck_assert_msg(option_seconds(bad[i], &s) == -1, "'%s' was taken",
                      bad[i]);
        ck_assert(s == 9);
    }
}
END_TEST

static Suite *option_values_suite(void)
{
    Suite *suite = suite_create("option_values");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, counts_in_range);
    tcase_add_test(tc, counts_refused);
    tcase_add_test(tc, hex_only_when_asked);
    tcase_add_test(tc, seconds);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(option_values_suite)
