/*
 * checker.h -- grading a heap checker on heaps broken on purpose, as
 * Princeton's COS 217 grades its checker: a set of broken heap states,
 * each of which the checker must reject, and correct heaps it must accept.
 *
 * A lab's fixture file (labs/lab2-dlist/tests/checker_cases.c) builds each
 * state with the submission's own malloc and free, then writes header,
 * footer or link words by hand, following the block layout the handout
 * prescribes:
 *
 *     const struct checker_case heaplab_checker_cases[] = {
 *         {"footer-mismatch", "an allocated block's footer differs from "
 *          "its header", prepare_blocks, break_footer},
 *         ...
 *         {NULL, NULL, NULL, NULL},
 *     };
 *
 * One case, in a process of its own on a fresh heap (checker_run_case):
 *
 *   1. init(), then prepare(): a correct heap.  A prepare that cannot
 *      build it (the submission's blocks do not follow the layout) fails
 *      the case, saying why.
 *   2. check() must return 0: the checker accepts the correct heap.
 *   3. corrupt(), when the case has one: one invariant broken.
 *   4. check() must return non-zero.  A checker that crashes or loops on
 *      the broken heap fails the case too: it must look before it follows
 *      a pointer.
 *
 * A checker that rejects everything fails step 2 of every case, one that
 * accepts everything fails step 4 of every broken one.
 *
 * The grader compiles the fixture named by the rubric's [checker] section
 * into the submission's program and runs each case there with
 * `--checker-case NAME` (checker_worker); a lab's public Check tests run
 * the same cases with checker_run_case.
 */
#ifndef HEAPLAB_GRADING_CHECKER_H
#define HEAPLAB_GRADING_CHECKER_H

#include <stddef.h>

#include "heaplab/allocator.h"

/* Room for a case's `why` and for the verdict's message. */
enum { CHECKER_WHY_MAX = 400, CHECKER_MESSAGE_MAX = 1024 };

struct checker_case {
    const char *name; /* the rubric's name for it: lower case and '-' */
    const char *what; /* what is wrong with the heap, for the student */
    /*
     * Builds a correct heap with a's methods (init() has run on a fresh
     * heap).  0, or -1 with why[] said (at most CHECKER_WHY_MAX bytes).
     */
    int (*prepare)(const struct allocator *a, char *why);
    /* Breaks one invariant; NULL for a correct heap.  0, or -1 with why. */
    int (*corrupt)(const struct allocator *a, char *why);
};

/* What the lab's fixture defines (NULL-named entry last). */
extern const struct checker_case heaplab_checker_cases[];

enum checker_verdict {
    CHECKER_PASSED,   /* accepted the correct heap, rejected the broken */
    CHECKER_FAILED,   /* said the wrong thing, or the heap was not built */
    CHECKER_CRASHED,  /* the process died of a signal */
    CHECKER_TIMED_OUT /* still running after the time limit */
};

/* The case called name in the NULL-terminated table, or NULL. */
const struct checker_case *checker_find(const struct checker_case *cases,
                                        const char *name);

/*
 * Runs case c against a in a child process on a fresh memlib heap capped
 * at memory bytes (0: no cap), killed after timeout seconds.  The message
 * says what happened in a student's words, with the first line the
 * checker printed.
 */
enum checker_verdict checker_run_case(const struct checker_case *c,
                                      const struct allocator *a,
                                      double timeout, size_t memory,
                                      char message[CHECKER_MESSAGE_MAX]);

/* "ok", "error", "crash", "timeout": the grader's verdict names. */
const char *checker_status_name(enum checker_verdict verdict);

/*
 * The main of `PROGRAM --checker-case NAME [--timeout S] [--memory BYTES]`
 * in the submission's program: runs the case of `cases` (NULL when the
 * program has no fixture) against a and writes {"status", "message"} as
 * JSON on fd 3.  Returns the exit status: 0 when a result was written,
 * 2 for bad arguments.
 */
int checker_worker(int argc, char **argv, const struct allocator *a,
                   const struct checker_case *cases);

#endif /* HEAPLAB_GRADING_CHECKER_H */
