/*
 * gen.h -- trace generators: the test patterns of Princeton's COS 217 heap
 * manager assignment (testheapmgr's LifoFixed ... Worst), the shapes of the
 * CS:APP malloc lab traces (binary, coalescing, realloc), and two of our
 * own (phases, real-sizes).  `heaplab gen` (cmd_gen.c) is their command
 * line; traces/generated.list says which of them the shipped suite holds.
 *
 * A generated trace depends on nothing but the pattern and its parameters:
 * the random numbers come from our own generator (xoshiro256**, seeded
 * through splitmix64, integer arithmetic only), so a seed gives the same
 * bytes on every machine and with every C library.
 */
#ifndef HEAPLAB_GEN_H
#define HEAPLAB_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Which size option a pattern takes. */
enum gen_size_kind {
    GEN_FIXED,  /* --size: one size, or the unit of the pattern's sizes */
    GEN_RANDOM, /* --max-size: random (or growing) sizes up to this */
};

struct gen_pattern {
    const char *name;    /* "lifo-fixed" */
    const char *summary; /* one line for `heaplab gen --list` */
    enum gen_size_kind size_kind;
    size_t default_count;
    uint64_t default_size; /* of --size or --max-size, by size_kind */
};

/* What a pattern is asked for; 0 in count or size means its default. */
struct gen_params {
    size_t count;   /* the pattern's N: see each summary */
    uint64_t size;  /* --size or --max-size, by the pattern's size_kind */
    uint64_t seed;  /* patterns without randomness ignore it */
    int unbalanced; /* leave out the final frees of what is still live */
};

/* Limits on the parameters, so every size and id fits its field. */
enum { GEN_MAX_COUNT = 10000000 };
static const uint64_t GEN_MAX_SIZE = UINT64_C(1) << 32;

/* The patterns, in the order `heaplab gen --list` prints them. */
size_t gen_pattern_count(void);
const struct gen_pattern *gen_pattern_at(size_t index);

/* The pattern called name, or NULL. */
const struct gen_pattern *gen_find(const char *name);

/*
 * Generates the trace: fills *trace (free it with trace_free) in the
 * classic format (trace_write writes it; heap_hint 0 makes trace_write
 * suggest the peak payload).  Returns 0, or -1 with one line in error
 * (a parameter out of range, out of memory).
 */
int gen_make(const struct gen_pattern *pattern,
             const struct gen_params *params, struct trace *trace, char *error,
             size_t error_size);

#endif /* HEAPLAB_GEN_H */
