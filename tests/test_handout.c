/*
 * test_handout.c -- every lab's handout as a student gets it (suite
 * "handout"): `labs/handout.sh LAB` packs it, and in a folder of its own
 * the tarball alone must
 *
 *   - hold no file of the lab's solution and nothing private (hidden
 *     traces, the rubric's private lines), and the starter in the
 *     solution's place;
 *   - build with its own Makefile (`make`, and the tests' runner);
 *   - run: `heaplab run` reports every trace failing, naming the NULL the
 *     starter returns, rather than crashing; the lab's tests fail with the
 *     same words; `heaplab grade` by the public rubric gives 0, and works.
 *
 * It builds with -O0 to stay quick.  The sanitized runner skips it: it
 * tests packaging and the plain tools, not heaplab's code.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_shell.h"
#include "suites.h"

static const struct handout {
    const char *lab;
    const char *backend;
    const char *starter;
    const char *solution; /* allocators/ files that must not ship */
    const char *private_names; /* traces of labs/LAB/private/ */
} handouts[] = {
    {"lab1-pad", "pad", "pad.c", "pad.c", "hidden-fifo hidden-mixed"},
    {"lab2-dlist", "dlist", "dlist.c",
     "dlist.c dlist_core.c dlist_core.h dlist_best.c dlist_next.c "
     "dlist_worst.c",
     "hidden-random hidden-phases"},
    {"lab3-bins", "bins", "bins.c", "bins.c",
     "hidden-correct hidden-util-random hidden-util-phases hidden-worst"},
    {"lab4-hybrid", "hybrid", "hybrid.c", "hybrid.c",
     "hidden-big-real hidden-big-fifo"},
};

enum { HANDOUTS = sizeof handouts / sizeof handouts[0] };

static char folder[64]; /* the test's: dist/ and the unpacked handout */
static char top[128];   /* folder/LAB, the handout's top */

static void expect_shell(const char *dir, const char *command,
                         unsigned seconds, int expected_rc, const char *why)
{
    char *said = NULL;
    int rc = run_shell(dir, command, seconds, &said);
    ck_assert_msg(rc == expected_rc, "%s: `%s` exits %d, not %d:%s", why,
                  command, rc, expected_rc, first_lines(said, 12));
    free(said);
}

/* Packs and unpacks the handout of h in folder. */
static void unpack(const struct handout *h)
{
    make_temp_dir(folder, "handout");
    /* the grader's sandbox compiles as another user: the handout must be
     * readable, as a student's home folder is */
    ck_assert_int_eq(chmod(folder, 0755), 0);
    char command[512];
    snprintf(command, sizeof command,
             "labs/handout.sh %s '%s/dist' && tar -xzf '%s/dist/%s.tar.gz' "
             "-C '%s'",
             h->lab, folder, folder, h->lab, folder);
    expect_shell(NULL, command, 60, 0, "packing the handout");
    snprintf(top, sizeof top, "%s/%s", folder, h->lab);
}

START_TEST(handout_holds_no_solution_and_nothing_private)
{
    if (tests_sanitized())
        return;
    const struct handout *h = &handouts[_i];
    unpack(h);
    char command[2048];
    /* no shipped file is one of the solution's, or a private one */
    snprintf(command, sizeof command,
             "cd '%s' && for f in $(find . -type f); do "
             "for s in %s; do if cmp -s \"$f\" \"$OLDPWD/allocators/$s\"; "
             "then echo \"$f is allocators/$s\"; exit 1; fi; done; "
             "for p in \"$OLDPWD\"/labs/%s/private/*; do "
             "if cmp -s \"$f\" \"$p\"; then echo \"$f is $p\"; exit 1; fi; "
             "done; done",
             top, h->solution, h->lab);
    expect_shell(NULL, command, 60, 0, "the handout ships a file it must not");
    snprintf(command, sizeof command, "cmp allocators/%s '%s/labs/%s/%s'",
             h->starter, tests_root(), h->lab, h->starter);
    expect_shell(top, command, 10, 0, "the starter is not in place");
    /* the rubric: no private line, no hidden trace named */
    char names[256]; /* the hidden traces' names as one alternation */
    snprintf(names, sizeof names, "%s", h->private_names);
    for (char *space = strchr(names, ' '); space; space = strchr(space, ' '))
        *space = '|';
    snprintf(command, sizeof command,
             "! grep -n -E '[;#][[:space:]]*private|%s' rubric.conf && "
             "for t in %s; do [ ! -e traces/$t.rep ] || exit 1; done",
             names, h->private_names);
    expect_shell(top, command, 10, 0, "the handout shows a private part");
    expect_shell(top, "grep -q 'make run' README.md && "
                      "grep -q 'make test' README.md && test -s handout.md "
                      "&& test -s sample-output.txt",
                 10, 0, "README.md, handout.md or sample-output.txt");
    remove_temp_dir(folder);
}
END_TEST

START_TEST(handout_builds_runs_and_fails_clearly)
{
    if (tests_sanitized())
        return;
    const struct handout *h = &handouts[_i];
    unpack(h);
    expect_shell(top,
                 "make -j2 CFLAGS='-O0' all build/tests/heaplab-tests "
                 ">build.log 2>&1 || { tail -n 30 build.log; exit 1; }",
                 600, 0, "the handout does not build from its tarball");
    char command[512];
    snprintf(command, sizeof command,
             "bin/heaplab run -a %s --no-timing traces/", h->backend);
    char *said = NULL;
    int rc = run_shell(top, command, 120, &said);
    ck_assert_msg(rc == 1 && strstr(said, "returned NULL") &&
                      strstr(said, " runs passed; "),
                  "the starter under `%s`: exit %d (not 1: runs that fail, "
                  "reported):%s",
                  command, rc, first_lines(said, 12));
    free(said);
    rc = run_shell(top,
                   "env -u CK_RUN_SUITE -u CK_RUN_CASE build/tests/heaplab-tests",
                   120, &said);
    ck_assert_msg(rc == 1 && strstr(said, "Failures") &&
                      strstr(said, "returned NULL"),
                  "the lab's tests on the starter: exit %d:%s", rc,
                  first_lines(said, 12));
    free(said);
    rc = run_shell(top,
                   "bin/heaplab grade -q --json --rubric rubric.conf "
                   "allocators",
                   240, &said);
    json_t *grade = json_loads(said, 0, NULL);
    ck_assert_msg(rc == 0 && grade != NULL, "make grade's command: exit %d:%s",
                  rc, first_lines(said, 12));
    ck_assert_msg(json_is_true(json_object_get(grade, "built")) &&
                      json_number_value(json_object_get(grade, "score")) == 0,
                  "the starter graded in its handout: %s",
                  first_lines(said, 6));
    json_decref(grade);
    free(said);
    remove_temp_dir(folder);
}
END_TEST

static Suite *handout_suite(void)
{
    Suite *s = suite_create("handout");
    TCase *contents = tcase_create("contents");
    tcase_set_timeout(contents, 120);
    tcase_add_loop_test(contents, handout_holds_no_solution_and_nothing_private,
                        0, HANDOUTS);
    suite_add_tcase(s, contents);
    TCase *build = tcase_create("build");
    tcase_set_timeout(build, 600);
    tcase_add_loop_test(build, handout_builds_runs_and_fails_clearly, 0,
                        HANDOUTS);
    suite_add_tcase(s, build);
    return s;
}

TEST_SUITE(handout_suite)
