/*
 * test_record.c -- `heaplab record`: bin/heaplab records
 * build/programs/record_probe, whose known calls give the expected ops
 * (calloc, realloc to NULL and back, the aligned calls, a failed malloc,
 * free(NULL)); its output and exit status pass through; a thread, a fork
 * and an exec; a program that cannot run.  And the shipped recorded
 * traces agree with traces/recorded.list and the README.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../driver/trace.h"
#include "run_program.h"
#include "suites.h"

/* The markers and sizes of tests/programs/record_probe.c. */
enum {
    MARK_BEGIN = 777777,
    MARK_END = 888888,
    CHILD_SIZE = 3333,
    PARENT_SIZE = 4444,
    EXEC_LEFT_SIZE = 5555,
    THREAD_BLOCKS = 20000,
    THREAD_SIZE = 1111
};

/* --- recording ----------------------------------------------------------- */

/* Records `record_probe MODE` into work_dir/out.rep; returns the wait
 * status; stdout and stderr go to work_dir/out.txt and err.txt. */
static int record(const char *mode, int all_processes)
{
    char heaplab[512], probe[512], output[512], out[512], err[512];
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_root(probe, sizeof probe, "build/programs/record_probe");
    path_in_work(output, sizeof output, "out.rep");
    path_in_work(out, sizeof out, "out.txt");
    path_in_work(err, sizeof err, "err.txt");
    const char *argv[10];
    int count = 0;
    argv[count++] = heaplab;
    argv[count++] = "record";
    argv[count++] = "-o";
    argv[count++] = output;
    if (all_processes)
        argv[count++] = "--all-processes";
    argv[count++] = "--";
    argv[count++] = probe;
    argv[count++] = mode;
    argv[count] = NULL;
    return run_program(argv, out, err, NULL);
}

static void load_output(struct trace *t)
{
    char path[512];
    path_in_work(path, sizeof path, "out.rep");
    load_trace(path, t);
}

static const char BASIC_OPS[] = "a 0 100\n"   /* malloc(100) */
                                "a 1 200\n"   /* calloc(10, 20) */
                                "r 0 300\n"   /* realloc(a, 300) */
                                "a 2 50\n"    /* realloc(NULL, 50) */
                                "f 2\n"       /* realloc(c, 0) */
                                "a 3 128\n"   /* posix_memalign(64, 128) */
                                "a 4 64\n"    /* aligned_alloc(32, 64) */
                                "a 5 40\n"    /* memalign(128, 40) */
                                "a 6 10\n"    /* valloc(10) */
                                "f 1\n"       /* free(b) */
                                "f 0\n"
                                "f 3\n"
                                "f 4\n"
                                "f 5\n"
                                "f 6\n";

START_TEST(record_known_calls)
{
    make_work_dir();
    ck_assert_int_eq(exit_code_of(record("basic", 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "out.txt");
    ck_assert_str_eq(read_text(path), "basic done\n");
    path_in_work(path, sizeof path, "err.txt");
    const char *err = read_text(path);
    ck_assert_msg(strstr(err, "heaplab record: ") == err &&
                      strstr(err, " 0 unknown frees") != NULL &&
                      strstr(err, "1 malloc_usable_size calls") != NULL &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "summary line: %s", err);

    struct trace t;
    load_output(&t);
    size_t begin = find_alloc(&t, MARK_BEGIN);
    ck_assert_int_eq(t.ops[begin + 1].kind, OP_FREE);
    ck_assert_str_eq(ops_text(&t, begin + 2, MARK_END), BASIC_OPS);
    ck_assert_str_eq(t.name, "out");
    trace_free(&t);
    remove_work_dir();
}
END_TEST

START_TEST(record_passes_output_and_status_through)
{
    make_work_dir();
    char probe[512], out[512], err[512];
    path_in_root(probe, sizeof probe, "build/programs/record_probe");
    path_in_work(out, sizeof out, "direct.txt");
    path_in_work(err, sizeof err, "direct-err.txt");
    const char *direct[] = {probe, "exit", "42", NULL};
    ck_assert_int_eq(exit_code_of(run_program(direct, out, err, NULL)), 42);

    char heaplab[512], output[512];
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_work(output, sizeof output, "out.rep");
    path_in_work(out, sizeof out, "out.txt");
    path_in_work(err, sizeof err, "err.txt");
    const char *recorded[] = {heaplab, "record", "-q", "-o", output,
                              "--", probe, "exit", "42", NULL};
    ck_assert_int_eq(exit_code_of(run_program(recorded, out, err, NULL)), 42);
    ck_assert_str_eq(read_text(out), "to stdout\n");
    ck_assert_str_eq(read_text(err), "to stderr\n");
    ck_assert_int_eq(access(output, R_OK), 0);

    /* Killed by a signal: heaplab dies of the same one, trace written. */
    ck_assert_int_eq(unlink(output), 0);
    const char *killed[] = {heaplab, "record", "-q", "-o", output,
                            "--", probe, "kill", NULL};
    int status = run_program(killed, out, err, NULL);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
                  "status 0x%x", status);
    ck_assert_str_eq(read_text(out), "to stdout\n");
    ck_assert_int_eq(access(output, R_OK), 0);
    remove_work_dir();
}
END_TEST

START_TEST(record_threads_in_order)
{
    make_work_dir();
    ck_assert_int_eq(exit_code_of(record("threads", 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "err.txt");
    const char *err = read_text(path);
    ck_assert_msg(strstr(err, ", 2 threads") != NULL &&
                      strstr(err, "lost frees") == NULL &&
                      strstr(err, " 0 unknown frees") != NULL,
                  "summary line: %s", err);
    struct trace t;
    load_output(&t);
    size_t produced = 0, freed = 0;
    static char is_thread_block[1 << 17];
    for (size_t i = 0; i < t.num_ops; i++) {
        const struct trace_op *op = &t.ops[i];
        ck_assert_int_lt(op->id, 1 << 17);
        if (op->kind == OP_ALLOC && op->size == THREAD_SIZE) {
            is_thread_block[op->id] = 1;
            produced++;
        } else if (op->kind == OP_FREE && is_thread_block[op->id]) {
            freed++;
        }
    }
    ck_assert_uint_eq(produced, THREAD_BLOCKS);
    ck_assert_uint_eq(freed, THREAD_BLOCKS);
    trace_free(&t);
    remove_work_dir();
}
END_TEST

/* The name of the one file in work_dir that starts "out." and ends
 * ".rep", other than out.rep; "" when there is none. */
static const char *other_trace(void)
{
    static char found[512];
    char command[600];
    snprintf(command, sizeof command,
             "cd %s && ls out.*.rep 2>/dev/null", work_dir);
    FILE *list = popen(command, "r");
    ck_assert_ptr_nonnull(list);
    if (fgets(found, sizeof found, list) == NULL)
        found[0] = '\0';
    found[strcspn(found, "\n")] = '\0';
    pclose(list);
    return found;
}

START_TEST(record_fork_top_process_only)
{
    make_work_dir();
    ck_assert_int_eq(exit_code_of(record("fork", 0)), 0);
    struct trace t;
    load_output(&t);
    find_alloc(&t, PARENT_SIZE);
    for (size_t i = 0; i < t.num_ops; i++)
        ck_assert_uint_ne(t.ops[i].size, CHILD_SIZE);
    trace_free(&t);
    ck_assert_str_eq(other_trace(), "");
    remove_work_dir();
}
END_TEST

START_TEST(record_fork_all_processes)
{
    make_work_dir();
    ck_assert_int_eq(exit_code_of(record("fork", 1)), 0);
    const char *child = other_trace();
    ck_assert_msg(child[0] != '\0', "no out.PID.rep");
    char path[512];
    path_in_work(path, sizeof path, child);
    struct trace t;
    load_trace(path, &t);
    ck_assert_str_eq(ops_text(&t, 0, UINT64_MAX), "a 0 3333\nf 0\n");
    trace_free(&t);
    path_in_work(path, sizeof path, "err.txt");
    ck_assert_ptr_nonnull(strstr(read_text(path), "1 unknown frees"));
    load_output(&t);
    find_alloc(&t, PARENT_SIZE);
    trace_free(&t);
    remove_work_dir();
}
END_TEST

START_TEST(record_exec_frees_what_was_live)
{
    make_work_dir();
    ck_assert_int_eq(exit_code_of(record("exec", 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "err.txt");
    ck_assert_ptr_nonnull(strstr(read_text(path), ", 1 execs"));
    struct trace t;
    load_output(&t);
    size_t left = find_alloc(&t, EXEC_LEFT_SIZE);
    size_t begin = find_alloc(&t, MARK_BEGIN);
    int freed_at_exec = 0;
    for (size_t i = left + 1; i < begin; i++)
        if (t.ops[i].kind == OP_FREE && t.ops[i].id == t.ops[left].id)
            freed_at_exec = 1;
    ck_assert_msg(freed_at_exec, "the block live at exec is never freed");
    ck_assert_str_eq(ops_text(&t, begin + 2, MARK_END), BASIC_OPS);
    trace_free(&t);
    remove_work_dir();
}
END_TEST

START_TEST(record_errors)
{
    make_work_dir();
    char heaplab[512], output[512], err[512];
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_work(output, sizeof output, "out.rep");
    path_in_work(err, sizeof err, "err.txt");
    const char *missing[] = {heaplab, "record", "-o", output, "--",
                             "no-such-program-heaplab", NULL};
    ck_assert_int_eq(exit_code_of(run_program(missing, NULL, err, NULL)), 127);
    ck_assert_str_eq(read_text(err), "heaplab record: cannot run "
                                 "'no-such-program-heaplab': No such file "
                                 "or directory\n");
    ck_assert_int_ne(access(output, F_OK), 0);

    const char *no_output[] = {heaplab, "record", "--", "true", NULL};
    ck_assert_int_eq(exit_code_of(run_program(no_output, NULL, err, NULL)), 2);
    ck_assert_str_eq(read_text(err), "heaplab record: missing -o FILE (try "
                                 "'heaplab record --help')\n");
    const char *no_command[] = {heaplab, "record", "-o", output, NULL};
    ck_assert_int_eq(exit_code_of(run_program(no_command, NULL, err, NULL)), 2);
    const char *help[] = {heaplab, "record", "--help", NULL};
    ck_assert_int_eq(exit_code_of(run_program(help, NULL, err, NULL)), 0);
    remove_work_dir();
}
END_TEST

/* --- the shipped recorded traces ----------------------------------------- */

/* Every line of traces/recorded.list: the trace is there, reads, replays
 * fast (at most 20000 ops), and the README gives its exact command. */
START_TEST(recorded_traces_match_their_list)
{
    char path[512];
    path_in_root(path, sizeof path, "traces/README.md");
    static char readme[1 << 17];
    FILE *in = fopen(path, "r");
    ck_assert_msg(in != NULL, "cannot open %s", path);
    readme[fread(readme, 1, sizeof readme - 1, in)] = '\0';
    fclose(in);
    const char *section = strstr(readme, "### Recorded traces");
    ck_assert_msg(section != NULL, "README.md has no 'Recorded traces'");

    path_in_root(path, sizeof path, "traces/recorded.list");
    in = fopen(path, "r");
    ck_assert_msg(in != NULL, "cannot open %s", path);
    char line[1024];
    int traces = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *name = line + strspn(line, " \t");
        if (*name == '#' || *name == '\0')
            continue;
        char *command = name + strcspn(name, " \t");
        ck_assert_msg(*command != '\0', "no command for %s", name);
        *command++ = '\0';
        command += strspn(command, " \t");

        char expected[1200], trace_path[600];
        snprintf(expected, sizeof expected,
                 "`bin/heaplab record -o traces/%s.rep -- %s`", name,
                 command);
        ck_assert_msg(strstr(section, expected) != NULL,
                      "README.md does not give %s", expected);
        snprintf(trace_path, sizeof trace_path, "traces/%s.rep", name);
        char full[1200];
        path_in_root(full, sizeof full, trace_path);
        struct trace t;
        load_trace(full, &t);
        ck_assert_uint_gt(t.num_ops, 1000);
        ck_assert_uint_le(t.num_ops, 20000);
        ck_assert_int_eq(t.format, TRACE_CSAPP);
        trace_free(&t);
        traces++;
    }
    fclose(in);
    ck_assert_int_ge(traces, 6);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *recording = tcase_create("record");
    tcase_set_timeout(recording, 60);
    tcase_add_test(recording, record_known_calls);
    tcase_add_test(recording, record_passes_output_and_status_through);
    tcase_add_test(recording, record_threads_in_order);
    tcase_add_test(recording, record_fork_top_process_only);
    tcase_add_test(recording, record_fork_all_processes);
    tcase_add_test(recording, record_exec_frees_what_was_live);
    tcase_add_test(recording, record_errors);
    suite_add_tcase(s, recording);

    TCase *shipped = tcase_create("shipped");
    tcase_add_test(shipped, recorded_traces_match_their_list);
    suite_add_tcase(s, shipped);
    return s;
}

TEST_SUITE(record_suite)
