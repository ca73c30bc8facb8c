/*
 * run_shell.h -- shell commands for the tests that drive heaplab from the
 * outside as a course does (test_labs.c, test_handout.c, test_docs.c):
 * make, labs/handout.sh, the commands of the docs.
 */
#ifndef HEAPLAB_TESTS_RUN_SHELL_H
#define HEAPLAB_TESTS_RUN_SHELL_H

#include <stddef.h>

/*
 * Runs `sh -c command` in folder dir (NULL: the project's folder), with
 * stdin from /dev/null, killed after `seconds`.  Returns its exit status
 * (124 when it timed out, 128 + N when signal N ended it); *output (when
 * not NULL) gets a new string of what it wrote on stdout and stderr, the
 * first 256 KiB.
 */
int run_shell(const char *dir, const char *command, unsigned seconds,
              char **output);

/* The first `lines` lines of text, indented, in a static buffer (one of
 * two, taken in turn, so that a message may show two texts): for a
 * failing test's message. */
const char *first_lines(const char *text, int lines);

/* A fresh folder /tmp/heaplab-PREFIX-XXXXXX in out (64 bytes); and its
 * removal. */
void make_temp_dir(char out[64], const char *prefix);
void remove_temp_dir(const char *dir);

/* The whole file as a new string, or NULL. */
char *slurp(const char *path);

#endif /* HEAPLAB_TESTS_RUN_SHELL_H */
