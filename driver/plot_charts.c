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

/* --- the two bar charts ---------------------------------------------------
 */

struct bar_chart {
    const char *name;  /* util, throughput */
    const char *what;  /* the script's first comment line */
    const char *title; /* first title line */
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

/*
 * Pages: with many backends and many traces the bars would be thinner
 * than a few pixels, so the traces are shared out over several images
 * (NAME.png, NAME-2.png, ...), each with the suite's group at its end.
 */
enum { BAR_UNITS_PER_PAGE = 300 }; /* bars and gaps across the x axis */

static size_t bar_pages(const struct plot_results *r, size_t *per_page)
{
    double group = (double)r->allocator_count + 1.5;
    size_t groups = (size_t)(BAR_UNITS_PER_PAGE / group);
    size_t most = groups > 2 ? groups - 1 : 1; /* one group is the suite's */
    size_t pages = (r->trace_count + most - 1) / most;
    *per_page = (r->trace_count + pages - 1) / pages; /* even pages */
    return pages;
}

/* Page `page` (1-based) of `pages`: traces [first, last]. */
static int write_bar_script(const struct plot_results *r,
                            const struct bar_chart *chart, const char *dir,
                            const char *source, size_t page, size_t pages,
                            size_t first, size_t last, char *error,
                            size_t size)
{
    char name[64];
    if (page == 1)
        snprintf(name, sizeof name, "%s", chart->name);
    else
        snprintf(name, sizeof name, "%s-%zu", chart->name, page);
    FILE *out = plot_script_open(dir, name, chart->what, error, size);
    if (out == NULL)
        return -1;
    int throughput = chart->throughput;
    fputs("set title ", out);
    char title[512], part[64] = "";
    if (pages > 1)
        snprintf(part, sizeof part, ", traces %zu-%zu of %zu", first + 1,
                 last + 1, r->trace_count);
    snprintf(title, sizeof title, "%s\n%zu backends on %zu traces (%s%s)",
             chart->title, r->allocator_count, r->trace_count, source, part);
    plot_string(out, title);
    fprintf(out,
            "\nset ylabel \"%s\"\n"
            "set style data histograms\n"
            "set style histogram clustered gap 1.5\n"
            "set ytics nomirror\n"
            "set grid ytics lc rgb \"#d0d0d0\" lw 1 dt solid\n",
            chart->ylabel);
    /* the legend: under the plot while it fits in two rows, else beside */
    if (r->allocator_count > 8)
        fputs("set key outside right top vertical samplen 1.5 "
              "spacing 1.1\n",
              out);
    else
        fputs("set key outside bottom center horizontal samplen 1.5 "
              "width 1 height 0.6\n",
              out);
    /* a trace's name under its group: level while they fit, then slanted */
    size_t groups = last - first + 2;
    size_t bars = groups * r->allocator_count;
    fprintf(out, "set xtics nomirror scale 0%s\n",
            groups > 7 ? " rotate by 40 right" : "");
    fprintf(out, "set style fill solid 1.0 %s\n",
            bars > 60 ? "noborder" : "border rgb \"#404040\"");
    fprintf(out, "set xlabel \"trace%s\"\n",
            any_missing(r, throughput)
                ? "  (no bar: the run failed or was not measured)"
                : "");
    if (throughput) {
        double lo, hi;
        throughput_range(r, &lo, &hi);
        fprintf(out, "set logscale y\nset yrange [%g:%g]\n", lo, hi);
        fputs("set format y \"%.0f\"\n", out);
    } else {
        fputs("set yrange [0:100]\n", out);
    }
    fputs("column_of(name) = ", out);
    fputs(throughput ? "column(name) / 1000\n" : "100 * column(name)\n", out);
    size_t suite_row = r->trace_count;
    for (int group = 0; group < 2; group++) {
        fprintf(out, "%s newhistogram \"\"", group ? ", \\\n    " : "plot");
        for (size_t a = 0; a < r->allocator_count; a++) {
            const struct plot_allocator *p = &r->allocators[a];
            fputs(", \\\n    ", out);
            if (a == 0 && group == 0)
                fprintf(out, "\"%s.dat\" ", chart->name);
            else
                fputs("'' ", out);
            if (group == 0)
                fprintf(out, "every ::%zu::%zu ", first, last);
            else
                fprintf(out, "every ::%zu::%zu ", suite_row, suite_row);
            fputs("using (column_of(", out);
            plot_string(out, p->name);
            fprintf(out, "))%s lt %d ", a == 0 ? ":xtic(1)" : "",
                    plot_line_type(p->name));
            if (group == 0) {
                char value[64], legend[256];
                format_summary(summary_value(p, throughput), throughput, value,
                               sizeof value);
                snprintf(legend, sizeof legend, "%s (%s)", p->name, value);
                fputs("title ", out);
                plot_string(out, legend);
            } else {
                fputs("notitle", out);
            }
        }
    }
    fputc('\n', out);
    char file[80];
    snprintf(file, sizeof file, "%s.gp", name);
    if (plot_file_close(out, dir, file, error, size) != 0)
        return -1;
    return 0;
}

/* The data, then each page's script, drawn. */
static int draw_bar_chart(const struct plot_results *r,
                          const struct bar_chart *chart, const char *source,
                          struct plot_output *o)
{
    char error[512];
    if (write_bar_data(r, chart, o->dir, source, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab: %s\n", error);
        o->failed++;
        return -1;
    }
    size_t per_page, pages = bar_pages(r, &per_page);
    int rc = 0;
    for (size_t page = 1; page <= pages; page++) {
        size_t first = (page - 1) * per_page;
        size_t last = first + per_page - 1;
        if (last >= r->trace_count)
            last = r->trace_count - 1;
        if (write_bar_script(r, chart, o->dir, source, page, pages, first,
                             last, error, sizeof error) != 0) {
            fprintf(stderr, "heaplab: %s\n", error);
            o->failed++;
            rc = -1;
            continue;
        }
        char name[64];
        if (page == 1)
            snprintf(name, sizeof name, "%s", chart->name);
        else
            snprintf(name, sizeof name, "%s-%zu", chart->name, page);
        rc |= plot_draw(o, name);
    }
    return rc;
}

/* --- time against space ---------------------------------------------------
 */

/*
 * Where a point's label goes: of eight places around the point, the first
 * that meets no point, no earlier label and no corner note, else the one
 * that overlaps them least.  Sizes are in fractions of the graph (a
 * character of the 1200x700 terminal is about 0.0105 wide, 0.035 high).
 */
enum label_side {
    LABEL_RIGHT,
    LABEL_LEFT,
    LABEL_ABOVE,
    LABEL_BELOW,
    LABEL_ABOVE_RIGHT,
    LABEL_BELOW_RIGHT,
    LABEL_ABOVE_LEFT,
    LABEL_BELOW_LEFT,
    LABEL_SIDES
};

/* How gnuplot places each (`with labels ...`). */
static const char *const LABEL_PLACEMENT[LABEL_SIDES] = {
    "left offset char 1.2, char 0",     "right offset char -1.2, char 0",
    "center offset char 0, char 1.3",   "center offset char 0, char -1.3",
    "left offset char 0.8, char 1.1",   "left offset char 0.8, char -1.1",
    "right offset char -0.8, char 1.1", "right offset char -0.8, char -1.1",
};

struct label_box {
    double x0, x1, y0, y1; /* in graph fractions */
};

static struct label_box label_box(double x, double y, size_t chars,
                                  enum label_side side)
{
    static const double CHAR_W = 0.0105, H = 0.035;
    double w = CHAR_W * (double)chars;
    double dx[LABEL_SIDES] = {1.2 * CHAR_W,
                              -1.2 * CHAR_W - w,
                              -w / 2,
                              -w / 2,
                              0.8 * CHAR_W,
                              0.8 * CHAR_W,
                              -0.8 * CHAR_W - w,
                              -0.8 * CHAR_W - w};
    double dy[LABEL_SIDES] = {0,       0,        1.3 * H, -1.3 * H,
                              1.1 * H, -1.1 * H, 1.1 * H, -1.1 * H};
    double x0 = x + dx[side], yc = y + dy[side];
    return (struct label_box){x0, x0 + w, yc - H / 2, yc + H / 2};
}

static double overlap(const struct label_box *a, const struct label_box *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
    double h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Chooses a side for a label of `chars` at (x, y), given what is placed
 * (skip: the label's own point). */
static enum label_side place_label(double x, double y, size_t chars,
                                   const struct label_box *placed,
                                   size_t count, size_t skip)
{
    enum label_side best = LABEL_RIGHT;
    double best_cost = INFINITY;
    for (int side = 0; side < LABEL_SIDES; side++) {
        struct label_box box = label_box(x, y, chars, (enum label_side)side);
        double cost = 0;
        if (box.x0 < 0 || box.x1 > 1 || box.y0 < 0 || box.y1 > 1)
            cost += 1; /* outside the graph: worse than any overlap */
        for (size_t j = 0; j < count; j++)
            if (j != skip)
                cost += overlap(&box, &placed[j]);
        if (cost < best_cost) {
            best_cost = cost;
            best = (enum label_side)side;
        }
        if (cost == 0)
            break;
    }
    return best;
}

static int write_tradeoff(const struct plot_results *r, const char *dir,
                          const char *source, char *error, size_t size)
{
    FILE *out = plot_file_open(dir, "tradeoff.dat", error, size);
    if (out == NULL)
        return -1;
    fprintf(out,
            "# time against space: one point per backend, from %s\n"
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

    out = plot_script_open(dir, "tradeoff",
                           "time against space: mean "
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
    /* every point and corner note in graph fractions, then the labels */
    enum { MAX_POINTS = 64 };
    struct label_box placed[2 * MAX_POINTS + 4] = {
        {0, 0.15, 0.84, 1},
        {0.85, 1, 0.84, 1}, /* the corner notes */
        {0, 0.15, 0, 0.16},
        {0.85, 1, 0, 0.16},
    };
    size_t placed_count = 4;
    size_t points =
        r->allocator_count < MAX_POINTS ? r->allocator_count : MAX_POINTS;
    double px[MAX_POINTS], py[MAX_POINTS];
    for (size_t a = 0; a < points; a++) {
        const struct plot_allocator *p = &r->allocators[a];
        px[a] = isnan(p->mean_util) ? 0 : p->mean_util;
        py[a] = summary_value(p, 1) > 0
                    ? (log10(p->ops_per_sec / 1000) - log10(ylo)) /
                          (log10(yhi) - log10(ylo))
                    : 0;
        placed[placed_count++] = (struct label_box){
            px[a] - 0.012, px[a] + 0.012, py[a] - 0.02, py[a] + 0.02};
    }
    fputs("plot", out);
    for (size_t a = 0; a < r->allocator_count; a++) {
        const struct plot_allocator *p = &r->allocators[a];
        int lt = plot_line_type(p->name);
        fprintf(out,
                "%s \\\n    %s every ::%zu::%zu using "
                "(100 * column(\"mean_util\")):(column(\"ops_per_sec\") "
                "/ 1000) with points lt %d pt 7 ps 2.5 title ",
                a ? "," : "", a ? "''" : "\"tradeoff.dat\"", a, a, lt);
        plot_string(out, p->name);
        enum label_side side = LABEL_RIGHT;
        if (a < points) {
            side = place_label(px[a], py[a], strlen(p->name), placed,
                               placed_count, 4 + a);
            placed[placed_count++] =
                label_box(px[a], py[a], strlen(p->name), side);
        }
        fprintf(out,
                ", \\\n    '' every ::%zu::%zu using "
                "(100 * column(\"mean_util\")):(column(\"ops_per_sec\") "
                "/ 1000):1 with labels %s tc lt %d notitle",
                a, a, LABEL_PLACEMENT[side], lt);
    }
    fputc('\n', out);
    return plot_file_close(out, dir, "tradeoff.gp", error, size);
}

/* --- all three ------------------------------------------------------------
 */

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
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
        rc |= draw_bar_chart(r, &charts[i], source, o);
    if (write_tradeoff(r, o->dir, source, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab: %s\n", error);
        o->failed++;
        return -1;
    }
    rc |= plot_draw(o, "tradeoff");
    return rc;
}
