/*
 * plot_scaling.c -- throughput against trace size (see plot_scaling.h).
 *
 * Sizes are 1000, 3000, 10000, 30000, ... ops up to the largest asked for.
 * A pattern's N is not its op count: N is found from a trace generated
 * with N = 1000 (ops per N), and the x value plotted is the op count the
 * generated trace really has.
 */
#include "plot_scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "plot.h"
#include "runner.h"
#include "trace.h"

enum { MAX_SIZES = 32, MAX_BACKENDS = 64 };

/* What the axes must hold: the largest size, the throughputs (ops/s). */
struct scaling_range {
    size_t largest_ops;
    double slowest, fastest;
};

/* 1000, 3000, 10000, 30000, ... up to max_ops. */
static size_t scaling_sizes(size_t max_ops, size_t sizes[MAX_SIZES])
{
    size_t count = 0;
    for (size_t decade = SCALING_MIN_OPS; count + 2 <= MAX_SIZES;
         decade *= 10) {
        if (decade > max_ops)
            break;
        sizes[count++] = decade;
        if (3 * decade <= max_ops)
            sizes[count++] = 3 * decade;
    }
    return count;
}

/* Ops per unit of the pattern's N. */
static int ops_per_count(const struct gen_pattern *pattern, double *ratio,
                         char *error, size_t size)
{
    struct gen_params params = {.count = 1000, .seed = 1};
    struct trace t;
    if (gen_make(pattern, &params, &t, error, size) != 0)
        return -1;
    *ratio = (double)t.num_ops / 1000.0;
    trace_free(&t);
    return *ratio > 0 ? 0 : -1;
}

static void write_header(FILE *out, const struct scaling_options *o,
                         const char *pattern)
{
    fprintf(out,
            "# throughput against trace size on generated %s traces "
            "(heaplab gen %s --count N --seed 1)\n"
            "# ops per second (median of %u timed replays); NaN: not "
            "run, or the run failed or took longer than %g s\n"
            "ops",
            pattern, pattern, o->repeat, o->timeout_seconds);
    for (size_t a = 0; a < o->allocator_count; a++)
        fprintf(out, "\t%s", o->allocators[a]->name);
    fputc('\n', out);
}

/* Runs every backend still in the race on one trace; writes the row. */
static void run_size(const struct scaling_options *o, const struct trace *t,
                     const char *pattern, int *stopped, FILE *out,
                     struct scaling_range *range)
{
    struct replay_options replay = {.repeat = o->repeat};
    struct runner_options limits = {.timeout_seconds = o->timeout_seconds,
                                    .output_keep = 256};
    fprintf(out, "%zu", t->num_ops);
    if (t->num_ops > range->largest_ops)
        range->largest_ops = t->num_ops;
    for (size_t a = 0; a < o->allocator_count; a++) {
        const struct allocator *backend = o->allocators[a];
        if (stopped[a]) {
            fputs("\tNaN", out);
            continue;
        }
        struct run_result r;
        runner_run(backend, t, &replay, &limits, &r, NULL);
        if (r.status == RUN_OK && r.ops_per_sec > 0) {
            fprintf(out, "\t%.1f", r.ops_per_sec);
            range->slowest = fmin(range->slowest, r.ops_per_sec);
            range->fastest = fmax(range->fastest, r.ops_per_sec);
            if (o->progress != NULL)
                fprintf(o->progress, "  %-14s %9zu ops  %-8s %12.1f Kops/s\n",
                        pattern, t->num_ops, backend->name,
                        r.ops_per_sec / 1000);
        } else {
            fputs("\tNaN", out);
            stopped[a] = 1;
            if (o->progress != NULL)
                fprintf(o->progress,
                        "  %-14s %9zu ops  %-8s %s: its line stops here "
                        "(%s)\n",
                        pattern, t->num_ops, backend->name,
                        run_status_name(r.status), r.message);
        }
        if (o->progress != NULL)
            fflush(o->progress);
    }
    fputc('\n', out);
    fflush(out);
}

static int measure_pattern(const struct scaling_options *o, const char *dir,
                           const char *name, struct scaling_range *range)
{
    char error[512];
    const struct gen_pattern *pattern = gen_find(name);
    double ratio;
    if (pattern == NULL) {
        fprintf(stderr,
                "heaplab bench: no pattern '%s' (heaplab gen "
                "--list names them)\n",
                name);
        return -1;
    }
    if (ops_per_count(pattern, &ratio, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab bench: %s: %s\n", name, error);
        return -1;
    }
    char file[256];
    snprintf(file, sizeof file, "scaling-%s.dat", name);
    FILE *out = plot_file_open(dir, file, error, sizeof error);
    if (out == NULL) {
        fprintf(stderr, "heaplab bench: %s\n", error);
        return -1;
    }
    write_header(out, o, name);
    size_t sizes[MAX_SIZES], count = scaling_sizes(o->max_ops, sizes);
    int stopped[MAX_BACKENDS] = {0};
    for (size_t i = 0; i < count; i++) {
        struct gen_params params = {
            .count = (size_t)fmax(1, round((double)sizes[i] / ratio)),
            .seed = 1,
        };
        struct trace t;
        if (gen_make(pattern, &params, &t, error, sizeof error) != 0) {
            fprintf(stderr, "heaplab bench: %s: %s\n", name, error);
            break;
        }
        if (t.path == NULL) { /* messages name the trace by its path */
            char path[128];
            snprintf(path, sizeof path, "%s-%zu", name, t.num_ops);
            t.path = strdup(path);
        }
        run_size(o, &t, name, stopped, out, range);
        trace_free(&t);
    }
    if (plot_file_close(out, dir, file, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab bench: %s\n", error);
        return -1;
    }
    return 0;
}

static int write_script(const struct scaling_options *o, const char *dir,
                        const struct scaling_range *range)
{
    char error[512];
    FILE *out = plot_script_open(dir, "scaling",
                                 "throughput against trace "
                                 "size, log-log, one line per backend",
                                 error, sizeof error);
    if (out == NULL) {
        fprintf(stderr, "heaplab bench: %s\n", error);
        return -1;
    }
    char backends[1024] = "";
    for (size_t a = 0; a < o->allocator_count; a++) {
        size_t used = strlen(backends);
        snprintf(backends + used, sizeof backends - used, "%s%s",
                 a ? ", " : "", o->allocators[a]->name);
    }
    char title[1400];
    snprintf(title, sizeof title,
             "Throughput against trace size: %s\na flat line keeps its "
             "speed as the heap grows; a falling one slows down (O(n) "
             "per op falls one decade per decade)",
             backends);
    fputs("set multiplot layout 1, ", out);
    fprintf(out, "%zu margins 0.08, 0.86, 0.12, 0.84 spacing 0.07 title ",
            o->pattern_count);
    plot_string(out, title);
    /* the same axes in every panel, whole decades */
    double slowest = range->fastest > 0 ? range->slowest : 1000;
    double fastest = range->fastest > 0 ? range->fastest : 10000;
    fprintf(out, "\nset xrange [%g:%g]\nset yrange [%g:%g]\n",
            SCALING_MIN_OPS / 1.5, (double)range->largest_ops * 1.5,
            pow(10, floor(log10(slowest))), pow(10, ceil(log10(fastest))));
    fputs("set logscale xy\n"
          "set format x \"%.0s%c\"\n"
          "set format y \"%.0s%c\"\n"
          "set xlabel \"trace size (ops)\"\n"
          "set ylabel \"throughput (ops per second)\"\n"
          "set grid lc rgb \"#d0d0d0\" lw 1 dt solid\n"
          "set key at screen 0.87, screen 0.80 left top vertical "
          "samplen 2 spacing 1.3\n",
          out);
    for (size_t p = 0; p < o->pattern_count; p++) {
        fputs("set title ", out);
        char panel[128];
        snprintf(panel, sizeof panel, "%s traces", o->patterns[p]);
        plot_string(out, panel);
        fputc('\n', out);
        if (p > 0)
            fputs("unset ylabel\nset key off\n", out);
        fprintf(out, "plot \"scaling-%s.dat\"", o->patterns[p]);
        for (size_t a = 0; a < o->allocator_count; a++) {
            const char *name = o->allocators[a]->name;
            fprintf(out,
                    "%s using \"ops\":(column(\"%s\")) with "
                    "linespoints lt %d title ",
                    a ? ", \\\n     ''" : " \\\n    ", name,
                    plot_line_type(name));
            plot_string(out, name);
        }
        fputc('\n', out);
    }
    fputs("unset multiplot\n", out);
    return plot_file_close(out, dir, "scaling.gp", error, sizeof error);
}

int scaling_measure(const struct scaling_options *o, const char *dir)
{
    if (o->allocator_count > MAX_BACKENDS) {
        fprintf(stderr, "heaplab bench: at most %d backends\n", MAX_BACKENDS);
        return -1;
    }
    struct scaling_range range = {.slowest = INFINITY};
    for (size_t p = 0; p < o->pattern_count; p++)
        if (measure_pattern(o, dir, o->patterns[p], &range) != 0)
            return -1;
    return write_script(o, dir, &range);
}
