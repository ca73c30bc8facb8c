/*
 * report.c -- table, CSV and JSON output of a run (see report.h).
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "stats.h"

int report_add(struct report *report, const char *allocator,
               const char *summary, const char *trace,
               const struct run_result *result)
{
    if (report->count == report->capacity) {
        size_t capacity = report->capacity ? 2 * report->capacity : 32;
        struct report_row *rows =
            realloc(report->rows, capacity * sizeof *rows);
        if (rows == NULL)
            return -1;
        report->rows = rows;
        report->capacity = capacity;
    }
    char *name = strdup(trace);
    if (name == NULL)
        return -1;
    report->rows[report->count++] = (struct report_row){
        .allocator = allocator,
        .summary = summary,
        .trace = name,
        .result = *result,
    };
    return 0;
}

int report_set_detail(struct report *report, const char *text)
{
    if (report->count == 0)
        return -1;
    struct report_row *row = &report->rows[report->count - 1];
    free(row->detail);
    row->detail = strdup(text);
    return row->detail == NULL ? -1 : 0;
}

void report_free(struct report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        free(report->rows[i].trace);
        free(report->rows[i].detail);
    }
    free(report->rows);
    memset(report, 0, sizeof *report);
}

size_t report_failures(const struct report *report)
{
    size_t failures = 0;
    for (size_t i = 0; i < report->count; i++)
        failures += report->rows[i].result.status != RUN_OK;
    return failures;
}

/* (max - min) / median of the suite's throughput in each part. */
static double parts_spread(const double seconds[TIMED_PARTS])
{
    double rates[TIMED_PARTS];
    for (int p = 0; p < TIMED_PARTS; p++)
        rates[p] = 1 / seconds[p]; /* the ops are the same in each */
    return stats_spread(rates, TIMED_PARTS);
}

void report_summarize(const struct report *report, const char *allocator,
                      struct report_summary *s)
{
    memset(s, 0, sizeof *s);
    double util_sum = 0, part_seconds[TIMED_PARTS] = {0};
    int parts = 1; /* every timed run has its parts */
    for (size_t i = 0; i < report->count; i++) {
        const struct report_row *row = &report->rows[i];
        if (strcmp(row->allocator, allocator) != 0)
            continue;
        const struct run_result *r = &row->result;
        s->runs++;
        if (r->status != RUN_OK)
            continue;
        s->passed++;
        s->ops += (double)r->ops;
        if (!isnan(r->util)) {
            util_sum += r->util;
            s->util_runs++;
        }
        if (!isnan(r->ops_per_sec) && r->ops_per_sec > 0) {
            s->timed_ops += (double)r->ops;
            s->total_seconds += (double)r->ops / r->ops_per_sec;
            for (int p = 0; p < TIMED_PARTS; p++) {
                parts &= r->part_seconds[p] > 0; /* false for NAN too */
                part_seconds[p] += r->part_seconds[p];
            }
        }
        if (r->instructions_per_op > 0) {
            s->counted_ops += (double)r->ops;
            s->instructions += r->instructions_per_op * (double)r->ops;
        }
    }
    s->mean_util = s->util_runs ? util_sum / (double)s->util_runs : NAN;
    s->ops_per_sec =
        s->total_seconds > 0 ? s->timed_ops / s->total_seconds : NAN;
    s->ops_per_sec_spread = s->total_seconds > 0 && parts
                                ? parts_spread(part_seconds)
                                : NAN;
    s->instructions_per_op =
        s->counted_ops > 0 ? s->instructions / s->counted_ops : NAN;
}

/* --- table -------------------------------------------------------------- */

static void print_percent(FILE *out, double value)
{
    if (isnan(value))
        fprintf(out, " %7s", "-");
    else
        fprintf(out, " %6.1f%%", 100 * value);
}

static void print_kops(FILE *out, double ops_per_sec)
{
    if (isnan(ops_per_sec))
        fprintf(out, " %12s", "-");
    else
        fprintf(out, " %12.1f", ops_per_sec / 1000);
}

static void print_instructions(FILE *out, double per_op)
{
    if (isnan(per_op) || per_op <= 0)
        fprintf(out, " %12s", "-");
    else
        fprintf(out, " %12.1f", per_op);
}

/* Prints text after prefix, wrapped at 96 columns under the prefix. */
static void print_wrapped(FILE *out, const char *prefix, const char *text)
{
    enum { WIDTH = 96 };
    int indent = (int)strlen(prefix), column = indent;
    fputs(prefix, out);
    while (*text) {
        size_t word = strcspn(text, " ");
        if (column > indent && column + 1 + (int)word > WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            column = indent;
        } else if (column > indent) {
            fputc(' ', out);
            column++;
        }
        fprintf(out, "%.*s", (int)word, text);
        column += (int)word;
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', out);
}

static const char TABLE_HEADER[] =
    "  %-24s %-7s %8s %9s %12s %14s %9s\n";

void report_table(FILE *out, const struct report *report)
{
    const char *shown = NULL;
    for (size_t i = 0; i < report->count; i++) {
        const struct report_row *row = &report->rows[i];
        if (shown != NULL && strcmp(shown, row->allocator) == 0)
            continue;
        shown = row->allocator;
        fprintf(out, "%s%s: %s\n", i ? "\n" : "", row->allocator,
                row->summary);
        struct report_summary s;
        report_summarize(report, shown, &s);
        int counted = s.counted_ops > 0; /* --measure instructions */
        fprintf(out, TABLE_HEADER, "trace", "status", "util", "ops",
                counted ? "instr/op" : "Kops/s", "peak bytes", "syscalls");
        for (size_t j = i; j < report->count; j++) {
            const struct report_row *r = &report->rows[j];
            if (strcmp(r->allocator, shown) != 0)
                continue;
            const struct run_result *res = &r->result;
            fprintf(out, "  %-24.24s %-7s", r->trace,
                    run_status_name(res->status));
            print_percent(out, res->status == RUN_OK ? res->util : NAN);
            fprintf(out, " %9llu", (unsigned long long)res->ops);
            if (counted)
                print_instructions(out, res->status == RUN_OK
                                            ? res->instructions_per_op
                                            : NAN);
            else
                print_kops(out,
                           res->status == RUN_OK ? res->ops_per_sec : NAN);
            if (res->status == RUN_OK && res->syscalls_counted)
                fprintf(out, " %14llu %9lu\n",
                        (unsigned long long)res->peak_footprint,
                        res->syscalls);
            else if (res->status == RUN_OK)
                fprintf(out, " %14llu %9s\n",
                        (unsigned long long)res->peak_footprint, "-");
            else
                fprintf(out, " %14s %9s\n", "-", "-");
        }
        fprintf(out, "  %-24s %-7s", "mean / total", "");
        print_percent(out, s.mean_util);
        fprintf(out, " %9.0f", s.ops);
        if (counted)
            print_instructions(out, s.instructions_per_op);
        else
            print_kops(out, s.ops_per_sec);
        fprintf(out, "   (%zu of %zu passed)\n", s.passed, s.runs);
        for (size_t j = i; j < report->count; j++) {
            const struct report_row *r = &report->rows[j];
            if (strcmp(r->allocator, shown) != 0 || r->result.status == RUN_OK)
                continue;
            fprintf(out, "  %s: %s\n", run_status_name(r->result.status),
                    r->result.message);
            const char *why = explain_fault(r->result.fault);
            if (report->explain && why != NULL)
                print_wrapped(out, "  why: ", why);
            if (r->detail != NULL)
                fprintf(out, "%s", r->detail);
        }
    }
    size_t failures = report_failures(report);
    fprintf(out, "\n%zu of %zu runs passed", report->count - failures,
            report->count);
    if (failures)
        fprintf(out, "; %zu failed", failures);
    fprintf(out, ".\n");
}

/* --- CSV ---------------------------------------------------------------- */

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_number(FILE *out, double value, const char *format)
{
    fputc(',', out);
    if (!isnan(value))
        fprintf(out, format, value);
}

void report_csv(FILE *out, const struct report *report)
{
    fprintf(out, "allocator,trace,status,message,ops,util,peak_payload,"
                 "peak_footprint,ops_per_sec,ops_per_sec_spread,syscalls,"
                 "weight,worst_frag_op\n");
    for (size_t i = 0; i < report->count; i++) {
        const struct report_row *row = &report->rows[i];
        const struct run_result *r = &row->result;
        csv_field(out, row->allocator);
        fputc(',', out);
        csv_field(out, row->trace);
        fprintf(out, ",%s,", run_status_name(r->status));
        csv_field(out, r->message);
        fprintf(out, ",%llu", (unsigned long long)r->ops);
        csv_number(out, r->util, "%.6f");
        fprintf(out, ",%llu,%llu", (unsigned long long)r->peak_payload,
                (unsigned long long)r->peak_footprint);
        csv_number(out, r->ops_per_sec, "%.1f");
        csv_number(out, r->ops_per_sec_spread, "%.4f");
        fputc(',', out);
        if (r->syscalls_counted)
            fprintf(out, "%lu", r->syscalls);
        fprintf(out, ",%d,%llu\n", r->weight,
                (unsigned long long)r->worst_frag_op);
    }
}

/* --- JSON --------------------------------------------------------------- */

/* s as a JSON string, quotes included. */
static void write_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_number(FILE *out, const char *key, double value,
                        const char *format)
{
    fprintf(out, ", \"%s\": ", key);
    if (isnan(value) || isinf(value))
        fputs("null", out);
    else
        fprintf(out, format, value);
}

void report_json(FILE *out, const struct report *report)
{
    fputs("{\"results\": [", out);
    for (size_t i = 0; i < report->count; i++) {
        const struct report_row *row = &report->rows[i];
        const struct run_result *r = &row->result;
        fputs(i ? ",\n  {" : "\n  {", out);
        fputs("\"allocator\": ", out);
        write_json_string(out, row->allocator);
        fputs(", \"trace\": ", out);
        write_json_string(out, row->trace);
        fprintf(out, ", \"status\": \"%s\", \"message\": ",
                run_status_name(r->status));
        write_json_string(out, r->message);
        fprintf(out, ", \"ops\": %llu", (unsigned long long)r->ops);
        json_number(out, "util", r->util, "%.6f");
        fprintf(out, ", \"peak_payload\": %llu, \"peak_footprint\": %llu",
                (unsigned long long)r->peak_payload,
                (unsigned long long)r->peak_footprint);
        json_number(out, "ops_per_sec", r->ops_per_sec, "%.1f");
        json_number(out, "ops_per_sec_spread", r->ops_per_sec_spread, "%.4f");
        fputs(", \"part_seconds\": ", out);
        if (r->part_seconds[0] > 0) { /* NAN, or 0 from an old record */
            for (int p = 0; p < TIMED_PARTS; p++)
                fprintf(out, "%s%.9g", p ? ", " : "[", r->part_seconds[p]);
            fputc(']', out);
        } else {
            fputs("null", out);
        }
        json_number(out, "instructions_per_op",
                    r->instructions_per_op > 0 ? r->instructions_per_op : NAN,
                    "%.2f");
        if (r->syscalls_counted)
            fprintf(out, ", \"syscalls\": %lu", r->syscalls);
        else
            fputs(", \"syscalls\": null", out);
        fprintf(out, ", \"weight\": %d", r->weight);
        fprintf(out, ", \"worst_frag_op\": %llu}",
                (unsigned long long)r->worst_frag_op);
    }
    fputs("\n],\n\"summary\": {", out);
    size_t shown = 0;
    for (size_t i = 0; i < report->count; i++) {
        const char *name = report->rows[i].allocator;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(report->rows[j].allocator, name) == 0;
        if (seen)
            continue;
        struct report_summary s;
        report_summarize(report, name, &s);
        fputs(shown++ ? ",\n  " : "\n  ", out);
        write_json_string(out, name);
        fprintf(out, ": {\"runs\": %zu, \"passed\": %zu", s.runs, s.passed);
        json_number(out, "mean_util", s.mean_util, "%.6f");
        fprintf(out, ", \"ops\": %.0f, \"timed_ops\": %.0f", s.ops,
                s.timed_ops);
        json_number(out, "ops_per_sec", s.ops_per_sec, "%.1f");
        json_number(out, "ops_per_sec_spread", s.ops_per_sec_spread, "%.4f");
        json_number(out, "instructions_per_op", s.instructions_per_op,
                    "%.2f");
        fputs("}", out);
    }
    fputs("\n}}\n", out);
}
