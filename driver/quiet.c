/*
 * quiet.c -- a probe of the core's speed (see quiet.h).
 *
 * The chase is a single cycle through every cache line of
 * QUIET_PROBE_BYTES in a random order (a fixed seed: the same order in
 * every process), so that each load depends on the one before and no
 * prefetcher can guess the next line: its time per load is the latency of
 * the cache it lives in.
 */
#include "quiet.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "rng.h"
#include "timed.h"

enum {
    LINE = 64,
    LINES = QUIET_PROBE_BYTES / LINE,
    PASSES = 3, /* the best of these is the probe */
};

static void *volatile *chase; /* where the cycle goes on from */

static int build_chase(void)
{
    char *lines = mmap(NULL, QUIET_PROBE_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *order = malloc(LINES * sizeof *order);
    if (lines == MAP_FAILED || order == NULL) {
        if (lines != MAP_FAILED)
            munmap(lines, QUIET_PROBE_BYTES);
        free(order);
        return -1;
    }
    struct rng rng;
    rng_seed(&rng, 0x9e1e7);
    for (uint32_t i = 0; i < LINES; i++)
        order[i] = i;
    for (uint32_t i = LINES - 1; i > 0; i--) { /* Fisher-Yates */
        uint32_t j = (uint32_t)rng_below(&rng, i + 1), swap = order[i];
        order[i] = order[j];
        order[j] = swap;
    }
    for (uint32_t i = 0; i < LINES; i++)
        *(void **)(lines + (size_t)order[i] * LINE) =
            lines + (size_t)order[(i + 1) % LINES] * LINE;
    chase = (void *volatile *)(lines + (size_t)order[0] * LINE);
    free(order);
    return 0;
}

double quiet_probe(void)
{
    if (chase == NULL && build_chase() != 0)
        return NAN;
    void *volatile *p = chase;
    double best = INFINITY;
    for (int pass = 0; pass < PASSES; pass++) {
        double start = timed_thread_seconds();
        for (unsigned i = 0; i < LINES; i++)
            p = (void *volatile *)*p;
        best = fmin(best, timed_thread_seconds() - start);
    }
    chase = p;
    return best / LINES * 1e9;
}

int quiet_is(double probe_ns, double floor_ns)
{
    if (!(floor_ns > 0) || isnan(probe_ns))
        return 1;
    return probe_ns <= floor_ns * (1 + QUIET_MARGIN);
}

void quiet_note(double *floor_ns, double probe_ns)
{
    if (probe_ns > 0 && !(*floor_ns > 0 && *floor_ns <= probe_ns))
        *floor_ns = probe_ns;
}

static double known_floor;

double quiet_known_floor(void)
{
    return known_floor;
}

void quiet_learn(double floor_ns)
{
    quiet_note(&known_floor, floor_ns);
}

double quiet_wait(double *floor_ns, double budget, double *spent)
{
    double start = timed_thread_seconds(), probe;
    do {
        probe = quiet_probe();
        quiet_note(floor_ns, probe);
    } while (!quiet_is(probe, *floor_ns) &&
             timed_thread_seconds() - start < budget);
    *spent += timed_thread_seconds() - start;
    return probe;
}

unsigned quiet_select(double *samples, const unsigned char *quiet, unsigned n,
                      unsigned least)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < n; i++)
        kept += quiet[i] != 0;
    if (kept < least || kept == n)
        return n;
    unsigned to = 0;
    for (unsigned i = 0; i < n; i++)
        if (quiet[i])
            samples[to++] = samples[i];
    return to;
}
