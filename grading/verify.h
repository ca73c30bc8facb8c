/*
 * verify.h -- what the grader checks in its own process about a run of
 * the submission's program, rather than take that program's word for it
 * (docs/grading.md, "What the grader guarantees"):
 *
 *   from the trace      it parsed itself: how many pointers a run hands
 *                       out, the peak live payload (utilization's
 *                       numerator);
 *   a checked run       that says every check passed must come with the
 *                       driver's record (evidence.h) of every pointer:
 *                       as many as the trace asks for, 16-byte aligned,
 *                       live blocks disjoint, and a peak footprint at
 *                       least the span of the blocks it handed out;
 *   a timed run         must have run passes that hand out the very same
 *                       pointers (the chained hash), and is timed here:
 *                       the CPU clock of the process that ran the passes,
 *                       read between its markers (run_clock).
 */
#ifndef HEAPLAB_GRADING_VERIFY_H
#define HEAPLAB_GRADING_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trace.h"

/* What the grader knows of a trace and of its checked run. */
struct checked_facts {
    uint64_t pointers;      /* malloc and realloc ops: offsets recorded */
    uint64_t peak_payload;  /* largest live payload, from the trace */
    uint64_t min_footprint; /* what the recorded blocks span at least */
    uint64_t hash;          /* the checked pass's hash of the offsets */
    int recorded;           /* the checked run's record held */
};

/* The timed replays' window, read from outside: a spawn_watch. */
struct run_clock {
    int fd;             /* our end of the socket, -1 when closed */
    pid_t pid;          /* the process that marked the start */
    double start, end;  /* its CPU clock then, in seconds */
    int state;          /* 0 none, 1 started, 2 ended, -1 out of order */
};

/* pointers and peak_payload of t. */
void verify_trace_facts(const struct trace *t, struct checked_facts *f);

/*
 * A checked run that reported success: its record (record_fd) against t
 * and against the footprint and payload it reported.  0, with
 * f->min_footprint, f->hash and f->recorded filled; or -1 with why the
 * report cannot be believed in why.
 */
int verify_checked_run(const struct trace *t, int record_fd,
                       uint64_t footprint, uint64_t payload,
                       struct checked_facts *f, char *why, size_t size);

/*
 * A timed run that reported success: its chained hash against the
 * checked run's, and its window.  0, with the grader's own figure (ops
 * per CPU second over every pass) in *ops_per_sec; or -1 with why.
 * f NULL: the reference, whose hash is not checked.
 */
int verify_timed_run(const struct checked_facts *f, const struct trace *t,
                     int record_fd, const struct run_clock *clock,
                     double *ops_per_sec, char *why, size_t size);

/* The clock's socket: 0 with our end in c->fd and the program's in
 * *theirs; -1 with errno. */
int run_clock_open(struct run_clock *c, int *theirs);
void run_clock_ready(void *clock); /* spawn_watch.ready */
void run_clock_close(struct run_clock *c);

/* A memfd for a run's record (evidence.h); -1 with errno. */
int verify_record_open(void);

#endif /* HEAPLAB_GRADING_VERIFY_H */
