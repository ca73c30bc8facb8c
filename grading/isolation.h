/*
 * isolation.h -- where and as whom a submission's code runs, and what
 * the grader notices about each run (docs/grading.md, "What the grader
 * guarantees").
 *
 *   the user        when the grader runs as root, the submission's
 *                   program (and its compiler) run as an unprivileged
 *                   user, `nobody` unless the rubric or --user says
 *                   otherwise: it cannot read files only root may (the
 *                   private traces), write the grader's outputs, or
 *                   signal the grader;
 *   the folders     the grade's private folder is root's (mode 0711);
 *                   each run gets a fresh folder of its own, owned by
 *                   the user, removed after the run;
 *   the traces      parsed here, once, and handed to each run already
 *                   parsed (trace_pack.h): the program is never told
 *                   where they are;
 *   the sandbox     its system calls watched (sandbox.h); the guarded
 *                   paths are the rubric, its traces, and what the
 *                   caller adds (outputs, submissions);
 *   what is left    processes still running when it ends, killed
 *                   (spawn.h);
 *   flags           lines for the report: what the sandbox refused, the
 *                   processes left behind, a printout that looks like
 *                   the grader's own output.
 */
#ifndef HEAPLAB_GRADING_ISOLATION_H
#define HEAPLAB_GRADING_ISOLATION_H

#include <limits.h>
#include <stddef.h>

#include "rubric.h"
#include "sandbox.h"
#include "spawn.h"
#include "trace.h"
#include "verify.h"

enum { ISOLATION_GUARDED_MAX = RUBRIC_LIST_MAX * 2 + 16 };

struct isolation {
    int drop;                 /* run as `user` (the grader is root) */
    struct spawn_user user;
    char user_name[64];
    int watched;              /* system calls watched (seccomp works) */
    char folder[PATH_MAX];    /* the grade's private folder */
    unsigned runs;            /* run folders made so far */
    char *guarded[ISOLATION_GUARDED_MAX]; /* real paths */
    size_t guarded_count;
    struct trace *traces;     /* the rubric's traces, parsed here */
    char (*trace_names)[RUBRIC_NAME_MAX];
    size_t trace_count;
    char note[256];           /* how runs are isolated, for the report */
};

/* One run, between isolation_begin and isolation_end. */
struct isolated_run {
    struct sandbox_rules rules; /* its folder and the guarded paths */
    struct sandbox sandbox;
    struct run_clock clock;
    struct spawn_watch watch;
    int fds[3];               /* trace, record, clock: fds 4, 5, 6 */
    int record_fd;            /* ours, to read the record (fds[1]) */
    int sandboxed;
};

/*
 * Sets up the isolation of a grade in `folder` (the grade's private
 * folder): resolves `user` (NULL: the rubric's), parses the rubric's
 * traces, gathers the guarded paths (the rubric's and `guarded`).
 * 0, or -1 with the grader's own failure in error.
 */
int isolation_open(struct isolation *iso, const struct rubric *r,
                   const char *user, const char *const *guarded,
                   size_t guarded_count, const char *folder, char *error,
                   size_t size);
void isolation_close(struct isolation *iso);

/* Can the user read every one of paths (NULL entries skipped)?  0, or -1
 * with the first it cannot, and what to do, in error.  The grader's own
 * files must be: the submission is compiled and run as that user. */
int isolation_check_reach(const struct isolation *iso,
                          const char *const *paths, size_t count,
                          char *error, size_t size);

/* The trace `name` as the grader parsed it, or NULL. */
const struct trace *isolation_trace(const struct isolation *iso,
                                    const char *name);

/* The limits of a build step (compiler, linker, nm): the user, if any. */
void isolation_build_limits(const struct isolation *iso,
                            struct spawn_limits *limits);

/*
 * Before a run: its folder, its descriptors (the packed trace t, when not
 * NULL, as fd 4; its record, fd 5; the clock, fd 6), its sandbox, all
 * into *limits (workdir, user, fds, watch, sandbox).  0, or -1 with
 * errno set.
 */
int isolation_begin(struct isolation *iso, const struct trace *t,
                    struct isolated_run *run, struct spawn_limits *limits);

/*
 * After a run: appends to *flags what was noticed (one line each: what
 * the sandbox refused, processes left behind, a printout in `printed`
 * that looks like a score), closes everything, removes the folder.
 */
void isolation_end(struct isolation *iso, struct isolated_run *run,
                   const struct spawn_outcome *o, const char *printed,
                   char **flags);

/* Does the text hold a line that looks like the grader's own output (an
 * Autolab score line, Gradescope's results)? */
int isolation_looks_like_score(const char *text);

#endif /* HEAPLAB_GRADING_ISOLATION_H */
