/*
 * test_docs.c -- every command the docs show runs (suite "docs"), so the
 * docs cannot rot: each ```sh block of README.md, docs/NAME.md and
 * labs/LAB/handout.md, run from the project's folder with `sh -e` after
 * `make`, must exit 0 within a minute.  A failure names the file and the
 * line of the block.
 *
 * Commands that must not run here (apt-get, make test itself, an upload)
 * go in ```text or ```console blocks, or indented ones, which are shown
 * but not run.  The sanitized runner skips the suite: the commands run
 * bin/heaplab, the plain build.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_shell.h"
#include "suites.h"

enum { BLOCKS_MAX = 256, BLOCK_SECONDS = 60 };

static struct block {
    char file[128]; /* relative to the project's folder */
    int line;       /* of the opening fence */
    char *text;
} blocks[BLOCKS_MAX];
static int block_count;

static void add_block(const char *file, int line, const char *text)
{
    if (block_count == BLOCKS_MAX)
        return;
    struct block *b = &blocks[block_count++];
    snprintf(b->file, sizeof b->file, "%s", file);
    b->line = line;
    b->text = strdup(text);
}

/* The ```sh blocks of one file. */
static void scan(const char *path, const char *name)
{
    char *text = slurp(path);
    if (text == NULL)
        return;
    char *block = NULL;
    size_t used = 0;
    int line = 0, start = 0;
    for (char *at = text; *at != '\0';) {
        size_t n = strcspn(at, "\n");
        line++;
        int fence = n >= 3 && strncmp(at, "```", 3) == 0;
        if (block == NULL && fence) {
            size_t tag = strspn(at + 3, " ");
            if (n - 3 - tag >= 2 && strncmp(at + 3 + tag, "sh", 2) == 0 &&
                strspn(at + 5 + tag, " \r") == n - 5 - tag) {
                block = calloc(1, strlen(text) + 1);
                used = 0;
                start = line;
            }
        } else if (block != NULL && fence) {
            add_block(name, start, block);
            free(block);
            block = NULL;
        } else if (block != NULL) {
            memcpy(block + used, at, n);
            used += n;
            block[used++] = '\n';
        }
        at += n + (at[n] == '\n');
    }
    free(block);
    free(text);
}

static void scan_all(void)
{
    static const char *const patterns[] = {"README.md", "docs/*.md",
                                           "labs/*/handout.md"};
    block_count = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        char pattern[4200];
        snprintf(pattern, sizeof pattern, "%s/%s", tests_root(), patterns[p]);
        glob_t found;
        if (glob(pattern, 0, NULL, &found) != 0)
            continue;
        size_t root = strlen(tests_root()) + 1;
        for (size_t i = 0; i < found.gl_pathc; i++)
            scan(found.gl_pathv[i], found.gl_pathv[i] + root);
        globfree(&found);
    }
}

START_TEST(the_block_runs)
{
    if (tests_sanitized())
        return;
    const struct block *b = &blocks[_i];
    size_t size = strlen(b->text) + 16;
    char *script = malloc(size);
    ck_assert_ptr_nonnull(script);
    snprintf(script, size, "set -e\n%s", b->text);
    char *said = NULL;
    int rc = run_shell(NULL, script, BLOCK_SECONDS, &said);
    ck_assert_msg(rc == 0, "%s:%d: the sh block exits %d%s:%s%s", b->file,
                  b->line, rc, rc == 124 ? " (timed out)" : "",
                  first_lines(b->text, 6), first_lines(said, 12));
    free(said);
    free(script);
}
END_TEST

/* The docs have commands to run at all: the scan finds them. */
START_TEST(the_docs_have_sh_blocks)
{
    ck_assert_int_gt(block_count, 10);
    int readme = 0;
    for (int i = 0; i < block_count; i++)
        readme += strcmp(blocks[i].file, "README.md") == 0;
    ck_assert_int_gt(readme, 0);
}
END_TEST

static Suite *docs_suite(void)
{
    scan_all();
    Suite *s = suite_create("docs");
    TCase *tc = tcase_create("commands");
    tcase_set_timeout(tc, BLOCK_SECONDS + 30);
    tcase_add_test(tc, the_docs_have_sh_blocks);
    tcase_add_loop_test(tc, the_block_runs, 0, block_count);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(docs_suite)
