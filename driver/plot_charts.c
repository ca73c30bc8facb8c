/*
 * plot_charts.c -- the plots drawn from a run's results (see plot.h):
 *
 *   util.dat / util.gp              utilization per trace, one bar per
 *                                   backend, then the suite's mean
 *   throughput.dat / throughput.gp  the same for throughput (Kops/s, log)
 *   tradeoff.dat / tradeoff.gp      one point per backend: mean
 *                                   utilization against total throughput
 *
 * The data files carry the results' numbers as the JSON has them (a
 * fraction for utilization, ops per second for throughput); the scripts
 * scale them for the axes.  NaN is a run that failed or was not measured.
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --- the two bar charts --------------------------------------------------- */

struct bar_chart {
    const char *name;        /* util, throughput */
    const char *what;        /* the script's first comment line */
    const char *title;       /* first title line */
    const char *ylabel;
    const char *summary_row; /* the last cluster's label */
    int throughput;          /* else utilization */
};

static double cell_value(const struct plot_cell *cell, int throughput)
{
    if (!cell->present || !cell->ok)
        return NAN;
    double v = throughput ? cell->ops_per_sec : cell->util;
    return throughput && !(v > 0) ? NAN : v;
}

static double summary_value(const struct plot_allocator *a, int throughput)
{
    double v = throughput ? a->ops_per_sec : a->mean_util;
    return throughput && !(v > 0) ? NAN : v;
}

static void write_value(FILE *out, double value, int throughput)
{
    if (isnan(value))
        fputs("\tNaN", out);
    else
        fprintf(out, throughput ? "\t%.1f" : "\t%.6f", value);
}

static int write_bar_data(const struct plot_results *r,
                          const struct bar_chart *chart, const char *dir,
                          const char *source, char *error, size_t size)
{
    char file[64];
    snprintf(file, sizeof file, "%s.dat", chart->name);
    FILE *out = plot_file_open(dir, file, error, size);
    if (out == NULL)
        return -1;
    fprintf(out, "# %s, from %s\n", chart->what, source);
    fprintf(out, "# %s; NaN: the run failed or was not measured\n",
            chart->throughput ? "ops per second (median of the timed "
                                "replays); the last row: all ops / all "
                                "seconds"
                              : "peak live payload / peak footprint; the "
                                "last row: the mean over the traces");
    fputs("trace", out);
    for (size_t a = 0; a < r->allocator_count; a++)
        fprintf(out, "\t%s", r->allocators[a].name);
    fputc('\n', out);
    for (size_t t = 0; t < r->trace_count; t++) {
        fputs(r->traces[t], out);
        for (size_t a = 0; a < r->allocator_count; a++)
            write_value(out, cell_value(plot_cell(r, t, a), chart->throughput),
                        chart->throughput);
        fputc('\n', out);
    }
    fputs(chart->summary_row, out);
    for (size_t a = 0; a < r->allocator_count; a++)
        write_value(out, summary_value(&r->allocators[a], chart->throughput),
                    chart->throughput);
    fputc('\n', out);
    return plot_file_close(out, dir, file, error, size);
}

/* The y range of the throughput chart: whole decades around the data. */
static void throughput_range(const struct plot_results *r, double *lo,
                             double *hi)
{
    double min = INFINITY, max = 0;
    for (size_t t = 0; t < r->trace_count; t++)
        for (size_t a = 0; a < r->allocator_count; a++) {
            double v = cell_value(plot_cell(r, t, a), 1);
            if (!isnan(v)) {
                min = fmin(min, v / 1000);
                max = fmax(max, v / 1000);
            }
        }
    if (!(max > 0)) {
        *lo = 1;
        *hi = 10;
        return;
    }
    *lo = pow(10, floor(log10(min)));
    *hi = pow(10, ceil(log10(max) + 0.15)); /* room above the tallest */
}

/* "12.3%" or "4567 Kops/s" for a legend. */
static void format_summary(double value, int throughput, char *out,
                           size_t size)
{
    if (isnan(value))
        snprintf(out, size, "n/a");
    else if (throughput)
        snprintf(out, size, "%.0f Kops/s", value / 1000);
    else
        snprintf(out, size, "%.1f%%", 100 * value);
}

static int any_missing(const struct plot_results *r, int throughput)
{
    for (size_t t = 0; t < r->trace_count; t++)
        for (size_t a = 0; a < r->allocator_count; a++)
            if (isnan(cell_value(plot_cell(r, t, a), throughput)))
                return 1;
    return 0;
}

static int write_bar_script(const struct plot_results *r,
                            const struct bar_chart *chart, const char *dir,
                            const char *source, char *error, size_t size)
{
    FILE *out = plot_script_open(dir, chart->name, chart->what, error, size);
    if (out == NULL)
        return -1;
    int throughput = chart->throughput;
    fputs("set title ", out);
    char title[512];
    snprintf(title, sizeof title, "%s\n%zu backends on %zu traces (%s)",
             chart->title, r->allocator_count, r->trace_count, source);
    plot_string(out, title);
    fprintf(out,
            "\nset ylabel \"%s\"\n"
            "set xlabel \"trace  (the last group: %s)\"\n"
            "set style data histograms\n"
            "set style histogram clustered gap 1.5\n"
            "set style fill solid 0.9 border rgb \"#404040\"\n"
            "set xtics nomirror rotate by -30 scale 0\n"
            "set ytics nomirror\n"
            "set grid ytics lc rgb \"#d0d0d0\" lw 1 dt solid\n"
            "set key outside right top vertical samplen 1.5 spacing 1.3\n",
            chart->ylabel,
            throughput ? "all ops / all seconds" : "mean over the traces");
    if (throughput) {
        double lo, hi;
        throughput_range(r, &lo, &hi);
        fprintf(out, "set logscale y\nset yrange [%g:%g]\n", lo, hi);
        fputs("set format y \"%.0f\"\n", out);
    } else {
        fputs("set yrange [0:100]\n", out);
    }
    if (any_missing(r, throughput))
        fputs("set label \"no bar: the run failed or was not measured\" "
              "at screen 0.99, screen 0.02 right tc rgb \"#606060\"\n",
              out);
    fputs("column_of(name) = ", out);
    fputs(throughput ? "column(name) / 1000\n" : "100 * column(name)\n",
          out);
    size_t last = r->trace_count - 1;
    for (int group = 0; group < 2; group++) {
        fprintf(out, "%s newhistogram \"\"", group ? ", \\\n    " : "plot");
        for (size_t a = 0; a < r->allocator_count; a++) {
            const struct plot_allocator *p = &r->allocators[a];
            fputs(", \\\n    ", out);
            fputs(a == 0 && group == 0 ? "\"" : "'' ", out);
            if (a == 0 && group == 0)
                fprintf(out, "%s.dat\" ", chart->name);
            if (group == 0)
                fprintf(out, "every ::0::%zu ", last);
            else
                fprintf(out, "every ::%zu::%zu ", last + 1, last + 1);
            fputs("using (column_of(", out);
            plot_string(out, p->name);
            fprintf(out, "))%s lt %d ", a == 0 ? ":xtic(1)" : "",
                    plot_line_type(p->name));
            if (group == 0) {
                char value[64], legend[256];
                format_summary(summary_value(p, throughput), throughput,
                               value, sizeof value);
                snprintf(legend, sizeof legend, "%s (%s)", p->name, value);
                fputs("title ", out);
                plot_string(out, legend);
            } else {
                fputs("notitle", out);
            }
        }
    }
    fputc('\n', out);
    char file[64];
    snprintf(file, sizeof file, "%s.gp", chart->name);
    return plot_file_close(out, dir, file, error, size);
}

/* --- time against space --------------------------------------------------- */

/* Where a point's label goes, so that labels do not sit on each other. */
enum label_side { LABEL_RIGHT, LABEL_LEFT, LABEL_ABOVE, LABEL_BELOW };

struct label_box {
    double x0, x1, y0, y1; /* in graph fractions */
};

static struct label_box label_box(double x, double y, size_t chars,
                                  enum label_side side)
{
    double w = 0.011 * (double)chars + 0.01, h = 0.05;
    switch (side) {
    case LABEL_RIGHT:
        return (struct label_box){x + 0.015, x + 0.015 + w, y - h / 2,
                                  y + h / 2};
    case LABEL_LEFT:
        return (struct label_box){x - 0.015 - w, x - 0.015, y - h / 2,
                                  y + h / 2};
    case LABEL_ABOVE:
        return (struct label_box){x - w / 2, x + w / 2, y + 0.02,
                                  y + 0.02 + h};
    default:
        return (struct label_box){x - w / 2, x + w / 2, y - 0.02 - h,
                                  y - 0.02};
    }
}

static int boxes_meet(const struct label_box *a, const struct label_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static int write_tradeoff(const struct plot_results *r, const char *dir,
                          const char *source, char *error, size_t size)
{
    FILE *out = plot_file_open(dir, "tradeoff.dat", error, size);
    if (out == NULL)
        return -1;
    fprintf(out, "# time against space: one point per backend, from %s\n"
                 "# mean_util: mean utilization over the traces; "
                 "ops_per_sec: all ops / all seconds\n"
                 "allocator\tmean_util\tops_per_sec\n",
            source);
    double lo = INFINITY, hi = 0;
    for (size_t a = 0; a < r->allocator_count; a++) {
        const struct plot_allocator *p = &r->allocators[a];
        fputs(p->name, out);
        write_value(out, p->mean_util, 0);
        write_value(out, summary_value(p, 1), 1);
        fputc('\n', out);
        if (summary_value(p, 1) > 0) {
            lo = fmin(lo, p->ops_per_sec / 1000);
            hi = fmax(hi, p->ops_per_sec / 1000);
        }
    }
    if (plot_file_close(out, dir, "tradeoff.dat", error, size) != 0)
        return -1;
    if (!(hi > 0))
        lo = 1, hi = 10;
    double ylo = pow(10, floor(log10(lo) - 0.3));
    double yhi = pow(10, ceil(log10(hi) + 0.3));

    out = plot_script_open(dir, "tradeoff", "time against space: mean "
                           "utilization and total throughput per backend",
                           error, size);
    if (out == NULL)
        return -1;
    char title[512];
    snprintf(title, sizeof title,
             "Time against space: each backend's mean utilization and "
             "total throughput\n%zu backends on %zu traces (%s)",
             r->allocator_count, r->trace_count, source);
    fputs("set title ", out);
    plot_string(out, title);
    fprintf(out,
            "\nset xlabel \"space: mean utilization over the traces (%%)"
            "   better ->\"\n"
            "set ylabel \"time: total throughput (Kops/s, log scale)"
            "   better ->\"\n"
            "set xrange [0:100]\n"
            "set logscale y\n"
            "set yrange [%g:%g]\n"
            "set format y \"%%.0f\"\n"
            "set grid lc rgb \"#d0d0d0\" lw 1 dt solid\n"
            "set key outside right top vertical samplen 1 spacing 1.3\n"
            "set label \"Space: bad\\nTime: good\" at graph 0.02, graph 0.95 "
            "left tc rgb \"#808080\"\n"
            "set label \"Space: good\\nTime: good\" at graph 0.98, graph 0.95 "
            "right tc rgb \"#808080\"\n"
            "set label \"Space: bad\\nTime: bad\" at graph 0.02, graph 0.10 "
            "left tc rgb \"#808080\"\n"
            "set label \"Space: good\\nTime: bad\" at graph 0.98, graph 0.10 "
            "right tc rgb \"#808080\"\n",
            ylo, yhi);
    struct label_box placed[64];
    size_t placed_count = 0;
    fputs("plot", out);
    for (size_t a = 0; a < r->allocator_count; a++) {
        const struct plot_allocator *p = &r->allocators[a];
        int lt = plot_line_type(p->name);
        fprintf(out, "%s \\\n    %s every ::%zu::%zu using "
                     "(100 * column(\"mean_util\")):(column(\"ops_per_sec\") "
                     "/ 1000) with points lt %d pt 7 ps 2.5 title ",
                a ? "," : "", a ? "''" : "\"tradeoff.dat\"", a, a, lt);
        plot_string(out, p->name);
        /* the label on the side where it meets no earlier label */
        double x = isnan(p->mean_util) ? 0 : p->mean_util;
        double y = summary_value(p, 1) > 0
                       ? (log10(p->ops_per_sec / 1000) - log10(ylo)) /
                             (log10(yhi) - log10(ylo))
                       : 0;
        static const enum label_side order[] = {LABEL_RIGHT, LABEL_LEFT,
                                                LABEL_ABOVE, LABEL_BELOW};
        enum label_side side = x > 0.8 ? LABEL_LEFT : LABEL_RIGHT;
        for (size_t k = 0; k < 4; k++) {
            enum label_side s = order[k];
            if (x > 0.8 && s == LABEL_RIGHT)
                continue;
            struct label_box box = label_box(x, y, strlen(p->name), s);
            int free_here = 1;
            for (size_t j = 0; j < placed_count && free_here; j++)
                free_here = !boxes_meet(&box, &placed[j]);
            if (free_here) {
                side = s;
                break;
            }
        }
        if (placed_count < sizeof placed / sizeof placed[0])
            placed[placed_count++] = label_box(x, y, strlen(p->name), side);
        static const char *const placement[] = {
            "left offset char 1.2, char 0", "right offset char -1.2, char 0",
            "center offset char 0, char 1.3",
            "center offset char 0, char -1.3"};
        fprintf(out, ", \\\n    '' every ::%zu::%zu using "
                     "(100 * column(\"mean_util\")):(column(\"ops_per_sec\") "
                     "/ 1000):1 with labels %s tc lt %d notitle",
                a, a, placement[side], lt);
    }
    fputc('\n', out);
    return plot_file_close(out, dir, "tradeoff.gp", error, size);
}

/* --- all three ------------------------------------------------------------ */

int plot_charts(const struct plot_results *r, const char *source,
                struct plot_output *o)
{
    static const struct bar_chart charts[] = {
        {"util", "utilization per trace, one bar per backend",
         "Utilization per trace: peak live payload / peak footprint "
         "(higher is better)",
         "utilization (%)", "mean", 0},
        {"throughput", "throughput per trace, one bar per backend",
         "Throughput per trace: ops per second of the timed replays "
         "(higher is better)",
         "throughput (Kops/s, log scale)", "total", 1},
    };
    int rc = 0;
    char error[512];
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
        if (write_bar_data(r, &charts[i], o->dir, source, error,
                           sizeof error) != 0 ||
            write_bar_script(r, &charts[i], o->dir, source, error,
                             sizeof error) != 0) {
            fprintf(stderr, "heaplab: %s\n", error);
            o->failed++;
            rc = -1;
            continue;
        }
        rc |= plot_draw(o, charts[i].name);
    }
    if (write_tradeoff(r, o->dir, source, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab: %s\n", error);
        o->failed++;
        return -1;
    }
    rc |= plot_draw(o, "tradeoff");
    return rc;
}
