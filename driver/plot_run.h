/*
 * plot_run.h -- the plots' part of `heaplab run`: --plot DIR, --timeline
 * DIR, --plot-trace NAME, --heapmap-op N.
 *
 * One trace of the run (the plot trace: NAME, or the first) gets a
 * timeline: its checked replays record footprint samples and heap maps
 * into the timeline folder (timeline.h).  With --plot DIR, when the run is
 * over, its results go to DIR/results.json and every plot is drawn in DIR
 * as `heaplab plot` draws it.
 */
#ifndef HEAPLAB_PLOT_RUN_H
#define HEAPLAB_PLOT_RUN_H

#include <limits.h>
#include <stdint.h>

#include "heaplab/allocator.h"
#include "report.h"
#include "timeline.h"
#include "trace.h"

struct plot_run {
    const char *plot_dir;     /* --plot DIR; NULL: no plots */
    const char *timeline_dir; /* --timeline DIR, or plot_dir */
    const char *trace;        /* --plot-trace NAME; NULL: the first */
    uint64_t heapmap_op;      /* --heapmap-op N; 0: at peak footprint */
    const char *chosen;       /* the plot trace's name, once chosen */
    struct timeline_request request;
    char samples_path[PATH_MAX];
    char heapmap_path[PATH_MAX];
};

/*
 * Chooses the plot trace among the loaded traces (loaded[i] non-zero) and
 * makes the timeline folder.  0, or 2 after a one-line message (a --plot-
 * trace that names no trace of the run, a folder that cannot be made).
 */
int plot_run_prepare(struct plot_run *p, const struct trace *traces,
                     const int *loaded, size_t count);

/* The timeline request for backend a on trace t, or NULL (not the plot
 * trace, or no timeline asked for).  Removes the pair's old data files. */
const struct timeline_request *plot_run_request(struct plot_run *p,
                                                const struct allocator *a,
                                                const struct trace *t);

/* With --plot: writes DIR/results.json and draws every plot, printing the
 * paths.  Returns the run's exit status made worse by the plots' (1 a plot
 * failed, 2 no gnuplot or a file that cannot be written). */
int plot_run_finish(struct plot_run *p, const struct report *report,
                    int status);

#endif /* HEAPLAB_PLOT_RUN_H */
