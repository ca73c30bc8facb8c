/*
 * report.h -- the results of a run of heaplab, and the three ways to print
 * them: a table for people, CSV and JSON for programs (plots, grading).
 *
 * CSV and JSON carry one record per (backend, trace) with exactly these
 * keys: allocator, trace, status, message, ops, util, peak_payload,
 * peak_footprint, ops_per_sec, ops_per_sec_spread, syscalls, weight,
 * worst_frag_op (JSON adds instructions_per_op, from --measure
 * instructions).  A value that was not measured is empty (CSV) or null
 * (JSON).  JSON is {"results": [...], "summary": {NAME: {...}, ...}}.
 */
#ifndef HEAPLAB_REPORT_H
#define HEAPLAB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "replay.h"

struct report_row {
    const char *allocator; /* backend name */
    const char *summary;   /* backend summary line */
    char *trace;           /* trace name (owned) */
    char *detail;          /* heap map after a failure, or NULL (owned) */
    struct run_result result;
};

struct report {
    struct report_row *rows;
    size_t count;
    size_t capacity;
    int explain;           /* table: a line on the usual cause of each
                              failure (--explain) */
};

/* Per backend, over its rows. */
struct report_summary {
    size_t runs;
    size_t passed;
    double mean_util;     /* over passed runs with a utilization; NAN */
    size_t util_runs;
    double ops;           /* over passed runs */
    double timed_ops;     /* over passed runs with a throughput */
    double total_seconds;
    double ops_per_sec;   /* timed_ops / total_seconds; NAN */
    double ops_per_sec_spread; /* of the total: the suite's time in each
                                  part (the sum over the traces of their
                                  part_seconds), (max - min) / median;
                                  NAN when a run has no parts */
    double counted_ops;   /* over passed runs with an instruction count */
    double instructions;
    double instructions_per_op; /* instructions / counted_ops; NAN */
};

/* Appends a row; 0 on success. */
int report_add(struct report *report, const char *allocator,
               const char *summary, const char *trace,
               const struct run_result *result);
void report_free(struct report *report);

/* Attaches text (copied) to the last row, printed under its failure in the
 * table.  0 on success. */
int report_set_detail(struct report *report, const char *text);

/* Runs whose status is not ok. */
size_t report_failures(const struct report *report);

/* Summary of the rows of one backend. */
void report_summarize(const struct report *report, const char *allocator,
                      struct report_summary *summary);

void report_table(FILE *out, const struct report *report);
void report_csv(FILE *out, const struct report *report);
void report_json(FILE *out, const struct report *report);

#endif /* HEAPLAB_REPORT_H */
