/*
 * build.h -- a submission made into a program of its own.
 *
 * In a private folder the grader compiles the files the rubric names with
 * the project's warning flags against include/ only, refuses symbols the
 * rubric forbids (the C library's malloc, the real sbrk, ...), then links
 *
 *     the submission's objects
 *   + a two-line shim:  heaplab_submission = &SYMBOL
 *   + the rubric's [checker] fixture, when it has one (checker.h)
 *   + grading/child/child_main.o  (main: the worker, see worker.h)
 *   + every object of heaplab but driver/main.o and the reference backend
 *     that defines SYMBOL (allocators/bins.o for bins_allocator)
 *
 * as listed in build/grading/link.txt, which make writes.  The program
 * runs one trace at a time for the grader, never in the grader's process.
 */
#ifndef HEAPLAB_GRADING_BUILD_H
#define HEAPLAB_GRADING_BUILD_H

#include <limits.h>
#include <stddef.h>

#include "rubric.h"

struct build {
    int ok;                    /* the program was built */
    char program[PATH_MAX];    /* its path */
    char *feedback;            /* for the student when !ok: why (trimmed) */
    char *warnings;            /* compiler warnings when ok, or NULL */
};

/*
 * Builds the submission in folder (the caller's private temporary folder).
 * Returns 0 with b->ok telling whether it built, or -1 with one line in
 * error when the grader itself cannot build anything (not made, no
 * compiler): that is not the student's fault.
 */
int build_submission(const struct rubric *rubric, const char *root,
                     const char *submission, const char *folder,
                     struct build *b, char *error, size_t error_size);

void build_free(struct build *b);

/* The user the compiler, nm and the linker run as (spawn.h; NULL: as
 * the grader), with its process limit: set by grade.c when it drops
 * privileges, so that a submission's source cannot make the compiler
 * read a file only root may (an #include of a private trace). */
struct spawn_user;
void build_run_as(const struct spawn_user *user, size_t processes);

#endif /* HEAPLAB_GRADING_BUILD_H */
