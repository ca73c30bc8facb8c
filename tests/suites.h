/*
 * suites.h -- how a test file joins the one test runner.
 *
 * Each tests/NAME.c defines `static Suite *NAME_suite(void)` and ends with
 *
 *     TEST_SUITE(NAME_suite)
 *
 * which registers it before main runs; tests/main.c runs every registered
 * suite, in file-link order, and prints Check's summary line.
 */
#ifndef HEAPLAB_TESTS_SUITES_H
#define HEAPLAB_TESTS_SUITES_H

#include <check.h>

typedef Suite *suite_maker(void);

void tests_register(suite_maker *make);

/* Non-zero in the sanitized build (HEAPLAB_SANITIZED=1 in the environment):
 * tests that measure real memory of the C library skip their exact checks. */
int tests_sanitized(void);

/* The project's top folder (HEAPLAB_ROOT, else "."), for shipped files. */
const char *tests_root(void);

#define TEST_SUITE(make)                                                  \
    __attribute__((constructor)) static void register_##make(void)        \
    {                                                                     \
        tests_register(make);                                             \
    }

#endif /* HEAPLAB_TESTS_SUITES_H */
