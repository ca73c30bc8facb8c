/*
 * test_cli.c -- bin/heaplab as a user runs it: list, run, help, exit
 * statuses, bad input, the three output formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heaplab/registry.h"
#include "suites.h"

static char output[1 << 16];
static char scratch[64];

/* Runs `bin/heaplab ARGS` (through sh, in the project's folder), keeps its
 * stdout in output[] and returns its exit status.  stderr goes to
 * scratch/stderr. */
static int heaplab(const char *args)
{
    char command[2048];
    snprintf(command, sizeof command,
             "cd '%s' && bin/heaplab %s 2>'%s/stderr' </dev/null", tests_root(),
             args, scratch);
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(output, 1, sizeof output - 1, p);
    output[n] = '\0';
    int status = pclose(p);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *read_file(const char *name)
{
    static char text[1 << 16];
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/heaplab-cli-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
    write_file("good.rep", "# a small script\na 0 100\na 1 20\nr 0 300\n"
                           "f 1\nf 0\n");
    write_file("bad.rep", "a 0 100\nx 1 2\n");
    write_file("oom.rep", "a 0 100000000000\n");
}

static void teardown(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    ck_assert_int_eq(system(command), 0);
}

START_TEST(list_prints_every_backend_in_order)
{
    ck_assert_int_eq(heaplab("list"), 0);
    /* NAME<TAB>SUMMARY<TAB>FAMILY: the lecture's six, libc, the policy
     * variants, the other designs. */
    const char *names[] = {"minimal",    "pad",        "list",
                           "dlist",      "bins",       "mmap",
                           "libc",       "list-next",  "list-best",
                           "list-worst", "dlist-next", "dlist-best",
                           "dlist-worst", "bitmap",    "pool",
                           "simple"};
    const char *families[] = {"lecture",   "lecture", "lecture", "lecture",
                              "lecture",   "lecture", "reference",
                              "policy",    "policy",  "policy",  "policy",
                              "policy",    "policy",  "other",   "other",
                              "other"};
    size_t known = sizeof names / sizeof names[0];
    ck_assert_uint_ge(registry_count(), known); /* more may follow */
    const char *line = output;
    for (size_t i = 0; i < registry_count(); i++) {
        const struct allocator *a = registry_at(i);
        if (i < known) {
            ck_assert_str_eq(a->name, names[i]);
            ck_assert_str_eq(registry_family_name(registry_family_of(i)),
                             families[i]);
        }
        char expected[256];
        snprintf(expected, sizeof expected, "%s\t%s\t%s\n", a->name,
                 a->summary, registry_family_name(registry_family_of(i)));
        ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0,
                      "line %zu: %.80s, not %s", i, line, expected);
        line += strlen(expected);
    }
    /* Then the optional references that bin/heaplab loads at start (the
     * tests do not): NAME<TAB>SUMMARY<TAB>reference. */
    for (; *line != '\0'; line = strchr(line, '\n') + 1) {
        const char *family = strrchr(line, '\t');
        ck_assert_msg(family != NULL && strncmp(family, "\treference\n",
                                                11) == 0,
                      "an extra line not of the reference family: %.80s",
                      line);
    }

    /* -a takes families and names, and keeps the registry's order. */
    ck_assert_int_eq(heaplab("list -a pool,lecture"), 0);
    const char *selected[] = {"minimal", "pad",  "list", "dlist",
                              "bins",    "mmap", "pool"};
    line = output;
    for (size_t i = 0; i < sizeof selected / sizeof selected[0]; i++) {
        size_t n = strlen(selected[i]);
        ck_assert_msg(strncmp(line, selected[i], n) == 0 && line[n] == '\t',
                      "line %zu: %.40s", i, line);
        line = strchr(line, '\n') + 1;
    }
    ck_assert_str_eq(line, "");
    ck_assert_int_eq(heaplab("list -a appendix,bogus"), 2);
    ck_assert_str_eq(read_file("stderr"),
                     "heaplab list: unknown allocator 'bogus' (see 'heaplab "
                     "list') (try 'heaplab list --help')\n");
}
END_TEST

START_TEST(help_and_usage_errors)
{
    ck_assert_int_eq(heaplab("--help"), 0);
    ck_assert_ptr_nonnull(strstr(output, "run"));
    ck_assert_int_eq(heaplab("frobnicate"), 2);
    ck_assert_str_eq(read_file("stderr"),
                     "heaplab: unknown command 'frobnicate' (try 'heaplab "
                     "--help')\n");
    ck_assert_int_eq(heaplab("run --help"), 0);
    const char *options[] = {"--allocator", "--format",    "--output",
                             "--repeat",    "--check-heap", "--timeout",
                             "--verbose",   "--no-timing"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        ck_assert_msg(strstr(output, options[i]) != NULL, "%s", options[i]);
    ck_assert_int_eq(heaplab("run -a nosuch good.rep"), 2);
    ck_assert_str_eq(read_file("stderr"),
                     "heaplab run: unknown allocator 'nosuch' (see 'heaplab "
                     "list') (try 'heaplab run --help')\n");
    ck_assert_int_eq(heaplab("run --format xml good.rep"), 2);
    ck_assert_int_eq(heaplab("run --repeat 0 good.rep"), 2);
    ck_assert_int_eq(heaplab("run --timeout -1 good.rep"), 2);
    ck_assert_int_eq(heaplab("run --bogus"), 2);
    ck_assert_str_eq(read_file("stderr"),
                     "heaplab run: unknown option '--bogus' (try 'heaplab run "
                     "--help')\n");
}
END_TEST

START_TEST(a_bad_trace_loses_nothing_else)
{
    char args[512];
    snprintf(args, sizeof args,
             "run -a bins,list --no-timing %s/good.rep %s/bad.rep "
             "%s/missing.rep",
             scratch, scratch, scratch);
    ck_assert_int_eq(heaplab(args), 2);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%s/bad.rep:2: unknown op 'x'\n%s/missing.rep: cannot open: No "
             "such file or directory\n",
             scratch, scratch);
    ck_assert_str_eq(read_file("stderr"), expected);
    /* both backends still ran the good trace */
    ck_assert_ptr_nonnull(strstr(output, "  good "));
    ck_assert_ptr_nonnull(strstr(output, "2 of 6 runs passed; 4 failed."));
}
END_TEST

START_TEST(exit_status_says_whether_runs_passed)
{
    char args[512];
    snprintf(args, sizeof args, "run --no-timing %s/good.rep", scratch);
    ck_assert_int_eq(heaplab(args), 0);
    /* The default is every backend: the registry's, and the optional ones
     * bin/heaplab finds installed. */
    unsigned passed = 0, runs = 0;
    const char *summary = strstr(output, " runs passed.");
    ck_assert_ptr_nonnull(summary);
    while (summary > output && summary[-1] != '\n')
        summary--;
    ck_assert_int_eq(sscanf(summary, "%u of %u runs passed.", &passed, &runs),
                     2);
    ck_assert_uint_eq(passed, runs);
    ck_assert_uint_ge(runs, registry_count());
    snprintf(args, sizeof args, "run -a bins,libc --no-timing %s/oom.rep",
             scratch);
    ck_assert_int_eq(heaplab(args), 1);
    ck_assert_ptr_nonnull(strstr(output, "oom: "));
}
END_TEST

START_TEST(json_output_parses)
{
    char args[512];
    snprintf(args, sizeof args,
             "run -a dlist,libc --repeat 2 -o %s/r.json %s/good.rep "
             "%s/oom.rep",
             scratch, scratch, scratch);
    ck_assert_int_eq(heaplab(args), 1);
    char command[512];
    snprintf(command, sizeof command,
             "python3 -m json.tool '%s/r.json' >/dev/null", scratch);
    ck_assert_int_eq(system(command), 0);
    const char *json = read_file("r.json");
    ck_assert_ptr_nonnull(strstr(json, "\"allocator\": \"dlist\", \"trace\": "
                                       "\"good\", \"status\": \"ok\""));
    ck_assert_ptr_nonnull(strstr(json, "\"status\": \"oom\""));
    ck_assert_ptr_nonnull(strstr(json, "\"summary\": {"));
}
END_TEST

START_TEST(csv_output_has_the_documented_columns)
{
    char args[512];
    snprintf(args, sizeof args, "run -a bins --no-timing -f csv %s/good.rep",
             scratch);
    ck_assert_int_eq(heaplab(args), 0);
    ck_assert_msg(strncmp(output,
                          "allocator,trace,status,message,ops,util,"
                          "peak_payload,peak_footprint,ops_per_sec,"
                          "ops_per_sec_spread,syscalls,weight,worst_frag_op\n"
                          "bins,good,ok,,5,",
                          strlen("allocator,trace,status,message,ops,util,"
                                 "peak_payload,peak_footprint,ops_per_sec,"
                                 "ops_per_sec_spread,syscalls,weight,"
                                 "worst_frag_op\nbins,good,ok,,5,")) == 0,
                  "%s", output);
}
END_TEST

START_TEST(crlf_and_folders)
{
    write_file("crlf.rep", "a 0 10\r\nf 0\r\n");
    char args[512];
    snprintf(args, sizeof args, "run -a list --no-timing %s", scratch);
    /* the folder holds good, bad, oom and crlf */
    ck_assert_int_eq(heaplab(args), 2);
    ck_assert_ptr_nonnull(strstr(output, "  crlf "));
    ck_assert_ptr_nonnull(strstr(output, "2 of 4 runs passed"));
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *suite = suite_create("cli");
    TCase *tc = tcase_create("heaplab");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, list_prints_every_backend_in_order);
    tcase_add_test(tc, help_and_usage_errors);
    tcase_add_test(tc, a_bad_trace_loses_nothing_else);
    tcase_add_test(tc, exit_status_says_whether_runs_passed);
    tcase_add_test(tc, json_output_parses);
    tcase_add_test(tc, csv_output_has_the_documented_columns);
    tcase_add_test(tc, crlf_and_folders);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(cli_suite)
