/*
 * evidence.h -- what a replay records for the grader, beside its result,
 * so that the grader can check the figures in its own process rather than
 * take the word of a process that runs the submission's code
 * (docs/grading.md, "What the grader guarantees").
 *
 *   the checked replay   every pointer the backend returned, as an offset
 *                        into memlib's heap region (EVIDENCE_OUTSIDE for
 *                        NULL and for pointers elsewhere: mappings), in
 *                        the order of the trace's malloc and realloc ops;
 *   the timed replays    a running hash of the same offsets, chained over
 *                        every pass (hash = hash * EVIDENCE_MULTIPLIER +
 *                        offset: one multiply-add per op), and the number
 *                        of passes;
 *   markers              "timed replays start" and "... end" on a socket,
 *                        each answered by the grader, which reads the
 *                        process's CPU clock in between.
 *
 * The record goes to a file descriptor the grader hands the worker
 * (evidence_set_fds); without one nothing is recorded and every call is
 * a no-op (heaplab run, step, bench).
 *
 * The record (struct evidence_record, then checked_count offsets):
 */
#ifndef HEAPLAB_EVIDENCE_H
#define HEAPLAB_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

enum {
    EVIDENCE_OUTSIDE = 1, /* the offset of NULL or a non-heap pointer */
    EVIDENCE_MARK_START = 'S', /* the markers on the clock socket */
    EVIDENCE_MARK_END = 'E',
};

#define EVIDENCE_MAGIC "HLEVID1"
#define EVIDENCE_MULTIPLIER UINT64_C(0x9E3779B97F4A7C15)

struct evidence_record {
    char magic[8];           /* EVIDENCE_MAGIC */
    uint64_t checked_count;  /* offsets that follow */
    uint64_t checked_done;   /* 1: the checked replay ran to its end */
    uint64_t timed_passes;   /* timed passes run, all counted */
    uint64_t timed_hash;     /* the chain over them */
    uint64_t reserved[3];
};

/* The running hash of the timed passes: timed_pass reads it, adds a pass,
 * writes it back.  lo and span locate memlib's heap region. */
struct evidence_chain {
    uint64_t hash;
    uint64_t passes;
    uintptr_t lo;
    uint64_t span;
};
extern struct evidence_chain evidence_chain;

/* p as the evidence records it: its offset in the heap region, or
 * EVIDENCE_OUTSIDE. */
static inline uint64_t evidence_offset(const void *p, uintptr_t lo,
                                       uint64_t span)
{
    uint64_t offset = (uint64_t)((uintptr_t)p - lo);
    return offset < span ? offset : EVIDENCE_OUTSIDE;
}

/* Where the record and the markers go (-1: nowhere). */
void evidence_set_fds(int record_fd, int clock_fd);

/* Is a record being kept? */
int evidence_on(void);

/* The checked replay: begin (after init), each returned pointer, end
 * (done: it passed every op).  A second checked pass replaces the
 * first's record. */
void evidence_checked_begin(size_t max_pointers);
void evidence_checked_pointer(const void *p);
void evidence_checked_end(int done);

/* Before the timed replays, when a record is kept: one pass that is not
 * timed, so that the pages and caches the grader's window sees are warm
 * (the grader times every pass in its window, not the median). */
struct allocator;
struct trace;
void evidence_warm_up(const struct allocator *a, const struct trace *t,
                      size_t memory_limit);

/* Around the timed replays: the chain starts afresh, the markers are
 * sent (each waits for the grader's answer), the record is completed. */
void evidence_timed_begin(void);
void evidence_timed_end(void);

#endif /* HEAPLAB_EVIDENCE_H */
