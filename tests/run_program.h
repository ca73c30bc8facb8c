/*
 * run_program.h -- helpers for the tests that run programs: bin/heaplab,
 * the probes in build/programs/ (test_record.c, test_import.c).
 */
#ifndef HEAPLAB_TESTS_RUN_PROGRAM_H
#define HEAPLAB_TESTS_RUN_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "../driver/trace.h"

/* A fresh folder for one test's files, and its removal. */
extern char work_dir[256];
void make_work_dir(void);
void remove_work_dir(void);

/* ROOT/name (tests_root()) and WORK/name. */
void path_in_root(char *path, size_t size, const char *name);
void path_in_work(char *path, size_t size, const char *name);

/* Runs argv (argv[0] a path) with stdout and stderr into files (NULL:
 * /dev/null) and the NAME=VALUE strings of env added; the wait status. */
int run_program(const char *const *argv, const char *out,
                const char *err, const char *const *env);

/* The exit code of a normal exit (the test fails on any other end). */
int exit_code_of(int status);

/* The whole file as a string in a static buffer ("" when unreadable). */
char *read_text(const char *path);

/* The ops from `first` on, up to (not with) an 'a' of `stop` bytes, with
 * ids renumbered 0, 1, ... in order of appearance; one op a line. */
char *ops_text(const struct trace *t, size_t first, uint64_t stop);

/* Index of the first 'a' of `size` bytes (the test fails when none). */
size_t find_alloc(const struct trace *t, uint64_t size);

/* trace_load that must succeed. */
void load_trace(const char *path, struct trace *t);

#endif /* HEAPLAB_TESTS_RUN_PROGRAM_H */
