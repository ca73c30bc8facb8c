/*
 * results.h -- what a grade becomes: a report for the student, Gradescope's
 * results.json, Autolab's autoresult line, and heaplab's own JSON.
 *
 * Everything is built in memory from struct grade, and a file is written
 * once, atomically (a temporary file renamed over the target), so that a
 * reader never sees half of one.
 */
#ifndef HEAPLAB_GRADING_RESULTS_H
#define HEAPLAB_GRADING_RESULTS_H

#include <jansson.h>
#include <stdio.h>

#include "grade.h"

/* The report a student reads: per trace the verdict and the driver's
 * message, the totals, the rubric's formulas once.  A new string. */
char *results_report(const struct grade *g);

/*
 * heaplab's own JSON of a grade (`heaplab grade --json`, and
 * extra_data.heaplab of results.json):
 *   {"lab", "rubric", "submission", "built", "build_feedback", "warnings",
 *    "internal_error", "score", "max_score", "passed", "seconds",
 *    "components": {"correctness": {"score", "max_score"},
 *                   "utilization": {"score", "max_score", "value"},
 *                   "throughput": {"score", "max_score", "value",
 *                                  "reference"},
 *                   "checker": {"score", "max_score"} (with [checker])},
 *    "traces": [{"name", "correctness", "performance", "checker", "verdict",
 *                "message", "points", "max_points", "util",
 *                "throughput_ratio", "ops_per_sec",
 *                "reference_ops_per_sec", "timing_note", "printed",
 *                "output"}]}
 */
json_t *results_json(const struct grade *g);

/* Gradescope's results.json: score, execution_time, output, visibility,
 * stdout_visibility, tests[], leaderboard[], extra_data. */
json_t *results_gradescope(const struct grade *g);

/* Autolab's autoresult: {"scores": {...}, "scoreboard": [total, util %,
 * throughput ratio]}, one line, no newline.  A new string. */
char *results_autolab(const struct grade *g);

/*
 * A JSON string of outside text, cleaned to printable ASCII so that it is
 * always valid; JSON null for NULL.  (Jansson's json_string is not used:
 * driver/report.c has a function of that name, which wins at link time.)
 */
json_t *results_text(const char *s);

/* Writes text to path atomically; 0, or -1 with errno set. */
int results_write_atomic(const char *path, const char *text);

/* The same for JSON (indented, with a final newline). */
int results_write_json(const char *path, const json_t *value);

#endif /* HEAPLAB_GRADING_RESULTS_H */
