/*
 * timed.c -- the timed replay (see timed.h): how heaplab measures
 * throughput so that the figure holds still from run to run.
 *
 * A pass is one replay of the whole trace with no checks, on a rewound
 * heap (mem_rewind: the same pages, so a pass pays for the system calls
 * its backend makes but not for first-touch page faults).  The method:
 *
 *   1. Place and pin.  The window's own arrays (the pointers and sizes
 *      by id, a copy of the trace's ops) and its stack go to page offsets
 *      drawn for this window (placement.h): where they lie relative to
 *      the heap moves a figure by up to half, and a layout drawn per
 *      window lets step 6 pick a window that was not slowed by its
 *      layout.  The thread is pinned to the CPU it runs on, so that the
 *      scheduler cannot move it half-way through a pass and leave its
 *      caches behind.  Where pinning is not allowed, nothing changes.
 *   2. Warm up.  Passes that are not counted, until WARMUP_SECONDS of
 *      replay (at least one pass): the heap's pages resident, the code
 *      and the trace in the caches, the branch predictors trained.
 *   3. Batch.  A sample is the mean of k passes, k chosen from the warm-up
 *      so that a sample lasts at least SAMPLE_SECONDS (2 ms): one pass of
 *      a small trace takes 50 us, and a sample of many of them is moved
 *      little by one interrupt.  A pass during which the thread was
 *      switched out (its context-switch count moved) is run again: it
 *      comes back to cold caches.
 *   4. Repeat, while the core is quiet.  Samples until there are
 *      MIN_SAMPLES of them and TARGET_SECONDS of replay (at most
 *      MAX_SECONDS, at most MAX_SAMPLES): a quarter of a second per
 *      (backend, trace) spreads the samples over enough time that a short
 *      burst of other work on the machine moves few of them.  A probe of
 *      the core before and after each sample (quiet.h) says whether
 *      another guest was sharing its caches meanwhile, which slows a
 *      replay by up to half: only the samples with a quiet probe on both
 *      sides count.  While the probe says the core is shared, the window
 *      waits for it to be quiet (in probes, QUIET_WAIT_SECONDS at most, and
 *      not at all in a later round of a pair that already had a quiet
 *      one); a window with too few quiet samples keeps all of them.  With
 *      --repeat, every sample counts.
 *   5. Median.  The figure is the median sample, which a minority of
 *      disturbed samples cannot move.  Beside it, the spread: the samples,
 *      in the order they were taken, are cut into TIMED_PARTS (5)
 *      consecutive parts, and the spread is (max - min) / median of the
 *      parts' medians -- what five runs, each a fifth as long, would have
 *      shown, the measure the figure is held to between separate runs.
 *      (The samples' own max - min says only that one sample met an
 *      interrupt.)
 *   6. Rounds.  `heaplab run` does not take a trace's samples in one
 *      window but in TIMED_PARTS windows spread over the whole run
 *      (rounds.h), each a fifth as long and in a process of its own;
 *      this file times one window (options->in_rounds), and rounds.c keeps
 *      the fastest window.  On a shared machine the disturbance comes in
 *      episodes of a fraction of a second to several seconds (what the
 *      host shares under this virtual CPU is busier) that slow a window
 *      by up to 40%, sometimes in three windows of five; it only ever
 *      slows.  So the least disturbed window is the figure that holds
 *      still best between runs, as in Chen and Revels, "Robust
 *      benchmarking in noisy environments" (2016).  docs/performance.md
 *      has the measurements: 5 runs of the shipped suite moved by up to
 *      18% with one window per trace, by up to 10% with the median
 *      window, by 1 to 15% with the fastest while a run's windows shared
 *      one layout, and by 0.5 to 4% with a layout per window (step 1)
 *      while the machine was quiet; more when a slowdown of the host
 *      outlasts a run.  The spread then compares the windows: how much
 *      this run was disturbed.
 *
 * Every pass is timed by the thread's CPU clock (CLOCK_THREAD_CPUTIME_ID):
 * time spent waiting for a CPU while another program runs does not count,
 * the backend's system calls do (they run in the kernel on the thread's
 * behalf).  What the clock cannot remove is another program slowing this
 * one while both run (shared caches, memory bandwidth): on a busy machine
 * every figure drops by about the same factor, which is why `heaplab
 * bench` compares backends within one round, and why `--measure
 * instructions` exists (measure.c).
 */
#include "timed.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "evidence.h"
#include "heaplab/memlib.h"
#include "measure.h"
#include "pages.h"
#include "placement.h"
#include "quiet.h"
#include "stats.h"

enum {
    MIN_SAMPLES = 15,
    MAX_SAMPLES = 1000,
    MAX_BATCH = 1 << 20, /* passes per sample, for an empty trace */
    RETRIES = 4,         /* interrupted passes re-run, per pass kept */
};
static const double WARMUP_SECONDS = 0.02;
static const double SAMPLE_SECONDS = 0.002;
static const double TARGET_SECONDS = 0.25;
static const double MAX_SECONDS = 3.0;

double timed_thread_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int timed_pin_thread(void)
{
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu >= CPU_SETSIZE)
        return -1;
    cpu_set_t only;
    CPU_ZERO(&only);
    CPU_SET(cpu, &only);
    return sched_setaffinity(0, sizeof only, &only) == 0 ? 0 : -1;
}

double timed_pass(const struct allocator *a, const struct trace *t,
                  void **pointers, uint64_t *sizes, size_t memory_limit)
{
    mem_rewind();
    mem_set_limit(memory_limit);
    if (a->init() != 0)
        return -1;
    memset(pointers, 0, t->num_ids * sizeof *pointers);
    int failed = 0;
    const struct trace_op *op = t->ops, *end = t->ops + t->num_ops;
    /* The grader's running hash of the pointers (evidence.h). */
    uint64_t chain = evidence_chain.hash;
    const uintptr_t lo = evidence_chain.lo;
    const uint64_t span = evidence_chain.span;
    double start = timed_thread_seconds();
    for (; op < end; op++) {
        switch (op->kind) {
        case OP_ALLOC:
            pointers[op->id] = a->malloc(op->size);
            chain = chain * EVIDENCE_MULTIPLIER +
                    evidence_offset(pointers[op->id], lo, span);
            sizes[op->id] = op->size;
            failed |= pointers[op->id] == NULL && op->size > 0;
            break;
        case OP_FREE:
            if (op->id >= 0) {
                a->free(pointers[op->id]);
                pointers[op->id] = NULL;
            } else {
                a->free(NULL);
            }
            break;
        default:
            pointers[op->id] = replay_realloc(a, pointers[op->id],
                                              sizes[op->id], op->size);
            chain = chain * EVIDENCE_MULTIPLIER +
                    evidence_offset(pointers[op->id], lo, span);
            sizes[op->id] = op->size;
            failed |= pointers[op->id] == NULL && op->size > 0;
        }
    }
    double elapsed = timed_thread_seconds() - start;
    evidence_chain.hash = chain;
    evidence_chain.passes++;
    for (size_t id = 0; id < t->num_ids; id++) /* for libc's sake */
        if (pointers[id] != NULL)
            a->free(pointers[id]);
    return failed ? -1 : elapsed;
}

/*
 * Step 5's spread: the samples, in the order they were taken, cut into
 * TIMED_PARTS consecutive parts of (nearly) equal length; each part's
 * median goes to r->part_seconds, and the spread is (max - min) / median
 * of the parts' throughputs: what TIMED_PARTS runs, each a fifth as long,
 * would have shown.  With fewer samples than parts: NAN.  Reorders
 * samples.
 */
static void spread_over_parts(double *samples, unsigned n,
                              struct run_result *r)
{
    r->ops_per_sec_spread = NAN;
    for (unsigned p = 0; p < TIMED_PARTS; p++)
        r->part_seconds[p] = NAN;
    if (n < TIMED_PARTS)
        return;
    double rates[TIMED_PARTS]; /* passes per second */
    for (unsigned p = 0; p < TIMED_PARTS; p++) {
        unsigned from = n * p / TIMED_PARTS, to = n * (p + 1) / TIMED_PARTS;
        r->part_seconds[p] = stats_median(samples + from, to - from);
        if (!(r->part_seconds[p] > 0))
            return; /* an empty trace: no spread */
        rates[p] = 1 / r->part_seconds[p];
    }
    r->ops_per_sec_spread = stats_spread(rates, TIMED_PARTS);
}

/* Context switches of this thread so far, voluntary or not. */
static long context_switches(void)
{
    struct rusage usage;
    if (getrusage(RUSAGE_THREAD, &usage) != 0)
        return 0;
    return usage.ru_nvcsw + usage.ru_nivcsw;
}

/*
 * k passes that no context switch interrupted; their mean in seconds, or
 * negative when one failed.  After RETRIES * k interrupted passes, the
 * interrupted ones count too (a machine that never lets a pass finish).
 */
static double batch(const struct allocator *a, const struct trace *t,
                    void **pointers, uint64_t *sizes, size_t limit,
                    unsigned k)
{
    double sum = 0;
    unsigned kept = 0, retries = 0;
    while (kept < k) {
        long before = context_switches();
        double seconds = timed_pass(a, t, pointers, sizes, limit);
        if (seconds < 0)
            return -1;
        if (context_switches() != before && retries++ < RETRIES * k)
            continue;
        sum += seconds;
        kept++;
    }
    return sum / k;
}

/* Step 4's probe of the core (quiet.h), lowering the floor; NAN (every
 * sample quiet) when the window keeps every sample. */
static double probe_core(int gate, double *floor_ns)
{
    if (!gate)
        return NAN;
    double probe = quiet_probe();
    quiet_note(floor_ns, probe);
    return probe;
}

/*
 * Steps 2 to 4: fills samples[] (per-pass seconds), returns how many, or
 * -1 when a pass failed.  *floor_ns is the quiet probe's floor (quiet.h),
 * lowered by the window's own probes.
 */
static int collect(const struct allocator *a, const struct trace *t,
                   const struct replay_options *options, void **pointers,
                   uint64_t *sizes, double *samples, unsigned char *quiet,
                   unsigned max, double *floor_ns, int *was_quiet)
{
    size_t limit = options->memory_limit;
    double warm = 0, pass = 0;
    unsigned passes = 0;
    do { /* step 2 */
        pass = timed_pass(a, t, pointers, sizes, limit);
        if (pass < 0)
            return -1;
        warm += pass;
        passes++;
    } while (warm < WARMUP_SECONDS && options->repeat == 0 &&
             passes < MAX_BATCH);

    unsigned k = 1; /* step 3 */
    if (options->repeat == 0) {
        double mean = warm / passes;
        k = mean <= 0 ? MAX_BATCH
                      : (unsigned)fmin(ceil(SAMPLE_SECONDS / mean), MAX_BATCH);
    }
    /* In a round (rounds.h), this window's share of steps 4's figures. */
    unsigned rounds = options->in_rounds ? TIMED_PARTS : 1;
    unsigned min_samples = (MIN_SAMPLES + rounds - 1) / rounds;
    if (min_samples < TIMED_PARTS)
        min_samples = TIMED_PARTS;
    double target = TARGET_SECONDS / rounds, most = MAX_SECONDS / rounds;
    /* Step 4 keeps the samples taken while the core was quiet: a probe
     * before and after each (quiet.h); with --repeat, every sample. */
    int gate = options->repeat == 0;
    double patience = options->quiet_no_wait ? 0 : QUIET_WAIT_SECONDS;
    double waited = 0, probe = probe_core(gate, floor_ns);
    unsigned n = 0, kept = 0;
    double total = 0, kept_total = 0;
    while (n < max) { /* step 4 */
        if (gate && !quiet_is(probe, *floor_ns) && waited < patience)
            probe = quiet_wait(floor_ns, patience - waited, &waited);
        int quiet_before = quiet_is(probe, *floor_ns);
        double seconds = batch(a, t, pointers, sizes, limit, k);
        if (seconds < 0)
            return -1;
        probe = probe_core(gate, floor_ns);
        quiet[n] = quiet_before && quiet_is(probe, *floor_ns);
        samples[n++] = seconds;
        total += seconds * k;
        if (quiet[n - 1]) {
            kept++;
            kept_total += seconds * k;
        }
        /* Enough quiet samples; or, once the wait is spent (a core
         * shared for all of this window), enough samples of any kind. */
        int spent = waited >= patience;
        if (options->repeat == 0 &&
            ((kept >= min_samples && kept_total >= target) ||
             (spent && n >= min_samples && total >= target) || total >= most))
            break;
    }
    /* The quiet samples when there are enough of them; else (a core
     * never quiet for long) every sample. */
    *was_quiet = kept >= min_samples;
    return (int)quiet_select(samples, quiet, n, min_samples);
}

/* collect()'s arguments and result, for placement_call(). */
struct window {
    const struct allocator *a;
    const struct trace *t;
    const struct replay_options *options;
    void **pointers;
    uint64_t *sizes;
    double *samples;
    unsigned char *quiet;
    unsigned max;
    double floor_ns;
    int was_quiet;
    int n;
};

static void collect_window(void *arg)
{
    struct window *w = arg;
    w->n = collect(w->a, w->t, w->options, w->pointers, w->sizes, w->samples,
                   w->quiet, w->max, &w->floor_ns, &w->was_quiet);
}

void timed_replay(const struct allocator *a, const struct trace *t,
                  const struct replay_options *options, struct run_result *r)
{
    if (options->measure == MEASURE_INSTRUCTIONS) {
        measure_instructions(a, t, r);
        return;
    }
    unsigned max = options->repeat ? options->repeat : MAX_SAMPLES;
    double *samples = pages_alloc(max * sizeof *samples);
    unsigned char *quiet = pages_alloc(max);
    /* step 1: the window's own layout */
    struct placement pl;
    placement_seed(&pl, 0);
    struct placed pointers_block, sizes_block, ops_block;
    struct trace placed_trace = *t;
    struct window w = {
        .a = a,
        .t = &placed_trace,
        .options = options,
        .pointers = placed_alloc(&pl, &pointers_block,
                                 t->num_ids * sizeof *w.pointers),
        .sizes = placed_alloc(&pl, &sizes_block, t->num_ids * sizeof *w.sizes),
        .samples = samples,
        .quiet = quiet,
        .max = max,
        .floor_ns = options->quiet_floor_ns,
        .n = -1,
    };
    placed_trace.ops =
        placed_alloc(&pl, &ops_block, t->num_ops * sizeof *t->ops);
    if (placed_trace.ops != NULL && t->num_ops > 0)
        memcpy(placed_trace.ops, t->ops, t->num_ops * sizeof *t->ops);
    cpu_set_t before;
    int pinned = sched_getaffinity(0, sizeof before, &before) == 0 &&
                 timed_pin_thread() == 0; /* step 1 */
    if (samples != NULL && quiet != NULL && w.pointers != NULL &&
        w.sizes != NULL && placed_trace.ops != NULL)
        placement_call(&pl, collect_window, &w);
    if (pinned)
        sched_setaffinity(0, sizeof before, &before);
    if (w.n > 0) { /* step 5 */
        spread_over_parts(samples, (unsigned)w.n, r);
        double median = stats_median(samples, (size_t)w.n);
        if (median <= 0)
            median = 1e-9; /* an empty trace: any positive time */
        r->ops_per_sec = (double)t->num_ops / median;
        r->samples = (unsigned)w.n;
    }
    r->quiet_floor_ns = w.floor_ns;
    r->quiet = w.n > 0 && w.was_quiet;
    pages_free(samples, max * sizeof *samples);
    pages_free(quiet, max);
    placed_free(&pointers_block);
    placed_free(&sizes_block);
    placed_free(&ops_block);
}
