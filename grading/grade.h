/*
 * grade.h -- grading one submission by a rubric, and the result.
 *
 *   1. build    the submission into a program of its own (build.h)
 *   2. check    every trace once, in a worker process of that program,
 *               run twice in a row in one process (state init() leaves
 *               behind), with the rubric's limits; then every [checker]
 *               case, in a process of its own (checker.h)
 *   3. time     every performance trace that passed: rounds of the
 *               reference and the submission, interleaved, each a fresh
 *               process; the ratio is the median of the rounds' ratios
 *   4. score    (score.c), then the outputs (results.c)
 *
 * Nothing of the submission ever runs in the grader's own process.
 */
#ifndef HEAPLAB_GRADING_GRADE_H
#define HEAPLAB_GRADING_GRADE_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"
#include "rubric.h"
#include "verify.h"

enum trace_verdict {
    VERDICT_OK,
    VERDICT_ERROR,
    VERDICT_CRASH,
    VERDICT_TIMEOUT,
    VERDICT_OOM,
    VERDICT_NOT_RUN, /* the submission did not build */
    VERDICT_INTERNAL /* the grader could not run it: not the student's */
};

struct trace_grade {
    char name[RUBRIC_NAME_MAX];
    int correctness;        /* listed under [correctness] */
    int performance;        /* listed under [performance] */
    int checker;            /* not a trace: a [checker] case */
    enum trace_verdict verdict;
    char message[RUN_MESSAGE_MAX + 256]; /* the driver's exact words */
    size_t printed;         /* bytes the submission printed */
    char *output;           /* the start of it, or NULL */
    uint64_t ops;
    int weight;             /* the trace's weight (util, throughput) */
    double util;            /* NAN: not measured */
    double ratio;           /* ops/s over the reference's; NAN: not */
    double ops_per_sec;     /* the submission's median */
    double reference_ops_per_sec;
    char timing_note[RUN_MESSAGE_MAX + 64]; /* why there is no ratio */
    double points;          /* correctness points earned */
    double max_points;
    struct checked_facts facts; /* what the grader verified (verify.h) */
    char *flags;            /* what the grader noticed about its runs
                               (isolation.h), one line each, or NULL */
};

struct grade {
    const struct rubric *rubric;
    const char *self;       /* bin/heaplab, which times the reference */
    char submission[4096];
    int built;
    char *build_feedback;   /* when !built */
    char *warnings;         /* compiler warnings, or NULL */
    char internal[512];     /* the grader's own failure, or "" */
    size_t count;
    struct trace_grade *traces; /* correctness, then performance-only,
                                   then the checker's cases */
    struct isolation *isolation; /* while grading (isolation.h) */
    char isolation_note[256];    /* how the submission was isolated */

    /* score.c */
    size_t passed;          /* traces with VERDICT_OK */
    double correctness;
    double checker;         /* points of the checker's cases */
    double mean_util;       /* over performance traces; NAN if none */
    double mean_ratio;
    double util_points;
    double throughput_points;
    double total;
    double max_total;
    double seconds;         /* grading time */
};

struct grade_options {
    const char *root;       /* the project's folder */
    const char *self;       /* bin/heaplab, which times the reference */
    int keep;               /* keep the private folder (prints it) */
    int verbose;            /* progress on stderr */
    const char *user;       /* runs the submission when we are root;
                               NULL: the rubric's [limits] user */
    const char *const *guarded; /* more paths its runs may not open (the
                                   outputs, the submissions) */
    size_t guarded_count;
};

/*
 * Grades the submission in folder `submission`.  Always fills *g (free
 * with grade_free): a submission that does not build, or a grader that
 * fails, still gets a complete result with every trace's verdict.
 */
void grade_submission(const struct rubric *rubric, const char *submission,
                      const struct grade_options *options, struct grade *g);

void grade_free(struct grade *g);

/* "ok", "error", "crash", "timeout", "oom", "not run", "internal". */
const char *verdict_name(enum trace_verdict verdict);

/* --- score.c ------------------------------------------------------------ */

/* Fills the points of *g from its traces' verdicts and metrics. */
void grade_score(struct grade *g);

/* points * clamp((value - min) / (max - min), 0, 1) */
double scale_points(const struct rubric_scale *scale, double value);

/* The rubric's formulas, for people: a new string. */
char *grade_formulas(const struct rubric *rubric);

/* Rounds to hundredths, the precision every output uses. */
double round_points(double points);

#endif /* HEAPLAB_GRADING_GRADE_H */
