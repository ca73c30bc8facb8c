/*
 * bench.h -- `heaplab bench` (without --scaling): every backend on both
 * suites, the shipped traces and the classic CS:APP ones, in rounds; one
 * table of throughput, utilization, ratio to glibc and spread; the driver's
 * own cost per op; out/bench.json and the plots of each suite.
 */
#ifndef HEAPLAB_BENCH_H
#define HEAPLAB_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "heaplab/allocator.h"

enum { BENCH_MAX_SUITES = 4 };

struct bench_options {
    const struct allocator *const *allocators;
    size_t allocator_count;
    const char *suites[BENCH_MAX_SUITES]; /* folders; none: the defaults */
    size_t suite_count;
    unsigned rounds;        /* each backend on each suite, this many times */
    const char *json_path;  /* the results; plots go beside it */
    int plots;              /* draw the plots of each suite */
    const char *command;    /* the command line, for the record */
    FILE *out;              /* the table and the progress */
};

/* The driver's own cost: nanoseconds per op of the timed replay with a
 * backend that does nothing, over the traces of dir.  NAN on failure. */
double bench_driver_ns_per_op(const char *dir);

/* Runs the benchmark.  Returns the exit status: 0, 1 a run failed or a
 * plot failed, 2 an input error (no trace, a file that cannot be
 * written). */
int bench_suites(const struct bench_options *options);

#endif /* HEAPLAB_BENCH_H */
