/*
 * plot.c -- every plot of a run, as `heaplab plot` and `heaplab run --plot`
 * draw them (see plot.h).
 */
#include "plot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int plot_make_folder(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int plot_all(const char *results_path, struct plot_output *o,
             const char *command)
{
    if (!plot_gnuplot_found()) {
        fprintf(stderr, "heaplab %s: %s\n", command, PLOT_GNUPLOT_INSTALL);
        return 2;
    }
    if (plot_make_folder(o->dir) != 0) {
        fprintf(stderr, "heaplab %s: %s: cannot make the folder: %s\n",
                command, o->dir, strerror(errno));
        return 2;
    }
    struct plot_results results;
    char error[1024];
    if (plot_results_load(results_path, &results, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab %s: %s\n", command, error);
        return 2;
    }
    if (plot_style_write(o->dir, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab %s: %s\n", command, error);
        plot_results_free(&results);
        return 2;
    }
    fprintf(o->out, "plots of %s:\n", results_path);
    plot_charts(&results, results_path, o);
    plot_timelines(o);
    plot_results_free(&results);
    return o->failed ? 1 : 0;
}
