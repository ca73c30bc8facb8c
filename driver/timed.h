/*
 * timed.h -- the timed replay: the trace's ops against the backend with no
 * checks at all, repeated, timed with the thread's CPU clock (timed.c says
 * how, and why each step is there).  replay_run calls it once the checked
 * replay has passed.
 */
#ifndef HEAPLAB_TIMED_H
#define HEAPLAB_TIMED_H

#include <stdint.h>

#include "heaplab/allocator.h"
#include "replay.h"
#include "trace.h"

/*
 * Measures a's throughput on t: warm-up, then samples of whole passes on
 * a rewound heap, each pass timed by the thread's CPU clock.  Fills
 * r->ops_per_sec (the median sample), r->part_seconds and
 * r->ops_per_sec_spread (the samples cut into TIMED_PARTS consecutive
 * parts: (max - min) / median of their throughputs) and r->samples;
 * leaves them NAN / 0 when a pass fails (init failed, or the backend
 * returned NULL).  options->repeat fixes the number
 * of samples (one pass each); 0 means the adaptive method of timed.c.
 */
void timed_replay(const struct allocator *a, const struct trace *t,
                  const struct replay_options *options, struct run_result *r);

/*
 * One pass of t on a's fresh (rewound) heap, with no checks: the calls the
 * timed replay times.  `pointers` and `sizes` hold t->num_ids entries.
 * Returns the thread CPU seconds of the replay loop, or a negative number
 * when init failed or the backend returned NULL for a request.  Every
 * block still live at the end is freed (outside the timing).
 */
double timed_pass(const struct allocator *a, const struct trace *t,
                  void **pointers, uint64_t *sizes, size_t memory_limit);

/* The thread's CPU time in seconds (CLOCK_THREAD_CPUTIME_ID). */
double timed_thread_seconds(void);

/*
 * Pins the calling thread to the CPU it is running on, so that no pass is
 * moved to another CPU half-way (its caches cold).  Returns 0 when pinned,
 * -1 when the system does not allow it (then nothing changed).
 */
int timed_pin_thread(void);

#endif /* HEAPLAB_TIMED_H */
