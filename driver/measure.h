/*
 * measure.h -- `heaplab run --measure instructions`: instructions per op
 * counted only inside the backend's calls, the same on every run, so that
 * a grade does not depend on how busy the machine was.
 *
 * Two counters, tried in this order:
 *   perf     the CPU's instruction counter (perf_event_open), switched on
 *            and off around every backend call; where the kernel and the
 *            CPU allow it (not in most virtual machines);
 *   callgrind  valgrind's callgrind, which counts every instruction it
 *            runs: the pass is re-run as `heaplab run --callgrind-pass`
 *            under callgrind with collection off, and client requests
 *            (<valgrind/callgrind.h>) switch it on only around backend
 *            calls.  Slow (about 50 times), but exact and the same on
 *            every machine with the same build.
 * Either way one warm-up pass runs first, uncounted, as for timing.
 */
#ifndef HEAPLAB_MEASURE_H
#define HEAPLAB_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "heaplab/allocator.h"
#include "replay.h"
#include "trace.h"

/* What the timed phase of a run measures (replay_options.measure). */
enum measure_kind {
    MEASURE_TIME,         /* ops per second, thread CPU clock (timed.c) */
    MEASURE_INSTRUCTIONS  /* instructions per op inside backend calls */
};

/*
 * Can instructions be counted here?  0 with the counter's name ("perf" or
 * "callgrind") in `how`; -1 with why not, one line, in `how`.
 */
int measure_instructions_available(char *how, size_t size);

/*
 * Counts a's instructions on t (one warm-up pass, then one counted pass)
 * and sets r->instructions_per_op; on failure leaves it NAN and says why
 * in r->message.
 */
void measure_instructions(const struct allocator *a, const struct trace *t,
                          struct run_result *r);

/*
 * One pass on a fresh heap with callgrind's collection switched on only
 * around each backend call (no effect outside valgrind).  0, or -1 when
 * init failed or the backend returned NULL.
 */
int measure_collected_pass(const struct allocator *a, const struct trace *t);

/*
 * Runs argv (argv[0] a path, NULL-terminated) under callgrind with
 * collection off at start, with the assignments of env_add (NULL-
 * terminated, may be NULL) added to the environment, and sets *count to
 * the instructions callgrind collected.  0, or -1 with one line in error.
 */
int measure_callgrind(char *const argv[], char *const env_add[],
                      uint64_t *count, char *error, size_t size);

/*
 * Counts a's instructions in one pass with the CPU's counter.  0, or -1
 * when the kernel does not allow it (errno set) or a pass failed.
 */
int measure_perf_pass(const struct allocator *a, const struct trace *t,
                      uint64_t *count);

/*
 * `heaplab run --callgrind-pass -a NAME TRACE`: the process that callgrind
 * runs.  A warm-up pass, then measure_collected_pass, in a thread of its
 * own as in a run.  Returns the exit status (0, 1 a pass failed, 2 usage).
 */
int measure_callgrind_main(const char *allocator, const char *trace_path);

#endif /* HEAPLAB_MEASURE_H */
