/*
 * plot.h -- the plots of heaplab (docs/plots.md).  heaplab writes the
 * numbers as data files (tab separated, a first line of column names) and
 * a gnuplot script beside each; gnuplot draws every image.  An instructor
 * restyles a plot by editing its script, or all of them by editing
 * style.gp, and running `gnuplot NAME.gp` in the folder.
 *
 *   util          utilization per trace, one bar per backend   (results)
 *   throughput    throughput per trace, log scale              (results)
 *   tradeoff      mean utilization against total throughput    (results)
 *   timeline-T    footprint and live payload against op number (timeline)
 *   heapmap-T-A   the blocks of backend A's heap on trace T    (timeline)
 *   scaling       throughput against trace size                (bench)
 *
 * Colours: one per backend, fixed by its place in the registry (the
 * lecture's order), the same in every plot.
 */
#ifndef HEAPLAB_PLOT_H
#define HEAPLAB_PLOT_H

#include <stddef.h>
#include <stdio.h>

/* --- results, read back from `heaplab run --format json` (plot_results.c) */

struct plot_cell {
    int present;        /* this (trace, backend) pair was run */
    int ok;             /* status "ok" */
    double util;        /* NAN: not measured */
    double ops_per_sec; /* NAN: not measured */
};

struct plot_allocator {
    char *name;
    double mean_util;   /* from "summary"; NAN: none */
    double ops_per_sec; /* total throughput, from "summary"; NAN: none */
    size_t runs, passed;
};

struct plot_results {
    struct plot_allocator *allocators; /* the lecture's order */
    size_t allocator_count;
    char **traces; /* as they first appear */
    size_t trace_count;
    struct plot_cell *cells; /* trace-major */
};

/* Reads a results file; 0, or -1 with "FILE:LINE: why" in error. */
int plot_results_load(const char *path, struct plot_results *results,
                      char *error, size_t error_size);
void plot_results_free(struct plot_results *results);

static inline const struct plot_cell *plot_cell(const struct plot_results *r,
                                                size_t trace, size_t allocator)
{
    return &r->cells[trace * r->allocator_count + allocator];
}

/* --- style (plot_style.c) ------------------------------------------------ */

/* The gnuplot linetype of a backend (1-based; defined in style.gp):
 * its registry place + 1, or a fixed spare one for an unknown name. */
int plot_line_type(const char *allocator);

/* "#rrggbb" of a linetype; `tint` in [0, 1] mixes it with white. */
void plot_color(int line_type, double tint, char out[8]);

/* name with every character but [A-Za-z0-9._+-] made '_', for file
 * names. */
void plot_file_name(const char *name, char *out, size_t size);

/* Writes s as a gnuplot string in double quotes. */
void plot_string(FILE *out, const char *s);

/*
 * Opens DIR/NAME.gp and writes its opening: what drew it, and the common
 * settings (load "style.gp").  NULL, with the reason in error, when it
 * cannot be written.
 */
FILE *plot_script_open(const char *dir, const char *name, const char *what,
                       char *error, size_t error_size);

/* Writes DIR/style.gp: the terminal and the palette.  0, or -1. */
int plot_style_write(const char *dir, char *error, size_t error_size);

/* Opens DIR/NAME for writing; NULL with the reason in error. */
FILE *plot_file_open(const char *dir, const char *name, char *error,
                     size_t error_size);

/* Closes a file opened above; 0, or -1 with the reason in error. */
int plot_file_close(FILE *file, const char *dir, const char *name, char *error,
                    size_t error_size);

/* --- gnuplot (plot_gnuplot.c) ------------------------------------------- */

/* How to install gnuplot, for messages. */
extern const char PLOT_GNUPLOT_INSTALL[];

/* Non-zero when a `gnuplot` is on PATH. */
int plot_gnuplot_found(void);

/*
 * Runs `gnuplot -e 'out_format="FORMAT"' SCRIPT` in dir.  0 when gnuplot
 * exits 0 and says nothing; -1 otherwise, with its first words in error
 * (a warning counts as a failure).
 */
int plot_gnuplot_run(const char *dir, const char *script, const char *format,
                     char *error, size_t error_size);

/* --- drawing ------------------------------------------------------------ */

struct plot_output {
    const char *dir;        /* where data, scripts and images go */
    int svg;                /* also draw SVG */
    const char *only_trace; /* timelines and heap maps of this trace only;
                               NULL: of every trace with data in dir */
    FILE *out;              /* the images' paths and notes, one a line */
    size_t drawn;           /* images drawn */
    size_t failed;          /* scripts that failed */
};

/* Runs NAME.gp in o->dir (PNG, and SVG when asked); prints the images'
 * paths or the failure.  0 or -1. */
int plot_draw(struct plot_output *o, const char *name);

/* Kinds 1-3 from results (plot_charts.c); source names them in titles. */
int plot_charts(const struct plot_results *results, const char *source,
                struct plot_output *o);

/* Kinds 4-5 from the timeline data files in o->dir (plot_timeline.c). */
int plot_timelines(struct plot_output *o);

/* The data files `heaplab run --timeline DIR` writes for a pair. */
void plot_timeline_paths(const char *dir, const char *trace,
                         const char *allocator, char *samples, char *heapmap,
                         size_t size);

/* mkdir -p dir; 0, or -1 with errno set. */
int plot_make_folder(const char *dir);

/* What `heaplab plot` does: writes style.gp, draws kinds 1-3 from the
 * results file and 4-5 from the data in o->dir.  Returns the exit status
 * (0 drawn, 1 a plot failed, 2 an input error or no gnuplot). */
int plot_all(const char *results_path, struct plot_output *o,
             const char *command);

#endif /* HEAPLAB_PLOT_H */
