/*
 * results.c -- the report, results.json, the Autolab line, heaplab's JSON
 * (see results.h).
 */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/* --- shared pieces ------------------------------------------------------ */

json_t *results_text(const char *s)
{
    if (s == NULL)
        return json_null();
    size_t n = strlen(s);
    char *clean = text_trim(s, n, 0, (size_t)-1, n);
    json_t *value = clean != NULL ? json_stringn(clean, strlen(clean))
                                  : json_stringn("", 0);
    free(clean);
    return value;
}

static json_t *number_value(double value)
{
    return isfinite(value) ? json_real(value) : json_null();
}

static void format_percent(double value, char *out, size_t size)
{
    if (isfinite(value))
        snprintf(out, size, "%.1f%%", 100 * value);
    else
        snprintf(out, size, "-");
}

static void format_ratio(double value, char *out, size_t size)
{
    if (isfinite(value))
        snprintf(out, size, "%.2fx", value);
    else
        snprintf(out, size, "-");
}

/* "9 of 10 correctness traces passed" and the like. */
static size_t correctness_passed(const struct grade *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->count; i++)
        n += g->traces[i].correctness && g->traces[i].verdict == VERDICT_OK;
    return n;
}

static void component_lines(const struct grade *g, char **s)
{
    const struct rubric *r = g->rubric;
    char value[32];
    if (r->correctness.count > 0)
        text_append(s,
                    "  correctness  %6.2f / %-6g %zu of %zu correctness "
                    "traces passed\n",
                    g->correctness, r->correctness_points,
                    correctness_passed(g), r->correctness.count);
    if (r->performance.count > 0 && r->util.points > 0) {
        format_percent(g->mean_util, value, sizeof value);
        text_append(s,
                    "  utilization  %6.2f / %-6g mean utilization %s "
                    "(no points at %.0f%%, all at %.0f%%)\n",
                    g->util_points, r->util.points, value, 100 * r->util.min,
                    100 * r->util.max);
    }
    if (r->performance.count > 0 && r->throughput.points > 0) {
        format_ratio(g->mean_ratio, value, sizeof value);
        text_append(s,
                    "  throughput   %6.2f / %-6g mean %s the reference "
                    "'%s' (no points at %.2fx, all at %.2fx)\n",
                    g->throughput_points, r->throughput.points, value,
                    r->reference, r->throughput.min, r->throughput.max);
    }
    if (r->checker_cases.count > 0) {
        size_t passed = 0;
        for (size_t i = 0; i < g->count; i++)
            passed += g->traces[i].checker &&
                      g->traces[i].verdict == VERDICT_OK;
        text_append(s,
                    "  checker      %6.2f / %-6g %zu of %zu heaps judged "
                    "right by check()\n",
                    g->checker, r->checker_points, passed,
                    r->checker_cases.count);
    }
    text_append(s, "  total        %6.2f / %g\n", g->total, g->max_total);
}

/* One trace's feedback, for the report and for a Gradescope test. */
static void trace_feedback(const struct grade *g, const struct trace_grade *t,
                           const char *indent, char **s)
{
    for (const char *line = t->flags; line != NULL && *line != '\0';) {
        size_t n = strcspn(line, "\n");
        text_append(s, "%sFLAGGED: the submission %.*s\n", indent, (int)n,
                    line);
        line += n + (line[n] == '\n');
    }
    if (t->verdict != VERDICT_OK)
        text_append(s, "%s%s: %s\n", indent, verdict_name(t->verdict),
                    t->message);
    else if (t->checker)
        text_append(s, "%s%s\n", indent, t->message);
    else
        text_append(s, "%spassed every check%s\n", indent,
                    g->rubric->check_heap ? ", heap checker included" : "");
    char util[32], ratio[32];
    format_percent(t->util, util, sizeof util);
    format_ratio(t->ratio, ratio, sizeof ratio);
    if (t->performance && t->verdict == VERDICT_OK)
        text_append(s, "%sutilization %s, throughput %s the reference\n",
                    indent, util, ratio);
    if (t->timing_note[0] != '\0')
        text_append(s, "%s%s\n", indent, t->timing_note);
    if (t->printed > 0 && t->verdict == VERDICT_OK)
        text_append(s,
                    "%syour code printed %zu bytes; an allocator should "
                    "print nothing\n",
                    indent, t->printed);
    else if (t->printed > 0 && g->rubric->show_output && t->output != NULL) {
        text_append(s, "%syour code printed %zu bytes, beginning with:\n",
                    indent, t->printed);
        for (const char *line = t->output; *line != '\0';) {
            size_t n = strcspn(line, "\n");
            text_append(s, "%s  | %.*s\n", indent, (int)n, line);
            line += n + (line[n] == '\n');
        }
    } else if (t->printed > 0)
        text_append(s, "%syour code printed %zu bytes\n", indent, t->printed);
}

/* --- the report --------------------------------------------------------- */

char *results_report(const struct grade *g)
{
    const struct rubric *r = g->rubric;
    char *s = NULL;
    text_append(&s, "heaplab grade: lab %s (rubric %s)\nsubmission: %s\n\n",
                r->lab, r->path, g->submission);
    if (g->internal[0] != '\0')
        text_append(&s,
                    "THE GRADER ITSELF FAILED (not the submission's "
                    "fault; tell the course staff):\n  %s\n\n",
                    g->internal);
    if (!g->built && g->build_feedback != NULL)
        text_append(&s,
                    "The submission did not build, so no trace could "
                    "run.\n\n%s\n\n",
                    g->build_feedback);

    text_append(&s, "  %-24s %-8s %15s %8s %11s\n", "trace", "verdict",
                "points", "util", "throughput");
    for (size_t i = 0; i < g->count; i++) {
        const struct trace_grade *t = &g->traces[i];
        char points[40], util[32], ratio[32], name[RUBRIC_NAME_MAX + 16];
        snprintf(name, sizeof name, "%s%s", t->checker ? "checker:" : "",
                 t->name);
        if (t->correctness || t->checker)
            snprintf(points, sizeof points, "%.2f / %.2f", t->points,
                     t->max_points);
        else
            snprintf(points, sizeof points, "perf only");
        format_percent(t->util, util, sizeof util);
        format_ratio(t->ratio, ratio, sizeof ratio);
        text_append(&s, "  %-24s %-8s %15s %8s %11s\n", name,
                    verdict_name(t->verdict), points, util, ratio);
    }
    text_append(&s, "\n");
    component_lines(g, &s);

    int any = 0;
    for (size_t i = 0; i < g->count; i++) {
        const struct trace_grade *t = &g->traces[i];
        int printed = t->printed > 0;
        if ((t->verdict == VERDICT_OK || t->verdict == VERDICT_NOT_RUN) &&
            t->timing_note[0] == '\0' && !printed && t->flags == NULL)
            continue;
        if (!any)
            text_append(&s, "\nWhat to look at:\n");
        any = 1;
        text_append(&s, "  %s%s\n", t->checker ? "checker: " : "", t->name);
        trace_feedback(g, t, "    ", &s);
    }
    size_t flagged = 0;
    for (size_t i = 0; i < g->count; i++)
        flagged += g->traces[i].flags != NULL;
    if (flagged > 0)
        text_append(&s,
                    "\nFLAGGED for the course staff: %zu trace%s (the "
                    "FLAGGED lines above); what the grader noticed never "
                    "gained points\n",
                    flagged, flagged == 1 ? "" : "s");
    if (g->warnings != NULL)
        text_append(&s, "\nThe compiler warned (fix these too):\n%s\n",
                    g->warnings);
    char *formulas = grade_formulas(r);
    text_append(&s, "\n%s", formulas ? formulas : "");
    free(formulas);
    if (g->isolation_note[0] != '\0')
        text_append(&s, "\nIsolation: %s.\n", g->isolation_note);
    return s;
}

/* --- heaplab's JSON ----------------------------------------------------- */

static json_t *component(double score, double max)
{
    json_t *c = json_object();
    json_object_set_new(c, "score", json_real(score));
    json_object_set_new(c, "max_score", json_real(max));
    return c;
}

json_t *results_json(const struct grade *g)
{
    const struct rubric *r = g->rubric;
    json_t *o = json_object();
    json_object_set_new(o, "lab", results_text(r->lab));
    json_object_set_new(o, "rubric", results_text(r->path));
    json_object_set_new(o, "submission", results_text(g->submission));
    json_object_set_new(o, "built", json_boolean(g->built));
    json_object_set_new(o, "build_feedback", results_text(g->build_feedback));
    json_object_set_new(o, "warnings", results_text(g->warnings));
    json_object_set_new(o, "internal_error",
                        g->internal[0] ? results_text(g->internal)
                                       : json_null());
    json_object_set_new(o, "score", json_real(g->total));
    json_object_set_new(o, "max_score", json_real(g->max_total));
    json_object_set_new(o, "passed", json_integer((json_int_t)g->passed));
    json_object_set_new(o, "seconds", json_real(round(g->seconds * 10) / 10));

    json_t *components = json_object();
    json_object_set_new(components, "correctness",
                        component(g->correctness, r->correctness.count
                                                      ? r->correctness_points
                                                      : 0));
    json_t *util =
        component(g->util_points, r->performance.count ? r->util.points : 0);
    json_object_set_new(util, "value", number_value(g->mean_util));
    json_object_set_new(components, "utilization", util);
    json_t *speed = component(g->throughput_points,
                              r->performance.count ? r->throughput.points : 0);
    json_object_set_new(speed, "value", number_value(g->mean_ratio));
    json_object_set_new(speed, "reference", results_text(r->reference));
    json_object_set_new(components, "throughput", speed);
    if (r->checker_cases.count > 0)
        json_object_set_new(components, "checker",
                            component(g->checker, r->checker_points));
    json_object_set_new(o, "components", components);

    json_t *traces = json_array();
    size_t flagged = 0;
    for (size_t i = 0; i < g->count; i++) {
        const struct trace_grade *t = &g->traces[i];
        json_t *row = json_object();
        json_object_set_new(row, "name", results_text(t->name));
        json_object_set_new(row, "correctness", json_boolean(t->correctness));
        json_object_set_new(row, "performance", json_boolean(t->performance));
        json_object_set_new(row, "checker", json_boolean(t->checker));
        json_object_set_new(row, "verdict",
                            results_text(verdict_name(t->verdict)));
        json_object_set_new(row, "message", results_text(t->message));
        json_object_set_new(row, "points", json_real(t->points));
        json_object_set_new(row, "max_points", json_real(t->max_points));
        json_object_set_new(row, "util", number_value(t->util));
        json_object_set_new(row, "throughput_ratio", number_value(t->ratio));
        json_object_set_new(row, "ops_per_sec", number_value(t->ops_per_sec));
        json_object_set_new(row, "reference_ops_per_sec",
                            number_value(t->reference_ops_per_sec));
        json_object_set_new(row, "timing_note",
                            t->timing_note[0] ? results_text(t->timing_note)
                                              : json_null());
        json_object_set_new(row, "printed",
                            json_integer((json_int_t)t->printed));
        json_object_set_new(row, "output",
                            g->rubric->show_output ? results_text(t->output)
                                                   : json_null());
        json_t *flags = json_array();
        for (const char *line = t->flags; line != NULL && *line != '\0';) {
            size_t n = strcspn(line, "\n");
            char *one = strndup(line, n);
            json_array_append_new(flags, results_text(one ? one : ""));
            free(one);
            line += n + (line[n] == '\n');
        }
        flagged += json_array_size(flags) > 0;
        json_object_set_new(row, "flags", flags);
        json_array_append_new(traces, row);
    }
    json_object_set_new(o, "traces", traces);
    json_object_set_new(o, "flagged", json_integer((json_int_t)flagged));
    json_object_set_new(o, "isolation", g->isolation_note[0]
                                            ? results_text(g->isolation_note)
                                            : json_null());
    return o;
}

/* --- Gradescope --------------------------------------------------------- */

static json_t *gradescope_test(const char *name, double score, double max,
                               int passed, char *output,
                               const char *visibility)
{
    json_t *test = json_object();
    json_object_set_new(test, "name", results_text(name));
    json_object_set_new(test, "score", json_real(score));
    json_object_set_new(test, "max_score", json_real(max));
    json_object_set_new(test, "status",
                        results_text(passed ? "passed" : "failed"));
    json_object_set_new(test, "output", results_text(output ? output : ""));
    json_object_set_new(test, "visibility", results_text(visibility));
    free(output);
    return test;
}

json_t *results_gradescope(const struct grade *g)
{
    const struct rubric *r = g->rubric;
    json_t *o = json_object();
    json_object_set_new(o, "score", json_real(g->total));
    json_object_set_new(o, "execution_time",
                        json_integer((json_int_t)ceil(g->seconds)));
    char *summary = NULL;
    if (g->internal[0] != '\0')
        text_append(&summary,
                    "THE GRADER ITSELF FAILED (not your fault; "
                    "tell the course staff): %s\n\n",
                    g->internal);
    if (!g->built && g->build_feedback != NULL)
        text_append(&summary,
                    "The submission did not build, so no trace "
                    "could run.\n\n%s\n\n",
                    g->build_feedback);
    component_lines(g, &summary);
    if (g->warnings != NULL)
        text_append(&summary, "\nThe compiler warned (fix these too):\n%s\n",
                    g->warnings);
    char *formulas = grade_formulas(r);
    text_append(&summary, "\n%s", formulas ? formulas : "");
    free(formulas);
    json_object_set_new(o, "output", results_text(summary));
    free(summary);
    json_object_set_new(o, "visibility", results_text(r->visibility));
    json_object_set_new(o, "stdout_visibility",
                        results_text(r->stdout_visibility));

    json_t *tests = json_array();
    for (size_t i = 0; i < g->count; i++) {
        const struct trace_grade *t = &g->traces[i];
        char name[RUBRIC_NAME_MAX + 32];
        snprintf(name, sizeof name, "%s: %s",
                 t->checker       ? "checker"
                 : t->correctness ? "correctness"
                                  : "performance",
                 t->name);
        char *feedback = NULL;
        trace_feedback(g, t, "", &feedback);
        json_array_append_new(tests,
                              gradescope_test(name, t->points, t->max_points,
                                              t->verdict == VERDICT_OK,
                                              feedback, r->visibility));
    }
    if (r->performance.count > 0) {
        char value[32];
        char *said = NULL;
        format_percent(g->mean_util, value, sizeof value);
        text_append(&said,
                    "mean utilization %s over the performance "
                    "traces: no points at %.0f%%, all at %.0f%%",
                    value, 100 * r->util.min, 100 * r->util.max);
        if (r->util.points > 0)
            json_array_append_new(
                tests,
                gradescope_test("utilization", g->util_points, r->util.points,
                                g->util_points >= r->util.points, said,
                                r->visibility));
        else
            free(said);
        said = NULL;
        format_ratio(g->mean_ratio, value, sizeof value);
        text_append(&said,
                    "mean throughput %s that of the reference '%s': "
                    "no points at %.2fx, all at %.2fx",
                    value, r->reference, r->throughput.min, r->throughput.max);
        if (r->throughput.points > 0)
            json_array_append_new(
                tests,
                gradescope_test("throughput", g->throughput_points,
                                r->throughput.points,
                                g->throughput_points >= r->throughput.points,
                                said, r->visibility));
        else
            free(said);
    }
    json_object_set_new(o, "tests", tests);

    json_t *board = json_array();
    json_t *entry = json_object();
    json_object_set_new(entry, "name", results_text("utilization"));
    json_object_set_new(entry, "value",
                        json_real(isfinite(g->mean_util)
                                      ? round(1000 * g->mean_util) / 10
                                      : 0));
    json_array_append_new(board, entry);
    entry = json_object();
    json_object_set_new(entry, "name", results_text("throughput"));
    json_object_set_new(entry, "value",
                        json_real(isfinite(g->mean_ratio)
                                      ? round(100 * g->mean_ratio) / 100
                                      : 0));
    json_array_append_new(board, entry);
    json_object_set_new(o, "leaderboard", board);

    json_t *extra = json_object();
    json_object_set_new(extra, "heaplab", results_json(g));
    json_object_set_new(o, "extra_data", extra);
    return o;
}

/* --- Autolab ------------------------------------------------------------ */

char *results_autolab(const struct grade *g)
{
    const struct rubric *r = g->rubric;
    json_t *o = json_object();
    json_t *scores = json_object();
    if (r->correctness.count > 0)
        json_object_set_new(scores, r->autolab_correctness,
                            json_real(g->correctness));
    if (r->performance.count > 0 && r->util.points > 0)
        json_object_set_new(scores, r->autolab_util,
                            json_real(g->util_points));
    if (r->performance.count > 0 && r->throughput.points > 0)
        json_object_set_new(scores, r->autolab_throughput,
                            json_real(g->throughput_points));
    if (r->checker_cases.count > 0)
        json_object_set_new(scores, r->autolab_checker,
                            json_real(g->checker));
    json_object_set_new(o, "scores", scores);
    json_t *board = json_array();
    json_array_append_new(board, json_real(g->total));
    json_array_append_new(board,
                          json_real(isfinite(g->mean_util)
                                        ? round(1000 * g->mean_util) / 10
                                        : 0));
    json_array_append_new(board,
                          json_real(isfinite(g->mean_ratio)
                                        ? round(100 * g->mean_ratio) / 100
                                        : 0));
    json_object_set_new(o, "scoreboard", board);
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    return line;
}

/* --- files -------------------------------------------------------------- */

int results_write_atomic(const char *path, const char *text)
{
    size_t n = strlen(path);
    char *temporary = malloc(n + 32);
    if (temporary == NULL)
        return -1;
    snprintf(temporary, n + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd >= 0 ? 0 : -1;
    size_t length = strlen(text), done = 0;
    while (rc == 0 && done < length) {
        ssize_t w = write(fd, text + done, length - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            done += (size_t)w;
    }
    if (fd >= 0) {
        if (rc == 0 && fsync(fd) != 0)
            rc = -1;
        if (close(fd) != 0)
            rc = -1;
    }
    if (rc == 0 && rename(temporary, path) != 0)
        rc = -1;
    if (rc != 0) {
        int saved = errno;
        unlink(temporary);
        errno = saved;
    }
    free(temporary);
    return rc;
}

int results_write_json(const char *path, const json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    char *line = NULL;
    text_append(&line, "%s\n", text);
    free(text);
    int rc = line != NULL ? results_write_atomic(path, line) : -1;
    free(line);
    return rc;
}
