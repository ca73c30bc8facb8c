/*
 * plot_scaling.h -- throughput against trace size (`heaplab bench
 * --scaling`): generated traces of each pattern from SCALING_MIN_OPS up to
 * a largest size, half a decade apart, run against each backend; the
 * throughput of each run goes to scaling-PATTERN.dat and scaling.gp draws
 * them log-log, one line per backend, one panel per pattern.
 *
 * A backend whose run fails or takes longer than the limit at one size is
 * not run at the larger ones: its line stops there.
 */
#ifndef HEAPLAB_PLOT_SCALING_H
#define HEAPLAB_PLOT_SCALING_H

#include <stddef.h>
#include <stdio.h>

#include "heaplab/allocator.h"

enum { SCALING_MIN_OPS = 1000, SCALING_MAX_PATTERNS = 4 };

struct scaling_options {
    const struct allocator *const *allocators;
    size_t allocator_count;
    const char *patterns[SCALING_MAX_PATTERNS]; /* gen patterns */
    size_t pattern_count;
    size_t max_ops;         /* the largest trace, in ops (about) */
    double timeout_seconds; /* per run */
    unsigned repeat;        /* timed replays per run */
    FILE *progress;         /* a line per run; NULL: quiet */
};

/*
 * Generates, runs, and writes the data files and scaling.gp in dir.
 * 0, or -1 after a one-line message on stderr.
 */
int scaling_measure(const struct scaling_options *options, const char *dir);

#endif /* HEAPLAB_PLOT_SCALING_H */
