/*
 * rounds.h -- the timed figure taken in rounds spread over the whole run.
 *
 * A (backend, trace) pair's first round runs with its checked replay; the
 * others each run in a fresh child that only times (replay_options's
 * timed_only), one pass over every pair per round, so that a pair's
 * windows lie as far apart in time as the run allows.  Its figure is its
 * fastest round (each round's figure being the median of its samples);
 * the rounds are its parts (part_seconds), and the spread compares them:
 * how much the machine disturbed this run.  See timed.c, step 6.
 */
#ifndef HEAPLAB_ROUNDS_H
#define HEAPLAB_ROUNDS_H

#include <stddef.h>

#include "replay.h"
#include "report.h"
#include "runner.h"

/* One pair to time; result holds round 1 (from its checked run) and gets
 * the final figures. */
struct round_job {
    const struct allocator *a;
    const struct trace *t;
    struct run_result *result;
};

/* Called before each timed-only child; may be NULL. */
typedef void round_progress(size_t done, size_t total,
                            const char *allocator, const char *trace);

/*
 * The rounds after the first, for every job whose first round gave a
 * throughput (status ok, ops_per_sec > 0); options must be those of the
 * first round (options->in_rounds set; without it nothing is done).  A
 * round that fails turns the job's result into that failure.
 */
void rounds_run(struct round_job *jobs, size_t count,
                const struct replay_options *options,
                const struct runner_options *limits,
                round_progress *progress);

/*
 * rounds_run over the rows a run added to report from first_row on: one
 * per (allocator, trace), allocator by allocator, each allocator's traces
 * in order.  A trace whose loaded[i] is 0 has a row but is not timed
 * (loaded NULL: all were).  0, or -1 when out of memory.
 */
int rounds_run_rows(struct report *report, size_t first_row,
                    const struct allocator *const *allocators,
                    size_t allocator_count, const struct trace *traces,
                    const int *loaded, size_t trace_count,
                    const struct replay_options *options,
                    const struct runner_options *limits,
                    round_progress *progress);

/* From seconds per pass in each of TIMED_PARTS rounds: r's throughput
 * (the fastest round), parts and spread (max - min over the median of the
 * rounds' throughputs).  Exposed for the tests. */
void rounds_finish(struct run_result *r, const double seconds[TIMED_PARTS]);

#endif /* HEAPLAB_ROUNDS_H */
