/*
 * test_trace.c -- the trace parser: the three formats and how they are told
 * apart, comments and CRLF, `f -1` and `r ID 0`, every error message word
 * for word (a table: text beside the message it must produce), the real
 * CS:APP traces, and trace_write's round trip.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/trace.h"
#include "suites.h"

/* --- helpers ------------------------------------------------------------- */

static void parse_ok(const char *path, const char *text, struct trace *trace)
{
    char error[TRACE_ERROR_MAX] = "unset";
    int status = trace_parse(path, text, strlen(text), trace, error);
    ck_assert_msg(status == 0, "%s did not parse: %s", path, error);
    ck_assert_str_eq(error, "");
}

/* Parses text that must fail; returns the message after checking that it
 * is one line and that the trace was left empty. */
static const char *parse_error(const char *path, const char *text)
{
    static char error[TRACE_ERROR_MAX];
    struct trace trace;
    memset(&trace, 0xAB, sizeof trace); /* the parser must empty it */
    int status = trace_parse(path, text, strlen(text), &trace, error);
    ck_assert_msg(status == -1, "'%s' parsed, expected an error", text);
    ck_assert_ptr_null(strchr(error, '\n'));
    ck_assert_ptr_null(trace.ops);
    ck_assert_ptr_null(trace.path);
    ck_assert_ptr_null(trace.name);
    ck_assert_uint_eq(trace.num_ops, 0);
    return error;
}

static void assert_op(const struct trace *trace, size_t i, char kind,
                      int32_t id, uint64_t size, uint32_t line)
{
    ck_assert_uint_lt(i, trace->num_ops);
    const struct trace_op *op = &trace->ops[i];
    ck_assert_msg(op->kind == kind && op->id == id && op->size == size &&
                      op->line == line,
                  "op %zu is '%c %d %llu' at line %u, expected '%c %d %llu' "
                  "at line %u",
                  i, op->kind, op->id, (unsigned long long)op->size, op->line,
                  kind, id, (unsigned long long)size, line);
}

/* Same ops (kind, id, size), lines aside. */
static void assert_same_ops(const struct trace *a, const struct trace *b)
{
    ck_assert_uint_eq(a->num_ops, b->num_ops);
    ck_assert_uint_eq(a->num_ids, b->num_ids);
    for (size_t i = 0; i < a->num_ops; i++)
        assert_op(b, i, a->ops[i].kind, a->ops[i].id, a->ops[i].size,
                  b->ops[i].line);
}

/* trace_write into a string (free it). */
static char *write_to_string(const struct trace *trace)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(trace_write(out, trace), 0);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

/* Scratch files live in one folder per test process. */
static char scratch_folder[64];

/* A scratch file holding text; returns its path (static buffer). */
static const char *scratch_file(const char *name, const char *text)
{
    static char path[256];
    if (scratch_folder[0] == '\0') {
        strcpy(scratch_folder, "/tmp/heaplab-trace-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(scratch_folder));
    }
    snprintf(path, sizeof path, "%s/%s", scratch_folder, name);
    FILE *file = fopen(path, "w");
    ck_assert_ptr_nonnull(file);
    ck_assert_int_eq(fputs(text, file) >= 0, 1);
    ck_assert_int_eq(fclose(file), 0);
    return path;
}

static void scratch_remove(const char *path)
{
    ck_assert_int_eq(unlink(path), 0);
    if (rmdir(scratch_folder) == 0) /* fails while files remain */
        scratch_folder[0] = '\0';
}

/* The classic corpus beside the project, or NULL (the test then skips). */
static const char *csapp_folder(char path[512])
{
    snprintf(path, 512, "%s/../shared/traces/csapp", tests_root());
    if (access(path, R_OK) == 0)
        return path;
    fprintf(stderr, "test_trace: %s is missing, skipping\n", path);
    return NULL;
}

/* The example of the CS:APP traces README, balanced. */
static const char CSAPP_TEXT[] = "20000\n3\n8\n1\n"
                                 "a 0 512\na 1 128\nr 0 640\na 2 128\n"
                                 "f 1\nr 0 768\nf 0\nf 2\n";

/* --- the three formats --------------------------------------------------- */

START_TEST(csapp_header_and_ops)
{
    struct trace trace;
    parse_ok("traces/example.rep", CSAPP_TEXT, &trace);
    ck_assert_int_eq(trace.format, TRACE_CSAPP);
    ck_assert_str_eq(trace_format_name(trace.format), "csapp");
    ck_assert_str_eq(trace.path, "traces/example.rep");
    ck_assert_str_eq(trace.name, "example");
    ck_assert_uint_eq(trace.heap_hint, 20000);
    ck_assert_uint_eq(trace.max_bytes, 0);
    ck_assert_int_eq(trace.weight, WEIGHT_BOTH);
    ck_assert_uint_eq(trace.num_ids, 3);
    ck_assert_uint_eq(trace.num_ops, 8);
    assert_op(&trace, 0, OP_ALLOC, 0, 512, 5);
    assert_op(&trace, 2, OP_REALLOC, 0, 640, 7);
    assert_op(&trace, 4, OP_FREE, 1, 0, 9);
    assert_op(&trace, 7, OP_FREE, 2, 0, 12);
    trace_free(&trace);
    ck_assert_ptr_null(trace.ops);
    ck_assert_uint_eq(trace.num_ops, 0);
}
END_TEST

START_TEST(csapp_weight_field_is_ignored)
{
    struct trace trace;
    parse_ok("w.rep", "20000\n1\n2\n0\na 0 8\nf 0\n", &trace);
    ck_assert_int_eq(trace.format, TRACE_CSAPP);
    ck_assert_int_eq(trace.weight, WEIGHT_BOTH);
    trace_free(&trace);
}
END_TEST

/* A real CMU trace (syn-array-short.rep's shape: one header number per
 * line, trailing blanks after some ops), once for each weight. */
START_TEST(cmu_weight_comes_from_the_header)
{
    char text[256];
    snprintf(text, sizeof text,
             "%d\n10\n6\n90036\n"
             "a 0 9904\na 9 50084\nf 9 \na 2 20\nf 0 \nf 2\n",
             _i);
    struct trace trace;
    parse_ok("syn.rep", text, &trace);
    ck_assert_int_eq(trace.format, TRACE_CMU);
    ck_assert_str_eq(trace_format_name(trace.format), "cmu");
    ck_assert_int_eq(trace.weight, _i);
    ck_assert_uint_eq(trace.max_bytes, 90036);
    ck_assert_uint_eq(trace.heap_hint, 0);
    ck_assert_uint_eq(trace.num_ids, 10);
    ck_assert_uint_eq(trace.num_ops, 6);
    assert_op(&trace, 1, OP_ALLOC, 9, 50084, 6);
    assert_op(&trace, 2, OP_FREE, 9, 0, 7);
    trace_free(&trace);
}
END_TEST

START_TEST(header_numbers_may_share_a_line)
{
    struct trace trace;
    parse_ok("one.rep", "4096 2 2 1\na 1 8\nf 1\n", &trace);
    ck_assert_int_eq(trace.format, TRACE_CSAPP);
    ck_assert_uint_eq(trace.heap_hint, 4096);
    ck_assert_uint_eq(trace.num_ids, 2);
    assert_op(&trace, 0, OP_ALLOC, 1, 8, 2);
    trace_free(&trace);

    parse_ok("four.rep", "4\n2\n2\n1\na 1 8\nf 1\n", &trace);
    ck_assert_int_eq(trace.format, TRACE_CSAPP); /* 4 is not a weight */
    trace_free(&trace);
}
END_TEST

START_TEST(script_without_header)
{
    static const char text[] = "# a CS107-style script\n"
                               "\n"
                               "a 0 24\n"
                               "  a 5 8   # trailing comment\n"
                               "\tr 0 100\n"
                               "f 5\n"
                               "#f 0 would be here\n"
                               "f 0\n";
    struct trace trace;
    parse_ok("scripts/example.script", text, &trace);
    ck_assert_int_eq(trace.format, TRACE_SCRIPT);
    ck_assert_str_eq(trace_format_name(trace.format), "script");
    ck_assert_str_eq(trace.name, "example.script");
    ck_assert_int_eq(trace.weight, WEIGHT_BOTH);
    ck_assert_uint_eq(trace.heap_hint, 0);
    ck_assert_uint_eq(trace.num_ids, 6); /* max id + 1 */
    ck_assert_uint_eq(trace.num_ops, 5);
    assert_op(&trace, 0, OP_ALLOC, 0, 24, 3);
    assert_op(&trace, 1, OP_ALLOC, 5, 8, 4);
    assert_op(&trace, 2, OP_REALLOC, 0, 100, 5);
    assert_op(&trace, 3, OP_FREE, 5, 0, 6);
    assert_op(&trace, 4, OP_FREE, 0, 0, 8);
    trace_free(&trace);
}
END_TEST

START_TEST(comments_and_blank_lines_in_header_traces)
{
    static const char text[] = "# made by hand\n"
                               "20000   # suggested heap size\n"
                               "\n"
                               "1\n2\n1\n"
                               "# the ops\n"
                               "a 0 8\n\n"
                               "f 0 # done\n";
    struct trace trace;
    parse_ok("c.rep", text, &trace);
    ck_assert_int_eq(trace.format, TRACE_CSAPP);
    ck_assert_uint_eq(trace.heap_hint, 20000);
    assert_op(&trace, 0, OP_ALLOC, 0, 8, 8);
    assert_op(&trace, 1, OP_FREE, 0, 0, 10);
    trace_free(&trace);
}
END_TEST

START_TEST(crlf_lines_read_like_lf)
{
    static const char *const pairs[][2] = {
        {"20000\n3\n8\n1\na 0 512\na 1 128\nr 0 640\na 2 128\n"
         "f 1\nr 0 768\nf 0\nf 2\n",
         "20000\r\n3\r\n8\r\n1\r\na 0 512\r\na 1 128\r\nr 0 640\r\n"
         "a 2 128\r\nf 1\r\nr 0 768\r\nf 0\r\nf 2\r\n"},
        {"# s\na 0 1\nf 0\n", "# s\r\na 0 1\r\nf 0\r\n"},
        {"1\n1\n1\n7\nf -1", "1\r\n1\r\n1\r\n7\r\nf -1\r\n"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct trace lf, crlf;
        parse_ok("lf", pairs[i][0], &lf);
        parse_ok("crlf", pairs[i][1], &crlf);
        ck_assert_int_eq(lf.format, crlf.format);
        ck_assert_int_eq(lf.weight, crlf.weight);
        ck_assert_uint_eq(lf.max_bytes, crlf.max_bytes);
        assert_same_ops(&lf, &crlf);
        for (size_t k = 0; k < lf.num_ops; k++)
            ck_assert_uint_eq(lf.ops[k].line, crlf.ops[k].line);
        trace_free(&lf);
        trace_free(&crlf);
    }
    ck_assert_str_eq(parse_error("w.rep", "a 0 1\r\nx 1\r\n"),
                     "w.rep:2: unknown op 'x'");
}
END_TEST

START_TEST(free_null_in_every_format)
{
    static const char *const texts[] = {
        "20000\n1\n3\n1\nf -1\na 0 8\nf 0\n", /* csapp */
        "1\n1\n3\n8\nf -1\na 0 8\nf 0\n",     /* cmu */
        "f -1\na 0 8\nf 0\n",                 /* script */
    };
    for (int i = 0; i < 3; i++) {
        struct trace trace;
        parse_ok("null.rep", texts[i], &trace);
        ck_assert_int_eq(trace.format, i == 0   ? TRACE_CSAPP
                                       : i == 1 ? TRACE_CMU
                                                : TRACE_SCRIPT);
        assert_op(&trace, 0, OP_FREE, -1, 0, i == 2 ? 1 : 5);
        ck_assert_uint_eq(trace.num_ids, 1);
        trace_free(&trace);
    }
    struct trace trace;
    parse_ok("only-null", "f -1\nf -1\n", &trace);
    ck_assert_uint_eq(trace.num_ids, 0); /* -1 is no id */
    ck_assert_uint_eq(trace.num_ops, 2);
    trace_free(&trace);
}
END_TEST

START_TEST(realloc_to_zero_ends_the_block)
{
    struct trace trace;
    parse_ok("r0", "a 0 8\nr 0 0\na 0 16\nf 0\n", &trace);
    assert_op(&trace, 1, OP_REALLOC, 0, 0, 2);
    assert_op(&trace, 2, OP_ALLOC, 0, 16, 3);
    trace_free(&trace);
    ck_assert_str_eq(parse_error("r0", "a 0 8\nr 0 0\nf 0\n"),
                     "r0:3: cannot free id 0: not live (freed at line 2)");
    ck_assert_str_eq(parse_error("r0", "a 0 8\nr 0 0\nr 0 4\n"),
                     "r0:3: cannot realloc id 0: not live (freed at line 2)");
}
END_TEST

START_TEST(parse_reads_only_length_bytes)
{
    /* Not NUL-terminated: the sanitized build catches any read past. */
    static const char text[] = "a 0 8\nf 0\nGARBAGE";
    char *copy = malloc(10);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, 10);
    struct trace trace;
    char error[TRACE_ERROR_MAX];
    ck_assert_int_eq(trace_parse("n", copy, 10, &trace, error), 0);
    ck_assert_uint_eq(trace.num_ops, 2);
    trace_free(&trace);
    ck_assert_int_eq(trace_parse("n", copy, 9, &trace, error), 0);
    assert_op(&trace, 1, OP_FREE, 0, 0, 2); /* "f 0" without newline */
    trace_free(&trace);
    free(copy);
}
END_TEST

START_TEST(ops_array_grows_past_its_first_guess)
{
    enum { PAIRS = 50000 }; /* 10 bytes per 2 ops: more than length / 8 */
    char *text = malloc(PAIRS * 10 + 1);
    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < PAIRS; i++)
        memcpy(text + 10 * i, "a 7 1\nf 7\n", 10);
    text[PAIRS * 10] = '\0';
    struct trace trace;
    parse_ok("many", text, &trace);
    ck_assert_uint_eq(trace.num_ops, 2 * PAIRS);
    ck_assert_uint_eq(trace.num_ids, 8);
    assert_op(&trace, 2 * PAIRS - 1, OP_FREE, 7, 0, 2 * PAIRS);
    trace_free(&trace);
    free(text);
}
END_TEST

START_TEST(largest_numbers_fit)
{
    struct trace trace;
    parse_ok("big", "a 0 18446744073709551615\nr 0 0\n", &trace);
    assert_op(&trace, 0, OP_ALLOC, 0, UINT64_MAX, 1);
    trace_free(&trace);
    parse_ok("big", "18446744073709551615\n1\n0\n1\n", &trace);
    ck_assert_uint_eq(trace.heap_hint, UINT64_MAX);
    ck_assert_uint_eq(trace.num_ops, 0);
    trace_free(&trace);
}
END_TEST

/* --- every error message, word for word ---------------------------------- */

static const struct {
    const char *text;
    const char *message; /* what follows "bad.rep:" */
} error_cases[] = {
    /* ops */
    {"a 0 1\nf 0\nx 1 2\n", "3: unknown op 'x'"},
    {"alloc 0 8\n", "1: unknown op 'alloc'"},
    {"20000\n1\n1\n1\nA 0 8\n", "5: unknown op 'A'"},
    {"a 0\n", "1: missing size: expected 'a ID BYTES'"},
    {"r", "1: missing id: expected 'r ID BYTES'"},
    {"a 0 1\nr 0", "2: missing size: expected 'r ID BYTES'"},
    {"a 0 8\nf # no id\n", "2: missing id: expected 'f ID'"},
    {"a 0 8\nf 0 12\n", "2: extra field '12': expected 'f ID'"},
    {"a 0 8 9\n", "1: extra field '9': expected 'a ID BYTES'"},
    {"a 0 8x\n", "1: size '8x' is not a number"},
    {"a 0 +8\n", "1: size '+8' is not a number"},
    {"a zero 8\n", "1: id 'zero' is not a number"},
    {"a 0 -5\n", "1: size -5 is negative"},
    {"a 0 18446744073709551616\n",
     "1: size 18446744073709551616 does not fit in 64 bits"},
    {"a 0 99999999999999999999999\n",
     "1: size 99999999999999999999999 does not fit in 64 bits"},
    {"f 99999999999999999999\n",
     "1: id 99999999999999999999 does not fit in 64 bits"},
    {"f -2\n", "1: id -2 is negative"},
    {"a -1 8\n", "1: id -1 is only allowed in 'f -1' (free(NULL))"},
    {"a 0 1\nr -1 8\n", "2: id -1 is only allowed in 'f -1' (free(NULL))"},
    {"20000\n2\n1\n1\na 2 8\n",
     "5: id 2 is out of range: the header says num_ids 2"},
    {"a 5000000 8\n",
     "1: id 5000000 is too large for a file of 12 bytes (at most 1048587)"},
    {"20000\n99999999\n0\n1\n",
     "2: num_ids 99999999 is too large for a file of 19 bytes (at most "
     "1048595)"},
    /* ids that are live, or not */
    {"a 0 8\na 1 8\na 0 16\n",
     "3: cannot malloc id 0: already live (allocated at line 1)"},
    {"a 0 8\nr 0 9\na 0 16\n",
     "3: cannot malloc id 0: already live (allocated at line 1)"},
    {"f 3\n", "1: cannot free id 3: not live (never allocated)"},
    {"a 3 8\nf 3\nf 3\n", "3: cannot free id 3: not live (freed at line 2)"},
    {"r 0 8\n", "1: cannot realloc id 0: not live (never allocated)"},
    /* headers and counts */
    {"20000\n1\n3\n1\na 0 8\nf 0\n",
     "6: op count mismatch: the header says num_ops 3, found 2"},
    {"20000\n1\n1\n1\na 0 8\nf 0\na 0 8\n",
     "6: op count mismatch: the header says num_ops 1, found 3"},
    {"20000\n1\n99999999999\n1\na 0 1\n",
     "5: op count mismatch: the header says num_ops 99999999999, found 1"},
    {"20000\n3\n", "2: csapp header: missing num_ops"},
    {"2\n3\n8\na 0 1\n", "4: cmu header: missing max_bytes (found 'a')"},
    {"20000\n3x\n8\n1\n", "2: num_ids '3x' is not a number"},
    {"20000\n3\n-8\n1\n", "3: num_ops -8 is negative"},
    {"12x\n3\n8\n1\n", "1: first header field '12x' is not a number"},
    {"", "1: empty file: no header and no ops"},
    {"# only a comment\n\n  \n", "1: empty file: no header and no ops"},
    /* how tokens are shown */
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1\n",
     "1: unknown op 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"},
    {"a\x01 0 8\n", "1: unknown op 'a?'"},
};

START_TEST(error_message_is_exact)
{
    char expected[TRACE_ERROR_MAX];
    snprintf(expected, sizeof expected, "bad.rep:%s", error_cases[_i].message);
    const char *got = parse_error("bad.rep", error_cases[_i].text);
    ck_assert_msg(strcmp(got, expected) == 0,
                  "case %d: got \"%s\", expected \"%s\"", _i, got, expected);
}
END_TEST

START_TEST(missing_file_and_folder)
{
    struct trace trace;
    char error[TRACE_ERROR_MAX], expected[TRACE_ERROR_MAX];
    ck_assert_int_eq(trace_load("/nonexistent/none.rep", &trace, error), -1);
    snprintf(expected, sizeof expected,
             "/nonexistent/none.rep: cannot open: %s", strerror(ENOENT));
    ck_assert_str_eq(error, expected);
    ck_assert_ptr_null(trace.ops);

    ck_assert_int_eq(trace_load("/", &trace, error), -1);
    snprintf(expected, sizeof expected, "/: cannot read: %s",
             strerror(EISDIR));
    ck_assert_str_eq(error, expected);
}
END_TEST

START_TEST(load_names_the_file_in_errors)
{
    const char *path = scratch_file("broken.rep", "a 0 8\nf 1\n");
    struct trace trace;
    char error[TRACE_ERROR_MAX], expected[TRACE_ERROR_MAX];
    ck_assert_int_eq(trace_load(path, &trace, error), -1);
    snprintf(expected, sizeof expected,
             "%s:2: cannot free id 1: not live (never allocated)", path);
    ck_assert_str_eq(error, expected);
    scratch_remove(path);
}
END_TEST

/* --- files --------------------------------------------------------------- */

START_TEST(load_cmu_and_script_files)
{
    struct trace trace;
    char error[TRACE_ERROR_MAX];
    const char *path = scratch_file("syn-array-short.rep",
                                    "0\n10\n4\n90036\n"
                                    "a 0 9904\na 1 50084\nf 1 \nf 0 \n");
    ck_assert_msg(trace_load(path, &trace, error) == 0, "%s", error);
    ck_assert_int_eq(trace.format, TRACE_CMU);
    ck_assert_int_eq(trace.weight, WEIGHT_CORRECTNESS);
    ck_assert_str_eq(trace.name, "syn-array-short");
    ck_assert_str_eq(trace.path, path);
    assert_op(&trace, 1, OP_ALLOC, 1, 50084, 6);
    trace_free(&trace);
    scratch_remove(path);

    path = scratch_file("example.script", "# hi\r\na 0 5\r\nf 0\r\n");
    ck_assert_msg(trace_load(path, &trace, error) == 0, "%s", error);
    ck_assert_int_eq(trace.format, TRACE_SCRIPT);
    ck_assert_str_eq(trace.name, "example.script");
    assert_op(&trace, 1, OP_FREE, 0, 0, 3);
    trace_free(&trace);
    scratch_remove(path);
}
END_TEST

START_TEST(load_real_csapp_trace)
{
    char folder[512], path[600];
    if (csapp_folder(folder) == NULL)
        return;
    snprintf(path, sizeof path, "%s/short1-bal.rep", folder);
    struct trace trace;
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_load(path, &trace, error) == 0, "%s", error);
    ck_assert_int_eq(trace.format, TRACE_CSAPP);
    ck_assert_str_eq(trace.name, "short1-bal");
    ck_assert_uint_eq(trace.heap_hint, 20000);
    ck_assert_uint_eq(trace.num_ids, 6);
    ck_assert_uint_eq(trace.num_ops, 12);
    assert_op(&trace, 0, OP_ALLOC, 0, 2040, 5);
    assert_op(&trace, 2, OP_FREE, 1, 0, 7);
    trace_free(&trace);

    snprintf(path, sizeof path, "%s/realloc-bal.rep", folder);
    ck_assert_msg(trace_load(path, &trace, error) == 0, "%s", error);
    ck_assert_uint_eq(trace.num_ids, 4801);
    ck_assert_uint_eq(trace.num_ops, 14401);
    assert_op(&trace, 2, OP_REALLOC, 0, 640, 7);
    trace_free(&trace);
}
END_TEST

/* Every classic trace loads, and writing it back gives its own bytes. */
START_TEST(every_csapp_trace_loads_and_writes_back)
{
    char folder[512], path[1024];
    if (csapp_folder(folder) == NULL)
        return;
    DIR *dir = opendir(folder);
    ck_assert_ptr_nonnull(dir);
    int loaded = 0;
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        size_t length = strlen(entry->d_name);
        if (length < 5 || strcmp(entry->d_name + length - 4, ".rep") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
        struct trace trace;
        char error[TRACE_ERROR_MAX];
        ck_assert_msg(trace_load(path, &trace, error) == 0, "%s", error);
        ck_assert_int_eq(trace.format, TRACE_CSAPP);

        FILE *file = fopen(path, "r");
        ck_assert_ptr_nonnull(file);
        char *original = calloc(1, 1 << 20);
        ck_assert_ptr_nonnull(original);
        size_t size = fread(original, 1, (1 << 20) - 2, file);
        fclose(file);
        if (size > 0 && original[size - 1] != '\n')
            original[size] = '\n'; /* realloc.rep ends without one */
        char *written = write_to_string(&trace);
        ck_assert_msg(strcmp(written, original) == 0,
                      "%s written back differs", entry->d_name);
        free(written);
        free(original);
        trace_free(&trace);
        loaded++;
    }
    closedir(dir);
    ck_assert_int_ge(loaded, 26);
}
END_TEST

/* --- writing ------------------------------------------------------------- */

START_TEST(write_round_trip_keeps_ops)
{
    static const char *const texts[] = {
        CSAPP_TEXT,
        "3\n10\n6\n90036\na 0 9904\na 9 50084\nf 9 \nf -1\nr 0 0\na 0 1\n",
        "# script\na 0 24\n\na 5 8\nr 0 100\nf 5\nf -1\nr 0 0\n",
    };
    for (int i = 0; i < 3; i++) {
        struct trace first, second;
        parse_ok("in", texts[i], &first);
        char *text = write_to_string(&first);
        parse_ok("out", text, &second);
        assert_same_ops(&first, &second);
        ck_assert_int_eq(second.format, TRACE_CSAPP);
        ck_assert_int_eq(second.weight, WEIGHT_BOTH);
        if (first.format == TRACE_CSAPP) {
            ck_assert_str_eq(text, texts[i]); /* the very same text */
            ck_assert_uint_eq(second.heap_hint, first.heap_hint);
        }
        free(text);
        trace_free(&first);
        trace_free(&second);
    }
}
END_TEST

/* Without a heap hint, the peak live payload stands in: a first number
 * 0..3 would read back as a CMU header. */
START_TEST(write_never_looks_like_cmu)
{
    struct trace trace;
    parse_ok("s", "a 0 100\na 1 50\nf 0\nr 1 400\nf 1\n", &trace);
    char *text = write_to_string(&trace);
    ck_assert_str_eq(text, "400\n2\n5\n1\n"
                           "a 0 100\na 1 50\nf 0\nr 1 400\nf 1\n");
    free(text);
    trace_free(&trace);

    parse_ok("tiny", "a 0 1\nf 0\nf -1\n", &trace);
    text = write_to_string(&trace);
    ck_assert_str_eq(text, "4\n1\n3\n1\na 0 1\nf 0\nf -1\n");
    struct trace again;
    parse_ok("again", text, &again);
    ck_assert_int_eq(again.format, TRACE_CSAPP);
    free(text);
    trace_free(&again);
    trace_free(&trace);
}
END_TEST

START_TEST(format_names)
{
    ck_assert_str_eq(trace_format_name(TRACE_CSAPP), "csapp");
    ck_assert_str_eq(trace_format_name(TRACE_CMU), "cmu");
    ck_assert_str_eq(trace_format_name(TRACE_SCRIPT), "script");
}
END_TEST

static Suite *trace_suite(void)
{
    Suite *suite = suite_create("trace");
    TCase *formats = tcase_create("formats");
    tcase_add_test(formats, csapp_header_and_ops);
    tcase_add_test(formats, csapp_weight_field_is_ignored);
    tcase_add_loop_test(formats, cmu_weight_comes_from_the_header, 0, 4);
    tcase_add_test(formats, header_numbers_may_share_a_line);
    tcase_add_test(formats, script_without_header);
    tcase_add_test(formats, comments_and_blank_lines_in_header_traces);
    tcase_add_test(formats, crlf_lines_read_like_lf);
    tcase_add_test(formats, free_null_in_every_format);
    tcase_add_test(formats, realloc_to_zero_ends_the_block);
    tcase_add_test(formats, parse_reads_only_length_bytes);
    tcase_add_test(formats, ops_array_grows_past_its_first_guess);
    tcase_add_test(formats, largest_numbers_fit);
    suite_add_tcase(suite, formats);

    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, error_message_is_exact, 0,
                        (int)(sizeof error_cases / sizeof error_cases[0]));
    tcase_add_test(errors, missing_file_and_folder);
    tcase_add_test(errors, load_names_the_file_in_errors);
    suite_add_tcase(suite, errors);

    TCase *files = tcase_create("files");
    tcase_add_test(files, load_cmu_and_script_files);
    tcase_add_test(files, load_real_csapp_trace);
    tcase_add_test(files, every_csapp_trace_loads_and_writes_back);
    tcase_add_test(files, write_round_trip_keeps_ops);
    tcase_add_test(files, write_never_looks_like_cmu);
    tcase_add_test(files, format_names);
    suite_add_tcase(suite, files);
    return suite;
}

TEST_SUITE(trace_suite)
