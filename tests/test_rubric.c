/*
 * test_rubric.c -- the autograder's parts that need no submission: the
 * rubric reader (the shipped and test rubrics, every error with its file
 * and line), the score formulas on grades made by hand, the trimming of
 * outside text, and results.json and the Autolab line of a made-up
 * grade.  tests/test_grade.c grades real submissions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "grade.h"
#include "results.h"
#include "rubric.h"
#include "suites.h"
#include "text.h"

static char scratch[64];

static void make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/heaplab-rubric-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void remove_scratch(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    ck_assert_int_eq(system(command), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s", path);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* --- rubric ------------------------------------------------------------- */

static char rubric_path[4200];

static void rubric_error(const char *text, const char *expected)
{
    char path[128];
    snprintf(path, sizeof path, "%s/r.conf", scratch);
    write_text(path, text);
    static struct rubric r;
    char error[RUBRIC_ERROR_MAX];
    ck_assert_int_eq(rubric_load(path, tests_root(), &r, error), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s/r.conf:%s", scratch, expected);
    ck_assert_str_eq(error, want);
}

START_TEST(the_test_rubric_reads)
{
    static struct rubric r;
    char error[RUBRIC_ERROR_MAX];
    snprintf(rubric_path, sizeof rubric_path, "%s/tests/grading/grade.conf",
             tests_root());
    ck_assert_msg(rubric_load(rubric_path, tests_root(), &r, error) == 0, "%s",
                  error);
    ck_assert_str_eq(r.lab, "bins");
    ck_assert_str_eq(r.symbol, "bins_allocator");
    ck_assert_uint_eq(r.files.count, 1);
    ck_assert_str_eq(r.files.names[0], "bins.c");
    ck_assert_uint_eq(r.correctness.count, 4);
    ck_assert_str_eq(r.correctness.names[3], "mixed");
    ck_assert_uint_eq(r.correctness.lines[0], 14);
    ck_assert_uint_eq(r.performance.count, 2);
    ck_assert_int_eq(r.performance.weights[0], 1);
    ck_assert_str_eq(r.reference, "bins");
    ck_assert(r.util.min == 0.2 && r.util.max == 0.9);
    ck_assert(r.throughput.min == 0.05 && r.throughput.max == 0.1);
    ck_assert_uint_eq(r.memory, (size_t)64 << 20);
    ck_assert_uint_eq(r.output_keep, 4096);
    ck_assert(r.timeout == 2 && r.cpu == 2 && r.compile_timeout == 60);
    ck_assert_uint_eq(r.rounds, 3);
    ck_assert(rubric_max_points(&r) == 100);
    ck_assert_ptr_nonnull(strstr(r.trace_dir, "/tests/grading/traces"));
    /* the defaults: the C library's allocator is forbidden */
    int malloc_forbidden = 0;
    for (size_t i = 0; i < r.forbid.count; i++)
        malloc_forbidden |= strcmp(r.forbid.names[i], "malloc") == 0;
    ck_assert(malloc_forbidden);
    ck_assert_str_eq(r.autolab_correctness, "Correctness");
    ck_assert_str_eq(r.visibility, "visible");
    ck_assert_str_eq(r.user, "nobody"); /* who runs submissions for root */
}
END_TEST

START_TEST(the_shipped_rubrics_read)
{
    static const char *const names[] = {"bins"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        static struct rubric r;
        char path[4200], error[RUBRIC_ERROR_MAX];
        snprintf(path, sizeof path, "%s/grading/rubrics/%s.conf", tests_root(),
                 names[i]);
        ck_assert_msg(rubric_load(path, tests_root(), &r, error) == 0, "%s",
                      error);
        ck_assert(rubric_max_points(&r) == 100);
        ck_assert_uint_gt(r.performance.count, 0);
    }
}
END_TEST

START_TEST(rubric_errors_name_file_and_line)
{
    make_scratch();
    char head[256];
    snprintf(head, sizeof head,
             "[lab]\ntrace_dir = %s/tests/grading/"
             "traces\n",
             tests_root());
    char text[1024];
    snprintf(text, sizeof text, "%s[correctness]\npoints = 10\nbogus = 1\n",
             head);
    rubric_error(text, "5: [correctness] has no key 'bogus'");
    rubric_error("[grading]\nx = 1\n",
                 "2: unknown section [grading] (sections: lab, correctness, "
                 "performance, utilization, throughput, checker, limits, "
                 "feedback, autolab)");
    rubric_error("[utilization]\nmax = 120%\n",
                 "2: [utilization] max: '120%' is not a fraction from 0 to 1 "
                 "(or 0% to 100%)");
    rubric_error("[limits]\ntimeout = 5\ntimeout = 6\n",
                 "3: [limits] timeout is given twice (first on line 2)");
    rubric_error("[limits]\nmemory = lots\n",
                 "2: [limits] memory: 'lots' is not a size (like 4096, 64K, "
                 "512M, 1G)");
    rubric_error("[correctness]\nrequire_checker = perhaps\n",
                 "2: [correctness] require_checker: 'perhaps' is not yes or "
                 "no");
    rubric_error("this is not ini\n",
                 "1: not a key = value line (or a [section] line)");
    snprintf(text, sizeof text,
             "%s[correctness]\npoints = 4\ntraces = small"
             "\n         nosuch\n",
             head);
    char expected[512];
    snprintf(expected, sizeof expected,
             "6: trace 'nosuch': no file %s/tests/grading/traces/nosuch.rep",
             tests_root());
    /* the folder is resolved: compare from the trace's name on */
    char path[128];
    snprintf(path, sizeof path, "%s/r.conf", scratch);
    write_text(path, text);
    static struct rubric r;
    char error[RUBRIC_ERROR_MAX];
    ck_assert_int_eq(rubric_load(path, tests_root(), &r, error), -1);
    ck_assert_msg(strstr(error, ":6: trace 'nosuch': no file ") != NULL &&
                      strstr(error, "/tests/grading/traces/nosuch.rep"),
                  "%s", error);
    snprintf(text, sizeof text,
             "%s[performance]\ntraces = small\nreference "
             "= nosuch\n[utilization]\npoints = 5\n",
             head);
    rubric_error(text, "5: [performance] reference: 'nosuch' is not a "
                       "backend (see 'heaplab list')");
    snprintf(text, sizeof text,
             "%s[performance]\ntraces = small\n"
             "[utilization]\npoints = 5\nmin = 0.9\n"
             "max = 0.5\n",
             head);
    rubric_error(text, "8: [utilization] min (0.9) must be below max (0.5)");
    snprintf(text, sizeof text,
             "%sfiles = bins.o\n[correctness]\npoints = "
             "4\ntraces = small\n",
             head);
    rubric_error(text, "3: [lab] files: 'bins.o' is not a plain NAME.c or "
                       "NAME.h");
    rubric_error("[lab]\nname = x\n", "2: no traces: give [correctness] "
                                      "traces or [performance] traces");
    char longline[400];
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "[lab]\nname = ", 13);
    memcpy(longline + sizeof longline - 2, "\n", 2);
    rubric_error(longline, "2: line longer than 198 characters: continue a "
                           "list on the next line, indented");
    remove_scratch();
}
END_TEST

START_TEST(sizes_parse)
{
    size_t bytes;
    ck_assert_int_eq(rubric_parse_bytes("4096", &bytes), 0);
    ck_assert_uint_eq(bytes, 4096);
    ck_assert_int_eq(rubric_parse_bytes("64K", &bytes), 0);
    ck_assert_uint_eq(bytes, 65536);
    ck_assert_int_eq(rubric_parse_bytes("512MiB", &bytes), 0);
    ck_assert_uint_eq(bytes, (size_t)512 << 20);
    ck_assert_int_eq(rubric_parse_bytes("1g", &bytes), 0);
    ck_assert_uint_eq(bytes, (size_t)1 << 30);
    ck_assert_int_eq(rubric_parse_bytes("-1", &bytes), -1);
    ck_assert_int_eq(rubric_parse_bytes("12X", &bytes), -1);
    ck_assert_int_eq(rubric_parse_bytes("", &bytes), -1);
}
END_TEST

/* --- score -------------------------------------------------------------- */

/* A rubric and a grade made by hand: 4 correctness traces, 2 of them
 * performance traces too. */
static struct rubric hand_rubric;
static struct trace_grade hand_traces[4];

static struct grade hand_grade(void)
{
    memset(&hand_rubric, 0, sizeof hand_rubric);
    struct rubric *r = &hand_rubric;
    snprintf(r->lab, sizeof r->lab, "bins");
    snprintf(r->reference, sizeof r->reference, "libc");
    r->correctness_points = 40;
    r->correctness.count = 4;
    r->performance.count = 2;
    r->util = (struct rubric_scale){.points = 30, .min = 0.5, .max = 0.9};
    r->throughput =
        (struct rubric_scale){.points = 30, .min = 0.5, .max = 1.0};
    r->rounds = 5;
    r->repeat = 3;
    snprintf(r->visibility, sizeof r->visibility, "visible");
    snprintf(r->stdout_visibility, sizeof r->stdout_visibility, "hidden");
    snprintf(r->autolab_correctness, RUBRIC_NAME_MAX, "Correct");
    snprintf(r->autolab_util, RUBRIC_NAME_MAX, "Util");
    snprintf(r->autolab_throughput, RUBRIC_NAME_MAX, "Speed");
    static const char *const names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        hand_traces[i] = (struct trace_grade){.correctness = 1,
                                              .performance = i >= 2,
                                              .verdict = VERDICT_OK,
                                              .weight = 1,
                                              .util = 0.8,
                                              .ratio = NAN};
        snprintf(hand_traces[i].name, sizeof hand_traces[i].name, "%s",
                 names[i]);
    }
    hand_traces[1].verdict = VERDICT_CRASH;
    snprintf(hand_traces[1].message, sizeof hand_traces[1].message,
             "b.rep:3: a 0 8: crashed");
    hand_traces[2].ratio = 0.9;
    hand_traces[3].ratio = 0.7;
    hand_traces[3].util = 0.6;
    struct grade g = {
        .rubric = r, .count = 4, .traces = hand_traces, .built = 1};
    snprintf(g.submission, sizeof g.submission, "alice");
    return g;
}

START_TEST(scores_follow_the_formulas)
{
    struct rubric_scale s = {.points = 30, .min = 0.5, .max = 0.9};
    ck_assert(scale_points(&s, 0.4) == 0);
    ck_assert(scale_points(&s, 0.5) == 0);
    ck_assert(fabs(scale_points(&s, 0.7) - 15) < 1e-9);
    ck_assert(scale_points(&s, 0.95) == 30);
    ck_assert(scale_points(&s, NAN) == 0);

    struct grade g = hand_grade();
    grade_score(&g);
    ck_assert_uint_eq(g.passed, 3);
    ck_assert(g.correctness == 30);            /* 3 of 4 traces, 10 each */
    ck_assert(fabs(g.mean_util - 0.7) < 1e-9); /* (0.8 + 0.6) / 2 */
    ck_assert(g.util_points == 15);
    ck_assert(fabs(g.mean_ratio - 0.8) < 1e-9); /* (0.9 + 0.7) / 2 */
    ck_assert(g.throughput_points == 18);       /* 30 * 0.3 / 0.5 */
    ck_assert(g.total == 63 && g.max_total == 100);

    /* a performance trace that fails counts 0 in both means */
    hand_traces[3].verdict = VERDICT_TIMEOUT;
    grade_score(&g);
    ck_assert(fabs(g.mean_util - 0.4) < 1e-9);
    ck_assert(g.util_points == 0);
    ck_assert(fabs(g.mean_ratio - 0.45) < 1e-9);
    ck_assert(g.total == 20);
    ck_assert(hand_traces[3].points == 0 && hand_traces[3].max_points == 10);

    /* components round to hundredths, and the total is their sum */
    hand_traces[3].verdict = VERDICT_OK;
    hand_traces[3].util = 0.6123456;
    grade_score(&g);
    ck_assert(g.util_points == 15.46); /* 30 * (0.7061728 - 0.5) / 0.4 */
    ck_assert(
        g.total ==
        round((g.correctness + g.util_points + g.throughput_points) * 100) /
            100);

    char *formulas = grade_formulas(g.rubric);
    ck_assert_ptr_nonnull(strstr(formulas, "30 * clamp((U - 0.50) / (0.90 "
                                           "- 0.50), 0, 1)"));
    ck_assert_ptr_nonnull(strstr(formulas, "the reference 'libc'"));
    ck_assert_ptr_nonnull(strstr(formulas, "10.00 for each of the 4"));
    free(formulas);
}
END_TEST

START_TEST(outside_text_is_cleaned_and_trimmed)
{
    const char raw[] = "one\r\ntwo\x01\xff\nthree\nfour\n";
    char *t = text_trim(raw, sizeof raw - 1, 0, 2, 100);
    ck_assert_str_eq(t, "one\ntwo??\n[... 2 more lines]");
    free(t);
    t = text_trim(raw, sizeof raw - 1, 0, 100, 5);
    ck_assert_str_eq(t, "one\nt\n[... 16 more bytes]");
    free(t);
    t = text_trim("abc", 3, 1000, 10, 100);
    ck_assert_str_eq(t, "abc\n[... 1000 more bytes]");
    free(t);
    t = text_trim("", 0, 0, 10, 100);
    ck_assert_str_eq(t, "");
    free(t);
}
END_TEST

START_TEST(results_of_a_made_up_grade)
{
    struct grade g = hand_grade();
    grade_score(&g);

    char *line = results_autolab(&g);
    json_error_t error;
    json_t *autolab = json_loads(line, 0, &error);
    ck_assert_msg(autolab != NULL, "%s: %s", line, error.text);
    ck_assert_ptr_null(strchr(line, '\n'));
    json_t *scores = json_object_get(autolab, "scores");
    ck_assert_uint_eq(json_object_size(scores), 3);
    ck_assert(json_number_value(json_object_get(scores, "Correct")) == 30);
    ck_assert(json_number_value(json_object_get(scores, "Util")) == 15);
    ck_assert(json_number_value(json_object_get(scores, "Speed")) == 18);
    json_t *board = json_object_get(autolab, "scoreboard");
    ck_assert_uint_eq(json_array_size(board), 3);
    ck_assert(json_number_value(json_array_get(board, 0)) == 63);
    json_decref(autolab);
    free(line);

    json_t *gs = results_gradescope(&g);
    ck_assert(json_number_value(json_object_get(gs, "score")) == 63);
    json_t *tests = json_object_get(gs, "tests");
    ck_assert_uint_eq(json_array_size(tests), 6); /* 4 traces, util, speed */
    size_t i;
    json_t *test;
    json_array_foreach(tests, i, test)
    {
        static const char *const keys[] = {"name",   "score",  "max_score",
                                           "status", "output", "visibility"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            ck_assert_msg(json_object_get(test, keys[k]) != NULL, "%s",
                          keys[k]);
    }
    test = json_array_get(tests, 1);
    ck_assert_str_eq(json_string_value(json_object_get(test, "name")),
                     "correctness: b");
    ck_assert_str_eq(json_string_value(json_object_get(test, "status")),
                     "failed");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(test, "output")),
               "crash: b.rep:3: a 0 8: crashed"));
    ck_assert_uint_eq(json_array_size(json_object_get(gs, "leaderboard")), 2);
    json_decref(gs);

    char *report = results_report(&g);
    ck_assert_ptr_nonnull(strstr(report, "  total         63.00 / 100\n"));
    ck_assert_ptr_nonnull(strstr(report, "How the score is computed:"));
    free(report);
}
END_TEST

static Suite *rubric_suite(void)
{
    Suite *s = suite_create("rubric");
    TCase *rubric = tcase_create("rubric");
    tcase_add_test(rubric, the_test_rubric_reads);
    tcase_add_test(rubric, the_shipped_rubrics_read);
    tcase_add_test(rubric, rubric_errors_name_file_and_line);
    tcase_add_test(rubric, sizes_parse);
    suite_add_tcase(s, rubric);

    TCase *score = tcase_create("score");
    tcase_add_test(score, scores_follow_the_formulas);
    tcase_add_test(score, outside_text_is_cleaned_and_trimmed);
    tcase_add_test(score, results_of_a_made_up_grade);
    suite_add_tcase(s, score);
    return s;
}

TEST_SUITE(rubric_suite)
