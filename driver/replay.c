/*
 * replay.c -- the checked replay and the timed replay (see replay.h).
 *
 * The checked replay, for every op of the trace:
 *   1. calls the backend (malloc, free, realloc; realloc = NULL in the
 *      vtable means malloc + copy + free done here);
 *   2. checks what came back: not NULL for a satisfiable request (NULL
 *      after memlib refused memory is the verdict `oom`), 16-byte aligned,
 *      inside the heap or a live mapping, overlapping no live block;
 *   3. fills a new payload with a pattern made of the id and the offset,
 *      and verifies the pattern when the block is freed or reallocated
 *      (so a backend that writes into a live block is caught, and the
 *      first changed byte named), and that realloc kept min(old, new)
 *      bytes;
 *   4. every N ops (--check-heap=N) calls the backend's heap checker;
 *   5. tracks live payload and footprint for the metrics.
 * The first failure stops the replay with a one-line message
 * "TRACE:LINE: OP: what was wrong".
 *
 * The timed replay (timed.c) calls the backend only, with no checks, on a
 * rewound heap each time, and times each pass with the thread's CPU clock.
 */
#include "replay.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "blocks.h"
#include "evidence.h"
#include "heapmap.h"
#include "heapwalk.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "pages.h"
#include "timed.h"
#include "timeline.h"

/* Where heap maps go (runner.c sets it in the child); -1: nowhere. */
static int map_fd = -1;

void replay_set_map_fd(int fd)
{
    map_fd = fd;
}

/* The replay under way, for the crash handler. */
static struct {
    const struct trace *trace;
    const struct allocator *allocator;
    const struct blocks *blocks;
    const struct replay_progress *progress;
} current;

const char *run_status_name(enum run_status status)
{
    static const char *const names[] = {"ok",      "error", "crash",
                                        "timeout", "oom",   "skipped"};
    return (unsigned)status < sizeof names / sizeof names[0] ? names[status]
                                                              : "?";
}

int replay_uses_memlib(const struct allocator *a)
{
    return registry_uses_memlib(a);
}

/* --- the payload pattern ------------------------------------------------ */

/* The byte at `offset` of id's payload.  Odd multiplier: a copy shifted by
 * any amount below 256 differs; the (offset >> 8) term catches 256. */
static inline unsigned char pattern_byte(int32_t id, uint64_t offset)
{
    return (unsigned char)(((offset * 0x9Du) + ((uint64_t)id * 0x3Bu)) ^
                           (offset >> 8) ^ 0xA5u);
}

static void pattern_fill(unsigned char *payload, int32_t id, uint64_t from,
                         uint64_t to)
{
    for (uint64_t i = from; i < to; i++)
        payload[i] = pattern_byte(id, i);
}

/* The first offset in [0, n) that does not hold id's pattern, or n. */
static uint64_t pattern_mismatch(const unsigned char *payload, int32_t id,
                                 uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (payload[i] != pattern_byte(id, i))
            return i;
    return n;
}

/* --- the checked replay ------------------------------------------------- */

struct checked {
    const struct allocator *a;
    const struct trace *t;
    const struct replay_options *options;
    struct replay_progress *progress;
    struct run_result *result;
    struct blocks blocks;
    int memlib;             /* backend measured by memlib */
    uint64_t worst_frag;    /* largest footprint - payload seen */
    const void *mark;       /* where the failure is, for the heap map */
    char mark_note[160];    /* what is there */
};

/* Notes where a failure is, for the heap map printed after the message. */
static void mark(struct checked *c, const void *addr, const char *format,
                 ...) __attribute__((format(printf, 3, 4)));

static void mark(struct checked *c, const void *addr, const char *format,
                 ...)
{
    c->mark = addr;
    va_list args;
    va_start(args, format);
    vsnprintf(c->mark_note, sizeof c->mark_note, format, args);
    va_end(args);
}

/* Ends the replay with a failure: "TRACE:LINE: OP: message". */
static int fail(struct checked *c, enum run_status status, enum fault fault,
                const struct trace_op *op, const char *format, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(struct checked *c, enum run_status status, enum fault fault,
                const struct trace_op *op, const char *format, ...)
{
    struct run_result *r = c->result;
    r->status = status;
    r->fault = fault;
    r->fail_line = op != NULL ? op->line : 0;
    int n = 0;
    if (op != NULL && op->kind == OP_FREE)
        n = snprintf(r->message, sizeof r->message, "%s:%u: f %d: ",
                     c->t->path, op->line, op->id);
    else if (op != NULL)
        n = snprintf(r->message, sizeof r->message, "%s:%u: %c %d %llu: ",
                     c->t->path, op->line, op->kind, op->id,
                     (unsigned long long)op->size);
    if (n < 0 || (size_t)n >= sizeof r->message)
        n = 0;
    va_list args;
    va_start(args, format);
    vsnprintf(r->message + n, sizeof r->message - (size_t)n, format, args);
    va_end(args);
    return -1;
}

/* Where a bad payload lies, for a message. */
static void describe_place(const void *p, char *out, size_t size)
{
    size_t offset = 0, extent = 0;
    switch (mem_locate(p, &offset, &extent)) {
    case MEM_PAST_BREAK:
        snprintf(out, size, "past the break by %zu bytes", offset);
        break;
    case MEM_IN_HEAP:
        snprintf(out, size, "in the heap at offset %zu, but running past "
                 "the break (heap is %zu bytes)", offset, extent);
        break;
    case MEM_IN_MAPPING:
        snprintf(out, size, "in a mapping at offset %zu, but running past "
                 "its end (%zu bytes)", offset, extent);
        break;
    case MEM_IN_STATIC:
        snprintf(out, size, "in the static storage at offset %zu, but "
                 "running past its end (%zu bytes)", offset, extent);
        break;
    default:
        snprintf(out, size, "outside the heap and every mapping");
    }
}

/*
 * Step 2: the checks on a pointer returned for `size` bytes.  NULL has
 * been handled by the caller.
 */
static int check_payload(struct checked *c, const struct trace_op *op,
                         const char *call, void *p, uint64_t size)
{
    uintptr_t address = (uintptr_t)p;
    if (address % HEAPLAB_ALIGNMENT != 0) {
        mark(c, p, "returned here, %u bytes off alignment",
             (unsigned)(address % HEAPLAB_ALIGNMENT));
        return fail(c, RUN_ERROR, FAULT_MISALIGNED, op,
                    "%s returned %p, not %d-byte aligned (address mod %d "
                    "is %u)",
                    call, p, HEAPLAB_ALIGNMENT, HEAPLAB_ALIGNMENT,
                    (unsigned)(address % HEAPLAB_ALIGNMENT));
    }
    /* Where payloads may lie is known for memlib's backends, and for a
     * backend that told memlib where its own storage is (simple). */
    int placed = c->memlib || mem_static_region(NULL) != NULL;
    if (placed && !mem_contains(p, size ? size : 1)) {
        char place[160];
        describe_place(p, place, sizeof place);
        mark(c, p, "returned here for %llu bytes", (unsigned long long)size);
        return fail(c, RUN_ERROR, FAULT_OUTSIDE, op,
                    "%s returned %p for %llu bytes: payload lies %s", call, p,
                    (unsigned long long)size, place);
    }
    const struct block_record *other = blocks_overlap(&c->blocks, p, size);
    if (other != NULL) {
        uintptr_t lo = address > (uintptr_t)other->payload
                           ? address
                           : (uintptr_t)other->payload;
        uint64_t other_end = (uintptr_t)other->payload +
                             (other->size ? other->size : 1);
        uint64_t end = address + (size ? size : 1);
        uint64_t hi = end < other_end ? end : other_end;
        mark(c, p, "returned here: overlaps id %d by %llu bytes", other->id,
             (unsigned long long)(hi - lo));
        return fail(c, RUN_ERROR, FAULT_OVERLAP, op,
                    "%s returned %p (%llu bytes), which overlaps id %d "
                    "(%p, %llu bytes, allocated at line %u) by %llu bytes",
                    call, p, (unsigned long long)size, other->id,
                    (void *)other->payload, (unsigned long long)other->size,
                    other->line, (unsigned long long)(hi - lo));
    }
    return 0;
}

/* A NULL where memory was asked for: `oom` if memlib refused during the
 * call, an error otherwise. */
static int null_result(struct checked *c, const struct trace_op *op,
                       const char *call, unsigned long failed_before)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    c->mark = NULL;
    if (stats.failed_calls > failed_before || !c->memlib)
        return fail(c, RUN_OOM, FAULT_OOM, op,
                    "%s returned NULL: out of memory (footprint %zu bytes)",
                    call, stats.footprint);
    return fail(c, RUN_ERROR, FAULT_NULL, op,
                "%s returned NULL, but memlib refused no request: the "
                "request can be met",
                call);
}

static unsigned long failed_calls(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats.failed_calls;
}

/* Verifies that id's payload still holds its pattern (before free or
 * realloc). */
static int check_intact(struct checked *c, const struct trace_op *op,
                        const struct block_record *b)
{
    if (b->payload == NULL)
        return 0;
    uint64_t at = pattern_mismatch((unsigned char *)b->payload, b->id,
                                   b->size);
    if (at == b->size)
        return 0;
    mark(c, b->payload + at, "byte %llu of id %d changed",
         (unsigned long long)at, b->id);
    return fail(c, RUN_ERROR, FAULT_CHANGED, op,
                "payload of id %d (%p, %llu bytes, allocated at line %u) was "
                "changed while live: byte %llu is 0x%02x, expected 0x%02x",
                b->id, (void *)b->payload, (unsigned long long)b->size,
                b->line, (unsigned long long)at,
                ((unsigned char *)b->payload)[at], pattern_byte(b->id, at));
}

static int do_alloc(struct checked *c, const struct trace_op *op)
{
    char call[48];
    snprintf(call, sizeof call, "malloc(%llu)", (unsigned long long)op->size);
    unsigned long failed_before = c->memlib ? failed_calls() : 0;
    void *p = c->a->malloc(op->size);
    if (p == NULL && op->size > 0)
        return null_result(c, op, call, failed_before);
    if (p != NULL && check_payload(c, op, call, p, op->size) != 0)
        return -1;
    if (p != NULL)
        pattern_fill(p, op->id, 0, op->size);
    blocks_add(&c->blocks, op->id, p, op->size, op->line);
    evidence_checked_pointer(p); /* for the grader: evidence.h */
    return 0;
}

static int do_free(struct checked *c, const struct trace_op *op)
{
    if (op->id < 0) {
        c->a->free(NULL);
        return 0;
    }
    struct block_record *b = &c->blocks.records[op->id];
    if (check_intact(c, op, b) != 0)
        return -1;
    void *p = b->payload;
    blocks_remove(&c->blocks, op->id, op->line);
    c->a->free(p);
    return 0;
}

void *replay_realloc(const struct allocator *a, void *p,
                             uint64_t old_size, uint64_t size)
{
    if (a->realloc != NULL)
        return a->realloc(p, size);
    if (size == 0) {
        a->free(p);
        return NULL;
    }
    void *q = a->malloc(size);
    if (q != NULL && p != NULL) {
        memcpy(q, p, old_size < size ? old_size : size);
        a->free(p);
    }
    return q;
}

static int do_realloc(struct checked *c, const struct trace_op *op)
{
    struct block_record *b = &c->blocks.records[op->id];
    if (check_intact(c, op, b) != 0)
        return -1;
    void *old = b->payload;
    uint64_t old_size = b->size;
    char call[64];
    snprintf(call, sizeof call, "realloc(%p, %llu)", old,
             (unsigned long long)op->size);
    unsigned long failed_before = c->memlib ? failed_calls() : 0;
    blocks_remove(&c->blocks, op->id, op->line);
    void *p = replay_realloc(c->a, old, old_size, op->size);
    if (op->size == 0) {
        if (p != NULL) {
            mark(c, p, "returned here");
            return fail(c, RUN_ERROR, FAULT_REALLOC_ZERO, op,
                        "%s returned %p: realloc to 0 bytes must free the "
                        "block and return NULL",
                        call, p);
        }
        evidence_checked_pointer(p);
        return 0;
    }
    if (p == NULL)
        return null_result(c, op, call, failed_before);
    if (check_payload(c, op, call, p, op->size) != 0)
        return -1;
    uint64_t kept = old_size < op->size ? old_size : op->size;
    uint64_t at = pattern_mismatch(p, op->id, kept);
    if (at != kept) {
        mark(c, (char *)p + at, "byte %llu was not copied",
             (unsigned long long)at);
        return fail(c, RUN_ERROR, FAULT_REALLOC_LOST, op,
                    "%s returned %p but did not keep the old contents: byte "
                    "%llu of %llu is 0x%02x, expected 0x%02x",
                    call, p, (unsigned long long)at, (unsigned long long)kept,
                    ((unsigned char *)p)[at], pattern_byte(op->id, at));
    }
    pattern_fill(p, op->id, kept, op->size);
    blocks_add(&c->blocks, op->id, p, op->size, op->line);
    evidence_checked_pointer(p);
    return 0;
}

/*
 * Step 4: runs the heap checker with its stderr captured, so that its
 * first line becomes the message.
 */
static int run_heap_checker(struct checked *c, const struct trace_op *op)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int capture = memfd_create("heaplab-check", 0);
    if (capture >= 0)
        dup2(capture, STDERR_FILENO);
    int rc = c->a->check();
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    char said[256] = "";
    if (capture >= 0) {
        ssize_t n = pread(capture, said, sizeof said - 1, 0);
        said[n > 0 ? n : 0] = '\0';
        said[strcspn(said, "\n")] = '\0';
        close(capture);
    }
    if (rc == 0)
        return 0;
    c->mark = NULL;
    return fail(c, RUN_ERROR, FAULT_CHECKER, op,
                "heap checker returned %d after this op%s%s",
                rc, said[0] ? ": " : " (it printed nothing)", said);
}

/* Step 5. */
static void track_metrics(struct checked *c, uint64_t index)
{
    struct run_result *r = c->result;
    struct mem_stats stats;
    mem_get_stats(&stats);
    if (c->blocks.live_bytes > r->peak_payload)
        r->peak_payload = c->blocks.live_bytes;
    if (stats.peak_footprint > r->peak_footprint)
        r->peak_footprint = stats.peak_footprint;
    uint64_t frag = stats.footprint > c->blocks.live_bytes
                        ? stats.footprint - c->blocks.live_bytes
                        : 0;
    if (frag > c->worst_frag) {
        c->worst_frag = frag;
        r->worst_frag_op = index;
    }
}

/* Op i with every check and the metrics: 0, or -1 when it failed. */
static int checked_op(struct checked *c, uint64_t i)
{
    const struct trace_op *op = &c->t->ops[i];
    if (c->progress != NULL) {
        c->progress->op = i;
        c->progress->line = op->line;
    }
    int rc = op->kind == OP_ALLOC  ? do_alloc(c, op)
             : op->kind == OP_FREE ? do_free(c, op)
                                   : do_realloc(c, op);
    if (rc != 0)
        return -1;
    track_metrics(c, i);
    timeline_sample(i, &c->blocks);
    unsigned every = c->options->check_heap_every;
    int last = i + 1 == c->t->num_ops;
    if (every != 0 && c->a->check != NULL && ((i + 1) % every == 0 || last))
        return run_heap_checker(c, op);
    return 0;
}

/* The heap map after a failure: around the mark, or the whole heap (at
 * most 40 blocks) with its free blocks when there is no address to mark. */
static void print_failure_map(struct checked *c)
{
    struct heap_walk walk;
    if (map_fd < 0 || c->result->fault == FAULT_INIT ||
        heap_walk_take(&walk, c->a, &c->blocks) != 0)
        return;
    if (c->mark != NULL) {
        struct heapmap_mark where = {c->mark, c->mark_note};
        heapmap_print(map_fd, &walk, &where, 6, 0);
    } else {
        heapmap_print(map_fd, &walk, NULL, 0, 40);
        heapmap_print_free_sizes(map_fd, &walk);
    }
    heap_walk_free(&walk);
}

/* --stop-at: what the heap looks like after `done` ops. */
static void print_stop(struct checked *c, uint64_t done, int worst)
{
    int fd = map_fd >= 0 ? map_fd : STDOUT_FILENO;
    const struct trace *t = c->t;
    struct mem_stats stats;
    mem_get_stats(&stats);
    if (done == 0) {
        dprintf(fd, "%s: the heap before the first op, on %s\n", t->path,
                c->a->name);
    } else {
        const struct trace_op *op = &t->ops[done - 1];
        dprintf(fd, "%s:%u: the heap after op %llu of %zu (", t->path,
                op->line, (unsigned long long)done, t->num_ops);
        if (op->kind == OP_FREE)
            dprintf(fd, "f %d", op->id);
        else
            dprintf(fd, "%c %d %llu", op->kind, op->id,
                    (unsigned long long)op->size);
        dprintf(fd, "), on %s%s\n", c->a->name,
                worst ? ": the worst moment, where footprint - live payload "
                        "peaked"
                      : "");
    }
    dprintf(fd, "  footprint %zu bytes, live payload %llu bytes in %zu "
                "block%s, %zu bytes not payload\n",
            stats.footprint, (unsigned long long)c->blocks.live_bytes,
            c->blocks.live_count, c->blocks.live_count == 1 ? "" : "s",
            stats.footprint > c->blocks.live_bytes
                ? stats.footprint - (size_t)c->blocks.live_bytes
                : 0);
    struct heap_walk walk;
    if (heap_walk_take(&walk, c->a, &c->blocks) == 0) {
        heapmap_print(fd, &walk, NULL, 0, 400);
        heapmap_print_free_sizes(fd, &walk);
    }
    heap_walk_free(&walk);
}

/* How many ops to run before stopping at trace line `line`: every op on
 * a line up to and including it. */
static uint64_t ops_through_line(const struct trace *t, uint32_t line)
{
    uint64_t lo = 0, hi = t->num_ops;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->ops[mid].line <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Runs the checked replay: 0 when every op passed, 1 when it stopped at
 * `stop_after` ops (UINT64_MAX: never), -1 on a failure. */
static int checked_replay(struct checked *c, uint64_t stop_after, int worst)
{
    const struct trace *t = c->t;
    if (c->progress != NULL)
        c->progress->phase = PHASE_CHECKED;
    timeline_begin(c->options->timeline, c->a, t->num_ops);
    if (stop_after == 0) {
        print_stop(c, 0, worst);
        return 1;
    }
    for (uint64_t i = 0; i < t->num_ops; i++) {
        if (checked_op(c, i) != 0) {
            print_failure_map(c);
            return -1;
        }
        if (i + 1 == stop_after) {
            print_stop(c, i + 1, worst);
            return 1;
        }
    }
    return 0;
}

/* --- the whole run ------------------------------------------------------ */

/*
 * A later round (rounds.h): the checked replay passed in an earlier child,
 * so this one only times.  A pass that fails now (a backend that depends
 * on chance) is an error with the round's number, not a figure.
 */
static void timed_round(const struct allocator *a, const struct trace *t,
                        const struct replay_options *options,
                        struct replay_progress *progress,
                        struct run_result *result)
{
    run_result_no_figures(result);
    if (progress != NULL)
        progress->phase = PHASE_TIMED;
    current.trace = t;
    current.allocator = a;
    current.progress = progress;
    mem_reset();
    timed_replay(a, t, options, result);
    if (isnan(result->ops_per_sec)) {
        result->status = RUN_ERROR;
        snprintf(result->message, sizeof result->message,
                 "%s: %s: a timed replay failed in a later round although "
                 "the checked replay passed (does the backend depend on "
                 "chance or on state that init() does not reset?)",
                 t->path, a->name);
    }
    if (progress != NULL)
        progress->phase = PHASE_DONE;
}

void replay_run(const struct allocator *a, const struct trace *t,
                const struct replay_options *options,
                struct replay_progress *progress, struct run_result *result)
{
    memset(result, 0, sizeof *result);
    result->status = RUN_OK;
    result->weight = t->weight;
    result->ops = t->num_ops;
    if (options->timed_only) {
        timed_round(a, t, options, progress, result);
        return;
    }

    struct checked c = {.a = a, .t = t, .options = options,
                        .progress = progress, .result = result,
                        .memlib = replay_uses_memlib(a)};
    if (blocks_init(&c.blocks, t->num_ids) != 0) {
        fail(&c, RUN_ERROR, FAULT_NONE, NULL, "%s: out of memory for %zu ids", t->path,
             t->num_ids);
        return;
    }
    current.trace = t;
    current.allocator = a;
    current.blocks = &c.blocks;
    current.progress = progress;

    /* Pass 1 is the checked replay.  Pass 2 runs it again in the same
     * process after a fresh init (--twice), or stops at the worst moment
     * that pass 1 found (--stop-at worst). */
    int passes = options->twice || options->stop_at_worst ? 2 : 1, rc = 0;
    for (int pass = 1; pass <= passes && rc == 0; pass++) {
        uint64_t stop_after = UINT64_MAX;
        if (options->stop_at_line != 0)
            stop_after = ops_through_line(t, options->stop_at_line);
        if (pass == 2 && options->stop_at_worst)
            stop_after = result->worst_frag_op + 1;
        else if (options->stop_at_worst)
            stop_after = UINT64_MAX;
        if (pass == 2) { /* the same trace again, after a fresh init */
            blocks_clear(&c.blocks);
            memset(result, 0, sizeof *result);
            result->status = RUN_OK;
            result->weight = t->weight;
            result->ops = t->num_ops;
            c.worst_frag = 0;
        }
        if (progress != NULL) {
            progress->phase = PHASE_INIT;
            progress->pass = options->twice ? pass : 1;
        }
        mem_reset();
        mem_set_limit(options->memory_limit);
        int init = a->init();
        if (init != 0) {
            rc = -1;
            fail(&c, RUN_ERROR, FAULT_INIT, NULL, "%s: %s: init() returned %d%s",
                 t->path, a->name, init, pass == 2 ? " the second time" : "");
            break;
        }
        evidence_checked_begin(t->num_ops);
        rc = checked_replay(&c, stop_after, pass == 2 && options->stop_at_worst);
        evidence_checked_end(rc == 0);
        if (rc < 0 && pass == 2 && options->twice)
            snprintf(result->message + strlen(result->message),
                     sizeof result->message - strlen(result->message),
                     " (in the second run of this trace in one process: "
                     "init() does not reset all state)");
    }
    run_result_no_figures(result);
    if (rc >= 0) { /* passed, or stopped where asked */
        struct mem_stats stats;
        mem_get_stats(&stats);
        result->syscalls = mem_syscalls(&stats);
        result->syscalls_counted = c.memlib;
        int util = t->weight == WEIGHT_BOTH || t->weight == WEIGHT_UTIL;
        int speed = t->weight == WEIGHT_BOTH || t->weight == WEIGHT_THROUGHPUT;
        if (util && result->peak_footprint > 0)
            result->util = (double)result->peak_payload /
                           (double)result->peak_footprint;
        else if (util)
            result->util = result->peak_payload == 0 ? 1.0 : 0.0;
        if (speed && !options->no_timing && rc == 0) {
            if (progress != NULL)
                progress->phase = PHASE_TIMED;
            evidence_warm_up(a, t, options->memory_limit);
            evidence_timed_begin();
            timed_replay(a, t, options, result);
            evidence_timed_end();
        }
    }
    if (progress != NULL)
        progress->phase = PHASE_DONE;
    timeline_end();
    current.blocks = NULL;
    blocks_free(&c.blocks);
}

/* --- crash reports ------------------------------------------------------ */

int replay_describe_address(const void *addr, char *out, size_t size)
{
    const struct block_record *b =
        current.blocks != NULL ? blocks_holding(current.blocks, addr) : NULL;
    if (b != NULL) {
        snprintf(out, size,
                 "inside the payload of id %d (allocated at line %u) at "
                 "offset %llu",
                 b->id, b->line,
                 (unsigned long long)((const char *)addr - b->payload));
        return FAULT_CRASH_HEAP;
    }
    b = current.blocks != NULL ? blocks_freed_holding(current.blocks, addr)
                               : NULL;
    size_t offset = 0, extent = 0;
    enum mem_place place = mem_locate(addr, &offset, &extent);
    if (b != NULL && place != MEM_PAST_BREAK) {
        snprintf(out, size,
                 "inside the freed block of id %d (freed at line %u) at "
                 "offset %llu",
                 b->id, b->freed_line,
                 (unsigned long long)((const char *)addr - b->payload));
        return FAULT_CRASH_FREED;
    }
    switch (place) {
    case MEM_PAST_BREAK:
        snprintf(out, size, "past the break by %zu bytes", offset);
        return FAULT_CRASH_PAST_BREAK;
    case MEM_IN_HEAP:
        snprintf(out, size, "in the heap at offset %zu, in no live block",
                 offset);
        return FAULT_CRASH_HEAP;
    case MEM_IN_MAPPING:
        snprintf(out, size, "in a mapping at offset %zu, in no live block",
                 offset);
        return FAULT_CRASH_HEAP;
    case MEM_IN_STATIC:
        snprintf(out, size, "in the static storage at offset %zu, in no "
                 "live block", offset);
        return FAULT_CRASH_HEAP;
    default:
        snprintf(out, size, "outside the heap");
        return FAULT_CRASH_OUTSIDE;
    }
}

void replay_print_crash_map(const void *addr, const char *note)
{
    struct heap_walk walk;
    if (map_fd < 0 || current.blocks == NULL || current.allocator == NULL ||
        heap_walk_take(&walk, current.allocator, current.blocks) != 0)
        return;
    if (addr != NULL) {
        struct heapmap_mark where = {addr, note};
        heapmap_print(map_fd, &walk, &where, 6, 0);
    } else {
        heapmap_print(map_fd, &walk, NULL, 0, 40);
    }
    heap_walk_free(&walk);
}

void replay_describe_current(char *out, size_t size)
{
    const struct trace *t = current.trace;
    const struct replay_progress *p = current.progress;
    if (t == NULL || p == NULL || p->op >= t->num_ops) {
        snprintf(out, size, "%s", t != NULL ? t->path : "?");
        return;
    }
    const struct trace_op *op = &t->ops[p->op];
    if (op->kind == OP_FREE)
        snprintf(out, size, "%s:%u: f %d", t->path, op->line, op->id);
    else
        snprintf(out, size, "%s:%u: %c %d %llu", t->path, op->line, op->kind,
                 op->id, (unsigned long long)op->size);
}

/* --- op by op, for `heaplab step` --------------------------------------- */

struct replay_session {
    struct checked c;
    struct run_result *result;
    uint64_t done;
};

struct replay_session *replay_open(const struct allocator *a,
                                   const struct trace *t,
                                   const struct replay_options *options,
                                   struct replay_progress *progress,
                                   struct run_result *result)
{
    memset(result, 0, sizeof *result);
    result->status = RUN_OK;
    result->weight = t->weight;
    result->ops = t->num_ops;
    struct replay_session *s = calloc(1, sizeof *s);
    if (s == NULL || blocks_init(&s->c.blocks, t->num_ids) != 0) {
        free(s);
        result->status = RUN_ERROR;
        snprintf(result->message, sizeof result->message,
                 "%s: out of memory for %zu ids", t->path, t->num_ids);
        return NULL;
    }
    s->c = (struct checked){.a = a, .t = t, .options = options,
                            .progress = progress, .result = result,
                            .blocks = s->c.blocks,
                            .memlib = replay_uses_memlib(a)};
    s->result = result;
    if (progress != NULL)
        progress->phase = PHASE_CHECKED;
    current.progress = progress;
    current.trace = t;
    current.allocator = a;
    current.blocks = &s->c.blocks;
    mem_reset();
    mem_set_limit(options->memory_limit);
    int rc = a->init();
    if (rc != 0) {
        fail(&s->c, RUN_ERROR, FAULT_INIT, NULL,
             "%s: %s: init() returned %d", t->path, a->name, rc);
        replay_close(s);
        return NULL;
    }
    return s;
}

int replay_step(struct replay_session *s)
{
    if (s->done == s->c.t->num_ops)
        return 1;
    if (checked_op(&s->c, s->done) != 0) {
        print_failure_map(&s->c);
        return -1;
    }
    s->done++;
    return 0;
}

uint64_t replay_position(const struct replay_session *s)
{
    return s->done;
}

const struct blocks *replay_blocks(const struct replay_session *s)
{
    return &s->c.blocks;
}

void replay_print_state(struct replay_session *s)
{
    print_stop(&s->c, s->done, 0);
}

void replay_close(struct replay_session *s)
{
    if (s == NULL)
        return;
    current.blocks = NULL;
    blocks_free(&s->c.blocks);
    free(s);
}
