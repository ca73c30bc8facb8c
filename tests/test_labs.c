/*
 * test_labs.c -- the labs of labs/ as a course runs them (suite "labs";
 * each lab's own public tests are the suites lab1-pad ... lab4-hybrid, and
 * the handouts are test_handout.c's):
 *
 *   files      the labs' traces and samples are what labs/make-traces.sh
 *              and labs/make-samples.sh write; every rubric loads
 *   grades     the staff's solution of each lab gets full marks by the
 *              lab's rubric, its starter gets 0 and builds
 *   checker    the [checker] rubric section, its errors to the letter, and
 *              the broken heaps of lab 2 against checkers that are wrong in
 *              each way a student's can be: they accept everything, reject
 *              everything, or follow pointers without looking
 *   sweep      lab 4's sweep.sh writes its data and its plot
 *
 * The grades and the sweep run bin/heaplab, the plain build: the sanitized
 * runner skips them.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker.h"
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "rubric.h"
#include "run_shell.h"
#include "suites.h"

/* The labs, their backends and the staff's files for each. */
static const struct lab {
    const char *name;
    const char *backend;
    const char *staff_files; /* from allocators/, handed in */
} course[] = {
    {"lab1-pad", "pad", "pad.c"},
    {"lab2-dlist", "dlist", "dlist.c dlist_core.h fit_policy.h"},
    {"lab3-bins", "bins", "bins.c"},
    {"lab4-hybrid", "hybrid", "hybrid.c"},
};

enum { LABS = sizeof course / sizeof course[0] };

/* --- files -------------------------------------------------------------- */

START_TEST(lab_traces_are_what_make_traces_writes)
{
    char dir[64], command[1024];
    make_temp_dir(dir, "lab-traces");
    snprintf(command, sizeof command,
             "labs/make-traces.sh '%s' && cd '%s' && for f in */*/*.rep; do "
             "cmp \"$f\" \"$OLDPWD/labs/$f\" || exit 1; done && "
             "cd \"$OLDPWD\" && for f in labs/*/traces/*.rep "
             "labs/*/private/*.rep; do [ -f '%s/'\"${f#labs/}\" ] || "
             "{ echo \"$f: made by no line of labs/make-traces.sh\"; "
             "exit 1; }; done",
             dir, dir, dir);
    char *said = NULL;
    int rc = run_shell(NULL, command, 60, &said);
    ck_assert_msg(rc == 0, "labs/make-traces.sh does not write the shipped "
                  "traces (run it again, or fix it):%s", first_lines(said, 8));
    free(said);
    remove_temp_dir(dir);
}
END_TEST

START_TEST(samples_are_what_make_samples_writes)
{
    const struct lab *lab = &course[_i];
    char command[512];
    snprintf(command, sizeof command,
             "SAMPLE_STDOUT=1 labs/make-samples.sh %s | "
             "cmp - labs/%s/sample-output.txt",
             lab->name, lab->name);
    char *said = NULL;
    int rc = run_shell(NULL, command, 60, &said);
    ck_assert_msg(rc == 0, "labs/%s/sample-output.txt is not what the staff's "
                  "%s prints now: run labs/make-samples.sh %s%s", lab->name,
                  lab->backend, lab->name, first_lines(said, 4));
    free(said);
}
END_TEST

START_TEST(every_rubric_loads)
{
    static struct rubric r;
    char path[4200], error[RUBRIC_ERROR_MAX];
    snprintf(path, sizeof path, "%s/labs/%s/rubric.conf", tests_root(),
             course[_i].name);
    ck_assert_msg(rubric_load(path, tests_root(), &r, error) == 0, "%s",
                  error);
    ck_assert_msg(rubric_max_points(&r) == 100, "%s gives %g points, not 100",
                  path, rubric_max_points(&r));
    ck_assert_uint_eq(r.trace_dir_count, 3);
}
END_TEST

/* --- grades ------------------------------------------------------------- */

/* Grades folder `submission` by `rubric` with bin/heaplab; the JSON. */
static json_t *grade(const char *rubric, const char *submission)
{
    char command[1024];
    snprintf(command, sizeof command,
             "bin/heaplab grade -q --json --rubric '%s' '%s'", rubric,
             submission);
    char *said = NULL;
    int rc = run_shell(NULL, command, 240, &said);
    ck_assert_msg(rc == 0, "%s: exit %d%s", command, rc, first_lines(said, 8));
    json_t *grade = json_loads(said, 0, NULL);
    ck_assert_msg(grade != NULL, "not JSON:%s", first_lines(said, 8));
    free(said);
    return grade;
}

/* The first trace that did not pass, for a failing test's message. */
static const char *first_failure(const json_t *grade)
{
    static char line[1200];
    size_t i;
    json_t *trace;
    snprintf(line, sizeof line, "%s",
             json_string_value(json_object_get(grade, "build_feedback"))
                 ? json_string_value(json_object_get(grade, "build_feedback"))
                 : "");
    json_array_foreach(json_object_get(grade, "traces"), i, trace)
    {
        const char *verdict =
            json_string_value(json_object_get(trace, "verdict"));
        if (verdict != NULL && strcmp(verdict, "ok") != 0) {
            snprintf(line, sizeof line, "%s: %s",
                     json_string_value(json_object_get(trace, "name")),
                     json_string_value(json_object_get(trace, "message")));
            break;
        }
    }
    return line;
}

/* The throughput points a grade missed. */
static double throughput_short(const json_t *grade)
{
    const json_t *c = json_object_get(json_object_get(grade, "components"),
                                      "throughput");
    return json_number_value(json_object_get(c, "max_score")) -
           json_number_value(json_object_get(c, "score"));
}

/* sed arguments that make a copy of lab's rubric work from another
 * folder: its trace folders and fixture made absolute. */
static const char *absolute_paths(const char *lab)
{
    static char args[3 * 4200];
    snprintf(args, sizeof args,
             "-e 's|^trace_dir *=.*|trace_dir = %s/labs/%s/traces "
             "%s/labs/%s/private %s/traces|' "
             "-e 's|^fixture *= *|fixture = %s/labs/%s/|'",
             tests_root(), lab, tests_root(), lab, tests_root(), tests_root(),
             lab);
    return args;
}

/*
 * The staff's solution, handed in: allocators/FILE for each staff file.
 * dlist's is dlist.c over the shared core (dlist_core.h), which the
 * submission's program links anyway; its rubric forbids the core to
 * students, so the staff's is graded by a copy that hands in the headers
 * and forbids nothing else than the default.
 */
START_TEST(the_staff_solution_gets_full_marks)
{
    if (tests_sanitized())
        return;
    const struct lab *lab = &course[_i];
    char dir[64], command[16384], rubric[4200];
    make_temp_dir(dir, "lab-staff");
    snprintf(command, sizeof command,
             "mkdir '%s/staff' && for f in %s; do cp allocators/$f '%s/staff/'; "
             "done",
             dir, lab->staff_files, dir);
    ck_assert_int_eq(run_shell(NULL, command, 10, NULL), 0);
    snprintf(rubric, sizeof rubric, "%s/labs/%s/rubric.conf", tests_root(),
             lab->name);
    if (strchr(lab->staff_files, ' ') != NULL) {
        snprintf(rubric, sizeof rubric, "%s/staff.conf", dir);
        snprintf(command, sizeof command,
                 "sed -e 's/^files .*/files = %s/' -e '/^forbid/d' %s "
                 "labs/%s/rubric.conf > '%s'",
                 lab->staff_files, absolute_paths(lab->name), lab->name,
                 rubric);
        ck_assert_int_eq(run_shell(NULL, command, 10, NULL), 0);
    }
    char staff[80];
    snprintf(staff, sizeof staff, "%s/staff", dir);
    json_t *g = grade(rubric, staff);
    double score = json_number_value(json_object_get(g, "score"));
    if (score < 100 && fabs(throughput_short(g) - (100 - score)) < 0.02) {
        /* only the timing fell short, on a busy machine: once more */
        json_decref(g);
        g = grade(rubric, staff);
        score = json_number_value(json_object_get(g, "score"));
    }
    ck_assert_msg(score == 100, "the staff's %s gets %.2f of 100 by "
                  "labs/%s/rubric.conf: %s", lab->backend, score, lab->name,
                  first_failure(g));
    json_decref(g);
    remove_temp_dir(dir);
}
END_TEST

START_TEST(the_starter_builds_and_gets_nothing)
{
    if (tests_sanitized())
        return;
    const struct lab *lab = &course[_i];
    char dir[64], command[512], rubric[4200];
    make_temp_dir(dir, "lab-starter");
    snprintf(command, sizeof command, "cp labs/%s/%s.c '%s/'", lab->name,
             lab->backend, dir);
    ck_assert_int_eq(run_shell(NULL, command, 10, NULL), 0);
    snprintf(rubric, sizeof rubric, "%s/labs/%s/rubric.conf", tests_root(),
             lab->name);
    json_t *g = grade(rubric, dir);
    ck_assert_msg(json_is_true(json_object_get(g, "built")),
                  "the starter labs/%s/%s.c does not build: %s", lab->name,
                  lab->backend, first_failure(g));
    ck_assert_msg(json_object_get(g, "warnings") == NULL ||
                      json_is_null(json_object_get(g, "warnings")),
                  "the starter labs/%s/%s.c compiles with warnings: %s",
                  lab->name, lab->backend,
                  json_string_value(json_object_get(g, "warnings")));
    ck_assert_msg(json_number_value(json_object_get(g, "score")) == 0,
                  "the starter gets %.2f points",
                  json_number_value(json_object_get(g, "score")));
    /* every trace failed on its first malloc, saying so */
    ck_assert_msg(strstr(first_failure(g), "returned NULL") != NULL, "%s",
                  first_failure(g));
    json_decref(g);
    remove_temp_dir(dir);
}
END_TEST

/* --- checker ------------------------------------------------------------ */

static void rubric_error(const char *text, const char *expected)
{
    char dir[64], path[96], error[RUBRIC_ERROR_MAX];
    make_temp_dir(dir, "lab-rubric");
    snprintf(path, sizeof path, "%s/r.conf", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "[lab]\ntrace_dir = %s/tests/grading/traces\n"
               "[correctness]\npoints = 10\ntraces = small\n%s",
            tests_root(), text);
    ck_assert_int_eq(fclose(f), 0);
    static struct rubric r;
    ck_assert_int_eq(rubric_load(path, tests_root(), &r, error), -1);
    char want[RUBRIC_ERROR_MAX + 100];
    snprintf(want, sizeof want, "%s:%s", path, expected);
    ck_assert_str_eq(error, want);
    remove_temp_dir(dir);
}

START_TEST(checker_section_errors_name_file_and_line)
{
    rubric_error("[checker]\npoints = 5\n",
                 "7: [checker] points without cases");
    rubric_error("[checker]\ncases = a b\n",
                 "7: [checker] cases without a fixture (the C file that "
                 "defines them)");
    rubric_error("[checker]\ncases = a\nfixture = nosuch.c\n",
                 "8: [checker] fixture: no file nosuch.c");
    rubric_error("[checker]\nfixture =\n", "7: [checker] fixture: needs a "
                                           "file");
    char text[512];
    snprintf(text, sizeof text,
             "[checker]\ncases = a b\n         a\nfixture = "
             "%s/labs/lab2-dlist/tests/checker_cases.c\n",
             tests_root());
    rubric_error(text, "8: checker case 'a' is listed twice");
}
END_TEST

START_TEST(trace_dir_is_a_search_path)
{
    char dir[64], path[96], error[RUBRIC_ERROR_MAX];
    make_temp_dir(dir, "lab-search");
    snprintf(path, sizeof path, "%s/r.conf", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "[lab]\ntrace_dir = %s/labs/lab3-bins/traces %s/traces\n"
               "[correctness]\npoints = 10\ntraces = worst-timed worst\n",
            tests_root(), tests_root());
    ck_assert_int_eq(fclose(f), 0);
    static struct rubric r;
    ck_assert_msg(rubric_load(path, tests_root(), &r, error) == 0, "%s",
                  error);
    char file[8192];
    rubric_trace_path(&r, "worst-timed", file, sizeof file);
    ck_assert_ptr_nonnull(strstr(file, "/labs/lab3-bins/traces/worst-timed."));
    rubric_trace_path(&r, "worst", file, sizeof file);
    ck_assert_msg(strstr(file, "/labs/") == NULL &&
                      strstr(file, "/traces/worst.rep") != NULL,
                  "%s", file);
    ck_assert_int_eq(r.correctness.weights[0], 3); /* the CMU header's */
    remove_temp_dir(dir);
}
END_TEST

extern const struct allocator dlist_allocator;

static int accepts_everything(void)
{
    return 0;
}

static int rejects_everything(void)
{
    fprintf(stderr, "everything is wrong\n");
    return 1;
}

/* A checker written without looking: walks the heap by sizes and, from
 * each free chunk, the next links to the list's end, trusting every word. */
static int trusts_every_word(void)
{
    unsigned char *chunk = (unsigned char *)mem_heap_lo() + 8;
    unsigned char *end = (unsigned char *)mem_heap_hi() + 1;
    int problems = 0;
    while (chunk < end) {
        size_t header = *(size_t *)(void *)chunk, size = header & ~(size_t)15;
        problems += *(size_t *)(void *)(chunk + size - 8) != header;
        for (unsigned char *c = chunk; !(header & 1) && c != NULL;
             c = *(unsigned char **)(void *)(c + 8))
            problems += (*(size_t *)(void *)c & 1) != 0;
        chunk += size;
    }
    return problems;
}

static enum checker_verdict run_case(const char *name,
                                     int (*check)(void), char *message)
{
    struct allocator a = dlist_allocator;
    a.check = check;
    const struct checker_case *c = checker_find(heaplab_checker_cases, name);
    ck_assert_msg(c != NULL, "no case %s", name);
    return checker_run_case(c, &a, 1, 0, message);
}

START_TEST(a_checker_that_accepts_everything_passes_only_correct_heaps)
{
    char message[CHECKER_MESSAGE_MAX];
    for (const struct checker_case *c = heaplab_checker_cases; c->name; c++) {
        enum checker_verdict v = run_case(c->name, accepts_everything, message);
        if (c->corrupt == NULL) {
            ck_assert_msg(v == CHECKER_PASSED, "%s", message);
            ck_assert_ptr_nonnull(strstr(message, "accepted, as it should"));
        } else {
            ck_assert_msg(v == CHECKER_FAILED, "%s", message);
            char want[512];
            snprintf(want, sizeof want,
                     "%s: check() returned 0 on a broken heap: %s", c->name,
                     c->what);
            ck_assert_str_eq(message, want);
        }
    }
}
END_TEST

START_TEST(a_checker_that_rejects_everything_passes_nothing)
{
    char message[CHECKER_MESSAGE_MAX];
    for (const struct checker_case *c = heaplab_checker_cases; c->name; c++) {
        ck_assert_int_eq(run_case(c->name, rejects_everything, message),
                         CHECKER_FAILED);
        ck_assert_msg(strstr(message, "check() returned 1 on a correct heap") &&
                          strstr(message, "it said: everything is wrong"),
                      "%s", message);
    }
}
END_TEST

START_TEST(a_checker_that_trusts_every_word_crashes_or_loops)
{
    char message[CHECKER_MESSAGE_MAX];
    ck_assert_int_eq(run_case("correct-busy", trusts_every_word, message),
                     CHECKER_PASSED);
    ck_assert_int_eq(run_case("next-outside", trusts_every_word, message),
                     CHECKER_CRASHED);
    ck_assert_msg(strstr(message, "crashed (Segmentation fault) in check() "
                                  "on the broken heap"),
                  "%s", message);
    ck_assert_int_eq(run_case("list-cycle", trusts_every_word, message),
                     CHECKER_TIMED_OUT);
    ck_assert_msg(strstr(message, "timed out in check() on the broken heap"),
                  "%s", message);
}
END_TEST

START_TEST(the_staff_checker_rejects_each_broken_heap)
{
    char message[CHECKER_MESSAGE_MAX];
    for (const struct checker_case *c = heaplab_checker_cases; c->name; c++) {
        ck_assert_msg(checker_run_case(c, &dlist_allocator, 10, 0, message) ==
                          CHECKER_PASSED,
                      "%s", message);
        if (c->corrupt != NULL) /* and says where */
            ck_assert_msg(strstr(message, "it said: dlist: chunk 0x"), "%s",
                          message);
    }
}
END_TEST

/* The grader's side: a submission whose checker accepts everything. */
START_TEST(the_grader_scores_the_checker_cases)
{
    if (tests_sanitized())
        return;
    char dir[64], command[16384], rubric[4200], submission[80];
    make_temp_dir(dir, "lab-checker");
    snprintf(submission, sizeof submission, "%s/lenient", dir);
    snprintf(command, sizeof command,
             "mkdir '%s' && "
             "cp allocators/dlist_core.h allocators/fit_policy.h '%s/' && "
             "sed -e 's/\\.check = dlist_core_check/.check = lenient/' "
             "-e 's/^const struct allocator dlist_allocator/static int "
             "lenient(void) { return 0; }\\n&/' allocators/dlist.c "
             "> '%s/dlist.c' && grep -q lenient '%s/dlist.c'",
             submission, submission, submission, submission);
    ck_assert_int_eq(run_shell(NULL, command, 10, NULL), 0);
    snprintf(rubric, sizeof rubric, "%s/lenient.conf", dir);
    snprintf(command, sizeof command,
             "sed -e 's/^files .*/files = dlist.c dlist_core.h fit_policy.h/' "
             "-e '/^forbid/d' -e 's/^traces = hidden.*//' %s "
             "-e '/^\\[performance\\]/,/^\\[checker\\]/{/^\\[checker/!d}' "
             "labs/lab2-dlist/rubric.conf > '%s'",
             absolute_paths("lab2-dlist"), rubric);
    ck_assert_int_eq(run_shell(NULL, command, 10, NULL), 0);
    json_t *g = grade(rubric, submission);
    json_t *checker =
        json_object_get(json_object_get(g, "components"), "checker");
    ck_assert_msg(json_number_value(json_object_get(checker, "score")) == 4 &&
                      json_number_value(json_object_get(checker, "max_score")) ==
                          20,
                  "checker %.2f of %.2f",
                  json_number_value(json_object_get(checker, "score")),
                  json_number_value(json_object_get(checker, "max_score")));
    size_t i, cases = 0;
    json_t *trace;
    json_array_foreach(json_object_get(g, "traces"), i, trace)
    {
        if (!json_is_true(json_object_get(trace, "checker")))
            continue;
        cases++;
        const char *name = json_string_value(json_object_get(trace, "name"));
        const char *verdict =
            json_string_value(json_object_get(trace, "verdict"));
        int correct = strncmp(name, "correct-", 8) == 0;
        ck_assert_msg(strcmp(verdict, correct ? "ok" : "error") == 0,
                      "%s: %s", name, verdict);
    }
    ck_assert_uint_eq(cases, 10);
    json_decref(g);
    remove_temp_dir(dir);
}
END_TEST

/* --- sweep -------------------------------------------------------------- */

START_TEST(sweep_writes_its_data_and_plot)
{
    if (tests_sanitized())
        return;
    char dir[64], command[512];
    make_temp_dir(dir, "lab-sweep");
    snprintf(command, sizeof command,
             "labs/lab4-hybrid/sweep.sh -q -o '%s' "
             "labs/lab4-hybrid/traces/big-real-sizes.rep traces/binary.rep",
             dir);
    char *said = NULL;
    int rc = run_shell(NULL, command, 120, &said);
    ck_assert_msg(rc == 0, "%s%s", command, first_lines(said, 8));
    free(said);
    char path[96];
    snprintf(path, sizeof path, "%s/sweep.dat", dir);
    char *dat = slurp(path);
    ck_assert_ptr_nonnull(dat);
    int rows = 0;
    double low = 0, high = 0, never = 0;
    for (char *line = strtok(dat, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        double threshold, util;
        ck_assert_int_eq(sscanf(line, "%lf %lf", &threshold, &util), 2);
        if (threshold == 1024)
            low = util;
        if (threshold == 16384)
            high = util;
        never = util;
        rows++;
    }
    free(dat);
    ck_assert_int_eq(rows, 12); /* 1 KiB .. 1 MiB, and never */
    ck_assert_msg(low > 0 && high > never,
                  "utilization at 1 KiB %.3f, 16 KiB %.3f, never %.3f", low,
                  high, never);
    snprintf(path, sizeof path, "%s/sweep.png", dir);
    ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
    remove_temp_dir(dir);
}
END_TEST

static Suite *labs_suite(void)
{
    Suite *s = suite_create("labs");
    TCase *files = tcase_create("files");
    tcase_set_timeout(files, 120);
    tcase_add_test(files, lab_traces_are_what_make_traces_writes);
    tcase_add_loop_test(files, samples_are_what_make_samples_writes, 0, LABS);
    tcase_add_loop_test(files, every_rubric_loads, 0, LABS);
    suite_add_tcase(s, files);

    TCase *grades = tcase_create("grades");
    tcase_set_timeout(grades, 240);
    tcase_add_loop_test(grades, the_staff_solution_gets_full_marks, 0, LABS);
    tcase_add_loop_test(grades, the_starter_builds_and_gets_nothing, 0, LABS);
    suite_add_tcase(s, grades);

    TCase *checker = tcase_create("checker");
    tcase_set_timeout(checker, 120);
    tcase_add_test(checker, checker_section_errors_name_file_and_line);
    tcase_add_test(checker, trace_dir_is_a_search_path);
    tcase_add_test(checker,
                   a_checker_that_accepts_everything_passes_only_correct_heaps);
    tcase_add_test(checker, a_checker_that_rejects_everything_passes_nothing);
    tcase_add_test(checker, a_checker_that_trusts_every_word_crashes_or_loops);
    tcase_add_test(checker, the_staff_checker_rejects_each_broken_heap);
    tcase_add_test(checker, the_grader_scores_the_checker_cases);
    suite_add_tcase(s, checker);

    TCase *sweep = tcase_create("sweep");
    tcase_set_timeout(sweep, 120);
    tcase_add_test(sweep, sweep_writes_its_data_and_plot);
    suite_add_tcase(s, sweep);
    return s;
}

TEST_SUITE(labs_suite)
