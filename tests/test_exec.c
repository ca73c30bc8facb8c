/*
 * test_exec.c -- `heaplab exec`: real programs with a backend as their
 * malloc (lib/libheaplab-NAME.so, driver/preload/exec/).
 *
 *   api        build/programs/exec_probe api under every backend that has a
 *              library: posix_memalign, aligned_alloc, memalign, valloc,
 *              pvalloc at alignments 8 to 64 KiB, malloc_usable_size,
 *              errno on success and failure, overflow, calloc's zeroes,
 *              realloc's contents
 *   programs   Debian's sort (a 5 MB file), python3 (a script that builds
 *              and frees many objects), gcc (a small C file to assembly),
 *              perl and tclsh one-liners, and our threads and fork/exec
 *              probes, under list, dlist, bins and mmap (minimal and pad:
 *              the short ones), write exactly the bytes they write under
 *              the C library's malloc, with no heaplab in between
 *   command    exit status and output pass through; the summary counts
 *              the probe's known calls; --report; the --compare table; a
 *              small reserve gives ENOMEM; a bad free stops the program;
 *              a static program; usage errors
 *
 * The programs test bin/heaplab and the libraries, neither of which the
 * sanitized build instruments: the sanitized run skips them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heaplab/registry.h"
#include "suites.h"

/* --- running programs ---------------------------------------------------- */

static char scratch[64]; /* inputs, reference outputs, results */
static char heaplab[PATH_MAX + 32];
static char probe[PATH_MAX + 32];

/* The environment every program here runs with (added to ours). */
static const char *const FIXED_ENV[] = {"LC_ALL=C", "PYTHONHASHSEED=0",
                                        "PERL_HASH_SEED=0", NULL};

/* Runs argv (argv[0] a path, or a name on PATH) in the scratch folder,
 * with stdin from `in` and stdout and stderr into `out` and `err`
 * (scratch-relative names; NULL: /dev/null).  Returns the wait status. */
static int run(const char *const *argv, const char *in, const char *out,
               const char *err)
{
    fflush(NULL);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        if (chdir(scratch) != 0)
            _exit(125);
        int in_fd = open(in != NULL ? in : "/dev/null", O_RDONLY);
        int out_fd = open(out != NULL ? out : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err_fd = open(err != NULL ? err : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in_fd < 0 || out_fd < 0 || err_fd < 0 || dup2(in_fd, 0) < 0 ||
            dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
            _exit(125);
        for (const char *const *e = FIXED_ENV; *e != NULL; e++)
            putenv((char *)*e);
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(124);
    }
    int status;
    while (waitpid(child, &status, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    return status;
}

static int exit_code(int status)
{
    ck_assert_msg(WIFEXITED(status), "not a normal exit: status 0x%x", status);
    return WEXITSTATUS(status);
}

enum { MAX_ARGS = 24 };

/* heaplab exec OPTIONS... -- COMMAND...: `options` and `command` are
 * NULL-terminated. */
static int run_heaplab(const char *const *options, const char *const *command,
                       const char *in, const char *out, const char *err)
{
    const char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = heaplab;
    argv[n++] = "exec";
    for (; *options != NULL; options++)
        argv[n++] = *options;
    argv[n++] = "--";
    for (; *command != NULL && n < MAX_ARGS - 1; command++)
        argv[n++] = *command;
    ck_assert_ptr_null(*command);
    argv[n] = NULL;
    return run(argv, in, out, err);
}

static char *read_text(const char *name)
{
    static char text[1 << 16];
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *in = fopen(path, "r");
    size_t length = in != NULL ? fread(text, 1, sizeof text - 1, in) : 0;
    if (in != NULL)
        fclose(in);
    text[length] = '\0';
    return text;
}

/* Do two scratch files hold the same bytes? */
static int same_bytes(const char *a, const char *b)
{
    char path_a[PATH_MAX], path_b[PATH_MAX];
    snprintf(path_a, sizeof path_a, "%s/%s", scratch, a);
    snprintf(path_b, sizeof path_b, "%s/%s", scratch, b);
    FILE *fa = fopen(path_a, "rb"), *fb = fopen(path_b, "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}

/* --- the inputs ---------------------------------------------------------- */

static const char SMALL_C[] =
    "#include <stdio.h>\n"
    "struct point { double x, y; };\n"
    "static double dot(struct point a, struct point b)\n"
    "{\n    return a.x * b.x + a.y * b.y;\n}\n"
    "int main(void)\n{\n"
    "    struct point p = {1, 2}, q = {3, 4};\n"
    "    for (int i = 0; i < 10; i++)\n"
    "        p.x += dot(p, q) / (i + 1);\n"
    "    printf(\"%g\\n\", p.x);\n    return 0;\n}\n";

static const char CHURN_PY[] =
    "import json, random\n"
    "random.seed(1)\n"
    "keep = {}\n"
    "for i in range(30000):\n"
    "    k = random.randrange(3000)\n"
    "    if k in keep:\n"
    "        del keep[k]\n"
    "    else:\n"
    "        keep[k] = [str(j) * (j % 7) for j in range(random.randrange(1, "
    "100))]\n"
    "print(len(keep), sum(len(v) for v in keep.values()))\n"
    "rows = [{'k': i, 'v': 'x' * (i % 700)} for i in range(20000)]\n"
    "print(len(json.dumps(rows)))\n";

static const char WORDS_TCL[] =
    "set l {}\n"
    "for {set i 0} {$i < 30000} {incr i} "
    "{lappend l [string repeat x [expr {$i % 50}]]}\n"
    "array set a {}\n"
    "foreach x $l { set a([string length $x]) $x }\n"
    "puts \"[llength $l] [string length [join $l]] [array size a]\"\n";

static const char PERL_HASH[] =
    "my %h; $h{$_} = 'x' x ($_ % 100) for 1..20000; "
    "delete $h{$_} for 1..10000; "
    "print scalar(keys %h), ' ', join(',', (sort keys %h)[0..5]), \"\\n\"";

static void write_input(const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *out = fopen(path, "w");
    ck_assert_ptr_nonnull(out);
    fputs(text, out);
    ck_assert_int_eq(fclose(out), 0);
}

/* 150000 lines of a random key and a run of letters: about 5 MB. */
static void write_sort_input(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lines.txt", scratch);
    FILE *out = fopen(path, "w");
    ck_assert_ptr_nonnull(out);
    unsigned state = 12345;
    for (int i = 0; i < 150000; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        fprintf(out, "%08x %.*s\n", state, (int)(state % 40),
                "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww");
    }
    ck_assert_int_eq(fclose(out), 0);
}

/* --- the programs -------------------------------------------------------- */

struct program {
    const char *name;
    const char *argv[8]; /* "PROBE" stands for build/programs/exec_probe */
    int short_run;       /* minimal and pad run it too */
};

static const struct program PROGRAMS[] = {
    {"sort", {"sort", "lines.txt", NULL}, 0},
    {"python3", {"/usr/bin/python3", "churn.py", NULL}, 0},
    {"gcc", {"gcc", "-O2", "-S", "-o", "-", "small.c", NULL}, 1},
    {"perl", {"perl", "-e", PERL_HASH, NULL}, 1},
    {"tclsh", {"tclsh", "words.tcl", NULL}, 1},
    {"threads", {"PROBE", "threads", NULL}, 1},
    {"forks", {"PROBE", "forks", NULL}, 1},
};
enum { PROGRAM_COUNT = sizeof PROGRAMS / sizeof PROGRAMS[0] };

static const char *const REUSE_BACKENDS[] = {"list", "dlist", "bins", "mmap"};
static const char *const SHORT_BACKENDS[] = {"minimal", "pad"};
enum {
    REUSE_COUNT = sizeof REUSE_BACKENDS / sizeof REUSE_BACKENDS[0],
    SHORT_COUNT = sizeof SHORT_BACKENDS / sizeof SHORT_BACKENDS[0]
};

/* The i-th (program, backend) pair: every program under the reuse
 * backends, then the short programs under minimal and pad. */
static int program_pair(int i, const struct program **program,
                        const char **backend)
{
    if (i < PROGRAM_COUNT * REUSE_COUNT) {
        *program = &PROGRAMS[i / REUSE_COUNT];
        *backend = REUSE_BACKENDS[i % REUSE_COUNT];
        return 1;
    }
    i -= PROGRAM_COUNT * REUSE_COUNT;
    for (int p = 0; p < PROGRAM_COUNT; p++) {
        if (!PROGRAMS[p].short_run)
            continue;
        if (i < SHORT_COUNT) {
            *program = &PROGRAMS[p];
            *backend = SHORT_BACKENDS[i];
            return 1;
        }
        i -= SHORT_COUNT;
    }
    return 0;
}

static int program_pairs(void)
{
    int count = 0;
    const struct program *program;
    const char *backend;
    while (program_pair(count, &program, &backend))
        count++;
    return count;
}

static void program_argv(const struct program *program, const char **argv)
{
    int n = 0;
    for (; program->argv[n] != NULL; n++)
        argv[n] =
            strcmp(program->argv[n], "PROBE") == 0 ? probe : program->argv[n];
    argv[n] = NULL;
}

/* Once for the whole suite: paths, inputs, and every program's output
 * under the C library's malloc (NAME.libc). */
static void prepare(void)
{
    char root[PATH_MAX];
    ck_assert_ptr_nonnull(realpath(tests_root(), root));
    snprintf(heaplab, sizeof heaplab, "%s/bin/heaplab", root);
    snprintf(probe, sizeof probe, "%s/build/programs/exec_probe", root);
    snprintf(scratch, sizeof scratch, "/tmp/heaplab-test-exec.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
    write_input("small.c", SMALL_C);
    write_input("churn.py", CHURN_PY);
    write_input("words.tcl", WORDS_TCL);
    write_sort_input();
}

static void clean_up(void)
{
    char command[sizeof scratch + 16];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    ck_assert_int_eq(system(command), 0);
}

static void make_references(void)
{
    prepare();
    if (tests_sanitized())
        return;
    for (int p = 0; p < PROGRAM_COUNT; p++) {
        const char *argv[8];
        char out[64];
        program_argv(&PROGRAMS[p], argv);
        snprintf(out, sizeof out, "%s.libc", PROGRAMS[p].name);
        ck_assert_msg(run(argv, NULL, out, NULL) == 0,
                      "%s does not run without heaplab", PROGRAMS[p].name);
    }
}

START_TEST(real_program_writes_what_it_writes_under_libc)
{
    if (tests_sanitized())
        return; /* see the top of the file */
    const struct program *program;
    const char *backend;
    ck_assert(program_pair(_i, &program, &backend));
    const char *argv[8];
    program_argv(program, argv);
    char out[64], err[64];
    snprintf(out, sizeof out, "%s.%s", program->name, backend);
    snprintf(err, sizeof err, "%s.%s.err", program->name, backend);
    const char *options[] = {"-q", "-a", backend, NULL};
    int status = run_heaplab(options, argv, NULL, out, err);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s under %s: status 0x%x, stderr: %s", program->name,
                  backend, status, read_text(err));
    char reference[64];
    snprintf(reference, sizeof reference, "%s.libc", program->name);
    ck_assert_msg(same_bytes(out, reference),
                  "%s under %s wrote other bytes than under libc",
                  program->name, backend);
}
END_TEST

/* --- the interface, under every backend ---------------------------------- */

START_TEST(api_probe_passes_under_every_backend)
{
    const char *backend = registry_at((size_t)_i)->name;
    const char *options[] = {"-q", "-a", backend, NULL};
    const char *command[] = {probe, "api", NULL};
    int status = run_heaplab(options, command, NULL, "api.out", "api.err");
    ck_assert_msg(status == 0, "%s: wait status 0x%x: %s", backend, status,
                  read_text("api.err"));
    ck_assert_str_eq(read_text("api.out"), "api: all checks passed\n");
}
END_TEST

/* --- the command ----------------------------------------------------------
 */

START_TEST(output_and_exit_status_pass_through)
{
    const char *quiet[] = {"-q", "-a", "bins", NULL};
    const char *command[] = {probe, "exit", "3", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(quiet, command, NULL, "o", "e")),
                     3);
    ck_assert_str_eq(read_text("o"), "to stdout\n");
    ck_assert_str_eq(read_text("e"), "to stderr\n");
    /* Without -q, the summary follows the program's own stderr. */
    const char *loud[] = {"-a", "dlist", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(loud, command, NULL, "o", "e")), 3);
    const char *err = read_text("e");
    ck_assert_msg(strncmp(err, "to stderr\nheaplab exec: dlist: '", 32) == 0,
                  "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "exited with status 3"));
}
END_TEST

/* The number after `label` in text (the test fails when it is absent). */
static unsigned long long number_after(const char *text, const char *label)
{
    const char *at = strstr(text, label);
    ck_assert_msg(at != NULL, "no '%s' in:\n%s", label, text);
    return strtoull(at + strlen(label), NULL, 10);
}

START_TEST(summary_counts_the_calls)
{
    static const char *const backends[] = {"bins", "libc"};
    const char *backend = backends[_i];
    const char *options[] = {"--report", "summary.txt", "-a", backend, NULL};
    const char *command[] = {probe, "calls", NULL};
    int status = run_heaplab(options, command, NULL, "o", "e");
    ck_assert_int_eq(exit_code(status), 0);
    ck_assert_str_eq(read_text("e"), ""); /* all in the report */
    const char *text = read_text("summary.txt");
    /* exec_probe calls: exact for the calls nothing else makes. */
    ck_assert_uint_ge(number_after(text, " malloc "), 1000);
    ck_assert_uint_ge(number_after(text, " free "), 1009);
    ck_assert_uint_eq(number_after(text, " reallocarray "), 1);
    ck_assert_uint_eq(number_after(text, " posix_memalign "), 3);
    ck_assert_uint_eq(number_after(text, " aligned_alloc "), 2);
    ck_assert_uint_eq(number_after(text, " memalign "), 1);
    ck_assert_uint_eq(number_after(text, " valloc "), 1);
    ck_assert_uint_eq(number_after(text, " pvalloc "), 1);
    ck_assert_uint_eq(number_after(text, " malloc_usable_size "), 4);
    ck_assert_uint_eq(number_after(text, "failed calls    "), 0);
    /* "peak live       976.6 KiB (1000000 bytes)": the bytes. */
    unsigned long long live = number_after(strstr(text, "peak live"), "(");
    unsigned long long footprint =
        number_after(strstr(text, "peak footprint"), "(");
    ck_assert_uint_ge(live, 1000 * 1000); /* 1000 blocks of 1000 bytes */
    ck_assert_uint_ge(footprint, live / 100 * 99); /* libc's is sampled */
    double util = strtod(strstr(text, "utilization") + 11, NULL);
    ck_assert_msg(util > 50 && util <= 100, "%s", text);
    if (strcmp(backend, "libc") == 0)
        ck_assert_ptr_nonnull(strstr(text, "system calls    not counted"));
    else
        ck_assert_uint_gt(number_after(text, "system calls    "), 0);
}
END_TEST

START_TEST(compare_prints_one_table)
{
    /* sort reads the file on stdin: every run must get all of it. */
    const char *options[] = {"--compare", "-a", "libc,bins,list", NULL};
    const char *command[] = {"sort", NULL};
    int status = run_heaplab(options, command, "lines.txt", "table", "e");
    ck_assert_msg(exit_code(status) == 0, "%s", read_text("e"));
    const char *table = read_text("table");
    ck_assert_msg(
        strncmp(table, "heaplab exec --compare: sort\nallocator ", 39) == 0,
        "%s", table);
    /* Rows in the order of heaplab list; libc is the reference. */
    const char *list = strstr(table, "\nlist ");
    const char *bins = strstr(table, "\nbins ");
    const char *libc = strstr(table, "\nlibc ");
    ck_assert(list != NULL && bins != NULL && libc != NULL);
    ck_assert(list < bins && bins < libc);
    ck_assert_ptr_nonnull(strstr(list + 1, "same\n"));
    ck_assert_ptr_nonnull(strstr(libc + 1, "reference\n"));
    ck_assert_ptr_null(strstr(table, "DIFFERS"));
    /* The footer names the bytes sort wrote: all of its input. */
    char bytes[64], path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lines.txt", scratch);
    FILE *in = fopen(path, "r");
    ck_assert_ptr_nonnull(in);
    fseek(in, 0, SEEK_END);
    snprintf(bytes, sizeof bytes, "(%ld bytes under libc)", ftell(in));
    fclose(in);
    ck_assert_msg(strstr(table, bytes) != NULL, "no '%s' in %s", bytes, table);
}
END_TEST

START_TEST(compare_exits_1_when_runs_disagree)
{
    /* exec_probe usable prints malloc_usable_size(malloc(1)): the layer
     * says 1, glibc 24. */
    const char *options[] = {"--compare", "-a", "bins,libc", NULL};
    const char *usable[] = {probe, "usable", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(options, usable, NULL, "t", "e")),
                     1);
    const char *bins = strstr(read_text("t"), "\nbins ");
    ck_assert_ptr_nonnull(bins);
    ck_assert_ptr_nonnull(strstr(bins, "DIFFERS\n"));
    /* Same output, but a run that fails. */
    const char *failing[] = {probe, "exit", "1", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(options, failing, NULL, "t", "e")),
                     1);
    ck_assert_ptr_nonnull(strstr(read_text("t"), "exit 1"));
    const char *passing[] = {probe, "exit", "0", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(options, passing, NULL, "t", "e")),
                     0);
}
END_TEST

START_TEST(small_reserve_gives_enomem)
{
    static const char *const backends[] = {"minimal", "list", "bins", "mmap"};
    const char *options[] = {"-q", "--reserve",  "64M",
                             "-a", backends[_i], NULL};
    const char *command[] = {probe, "exhaust", NULL};
    int status = run_heaplab(options, command, NULL, "o", "e");
    ck_assert_msg(exit_code(status) == 0, "%s: %s", backends[_i],
                  read_text("e"));
    ck_assert_str_eq(read_text("o"),
                     "exhaust: malloc failed with ENOMEM after some MiB\n");
}
END_TEST

START_TEST(bad_free_stops_the_program)
{
    const char *options[] = {"-q", "-a", "list", NULL};
    const char *command[] = {probe, "badfree", NULL};
    int status = run_heaplab(options, command, NULL, "o", "e");
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    ck_assert_str_eq(read_text("e"), "libheaplab-list.so: free(): invalid "
                                     "pointer (not from this malloc)\n");
}
END_TEST

START_TEST(static_program_runs_without_statistics)
{
    const char *options[] = {"-a", "bins", NULL};
    const char *command[] = {"/sbin/ldconfig", "--version", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(options, command, NULL, "o", "e")),
                     0);
    ck_assert_ptr_nonnull(strstr(read_text("o"), "ldconfig"));
    ck_assert_ptr_nonnull(strstr(read_text("e"), "no statistics"));
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    static const struct {
        const char *options[6];
        const char *message;
    } cases[] = {
        {{NULL}, "missing -a NAME"},
        {{"-a", "nosuch", NULL}, "unknown allocator nosuch"},
        {{"-a", "bins,list", NULL}, "-a takes one backend"},
        {{"-a", "bins", "--reserve", "lots", NULL}, "--reserve wants a size"},
        {{"--compare", "-a", "bins,nosuch", NULL}, "unknown allocator"},
    };
    const char *command[] = {probe, "exit", "0", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = run_heaplab(cases[i].options, command, NULL, "o", "e");
        ck_assert_int_eq(exit_code(status), 2);
        ck_assert_msg(strstr(read_text("e"), cases[i].message) != NULL,
                      "wanted '%s' in: %s", cases[i].message, read_text("e"));
    }
    const char *options[] = {"-a", "bins", NULL};
    const char *missing[] = {"/nonexistent/program", NULL};
    ck_assert_int_eq(exit_code(run_heaplab(options, missing, NULL, "o", "e")),
                     127);
    ck_assert_ptr_nonnull(strstr(read_text("e"), "cannot run"));
    const char *help[] = {heaplab, "exec", "--help", NULL};
    ck_assert_int_eq(exit_code(run(help, NULL, "o", "e")), 0);
    ck_assert_int_eq(strncmp(read_text("o"), "usage: heaplab exec ", 20), 0);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");

    TCase *api = tcase_create("api");
    tcase_add_unchecked_fixture(api, prepare, clean_up);
    tcase_set_timeout(api, 30);
    tcase_add_loop_test(api, api_probe_passes_under_every_backend, 0,
                        (int)registry_count());
    suite_add_tcase(s, api);

    TCase *programs = tcase_create("programs");
    tcase_add_unchecked_fixture(programs, make_references, clean_up);
    tcase_set_timeout(programs, 60);
    tcase_add_loop_test(programs,
                        real_program_writes_what_it_writes_under_libc, 0,
                        program_pairs());
    suite_add_tcase(s, programs);

    TCase *command = tcase_create("command");
    tcase_add_unchecked_fixture(command, prepare, clean_up);
    tcase_set_timeout(command, 30);
    tcase_add_test(command, output_and_exit_status_pass_through);
    tcase_add_loop_test(command, summary_counts_the_calls, 0, 2);
    tcase_add_test(command, compare_prints_one_table);
    tcase_add_test(command, compare_exits_1_when_runs_disagree);
    tcase_add_loop_test(command, small_reserve_gives_enomem, 0, 4);
    tcase_add_test(command, bad_free_stops_the_program);
    tcase_add_test(command, static_program_runs_without_statistics);
    tcase_add_test(command, usage_errors_exit_2);
    suite_add_tcase(s, command);
    return s;
}

TEST_SUITE(exec_suite)
