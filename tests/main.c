/*
 * main.c -- the test runner: every suite registered with TEST_SUITE, each
 * test in its own process (Check's fork mode), one summary line at the end.
 *
 *   build/tests/heaplab-tests               run everything
 *   CK_RUN_SUITE=memlib build/tests/...     one suite (Check's variables)
 */
#include "suites.h"

#include <stdlib.h>

enum { MAX_SUITES = 64 };

static struct {
    suite_maker *makers[MAX_SUITES];
    int count;
} registered;

void tests_register(suite_maker *make)
{
    if (registered.count == MAX_SUITES)
        abort();
    registered.makers[registered.count++] = make;
}

int tests_sanitized(void)
{
    const char *value = getenv("HEAPLAB_SANITIZED");
    return value != NULL && *value != '\0' && *value != '0';
}

const char *tests_root(void)
{
    const char *root = getenv("HEAPLAB_ROOT");
    return root != NULL && *root != '\0' ? root : ".";
}

int main(void)
{
    if (registered.count == 0)
        return EXIT_FAILURE;
    SRunner *runner = srunner_create(registered.makers[0]());
    for (int i = 1; i < registered.count; i++)
        srunner_add_suite(runner, registered.makers[i]());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
