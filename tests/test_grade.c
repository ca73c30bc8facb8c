/*
 * test_grade.c -- the autograder (`heaplab grade`) on real submissions;
 * tests/test_rubric.c tests its parts that need none.
 *
 *   corpus     tests/submissions/CASE/bins.c graded in one --batch, each
 *              against CASE/expected (score, components, every trace's
 *              verdict and message, what the grader flagged, "*" matching
 *              anything): a data-driven suite in the manner of Jansson's
 *              test/suites.  The rubric and its traces are copied into a
 *              folder of root's, the traces readable by root only, as an
 *              instructor keeps private traces; the cheat-* cases try to
 *              fool the grader and must gain nothing and be flagged
 *   cli        one submission as Gradescope and Autolab run it: outputs
 *              always written, the Autolab line last, exit statuses; the
 *              staff's bins.c gets full marks by the shipped rubric; the
 *              Gradescope package's run_autograder in a folder laid out as
 *              /autograder
 *
 * The plain runner runs bin/heaplab, the sanitized runner
 * bin/heaplab-asan (ASan and UBSan in the grader's own process and in
 * the reference's runs; the submission's program is linked from the
 * plain objects, see docs/testing.md).  The Gradescope package builds
 * and runs a plain heaplab of its own: only the plain runner tries it.
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

/* --- helpers ------------------------------------------------------------ */

/* The heaplab under test: the sanitized one in the sanitized runner. */
static const char *program(void)
{
    return tests_sanitized() ? "bin/heaplab-asan" : "bin/heaplab";
}

static char scratch[64];

static void make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/heaplab-grade-test-XXXXXX");
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

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Runs a shell command in the project's folder; its stdout goes to
 * scratch/stdout, its stderr to scratch/stderr.  Returns the exit status. */
static int shell(const char *format, const char *a, const char *b)
{
    char command[4096], line[3072];
    snprintf(line, sizeof line, format, a, b);
    int heaplab = strncmp(line, "bin/heaplab", 11) == 0;
    snprintf(command, sizeof command,
             "cd '%s' && %s%s >'%s/stdout' 2>'%s/stderr' </dev/null",
             tests_root(), heaplab ? program() : "", line + 11 * heaplab,
             scratch, scratch);
    int status = system(command);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* '*' matches any run of characters; everything else itself. */
static int glob_match(const char *pattern, const char *text)
{
    if (*pattern == '\0')
        return *text == '\0';
    if (*pattern == '*')
        return glob_match(pattern + 1, text) ||
               (*text != '\0' && glob_match(pattern, text + 1));
    return *pattern == *text && glob_match(pattern + 1, text + 1);
}

/* --- corpus ------------------------------------------------------------- */

static char corpus_out[64];
static char case_names[64][64];
static int case_count;

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The cases: every folder of tests/submissions, sorted. */
static int list_cases(void)
{
    case_count = 0;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tests/submissions", tests_root());
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && case_count < 64)
        if (entry->d_name[0] != '.')
            snprintf(case_names[case_count++], sizeof case_names[0], "%.63s",
                     entry->d_name);
    closedir(d);
    qsort(case_names, (size_t)case_count, sizeof case_names[0], compare_names);
    return case_count;
}

/* Grades every case of tests/submissions in one --batch, once for the
 * whole test case (an unchecked fixture: it runs in the runner itself). */
static void grade_corpus(void)
{
    if (list_cases() == 0)
        return;
    snprintf(corpus_out, sizeof corpus_out, "/tmp/heaplab-corpus-XXXXXX");
    if (mkdtemp(corpus_out) == NULL)
        return;
    /* the grader's private folders in corpus_out/tmp, so that the runs'
     * processes can be told from other graders' (no process behind) */
    char command[4400];
    snprintf(command, sizeof command,
             "cd '%s' && cp -r tests/grading '%s/grading' && "
             "chmod 0600 '%s'/grading/traces/*.rep && "
             "chmod 0711 '%s' && mkdir -m 0711 '%s/tmp' && "
             "TMPDIR='%s/tmp' %s grade -q --rubric '%s/grading/grade.conf' "
             "--batch tests/submissions -j 2 --out '%s/out' "
             ">'%s/batch.txt' 2>&1",
             tests_root(), corpus_out, corpus_out, corpus_out, corpus_out,
             corpus_out, program(), corpus_out, corpus_out, corpus_out);
    if (system(command) != 0)
        fprintf(stderr, "test_grade: the corpus batch failed (%s)\n",
                corpus_out);
}

static void remove_corpus(void)
{
    if (corpus_out[0] != '\0') {
        char command[128];
        snprintf(command, sizeof command, "rm -rf '%s'", corpus_out);
        if (system(command) != 0)
            fprintf(stderr, "test_grade: cannot remove %s\n", corpus_out);
    }
}

static double component_of(const json_t *heaplab, const char *name)
{
    return json_number_value(json_object_get(
        json_object_get(json_object_get(heaplab, "components"), name),
        "score"));
}

static const json_t *trace_of(const json_t *heaplab, const char *name)
{
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(heaplab, "traces"), i, t)
    {
        const char *n = json_string_value(json_object_get(t, "name"));
        if (n != NULL && strcmp(n, name) == 0)
            return t;
    }
    return NULL;
}

/* One line of CASE/expected against the case's results.json. */
static void check_expectation(const char *name, const char *line,
                              const json_t *h)
{
    static const char *const verdicts[] = {
        "ok", "error", "crash", "timeout", "oom", "not run", "internal"};
    char key[32], what[64];
    double number;
    if (sscanf(line, "%31s %lf", key, &number) == 2 &&
        (strcmp(key, "score") == 0 || strcmp(key, "correctness") == 0 ||
         strcmp(key, "utilization") == 0 || strcmp(key, "throughput") == 0)) {
        double got = strcmp(key, "score") == 0
                         ? json_number_value(json_object_get(h, "score"))
                         : component_of(h, key);
        ck_assert_msg(fabs(got - number) < 0.005, "%s: %s is %.2f, not %.2f",
                      name, key, got, number);
    } else if (strncmp(line, "build ", 6) == 0) {
        const char *feedback =
            json_string_value(json_object_get(h, "build_feedback"));
        char pattern[2100];
        snprintf(pattern, sizeof pattern, "*%s*", line + 6);
        ck_assert_msg(feedback != NULL && glob_match(pattern, feedback),
                      "%s: the build feedback\n%s\ndoes not match\n%s", name,
                      feedback ? feedback : "(none)", line + 6);
    } else if (sscanf(line, "printed %63s %lf", what, &number) == 2) {
        const json_t *t = trace_of(h, what);
        ck_assert_msg(t != NULL, "%s: no trace %s", name, what);
        double printed = json_number_value(json_object_get(t, "printed"));
        ck_assert_msg(printed >= number, "%s: %s printed %.0f bytes", name,
                      what, printed);
    } else if (sscanf(line, "trace %63s", what) == 1) {
        const json_t *t = trace_of(h, what);
        ck_assert_msg(t != NULL, "%s: no trace %s", name, what);
        const char *rest = line + strlen("trace ") + strlen(what);
        rest += *rest == ' ';
        const char *verdict = json_string_value(json_object_get(t, "verdict"));
        const char *message = json_string_value(json_object_get(t, "message"));
        size_t v = 0, n = sizeof verdicts / sizeof *verdicts;
        while (v < n &&
               !(strncmp(rest, verdicts[v], strlen(verdicts[v])) == 0 &&
                 (rest[strlen(verdicts[v])] == '\0' ||
                  rest[strlen(verdicts[v])] == ' ')))
            v++;
        ck_assert_msg(v < n, "%s: bad line: %s", name, line);
        ck_assert_msg(strcmp(verdict, verdicts[v]) == 0,
                      "%s: %s is %s (%s), not %s", name, what, verdict,
                      message, verdicts[v]);
        const char *pattern = rest + strlen(verdicts[v]);
        pattern += *pattern == ' ';
        if (*pattern != '\0' || strcmp(verdict, "ok") == 0)
            ck_assert_msg(glob_match(pattern, message),
                          "%s: %s says\n%s\nnot\n%s", name, what, message,
                          pattern);
    } else if (sscanf(line, "flag %63s", what) == 1) {
        const char *pattern = line + strlen("flag ") + strlen(what);
        pattern += *pattern == ' ';
        int found = 0;
        size_t i, j;
        const json_t *t, *flag;
        json_array_foreach(json_object_get(h, "traces"), i, t)
        {
            const char *n = json_string_value(json_object_get(t, "name"));
            if (strcmp(what, "*") != 0 && (n == NULL || strcmp(n, what) != 0))
                continue;
            json_array_foreach(json_object_get(t, "flags"), j, flag)
            found |= glob_match(pattern, json_string_value(flag));
        }
        ck_assert_msg(found, "%s: no flag of trace %s matches\n%s\n%s", name,
                      what, pattern, json_dumps(h, JSON_INDENT(1)));
    } else {
        ck_abort_msg("%s/expected: cannot read: %s", name, line);
    }
}

START_TEST(each_submission_gets_its_expected_grade)
{
    ck_assert_msg(_i < case_count, "only %d cases in tests/submissions",
                  case_count);
    const char *name = case_names[_i];
    char path[4400];
    snprintf(path, sizeof path, "%s/out/%s/results.json", corpus_out, name);
    json_error_t error;
    json_t *results = json_load_file(path, 0, &error);
    ck_assert_msg(results != NULL, "%s: %s", path, error.text);
    /* Gradescope's keys, at the top and in every test */
    ck_assert(json_is_number(json_object_get(results, "score")));
    ck_assert(json_is_string(json_object_get(results, "output")));
    ck_assert(json_is_array(json_object_get(results, "tests")));
    ck_assert(json_is_array(json_object_get(results, "leaderboard")));
    const json_t *h =
        json_object_get(json_object_get(results, "extra_data"), "heaplab");
    ck_assert(json_is_object(h));

    snprintf(path, sizeof path, "%s/tests/submissions/%s/expected",
             tests_root(), name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    char line[2048];
    int lines = 0, flags = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        check_expectation(name, line, h);
        lines++;
        flags += strncmp(line, "flag ", 5) == 0;
    }
    fclose(f);
    ck_assert_int_gt(lines, 4);
    /* an honest submission is never flagged, a cheat always */
    ck_assert_msg((json_integer_value(json_object_get(h, "flagged")) > 0) ==
                      (flags > 0),
                  "%s: %lld traces flagged, %d flags expected", name,
                  (long long)json_integer_value(json_object_get(h, "flagged")),
                  flags);
    /* nothing a cheat wrote or printed reached the grader's outputs but
     * as its printout, quoted ("| ") in the report */
    ck_assert_msg(strstr(json_string_value(json_object_get(results,
                                                           "output")),
                         "CHEATED") == NULL,
                  "%s", name);
    snprintf(path, sizeof path, "%s/out/%s/report.txt", corpus_out, name);
    const char *report = read_text(path);
    for (const char *at = report; (at = strstr(at, "CHEATED")) != NULL; at++)
        ck_assert_msg(strstr(at - (at - report < 80 ? at - report : 80),
                             "| ") != NULL,
                      "%s: the report holds what the cheat wrote", name);

    /* the results stay small, whatever the submission printed */
    struct stat st;
    snprintf(path, sizeof path, "%s/out/%s/results.json", corpus_out, name);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_lt(st.st_size, 64 << 10);
    snprintf(path, sizeof path, "%s/out/%s/report.txt", corpus_out, name);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_gt(st.st_size, 100);
    json_decref(results);
}
END_TEST

START_TEST(the_gradebook_has_every_student)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/out/grades.csv", corpus_out);
    const char *csv = read_text(path);
    static const char head[] = "student,score,max_score,correctness,"
                               "utilization,throughput,";
    ck_assert_msg(strncmp(csv, head, sizeof head - 1) == 0, "%s", csv);
    int rows = 0;
    for (const char *p = csv; *p; p++)
        rows += *p == '\n';
    ck_assert_int_eq(rows, case_count + 1);
    ck_assert_ptr_nonnull(strstr(csv, "\ncompile-error,0.00,100.00,"));
    ck_assert_ptr_nonnull(strstr(csv, ",did not build\n"));
    ck_assert_ptr_nonnull(strstr(csv, "\ncorrect-fast,85.97,100.00,40.00,"
                                      "15.97,30.00,"));
    /* a second run skips every finished student */
    make_scratch();
    char out[4400];
    snprintf(out, sizeof out, "%s/out", corpus_out);
    ck_assert_int_eq(shell("bin/heaplab grade -q --rubric tests/grading/"
                           "grade.conf --batch tests/submissions --out '%s'%s",
                           out, ""),
                     0);
    char expected[128];
    snprintf(expected, sizeof expected, "graded 0 of %d submissions",
             case_count);
    snprintf(path, sizeof path, "%s/stdout", scratch);
    ck_assert_ptr_nonnull(strstr(read_text(path), expected));
    remove_scratch();
}
END_TEST

/* No process of a submission outlives the batch: not the cheats' own
 * (cheat-outlives, cheat-burns-cpu), nor anything of a run (their
 * programs are in corpus_out/tmp). */
START_TEST(the_runs_leave_no_process_behind)
{
    DIR *d = opendir("/proc");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], text[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        ck_assert_msg(strstr(text, corpus_out) == NULL,
                      "process %s is still running: %s", e->d_name, text);
    }
    closedir(d);
}
END_TEST

/* --- one submission, as Gradescope and Autolab run it ------------------- */

static json_t *load_json(const char *path)
{
    json_error_t error;
    json_t *value = json_load_file(path, 0, &error);
    ck_assert_msg(value != NULL, "%s:%d: %s", path, error.line, error.text);
    return value;
}

/* The last line of scratch/stdout. */
static const char *last_line(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/stdout", scratch);
    char *text = read_text(path);
    size_t n = strlen(text);
    ck_assert_int_gt(n, 1);
    ck_assert_int_eq(text[n - 1], '\n');
    text[n - 1] = '\0';
    char *last = strrchr(text, '\n');
    return last != NULL ? last + 1 : text;
}

START_TEST(one_submission_for_gradescope_and_autolab)
{
    make_scratch();
    char results[128];
    snprintf(results, sizeof results, "%s/results.json", scratch);
    ck_assert_int_eq(shell("bin/heaplab grade -q --rubric tests/grading/"
                           "grade.conf --autolab --results '%s' "
                           "tests/submissions/realloc-loses-data%s",
                           results, ""),
                     0);
    json_t *autolab = json_loads(last_line(), 0, NULL);
    ck_assert_msg(autolab != NULL, "%s", last_line());
    json_t *scores = json_object_get(autolab, "scores");
    ck_assert(json_number_value(json_object_get(scores, "Correctness")) == 30);
    ck_assert(json_number_value(json_object_get(scores, "Utilization")) ==
              15.97);
    ck_assert(json_number_value(json_object_get(scores, "Throughput")) == 30);
    json_decref(autolab);
    json_t *gs = load_json(results);
    ck_assert(json_number_value(json_object_get(gs, "score")) == 75.97);
    json_decref(gs);

    /* --json: heaplab's own */
    ck_assert_int_eq(shell("bin/heaplab grade -q --json --rubric tests/"
                           "grading/grade.conf tests/submissions/%s%s",
                           "compile-error", ""),
                     0);
    char path[128];
    snprintf(path, sizeof path, "%s/stdout", scratch);
    json_t *mine = load_json(path);
    ck_assert(json_is_false(json_object_get(mine, "built")));
    ck_assert(json_number_value(json_object_get(mine, "score")) == 0);
    json_decref(mine);

    /* no submission at all: still a grade, results written, exit 0 */
    ck_assert_int_eq(shell("bin/heaplab grade -q --rubric tests/grading/"
                           "grade.conf --autolab --results '%s' /nonexistent"
                           "%s",
                           results, ""),
                     0);
    ck_assert_str_eq(last_line(), "{\"scores\":{\"Correctness\":0.0,"
                                  "\"Utilization\":0.0,\"Throughput\":0.0},"
                                  "\"scoreboard\":[0.0,0.0,0.0]}");
    gs = load_json(results);
    ck_assert(json_number_value(json_object_get(gs, "score")) == 0);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(gs, "output")),
               "The submission has no bins.c."));
    json_decref(gs);

    /* a rubric that cannot be read: exit 2, and results.json says why */
    snprintf(path, sizeof path, "%s/bad.conf", scratch);
    write_text(path, "[lab]\nnmae = bins\n");
    ck_assert_int_eq(shell("bin/heaplab grade -q --rubric '%s' --results "
                           "'%s' tests/submissions/correct-fast",
                           path, results),
                     2);
    gs = load_json(results);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(gs, "output")),
               "bad.conf:2: [lab] has no key 'nmae'"));
    json_decref(gs);

    /* as root, the submission runs as another user, whom it must be */
    if (geteuid() == 0) {
        ck_assert_int_eq(shell("bin/heaplab grade -q --json --rubric tests/"
                               "grading/grade.conf tests/submissions/%s%s",
                               "returns-null", ""),
                         0);
        snprintf(path, sizeof path, "%s/stdout", scratch);
        mine = load_json(path);
        ck_assert_str_eq(json_string_value(json_object_get(mine, "isolation")),
                         "the submission ran as user nobody, its system "
                         "calls watched");
        json_decref(mine);
        ck_assert_int_eq(shell("bin/heaplab grade -q --user root --results "
                               "'%s' tests/submissions/%s",
                               results, "returns-null"),
                         2);
        gs = load_json(results);
        ck_assert_ptr_nonnull(
            strstr(json_string_value(json_object_get(gs, "output")),
                   "no unprivileged user 'root' to run submissions as"));
        json_decref(gs);
    }

    /* usage errors */
    ck_assert_int_eq(shell("bin/heaplab grade%s%s", "", ""), 2);
    ck_assert_int_eq(shell("bin/heaplab grade --jobs 0 --batch x%s%s", "", ""),
                     2);
    ck_assert_int_eq(shell("bin/heaplab grade --help%s%s", "", ""), 0);
    remove_scratch();
}
END_TEST

START_TEST(the_staff_solution_gets_full_marks)
{
    make_scratch();
    char command[512];
    snprintf(command, sizeof command,
             "mkdir '%s/staff' && cp '%s/allocators"
             "/bins.c' '%s/staff/'",
             scratch, tests_root(), scratch);
    ck_assert_int_eq(system(command), 0);
    char staff[128];
    snprintf(staff, sizeof staff, "%s/staff", scratch);
    ck_assert_int_eq(shell("bin/heaplab grade -q --json %s%s", staff, ""), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/stdout", scratch);
    json_t *mine = load_json(path);
    ck_assert_msg(json_number_value(json_object_get(mine, "score")) == 100,
                  "%s", read_text(path));
    json_decref(mine);
    remove_scratch();
}
END_TEST

START_TEST(the_gradescope_package_runs_as_on_gradescope)
{
    if (tests_sanitized())
        return; /* it builds and runs a plain heaplab of its own */
    make_scratch();
    /* as on Gradescope, the grader's files are readable by the user the
     * submission runs as */
    ck_assert_int_eq(chmod(scratch, 0755), 0);
    char out[128], ag[128];
    snprintf(out, sizeof out, "%s/out", scratch);
    snprintf(ag, sizeof ag, "%s/autograder", scratch);
    ck_assert_int_eq(
        shell("grading/package.sh gradescope bins '%s'%s", out, ""), 0);
    /* unzip as Gradescope does, modes kept; then what setup.sh builds */
    char command[2048];
    snprintf(command, sizeof command,
             "mkdir -p '%s/source' '%s/submission' '%s/results' && "
             "python3 -c 'import zipfile, os, sys\n"
             "z = zipfile.ZipFile(sys.argv[1])\n"
             "for i in z.infolist():\n"
             "    p = z.extract(i, sys.argv[2])\n"
             "    os.chmod(p, (i.external_attr >> 16) & 0o7777 or 0o644)\n'"
             " '%s/gradescope-bins.zip' '%s/source' && "
             "cp '%s/source/run_autograder' '%s/' && "
             "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
             "make -s -j2 -C '%s/source/heaplab' bin/heaplab "
             "build/grading/link.txt >'%s/build.log' 2>&1 && "
             "cp '%s/tests/submissions/realloc-loses-data/bins.c' "
             "'%s/submission/'",
             ag, ag, ag, out, ag, ag, ag, ag, scratch, tests_root(), ag);
    ck_assert_int_eq(system(command), 0);
    snprintf(command, sizeof command,
             "cd / && '%s/run_autograder' "
             ">'%s/stdout' 2>&1",
             ag, scratch);
    ck_assert_int_eq(system(command), 0);
    char results[256];
    snprintf(results, sizeof results, "%s/results/results.json", ag);
    json_t *gs = load_json(results);
    /* 16 of its 26 correctness traces pass (32 points), whatever its
     * throughput on this machine */
    ck_assert(json_number_value(json_object_get(gs, "score")) >= 32);
    ck_assert_uint_eq(json_array_size(json_object_get(gs, "tests")), 28);
    json_decref(gs);
    remove_scratch();
}
END_TEST

static Suite *grade_suite(void)
{
    Suite *s = suite_create("grade");
    TCase *corpus = tcase_create("corpus");
    tcase_add_unchecked_fixture(corpus, grade_corpus, remove_corpus);
    tcase_add_loop_test(corpus, each_submission_gets_its_expected_grade, 0,
                        list_cases());
    tcase_add_test(corpus, the_gradebook_has_every_student);
    tcase_add_test(corpus, the_runs_leave_no_process_behind);
    tcase_set_timeout(corpus, 120);
    suite_add_tcase(s, corpus);

    TCase *cli = tcase_create("cli");
    tcase_add_test(cli, one_submission_for_gradescope_and_autolab);
    tcase_add_test(cli, the_staff_solution_gets_full_marks);
    tcase_add_test(cli, the_gradescope_package_runs_as_on_gradescope);
    tcase_set_timeout(cli, 300);
    suite_add_tcase(s, cli);
    return s;
}

TEST_SUITE(grade_suite)
