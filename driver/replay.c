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
 * The timed replay calls the backend only, with no checks, on a fresh heap
 * each time, and times each pass with the thread's CPU clock.
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
#include "heaplab/memlib.h"
#include "pages.h"
#include "timeline.h"

/* The replay under way, for the crash handler. */
static struct {
    const struct trace *trace;
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
    return strcmp(a->name, "libc") != 0;
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
};

/* Ends the replay with a failure: "TRACE:LINE: OP: message". */
static int fail(struct checked *c, enum run_status status,
                const struct trace_op *op, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct checked *c, enum run_status status,
                const struct trace_op *op, const char *format, ...)
{
    struct run_result *r = c->result;
    r->status = status;
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
    if (address % HEAPLAB_ALIGNMENT != 0)
        return fail(c, RUN_ERROR, op,
                    "%s returned %p, not %d-byte aligned (address mod %d "
                    "is %u)",
                    call, p, HEAPLAB_ALIGNMENT, HEAPLAB_ALIGNMENT,
                    (unsigned)(address % HEAPLAB_ALIGNMENT));
    if (c->memlib && !mem_contains(p, size ? size : 1)) {
        char place[160];
        describe_place(p, place, sizeof place);
        return fail(c, RUN_ERROR, op,
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
        return fail(c, RUN_ERROR, op,
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
    if (stats.failed_calls > failed_before || !c->memlib)
        return fail(c, RUN_OOM, op,
                    "%s returned NULL: out of memory (footprint %zu bytes)",
                    call, stats.footprint);
    return fail(c, RUN_ERROR, op,
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
    return fail(c, RUN_ERROR, op,
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
        if (p != NULL)
            return fail(c, RUN_ERROR, op,
                        "%s returned %p: realloc to 0 bytes must free the "
                        "block and return NULL",
                        call, p);
        return 0;
    }
    if (p == NULL)
        return null_result(c, op, call, failed_before);
    if (check_payload(c, op, call, p, op->size) != 0)
        return -1;
    uint64_t kept = old_size < op->size ? old_size : op->size;
    uint64_t at = pattern_mismatch(p, op->id, kept);
    if (at != kept)
        return fail(c, RUN_ERROR, op,
                    "%s returned %p but did not keep the old contents: byte "
                    "%llu of %llu is 0x%02x, expected 0x%02x",
                    call, p, (unsigned long long)at, (unsigned long long)kept,
                    ((unsigned char *)p)[at], pattern_byte(op->id, at));
    pattern_fill(p, op->id, kept, op->size);
    blocks_add(&c->blocks, op->id, p, op->size, op->line);
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
    return fail(c, RUN_ERROR, op, "heap checker returned %d after this op%s%s",
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

static int checked_replay(struct checked *c)
{
    const struct trace *t = c->t;
    if (c->progress != NULL)
        c->progress->phase = PHASE_CHECKED;
    timeline_begin(c->options->timeline, c->a, t->num_ops);
    for (uint64_t i = 0; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        if (c->progress != NULL) {
            c->progress->op = i;
            c->progress->line = op->line;
        }
        int rc = op->kind == OP_ALLOC ? do_alloc(c, op)
                 : op->kind == OP_FREE ? do_free(c, op)
                                       : do_realloc(c, op);
        if (rc != 0)
            return -1;
        track_metrics(c, i);
        timeline_sample(i, &c->blocks);
        unsigned every = c->options->check_heap_every;
        if (every != 0 && c->a->check != NULL && (i + 1) % every == 0 &&
            run_heap_checker(c, op) != 0)
            return -1;
    }
    if (c->options->check_heap_every != 0 && c->a->check != NULL &&
        t->num_ops % c->options->check_heap_every != 0 && t->num_ops > 0 &&
        run_heap_checker(c, &t->ops[t->num_ops - 1]) != 0)
        return -1;
    return 0;
}

/* --- the timed replay --------------------------------------------------- */

static double thread_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass on a fresh heap; the seconds it took, or a negative number
 * when init failed or the backend returned NULL. */
static double timed_pass(const struct allocator *a, const struct trace *t,
                         void **pointers, uint64_t *sizes,
                         size_t memory_limit)
{
    mem_rewind();
    mem_set_limit(memory_limit);
    if (a->init() != 0)
        return -1;
    memset(pointers, 0, t->num_ids * sizeof *pointers);
    int failed = 0;
    double start = thread_seconds();
    for (uint64_t i = 0; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        switch (op->kind) {
        case OP_ALLOC:
            pointers[op->id] = a->malloc(op->size);
            sizes[op->id] = op->size;
            failed |= pointers[op->id] == NULL && op->size > 0;
            break;
        case OP_FREE:
            a->free(op->id < 0 ? NULL : pointers[op->id]);
            if (op->id >= 0)
                pointers[op->id] = NULL;
            break;
        default:
            pointers[op->id] = replay_realloc(a, pointers[op->id],
                                               sizes[op->id], op->size);
            sizes[op->id] = op->size;
            failed |= pointers[op->id] == NULL && op->size > 0;
        }
    }
    double elapsed = thread_seconds() - start;
    for (size_t id = 0; id < t->num_ids; id++) /* for libc's sake */
        if (pointers[id] != NULL)
            a->free(pointers[id]);
    return failed ? -1 : elapsed;
}

static int compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

enum {
    ADAPTIVE_MIN_SAMPLES = 5,
    ADAPTIVE_MAX_SAMPLES = 200,
};
static const double ADAPTIVE_MIN_SECONDS = 0.2; /* samples to collect */
static const double ADAPTIVE_MAX_SECONDS = 3.0; /* stop early past this */

static void timed_replay(const struct allocator *a, const struct trace *t,
                         const struct replay_options *options,
                         struct run_result *r)
{
    unsigned max = options->repeat ? options->repeat : ADAPTIVE_MAX_SAMPLES;
    double *samples = pages_alloc(max * sizeof *samples);
    void **pointers = pages_alloc(t->num_ids * sizeof *pointers);
    uint64_t *sizes = pages_alloc(t->num_ids * sizeof *sizes);
    unsigned n = 0;
    double total = 0;
    while (samples != NULL && pointers != NULL && sizes != NULL && n < max) {
        double seconds =
            timed_pass(a, t, pointers, sizes, options->memory_limit);
        if (seconds < 0)
            break;
        samples[n++] = seconds;
        total += seconds;
        if (options->repeat == 0 &&
            ((n >= ADAPTIVE_MIN_SAMPLES && total >= ADAPTIVE_MIN_SECONDS) ||
             total >= ADAPTIVE_MAX_SECONDS))
            break;
    }
    if (n > 0) {
        qsort(samples, n, sizeof *samples, compare_doubles);
        double median = n % 2 ? samples[n / 2]
                              : (samples[n / 2 - 1] + samples[n / 2]) / 2;
        if (median <= 0)
            median = 1e-9; /* an empty trace: any positive time */
        r->ops_per_sec = (double)t->num_ops / median;
        r->ops_per_sec_spread = (samples[n - 1] - samples[0]) / median;
        r->samples = n;
    }
    pages_free(samples, max * sizeof *samples);
    pages_free(pointers, t->num_ids * sizeof *pointers);
    pages_free(sizes, t->num_ids * sizeof *sizes);
}

/* --- the whole run ------------------------------------------------------ */

void replay_run(const struct allocator *a, const struct trace *t,
                const struct replay_options *options,
                struct replay_progress *progress, struct run_result *result)
{
    memset(result, 0, sizeof *result);
    result->status = RUN_OK;
    result->weight = t->weight;
    result->ops = t->num_ops;

    struct checked c = {.a = a, .t = t, .options = options,
                        .progress = progress, .result = result,
                        .memlib = replay_uses_memlib(a)};
    if (blocks_init(&c.blocks, t->num_ids) != 0) {
        fail(&c, RUN_ERROR, NULL, "%s: out of memory for %zu ids", t->path,
             t->num_ids);
        return;
    }
    current.trace = t;
    current.blocks = &c.blocks;
    current.progress = progress;

    int passes = options->twice ? 2 : 1, rc = 0;
    for (int pass = 1; pass <= passes && rc == 0; pass++) {
        if (pass == 2) { /* the same trace again, after a fresh init */
            blocks_clear(&c.blocks);
            memset(result, 0, sizeof *result);
            result->status = RUN_OK;
            result->weight = t->weight;
            result->ops = t->num_ops;
            c.worst_frag = 0;
        }
        if (progress != NULL)
            progress->phase = PHASE_INIT;
        mem_reset();
        mem_set_limit(options->memory_limit);
        rc = a->init();
        if (rc != 0) {
            fail(&c, RUN_ERROR, NULL, "%s: %s: init() returned %d%s", t->path,
                 a->name, rc, pass == 2 ? " the second time" : "");
        } else if (checked_replay(&c) != 0) {
            rc = -1;
            if (pass == 2)
                snprintf(result->message + strlen(result->message),
                         sizeof result->message - strlen(result->message),
                         " (in the second run of this trace in one process: "
                         "init() does not reset all state)");
        }
    }
    result->util = NAN;
    result->ops_per_sec = NAN;
    result->ops_per_sec_spread = NAN;
    if (rc == 0) {
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
        if (speed && !options->no_timing) {
            if (progress != NULL)
                progress->phase = PHASE_TIMED;
            timed_replay(a, t, options, result);
        }
    }
    if (progress != NULL)
        progress->phase = PHASE_DONE;
    timeline_end();
    current.blocks = NULL;
    blocks_free(&c.blocks);
}

/* --- crash reports ------------------------------------------------------ */

void replay_describe_address(const void *addr, char *out, size_t size)
{
    const struct block_record *b =
        current.blocks != NULL ? blocks_holding(current.blocks, addr) : NULL;
    if (b != NULL) {
        snprintf(out, size,
                 "inside the payload of id %d (allocated at line %u) at "
                 "offset %llu",
                 b->id, b->line,
                 (unsigned long long)((const char *)addr - b->payload));
        return;
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
        return;
    }
    switch (place) {
    case MEM_PAST_BREAK:
        snprintf(out, size, "past the break by %zu bytes", offset);
        break;
    case MEM_IN_HEAP:
        snprintf(out, size, "in the heap at offset %zu, in no live block",
                 offset);
        break;
    case MEM_IN_MAPPING:
        snprintf(out, size, "in a mapping at offset %zu, in no live block",
                 offset);
        break;
    default:
        snprintf(out, size, "outside the heap");
    }
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
