/*
 * replay.h -- replaying one trace against one backend, in this process:
 * the checked replay (every check on every op, the metrics) and the timed
 * replay (no checks, repeated, the median).  runner.c runs this in a child
 * process so that a crash or a hang is a verdict, not the end of the run.
 */
#ifndef HEAPLAB_REPLAY_H
#define HEAPLAB_REPLAY_H

#include <math.h>
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

/* What kind of failure, for --explain (replay_explain). */
enum fault {
    FAULT_NONE,
    FAULT_INIT,          /* init() failed */
    FAULT_NULL,          /* NULL for a request that could be met */
    FAULT_OOM,           /* NULL after memlib refused */
    FAULT_MISALIGNED,    /* payload not 16-byte aligned */
    FAULT_OUTSIDE,       /* payload not inside the heap or a mapping */
    FAULT_OVERLAP,       /* payload overlaps a live block */
    FAULT_CHANGED,       /* a live payload changed */
    FAULT_REALLOC_LOST,  /* realloc did not keep the data */
    FAULT_REALLOC_ZERO,  /* realloc(p, 0) did not return NULL */
    FAULT_CHECKER,       /* the heap checker failed */
    FAULT_CRASH_PAST_BREAK, /* SIGSEGV past the break */
    FAULT_CRASH_FREED,   /* SIGSEGV in a freed block */
    FAULT_CRASH_HEAP,    /* SIGSEGV elsewhere in the heap or a mapping */
    FAULT_CRASH_OUTSIDE, /* SIGSEGV outside the heap (a wild pointer) */
    FAULT_CRASH_OTHER,   /* another signal: abort, SIGFPE, ... */
    FAULT_EXIT,          /* the backend called exit() */
    FAULT_TIMEOUT        /* no result in time */
};

/* The timed figure is taken in this many parts: the rounds of rounds.h
 * (windows spread over the whole run), or, in a single window, that
 * window's samples cut into consecutive parts; the spread compares the
 * parts' medians. */
enum { TIMED_PARTS = 5 }; /* odd: the median is one of them */

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
    double ops_per_sec_spread; /* (max - min) / median of the parts'
                                  throughputs (timed.c); NAN: n/a */
    double part_seconds[TIMED_PARTS]; /* each part's median pass, in
                                         seconds; NAN: n/a */
    unsigned samples;        /* timed replays behind ops_per_sec */
    double quiet_floor_ns;   /* the lowest probe of the core the timed
                                windows saw (quiet.h); 0: none */
    int quiet;               /* ops_per_sec is of samples taken while the
                                core was quiet (quiet.h) */
    double instructions_per_op; /* --measure instructions; NAN: n/a */
    uint64_t worst_frag_op;  /* op index where footprint - payload peaked */
    uint32_t fail_line;      /* trace line of the failing op, 0 if none */
    int fault;               /* enum fault */
    char message[RUN_MESSAGE_MAX];
};

/* Sets every figure of r (utilization, throughput, its spread and parts,
 * instructions per op) to NAN: not measured. */
static inline void run_result_no_figures(struct run_result *r)
{
    r->util = r->ops_per_sec = r->ops_per_sec_spread = NAN;
    r->instructions_per_op = NAN;
    for (int p = 0; p < TIMED_PARTS; p++)
        r->part_seconds[p] = NAN;
}

struct timeline_request; /* timeline.h */

struct replay_options {
    unsigned check_heap_every; /* call check() every N ops; 0: never */
    unsigned repeat;           /* timed replays; 0: adaptive (>= 5, ~0.2 s) */
    int no_timing;             /* skip the timed replay altogether */
    int measure;               /* enum measure_kind (measure.h): time the
                                  timed replay, or count instructions */
    /* footprint samples and heap map of the checked replay; NULL: none */
    const struct timeline_request *timeline;
    size_t memory_limit;       /* memlib footprint cap; 0: none */
    uint32_t stop_at_line;     /* stop after the ops up to this trace line
                                  and print the heap there; 0: never */
    int stop_at_worst;         /* stop where footprint - payload peaked */
    int twice;                 /* run the checked replay twice in a row in
                                  the process (mem_reset + init between),
                                  to catch state that init does not reset */
    int in_rounds;             /* the timed replay is one of TIMED_PARTS
                                  windows spread over the run (rounds.h),
                                  each 1/TIMED_PARTS of the usual time;
                                  0: one window */
    int timed_only;            /* a later round: no checked replay, only
                                  the timed one (rounds.c) */
    double quiet_floor_ns;     /* the lowest probe of the core that earlier
                                  windows saw (quiet.h); 0: not known */
    int quiet_no_wait;         /* an earlier round of the pair was quiet:
                                  this one does not wait (rounds.c) */
};

/* Shared with the parent process: where the child is, and what it saw
 * when it crashed. */
struct replay_progress {
    volatile uint64_t op;     /* index of the op being replayed */
    volatile int phase;       /* enum replay_phase */
    volatile int pass;        /* 2 in the second checked run of --twice */
    volatile uint32_t line;   /* its trace line */
    volatile int fault;       /* enum fault of a crash */
    char crash[RUN_MESSAGE_MAX];
};

enum replay_phase { PHASE_INIT, PHASE_CHECKED, PHASE_TIMED, PHASE_DONE };

/* "ok", "error", "crash", "timeout", "oom", "skipped". */
const char *run_status_name(enum run_status status);

/* Is backend a's memory measured by memlib (every backend but those the
 * registry marks as keeping memory of their own: libc, simple)? */
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
 * Op by op (`heaplab step`): replay_open resets the heap and calls init
 * (NULL, with result's message, when that fails); replay_step runs the
 * next op with every check: 0, 1 when no op is left, -1 when a check
 * failed (result says why, and the heap map went to the map file).
 */
struct replay_session;
struct blocks;
struct replay_session *replay_open(const struct allocator *a,
                                   const struct trace *t,
                                   const struct replay_options *options,
                                   struct replay_progress *progress,
                                   struct run_result *result);
int replay_step(struct replay_session *s);
uint64_t replay_position(const struct replay_session *s); /* ops done */
const struct blocks *replay_blocks(const struct replay_session *s);
/* Footprint, live payload, the heap map and the free blocks, to the map
 * file (or stdout). */
void replay_print_state(struct replay_session *s);
void replay_close(struct replay_session *s);

/* Where heap maps (after a failure, at --stop-at) are written, as text;
 * -1: nowhere.  runner.c points it at a file the parent reads. */
void replay_set_map_fd(int fd);

/*
 * Describes where addr lies, for a crash report: "inside the payload of id
 * 12 (line 57) at offset 8", "past the break by 16 bytes", ...  Uses the
 * state of the replay under way; async-signal-safe enough for a SIGSEGV
 * handler (reads only, formats with snprintf).  Returns the enum fault
 * that fits the place.
 */
int replay_describe_address(const void *addr, char *out, size_t size);

/* After a crash: the heap map around addr (NULL: the whole heap, briefly)
 * to the map file.  It calls the backend's walk(), which may crash too:
 * call it last. */
void replay_print_crash_map(const void *addr, const char *note);

/* The op at index i of the replay under way, as "LINE: a 12 40". */
void replay_describe_current(char *out, size_t size);

#endif /* HEAPLAB_REPLAY_H */
