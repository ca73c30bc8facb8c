/*
 * plot_run.c -- the plots' part of `heaplab run` (see plot_run.h).
 */
#include "plot_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"

int plot_run_prepare(struct plot_run *p, const struct trace *traces,
                     const int *loaded, size_t count)
{
    if (p->plot_dir != NULL && p->timeline_dir != NULL &&
        strcmp(p->plot_dir, p->timeline_dir) != 0) {
        fprintf(stderr,
                "heaplab run: --plot %s draws the timeline it "
                "records there: leave out --timeline %s\n",
                p->plot_dir, p->timeline_dir);
        return 2;
    }
    if (p->plot_dir != NULL && p->timeline_dir == NULL)
        p->timeline_dir = p->plot_dir;
    if (p->timeline_dir == NULL)
        return 0;
    for (size_t i = 0; i < count && p->chosen == NULL; i++)
        if (loaded[i] &&
            (p->trace == NULL || strcmp(traces[i].name, p->trace) == 0))
            p->chosen = traces[i].name;
    if (p->chosen == NULL && p->trace != NULL) {
        fprintf(stderr,
                "heaplab run: --plot-trace %s: no trace of this "
                "run is called that (a trace's name is its file "
                "name without .rep)\n",
                p->trace);
        return 2;
    }
    if (plot_make_folder(p->timeline_dir) != 0) {
        fprintf(stderr, "heaplab run: %s: cannot make the folder: %s\n",
                p->timeline_dir, strerror(errno));
        return 2;
    }
    return 0;
}

const struct timeline_request *plot_run_request(struct plot_run *p,
                                                const struct allocator *a,
                                                const struct trace *t)
{
    if (p->timeline_dir == NULL || p->chosen == NULL ||
        strcmp(t->name, p->chosen) != 0)
        return NULL;
    plot_timeline_paths(p->timeline_dir, t->name, a->name, p->samples_path,
                        p->heapmap_path, sizeof p->samples_path);
    /* a crashed run writes nothing: no old data may stand in for it */
    unlink(p->samples_path);
    unlink(p->heapmap_path);
    p->request = (struct timeline_request){
        .samples_path = p->samples_path,
        .heapmap_path = a->walk != NULL ? p->heapmap_path : NULL,
        .heapmap_op = p->heapmap_op,
        .trace_name = t->name,
    };
    return &p->request;
}

int plot_run_finish(struct plot_run *p, const struct report *report,
                    int status)
{
    if (p->plot_dir == NULL)
        return status;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/results.json", p->plot_dir);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "heaplab run: %s: cannot write: %s\n", path,
                strerror(errno));
        return 2;
    }
    report_json(out, report);
    int failed = ferror(out) != 0;
    failed |= fclose(out) != 0;
    if (failed) {
        fprintf(stderr, "heaplab run: %s: write failed\n", path);
        return 2;
    }
    fflush(stdout);
    struct plot_output o = {
        .dir = p->plot_dir, .only_trace = p->chosen, .out = stdout};
    putchar('\n');
    int plotted = plot_all(path, &o, "run");
    return plotted > status ? plotted : status;
}
