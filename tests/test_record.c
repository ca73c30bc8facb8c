/*
 * test_record.c -- `heaplab record` and `heaplab import mtrace`.
 *
 *   builder   pointers to ids: every row of trace_builder.h's table, and
 *             a long random run against a plain array (the hash table's
 *             deletions)
 *   record    bin/heaplab records build/programs/record_probe: its known
 *             calls give the expected ops (calloc, realloc to NULL and
 *             back, the aligned calls, a failed malloc, free(NULL)); its
 *             output and exit status pass through; a thread, a fork and an
 *             exec; a program that cannot run
 *   mtrace    a real mtrace() log from build/programs/mtrace_probe, every
 *             caller form, and malformed logs with their LOG:LINE messages
 *   shipped   the recorded traces in traces/ agree with recorded.list and
 *             the README
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../driver/mtrace.h"
#include "../driver/trace.h"
#include "../driver/trace_builder.h"
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

/* --- helpers ------------------------------------------------------------- */

static char work_dir[256];

static void path_in_root(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", tests_root(), name);
}

static void path_in_work(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", work_dir, name);
}

static void make_work_dir(void)
{
    snprintf(work_dir, sizeof work_dir, "/tmp/heaplab-test-record.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work_dir));
}

static int remove_entry(const char *path, const struct stat *info, int flag,
                        struct FTW *walk)
{
    (void)info, (void)flag, (void)walk;
    return remove(path);
}

static void remove_work_dir(void)
{
    nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs argv (argv[0] a path) with stdout and stderr into files (NULL:
 * /dev/null) and the NAME=VALUE strings of env added; the wait status. */
static int run(const char *const *argv, const char *out, const char *err,
               const char *const *env)
{
    fflush(NULL);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        int out_fd = open(out != NULL ? out : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err_fd = open(err != NULL ? err : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out_fd < 0 || err_fd < 0 || dup2(out_fd, 1) < 0 ||
            dup2(err_fd, 2) < 0)
            _exit(125);
        for (; env != NULL && *env != NULL; env++)
            putenv((char *)*env);
        execv(argv[0], (char *const *)argv);
        _exit(124);
    }
    int status;
    while (waitpid(child, &status, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    return status;
}

static int exit_code(int status)
{
    ck_assert_msg(WIFEXITED(status), "not a normal exit: status 0x%x",
                  status);
    return WEXITSTATUS(status);
}

/* The whole file as a string ("" when it cannot be read). */
static char *slurp(const char *path)
{
    static char text[1 << 16];
    FILE *in = fopen(path, "r");
    size_t length = in != NULL ? fread(text, 1, sizeof text - 1, in) : 0;
    if (in != NULL)
        fclose(in);
    text[length] = '\0';
    return text;
}

/* The ops from `first` on, up to (not with) an 'a' of `stop` bytes, with
 * ids renumbered 0, 1, ... in order of appearance; one op a line. */
static char *ops_text(const struct trace *t, size_t first, uint64_t stop)
{
    static char text[1 << 14];
    static int32_t renamed[1 << 16];
    size_t used = 0;
    int32_t next = 0;
    memset(renamed, 0xff, sizeof renamed);
    for (size_t i = first; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        if (op->kind == OP_ALLOC && op->size == stop)
            break;
        ck_assert_int_lt(op->id, 1 << 16);
        if (renamed[op->id] < 0)
            renamed[op->id] = next++;
        if (op->kind == OP_FREE)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "f %d\n", renamed[op->id]);
        else
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "%c %d %llu\n", op->kind,
                                     renamed[op->id],
                                     (unsigned long long)op->size);
        ck_assert_uint_lt(used, sizeof text);
    }
    text[used] = '\0';
    return text;
}

/* Index of the first 'a' of `size` bytes. */
static size_t find_alloc(const struct trace *t, uint64_t size)
{
    for (size_t i = 0; i < t->num_ops; i++)
        if (t->ops[i].kind == OP_ALLOC && t->ops[i].size == size)
            return i;
    ck_abort_msg("no 'a ID %llu' in %s", (unsigned long long)size, t->path);
    return 0;
}

static void load(const char *path, struct trace *t)
{
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_load(path, t, error) == 0, "%s", error);
}

/* --- the builder --------------------------------------------------------- */

static char *built_text(struct trace_builder *b)
{
    struct trace t;
    ck_assert_int_eq(builder_finish(b, "built.rep", &t), 0);
    char *text = ops_text(&t, 0, UINT64_MAX);
    ck_assert_str_eq(t.name, "built");
    trace_free(&t);
    return text;
}

START_TEST(builder_table_of_calls)
{
    struct trace_builder b;
    builder_init(&b);
    ck_assert_int_eq(builder_malloc(&b, 0x1000, 16), 0);       /* a 0 16 */
    ck_assert_int_eq(builder_realloc(&b, 0x1000, 0x1000, 32), 0); /* r 0 */
    ck_assert_int_eq(builder_realloc(&b, 0x1000, 0x2000, 64), 0); /* moved */
    ck_assert_int_eq(builder_realloc(&b, 0, 0x3000, 8), 0);    /* a 1 8 */
    ck_assert_int_eq(builder_realloc(&b, 0x3000, 0, 0), 0);    /* f 1 */
    ck_assert_int_eq(builder_free(&b, 0), 0);                  /* nothing */
    ck_assert_int_eq(builder_free(&b, 0x9000), 0);             /* unknown */
    ck_assert_int_eq(builder_malloc(&b, 0, 100), 0);           /* failed */
    ck_assert_int_eq(builder_realloc(&b, 0x2000, 0, 1000), 0); /* failed */
    ck_assert_int_eq(builder_realloc(&b, 0x8000, 0x4000, 24), 0); /* a 2 */
    ck_assert_int_eq(builder_malloc(&b, 0x4000, 40), 0); /* f 2, a 3 */
    ck_assert_int_eq(builder_malloc(&b, 0x5000, 0), 0);  /* a 4 0 */
    ck_assert_int_eq(builder_realloc(&b, 0x5000, 0x6000, 0), 0); /* f, a */
    ck_assert_int_eq(builder_malloc(&b, 0x7000, 8), 0);  /* a 6 8 */
    ck_assert_int_eq(builder_realloc(&b, 0x2000, 0x7000, 72), 0); /* f 6 */
    ck_assert_uint_eq(b.stats.peak_bytes, 64 + 40 + 8);
    ck_assert_int_eq(builder_release_all(&b), 0);

    const struct builder_stats *s = &b.stats;
    ck_assert_uint_eq(s->calls, 15);
    ck_assert_uint_eq(s->free_nulls, 1);
    ck_assert_uint_eq(s->failed, 2);
    ck_assert_uint_eq(s->unknown_frees, 2);
    ck_assert_uint_eq(s->lost_frees, 2);
    ck_assert_uint_eq(s->released, 3);
    ck_assert_uint_eq(s->live_blocks, 0);
    ck_assert_uint_eq(s->live_bytes, 0);
    ck_assert_str_eq(built_text(&b), "a 0 16\n"
                                     "r 0 32\n"
                                     "r 0 64\n"
                                     "a 1 8\n"
                                     "f 1\n"
                                     "a 2 24\n"
                                     "f 2\n"
                                     "a 3 40\n"
                                     "a 4 0\n"
                                     "f 4\n"
                                     "a 5 0\n"
                                     "a 6 8\n"
                                     "f 6\n"
                                     "r 0 72\n"
                                     "f 0\n"
                                     "f 3\n"
                                     "f 5\n");
    builder_destroy(&b);
}
END_TEST

/* Random calls on a small set of pointers, checked against an array that
 * says which are live: the table must agree after every deletion. */
START_TEST(builder_random_against_array)
{
    enum { POINTERS = 3000, CALLS = 200000 };
    static int32_t live_id[POINTERS];
    struct trace_builder b;
    builder_init(&b);
    memset(live_id, 0xff, sizeof live_id);
    uint64_t state = 12345, next_id = 0, live = 0;
    for (int i = 0; i < CALLS; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        size_t slot = (size_t)(state >> 33) % POINTERS;
        uint64_t pointer = 0x10000 + 16 * (uint64_t)slot;
        if (live_id[slot] < 0) {
            ck_assert_int_eq(builder_malloc(&b, pointer, slot), 0);
            live_id[slot] = (int32_t)next_id++;
            live++;
        } else if ((state >> 20) % 3 == 0) {
            ck_assert_int_eq(builder_realloc(&b, pointer, pointer, 1), 0);
            ck_assert_int_eq(b.ops[b.num_ops - 1].id, live_id[slot]);
        } else {
            ck_assert_int_eq(builder_free(&b, pointer), 0);
            ck_assert_int_eq(b.ops[b.num_ops - 1].id, live_id[slot]);
            live_id[slot] = -1;
            live--;
        }
        ck_assert_uint_eq(b.stats.live_blocks, live);
    }
    ck_assert_uint_eq(b.stats.unknown_frees + b.stats.lost_frees, 0);
    ck_assert_uint_eq(b.num_ids, next_id);
    builder_destroy(&b);
}
END_TEST

/* --- recording ----------------------------------------------------------- */

/* Records `record_probe MODE [ARG]` into work_dir/out.rep; returns the
 * wait status; stdout and stderr go to work_dir/out.txt and err.txt. */
static int record(const char *mode, const char *arg, int all_processes)
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
    if (arg != NULL)
        argv[count++] = arg;
    argv[count] = NULL;
    return run(argv, out, err, NULL);
}

static void load_output(struct trace *t)
{
    char path[512];
    path_in_work(path, sizeof path, "out.rep");
    load(path, t);
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
    ck_assert_int_eq(exit_code(record("basic", NULL, 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "out.txt");
    ck_assert_str_eq(slurp(path), "basic done\n");
    path_in_work(path, sizeof path, "err.txt");
    const char *err = slurp(path);
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
    ck_assert_int_eq(exit_code(run(direct, out, err, NULL)), 42);

    char heaplab[512], output[512];
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_work(output, sizeof output, "out.rep");
    path_in_work(out, sizeof out, "out.txt");
    path_in_work(err, sizeof err, "err.txt");
    const char *recorded[] = {heaplab, "record", "-q", "-o", output,
                              "--", probe, "exit", "42", NULL};
    ck_assert_int_eq(exit_code(run(recorded, out, err, NULL)), 42);
    ck_assert_str_eq(slurp(out), "to stdout\n");
    ck_assert_str_eq(slurp(err), "to stderr\n");
    ck_assert_int_eq(access(output, R_OK), 0);

    /* Killed by a signal: heaplab dies of the same one, trace written. */
    ck_assert_int_eq(unlink(output), 0);
    const char *killed[] = {heaplab, "record", "-q", "-o", output,
                            "--", probe, "kill", NULL};
    int status = run(killed, out, err, NULL);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
                  "status 0x%x", status);
    ck_assert_str_eq(slurp(out), "to stdout\n");
    ck_assert_int_eq(access(output, R_OK), 0);
    remove_work_dir();
}
END_TEST

START_TEST(record_threads_in_order)
{
    make_work_dir();
    ck_assert_int_eq(exit_code(record("threads", NULL, 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "err.txt");
    const char *err = slurp(path);
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
    ck_assert_int_eq(exit_code(record("fork", NULL, 0)), 0);
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
    ck_assert_int_eq(exit_code(record("fork", NULL, 1)), 0);
    const char *child = other_trace();
    ck_assert_msg(child[0] != '\0', "no out.PID.rep");
    char path[512];
    path_in_work(path, sizeof path, child);
    struct trace t;
    load(path, &t);
    ck_assert_str_eq(ops_text(&t, 0, UINT64_MAX), "a 0 3333\nf 0\n");
    trace_free(&t);
    path_in_work(path, sizeof path, "err.txt");
    ck_assert_ptr_nonnull(strstr(slurp(path), "1 unknown frees"));
    load_output(&t);
    find_alloc(&t, PARENT_SIZE);
    trace_free(&t);
    remove_work_dir();
}
END_TEST

START_TEST(record_exec_frees_what_was_live)
{
    make_work_dir();
    ck_assert_int_eq(exit_code(record("exec", NULL, 0)), 0);
    char path[512];
    path_in_work(path, sizeof path, "err.txt");
    ck_assert_ptr_nonnull(strstr(slurp(path), ", 1 execs"));
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
    ck_assert_int_eq(exit_code(run(missing, NULL, err, NULL)), 127);
    ck_assert_str_eq(slurp(err), "heaplab record: cannot run "
                                 "'no-such-program-heaplab': No such file "
                                 "or directory\n");
    ck_assert_int_ne(access(output, F_OK), 0);

    const char *no_output[] = {heaplab, "record", "--", "true", NULL};
    ck_assert_int_eq(exit_code(run(no_output, NULL, err, NULL)), 2);
    ck_assert_str_eq(slurp(err), "heaplab record: missing -o FILE (try "
                                 "'heaplab record --help')\n");
    const char *no_command[] = {heaplab, "record", "-o", output, NULL};
    ck_assert_int_eq(exit_code(run(no_command, NULL, err, NULL)), 2);
    const char *help[] = {heaplab, "record", "--help", NULL};
    ck_assert_int_eq(exit_code(run(help, NULL, err, NULL)), 0);
    remove_work_dir();
}
END_TEST

/* --- mtrace --------------------------------------------------------------- */

/* Reads text as an mtrace log "t.log"; returns 0 or -1, message in error. */
static int read_log(const char *text, struct trace_builder *b,
                    struct mtrace_info *info, char error[TRACE_ERROR_MAX])
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    ck_assert_ptr_nonnull(in);
    builder_init(b);
    int status = mtrace_read("t.log", in, b, info, error);
    fclose(in);
    return status;
}

START_TEST(mtrace_real_log)
{
    make_work_dir();
    char probe[512], log[512], env_log[600], heaplab[512], output[512];
    path_in_root(probe, sizeof probe, "build/programs/mtrace_probe");
    path_in_work(log, sizeof log, "mtrace.log");
    snprintf(env_log, sizeof env_log, "MALLOC_TRACE=%s", log);
    /* glibc 2.34 and later trace only with libc_malloc_debug preloaded. */
    const char *env[] = {env_log, "LD_PRELOAD=libc_malloc_debug.so.0", NULL};
    const char *argv[] = {probe, NULL};
    ck_assert_int_eq(exit_code(run(argv, NULL, NULL, env)), 0);
    const char *text = slurp(log);
    ck_assert_msg(strncmp(text, "= Start\n@ ", 10) == 0, "log: %s", text);
    ck_assert_ptr_nonnull(strstr(text, "\n= End\n"));

    struct trace_builder b;
    struct mtrace_info info;
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(read_log(text, &b, &info, error) == 0, "%s", error);
    ck_assert_uint_eq(info.sessions, 1);
    ck_assert_uint_eq(b.stats.unknown_frees, 1); /* the block from before */
    ck_assert_uint_eq(b.stats.failed, 1);        /* the huge realloc */
    ck_assert_uint_eq(b.stats.live_blocks, 1);
    ck_assert_str_eq(built_text(&b), "a 0 100\n"
                                     "a 1 32\n"
                                     "r 0 5000\n"
                                     "a 2 40\n"
                                     "f 2\n"
                                     "f 1\n"
                                     "f 0\n"
                                     "a 3 64\n");
    builder_destroy(&b);

    /* The command writes the same trace, which reads back. */
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_work(output, sizeof output, "imported.rep");
    const char *import[] = {heaplab, "import", "-q", "mtrace", log,
                            "-o", output, NULL};
    ck_assert_int_eq(exit_code(run(import, NULL, NULL, NULL)), 0);
    struct trace t;
    load(output, &t);
    ck_assert_uint_eq(t.num_ops, 8);
    ck_assert_uint_eq(t.num_ids, 4);
    trace_free(&t);
    remove_work_dir();
}
END_TEST

START_TEST(mtrace_caller_forms)
{
    static const char log[] =
        "= Start\n"
        "+ 0x1000 0x10\n"                                /* no caller */
        "@ [0x7f0012345678] + 0x2000 32\n"               /* decimal size */
        "@ ./a.out:[0x401136] < 0x1000\n"
        "@ ./a.out:[0x401136] > 0x3000 0x40\n"
        "@ /lib/x86_64-linux-gnu/libc.so.6:(strdup+0x1a)[0x7f001] - 0x2000\n"
        "@ ./my prog:(main-0x4)[0x401000] + (nil) 0x100\n" /* failed */
        "\n"
        "= End\n"
        "= Start\n"
        "- 0x3000\n"
        "= End\n";
    struct trace_builder b;
    struct mtrace_info info;
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(read_log(log, &b, &info, error) == 0, "%s", error);
    ck_assert_uint_eq(info.sessions, 2);
    ck_assert_uint_eq(info.lines, 12);
    ck_assert_uint_eq(b.stats.failed, 1);
    ck_assert_str_eq(built_text(&b), "a 0 16\n"
                                     "a 1 32\n"
                                     "r 0 64\n"
                                     "f 1\n"
                                     "f 0\n");
    builder_destroy(&b);
}
END_TEST

START_TEST(mtrace_malformed_logs)
{
    static const struct {
        const char *log;
        const char *message;
    } cases[] = {
        {"= Start\nx 1 2\n", "t.log:2: unknown line 'x'"},
        {"= Start\n\n@ ./a:[0x1] + 0x10\n",
         "t.log:3: '+' line without its size"},
        {"- \n", "t.log:1: '-' line without its pointer"},
        {"+ zz 0x10\n",
         "t.log:1: pointer 'zz' is not a pointer (0x... or (nil))"},
        {"+ 0x10 0x1g\n",
         "t.log:1: size '0x1g' is not a size (0x... or decimal)"},
        {"+ 0x10 99999999999999999999999\n",
         "t.log:1: size '99999999999999999999999' is not a size (0x... or "
         "decimal)"},
        {"- 0x10 0x20\n", "t.log:1: extra field '0x20' after '-' line"},
        {"+ 0x10 0x20\n< 0x10\n+ 0x30 0x5\n",
         "t.log:3: '<' at line 2 is not followed by its '>'"},
        {"+ 0x10 0x20\n< 0x10\n= End\n",
         "t.log:3: '<' at line 2 is not followed by its '>'"},
        {"+ 0x10 0x20\n< 0x10\n",
         "t.log:2: '<' is not followed by its '>' (the log ends)"},
        {"> 0x20 0x10\n", "t.log:1: '>' without the '<' line before it"},
        {"@ no bracket + 0x1 0x2\n",
         "t.log:1: caller 'no bracket + 0x1 0x2' has no '[ADDRESS] ' "
         "before the call"},
        {"@ ./a:[0x1] \n", "t.log:1: caller without a call"},
        {"++ 0x1 0x2\n", "t.log:1: unknown line '++'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct trace_builder b;
        struct mtrace_info info;
        char error[TRACE_ERROR_MAX];
        ck_assert_msg(read_log(cases[i].log, &b, &info, error) == -1,
                      "case %zu read without an error", i);
        ck_assert_str_eq(error, cases[i].message);
        builder_destroy(&b);
    }
}
END_TEST

START_TEST(import_command_errors)
{
    make_work_dir();
    char heaplab[512], log[512], err[512], expected[1200];
    path_in_root(heaplab, sizeof heaplab, "bin/heaplab");
    path_in_work(log, sizeof log, "bad.log");
    path_in_work(err, sizeof err, "err.txt");
    FILE *out = fopen(log, "w");
    ck_assert_ptr_nonnull(out);
    fputs("= Start\n+ 0x10 0x20\nbogus\n", out);
    fclose(out);
    const char *bad[] = {heaplab, "import", "mtrace", log, NULL};
    ck_assert_int_eq(exit_code(run(bad, NULL, err, NULL)), 2);
    snprintf(expected, sizeof expected,
             "heaplab import: %s:3: unknown line 'bogus'\n", log);
    ck_assert_str_eq(slurp(err), expected);

    const char *none[] = {heaplab, "import", "mtrace", "/nonexistent.log",
                          NULL};
    ck_assert_int_eq(exit_code(run(none, NULL, err, NULL)), 2);
    ck_assert_str_eq(slurp(err), "heaplab import: /nonexistent.log: cannot "
                                 "open: No such file or directory\n");
    const char *format[] = {heaplab, "import", "valgrind", log, NULL};
    ck_assert_int_eq(exit_code(run(format, NULL, err, NULL)), 2);
    ck_assert_str_eq(slurp(err), "heaplab import: unknown format: valgrind "
                                 "(try 'heaplab import --help')\n");
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
        load(full, &t);
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
    TCase *builder = tcase_create("builder");
    tcase_add_test(builder, builder_table_of_calls);
    tcase_add_test(builder, builder_random_against_array);
    suite_add_tcase(s, builder);

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

    TCase *mtrace = tcase_create("mtrace");
    tcase_set_timeout(mtrace, 60);
    tcase_add_test(mtrace, mtrace_real_log);
    tcase_add_test(mtrace, mtrace_caller_forms);
    tcase_add_test(mtrace, mtrace_malformed_logs);
    tcase_add_test(mtrace, import_command_errors);
    suite_add_tcase(s, mtrace);

    TCase *shipped = tcase_create("shipped");
    tcase_add_test(shipped, recorded_traces_match_their_list);
    suite_add_tcase(s, shipped);
    return s;
}

TEST_SUITE(record_suite)
