/*
 * exec_summary.h -- what `heaplab exec` says about a run: the statistics
 * file a preloaded library wrote (preload/exec/exec_stats.h) merged over the
 * program's images, the one-run summary, and the --compare table.
 */
#ifndef HEAPLAB_EXEC_SUMMARY_H
#define HEAPLAB_EXEC_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "preload/exec/exec_stats.h"

/* The images of one run, merged: counts add up, peaks are the highest
 * of any image. */
struct exec_totals {
    int attached;   /* the program loaded the library and wrote */
    uint32_t flags; /* EXEC_FLAG_*, of every image */
    uint32_t images;
    uint32_t lost_images;
    char programs[EXEC_MAX_IMAGES * (EXEC_NAME_BYTES + 2)]; /* "a, b" */
    uint64_t calls[EXEC_CALL_KINDS];
    uint64_t total_calls;
    uint64_t failed;
    uint64_t peak_live_bytes;
    uint64_t peak_footprint;
    uint64_t sbrk_calls, brk_calls, mmap_calls, munmap_calls;
};

/* One run of the command under one backend. */
struct exec_run {
    const char *backend;
    int status;       /* wait status; -1 when the command did not run */
    double seconds;   /* wall time, fork to exit */
    uint64_t max_rss; /* bytes, from wait4 */
    int captured;     /* stdout was read by heaplab (--compare) */
    uint64_t output_bytes;
    uint64_t output_hash; /* FNV-1a of stdout */
    struct exec_totals totals;
};

/* The names of the call kinds, as the C functions are called. */
extern const char *const exec_call_names[EXEC_CALL_KINDS];

/* Reads and merges the statistics file; 0, or -1 with errno when it cannot
 * be read.  A file no process attached to gives totals.attached == 0. */
int exec_totals_load(const char *path, struct exec_totals *totals);

/* peak live / peak footprint, or a negative value when unknown. */
double exec_utilization(const struct exec_totals *totals);

/* Feeds bytes to a running FNV-1a 64-bit hash (start: EXEC_HASH_START). */
#define EXEC_HASH_START UINT64_C(0xcbf29ce484222325)
uint64_t exec_hash(uint64_t hash, const void *bytes, size_t count);

/* "exited with status 3", "was killed by signal 9 (Killed)", ... */
void exec_describe_status(char *text, size_t size, int status);

/* The summary of one run, a few lines, for stderr or --report FILE. */
void exec_summary_print(FILE *out, const char *command,
                        const struct exec_run *run);

/* The --compare table: one row per run.  reference is the index of the
 * run whose stdout the others are compared with. */
void exec_compare_print(FILE *out, const char *command,
                        const struct exec_run *runs, size_t count,
                        size_t reference);

#endif /* HEAPLAB_EXEC_SUMMARY_H */
