/*
 * test_gen_command.c -- `heaplab gen` and the shipped suite, for the suite
 * "gen" (test_gen.c): bad arguments exit 2; the command writes what the
 * library makes; the shipped generated traces are byte for byte what
 * traces/generated.list says makes them, every pattern is among them, and
 * traces/README.md gives each one's exact command.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../driver/commands.h"
#include "../driver/gen.h"
#include "../driver/trace.h"
#include "suites.h"
#include "test_gen.h"

/* --- helpers ------------------------------------------------------------- */

/* The library's trace, written as trace_write writes it (free it). */
static char *generated_text(const char *name, size_t count, uint64_t size,
                            uint64_t seed, int unbalanced)
{
    struct gen_params params = {
        .count = count, .size = size, .seed = seed, .unbalanced = unbalanced};
    struct trace trace;
    char error[256] = "";
    ck_assert_msg(
        gen_make(gen_find(name), &params, &trace, error, sizeof error) == 0,
        "%s: %s", name, error);
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(trace_write(out, &trace), 0);
    ck_assert_int_eq(fclose(out), 0);
    trace_free(&trace);
    return text;
}

/* --- the command line ---------------------------------------------------- */

/* Runs `heaplab gen ARGS...` in this process, its standard output and
 * error sent to /dev/null (and then back); its exit status. */
static int run_gen(const char *first, ...)
{
    char *argv[32] = {"gen"};
    int argc = 1;
    va_list args;
    va_start(args, first);
    for (const char *arg = first; arg != NULL; arg = va_arg(args, char *)) {
        ck_assert_int_lt(argc, 31);
        argv[argc++] = (char *)arg;
    }
    va_end(args);
    argv[argc] = NULL;

    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY);
    ck_assert_int_ge(saved_out, 0);
    ck_assert_int_ge(saved_err, 0);
    ck_assert_int_ge(null, 0);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    int status = cmd_gen(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);
    close(null);
    return status;
}

static char *read_whole_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    ck_assert_ptr_nonnull(out);
    char buffer[65536];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0)
        ck_assert_uint_eq(fwrite(buffer, 1, got, out), got);
    fclose(file);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

START_TEST(bad_arguments_exit_2)
{
    ck_assert_int_eq(run_gen(NULL), 2);                    /* no PATTERN */
    ck_assert_int_eq(run_gen("nope", NULL), 2);            /* unknown */
    ck_assert_int_eq(run_gen("worst", "binary", NULL), 2); /* two */
    ck_assert_int_eq(run_gen("worst", "--count", "0", NULL), 2);
    ck_assert_int_eq(run_gen("worst", "--count", "-5", NULL), 2);
    ck_assert_int_eq(run_gen("worst", "--count", "12k", NULL), 2);
    ck_assert_int_eq(run_gen("worst", "--count", "10000001", NULL), 2);
    ck_assert_int_eq(run_gen("worst", "--size", "8", NULL), 2);
    ck_assert_int_eq(run_gen("lifo-fixed", "--max-size", "8", NULL), 2);
    ck_assert_int_eq(run_gen("lifo-fixed", "-s", "8", "-m", "8", NULL), 2);
    ck_assert_int_eq(run_gen("lifo-fixed", "--size", "0", NULL), 2);
    ck_assert_int_eq(run_gen("lifo-fixed", "--size", "4294967297", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "--seed", "x", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "--seed", " 1", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "--seed", "0x", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "--seed", "18446744073709551616", NULL),
                     2);
    ck_assert_int_eq(run_gen("phases", "--bogus", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "--count", NULL), 2);
    ck_assert_int_eq(run_gen("--list", "phases", NULL), 2);
    ck_assert_int_eq(run_gen("phases", "-o", "/nonexistent/dir/t.rep", NULL),
                     2);
}
END_TEST

START_TEST(the_command_writes_what_the_library_makes)
{
    char folder[] = "/tmp/heaplab-gen-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(folder));
    char path[64];
    snprintf(path, sizeof path, "%s/t.rep", folder);
    ck_assert_int_eq(run_gen("random-random", "-n", "300", "-m", "777",
                             "--seed", "0x2a", "-o", path, NULL),
                     0);
    char *written = read_whole_file(path);
    ck_assert_ptr_nonnull(written);
    char *expected = generated_text("random-random", 300, 777, 42, 0);
    ck_assert_str_eq(written, expected);
    free(written);
    free(expected);

    ck_assert_int_eq(run_gen("binary", "--unbalanced", "-o", path, NULL), 0);
    written = read_whole_file(path);
    expected = generated_text("binary", 0, 0, 1, 1);
    ck_assert_str_eq(written, expected);
    free(written);
    free(expected);

    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(folder), 0);
    ck_assert_int_eq(run_gen("--list", NULL), 0);
    ck_assert_int_eq(run_gen("--help", NULL), 0);
}
END_TEST

/* --- the shipped suite --------------------------------------------------- */

/* One line of traces/generated.list: NAME and the words after it. */
struct listed {
    char name[64];
    char arguments[256]; /* as written, single spaces */
    char *words[24];
    int word_count;
    char storage[256];
};

/* Reads the list; returns how many entries (at most max). */
static size_t read_generated_list(struct listed *entries, size_t max)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/traces/generated.list", tests_root());
    FILE *file = fopen(path, "r");
    ck_assert_msg(file != NULL, "cannot open %s", path);
    size_t count = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *word = strtok(line, " \t\r\n");
        if (word == NULL)
            continue;
        ck_assert_uint_lt(count, max);
        struct listed *e = &entries[count++];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "%s", word);
        char *end = e->storage;
        while ((word = strtok(NULL, " \t\r\n")) != NULL) {
            ck_assert_int_lt(e->word_count, 20);
            size_t length = strlen(word);
            memcpy(end, word, length + 1);
            e->words[e->word_count++] = end;
            end += length + 1;
            snprintf(e->arguments + strlen(e->arguments),
                     sizeof e->arguments - strlen(e->arguments), "%s%s",
                     e->word_count > 1 ? " " : "", word);
        }
        ck_assert_msg(e->word_count > 0, "%s: no arguments", e->name);
    }
    fclose(file);
    return count;
}

START_TEST(shipped_generated_traces_are_what_their_commands_make)
{
    struct listed entries[64];
    size_t count = read_generated_list(entries, 64);
    ck_assert_uint_ge(count, 15);

    char folder[] = "/tmp/heaplab-gen-XXXXXX", fresh[64];
    ck_assert_ptr_nonnull(mkdtemp(folder));
    snprintf(fresh, sizeof fresh, "%s/fresh.rep", folder);
    for (size_t i = 0; i < count; i++) {
        struct listed *e = &entries[i];
        char *argv[32] = {"gen"};
        int argc = 1;
        for (int w = 0; w < e->word_count; w++)
            argv[argc++] = e->words[w];
        argv[argc++] = "-o";
        argv[argc++] = fresh;
        argv[argc] = NULL;
        ck_assert_msg(cmd_gen(argc, argv) == 0, "heaplab gen %s failed",
                      e->arguments);

        char shipped_path[512];
        snprintf(shipped_path, sizeof shipped_path, "%s/traces/%s.rep",
                 tests_root(), e->name);
        char *shipped = read_whole_file(shipped_path);
        char *made = read_whole_file(fresh);
        ck_assert_msg(shipped != NULL, "%s is missing (make traces)",
                      shipped_path);
        ck_assert_ptr_nonnull(made);
        ck_assert_msg(strcmp(shipped, made) == 0,
                      "%s differs from what 'heaplab gen %s' writes "
                      "(make traces)",
                      shipped_path, e->arguments);
        free(shipped);
        free(made);
    }
    ck_assert_int_eq(unlink(fresh), 0);
    ck_assert_int_eq(rmdir(folder), 0);
}
END_TEST

/* Every pattern is in the suite, and the README gives each line's exact
 * command. */
START_TEST(the_readme_and_the_list_agree)
{
    struct listed entries[64];
    size_t count = read_generated_list(entries, 64);
    for (size_t p = 0; p < gen_pattern_count(); p++) {
        int found = 0;
        for (size_t i = 0; i < count; i++)
            found |= strcmp(entries[i].words[0], gen_pattern_at(p)->name) == 0;
        ck_assert_msg(found, "no shipped trace of pattern %s",
                      gen_pattern_at(p)->name);
    }

    char path[512];
    snprintf(path, sizeof path, "%s/traces/README.md", tests_root());
    char *readme = read_whole_file(path);
    ck_assert_msg(readme != NULL, "cannot read %s", path);
    char *section = strstr(readme, "## The shipped suite");
    ck_assert_msg(section != NULL, "README.md has no 'The shipped suite'");
    for (size_t i = 0; i < count; i++) {
        char command[512];
        snprintf(command, sizeof command,
                 "`bin/heaplab gen %s -o traces/%s.rep`", entries[i].arguments,
                 entries[i].name);
        ck_assert_msg(strstr(section, command) != NULL,
                      "README.md does not give %s", command);
    }
    free(readme);
}
END_TEST

/* --- the test cases ------------------------------------------------------ */

void gen_command_tcases(Suite *suite)
{
    TCase *cli = tcase_create("command line");
    tcase_add_test(cli, bad_arguments_exit_2);
    tcase_add_test(cli, the_command_writes_what_the_library_makes);
    suite_add_tcase(suite, cli);

    TCase *shipped = tcase_create("shipped suite");
    tcase_set_timeout(shipped, 60);
    tcase_add_test(shipped,
                   shipped_generated_traces_are_what_their_commands_make);
    tcase_add_test(shipped, the_readme_and_the_list_agree);
    suite_add_tcase(suite, shipped);
}
