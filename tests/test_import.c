/*
 * test_import.c -- pointers into trace ids (trace_builder.c) and
 * `heaplab import mtrace`:
 *
 *   builder   every row of trace_builder.h's table, and a long random run
 *             against a plain array (the hash table's deletions)
 *   mtrace    a real mtrace() log from build/programs/mtrace_probe, every
 *             caller form, malformed logs with their LOG:LINE messages,
 *             the command's errors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/mtrace.h"
#include "../driver/trace.h"
#include "../driver/trace_builder.h"
#include "run_program.h"
#include "suites.h"

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
    ck_assert_int_eq(exit_code_of(run_program(argv, NULL, NULL, env)), 0);
    const char *text = read_text(log);
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
    ck_assert_int_eq(exit_code_of(run_program(import, NULL, NULL, NULL)), 0);
    struct trace t;
    load_trace(output, &t);
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
    ck_assert_int_eq(exit_code_of(run_program(bad, NULL, err, NULL)), 2);
    snprintf(expected, sizeof expected,
             "heaplab import: %s:3: unknown line 'bogus'\n", log);
    ck_assert_str_eq(read_text(err), expected);

    const char *none[] = {heaplab, "import", "mtrace", "/nonexistent.log",
                          NULL};
    ck_assert_int_eq(exit_code_of(run_program(none, NULL, err, NULL)), 2);
    ck_assert_str_eq(read_text(err), "heaplab import: /nonexistent.log: cannot "
                                 "open: No such file or directory\n");
    const char *format[] = {heaplab, "import", "valgrind", log, NULL};
    ck_assert_int_eq(exit_code_of(run_program(format, NULL, err, NULL)), 2);
    ck_assert_str_eq(read_text(err), "heaplab import: unknown format: valgrind "
                                 "(try 'heaplab import --help')\n");
    remove_work_dir();
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *builder = tcase_create("builder");
    tcase_add_test(builder, builder_table_of_calls);
    tcase_add_test(builder, builder_random_against_array);
    suite_add_tcase(s, builder);

    TCase *mtrace = tcase_create("mtrace");
    tcase_set_timeout(mtrace, 60);
    tcase_add_test(mtrace, mtrace_real_log);
    tcase_add_test(mtrace, mtrace_caller_forms);
    tcase_add_test(mtrace, mtrace_malformed_logs);
    tcase_add_test(mtrace, import_command_errors);
    suite_add_tcase(s, mtrace);
    return s;
}

TEST_SUITE(import_suite)
