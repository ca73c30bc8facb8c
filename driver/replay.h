/*
 * replay.h -- replaying one trace against one backend, in this process:
 * the checked replay (every check on every op, the metrics) and the timed
 * replay (no checks, repeated, the median).  runner.c runs this in a child
 * process so that a crash or a hang is a verdict, not the end of the run.
 */
#ifndef HEAPLAB_REPLAY_H
#define HEAPLAB_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "heaplab/allocator.h"
#include "trace.h"

enum run_status {
    RUN_OK,      /* every check passed */
    RUN_ERROR,   /* a check failed; message says which */
    RUN_CRASH,   /* the backend crashed or exited */
    RUN_TIMEOUT, /* the run took longer than its limit */
    RUN_OOM,     /* the backend ran out of memory (memlib refused) */
    RUN_SKIPPED  /* not run (the trace could not be read) */
};

enum { RUN_MESSAGE_MAX = 1024 };

struct run_result {
    enum run_status status;
    int weight;              /* the trace's weight (enum trace_weight) */
    uint64_t ops;
    uint64_t peak_payload;   /* largest sum of live requested bytes */
    uint64_t peak_footprint; /* largest heap extent + mapped bytes */
    unsigned long syscalls;  /* memlib calls during the checked replay */
    int syscalls_counted;    /* 0 for libc, whose calls memlib cannot see */
    double util;             /* peak_payload / peak_footprint; NAN: n/a */
    double ops_per_sec;      /* median of the timed replays; NAN: n/a */
    double ops_per_sec_spread; /* (max - min) / median of the samples */
    unsigned samples;        /* timed replays behind ops_per_sec */
    uint64_t worst_frag_op;  /* op index where footprint - payload peaked */
    uint32_t fail_line;      /* trace line of the failing op, 0 if none */
    char message[RUN_MESSAGE_MAX];
};

struct timeline_request; /* timeline.h */

struct replay_options {
    unsigned check_heap_every; /* call check() every N ops; 0: never */
    unsigned repeat;           /* timed replays; 0: adaptive (>= 5, ~0.2 s) */
    int no_timing;             /* skip the timed replay altogether */
    /* footprint samples and heap map of the checked replay; NULL: none */
    const struct timeline_request *timeline;
    size_t memory_limit;       /* memlib footprint cap; 0: none */
    int twice;                 /* run the checked replay twice in a row in
                                  the process (mem_reset + init between),
                                  to catch state that init does not reset */
};

/* Shared with the parent process: where the child is, and what it saw
 * when it crashed. */
struct replay_progress {
    volatile uint64_t op;     /* index of the op being replayed */
    volatile int phase;       /* enum replay_phase */
    volatile uint32_t line;   /* its trace line */
    char crash[RUN_MESSAGE_MAX];
};

enum replay_phase { PHASE_INIT, PHASE_CHECKED, PHASE_TIMED, PHASE_DONE };

/* "ok", "error", "crash", "timeout", "oom", "skipped". */
const char *run_status_name(enum run_status status);

/* Is backend a's memory measured by memlib (every backend but libc)? */
int replay_uses_memlib(const struct allocator *a);

/*
 * realloc through a's vtable, or malloc + copy + free when it has none
 * (old_size is the block's requested size, which the driver knows).
 */
void *replay_realloc(const struct allocator *a, void *p, uint64_t old_size,
                     uint64_t size);

/*
 * Replays trace t on backend a: first the checked replay, then (when the
 * weight asks for throughput and it passed) the timed replay.  Fills
 * *result.  progress may be NULL.
 */
void replay_run(const struct allocator *a, const struct trace *t,
                const struct replay_options *options,
                struct replay_progress *progress, struct run_result *result);

/*
 * Describes where addr lies, for a crash report: "inside the payload of id
 * 12 (line 57) at offset 8", "past the break by 16 bytes", ...  Uses the
 * state of the replay under way; async-signal-safe enough for a SIGSEGV
 * handler (reads only, formats with snprintf).
 */
void replay_describe_address(const void *addr, char *out, size_t size);

/* The op at index i of the replay under way, as "LINE: a 12 40". */
void replay_describe_current(char *out, size_t size);

#endif /* HEAPLAB_REPLAY_H */
