/*
 * cmd_plot.c -- `heaplab plot`: the plots of an earlier run, from its JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "plot.h"

static const char PLOT_USAGE[] =
    "usage: heaplab plot [-o DIR] [--svg] RESULTS.json\n"
    "\n"
    "Draws the plots of a run from its results (heaplab run -f json -o\n"
    "RESULTS.json) with gnuplot, and prints the images' paths:\n"
    "\n"
    "  util.png        utilization per trace, one bar per backend\n"
    "  throughput.png  throughput per trace (Kops/s, log scale)\n"
    "  tradeoff.png    time against space: one point per backend\n"
    "\n"
    "and, from the data files that 'heaplab run --timeline DIR' records in\n"
    "DIR, for its trace T:\n"
    "\n"
    "  timeline-T.png    footprint and live payload against op number\n"
    "  heapmap-T-A.png   the blocks of backend A's heap (backends with a\n"
    "                    walk)\n"
    "\n"
    "Beside each image lie its data (.dat) and the gnuplot script that drew\n"
    "it (.gp); style.gp holds the size and the colours of them all.  Edit a\n"
    "script and run 'gnuplot NAME.gp' in DIR to redraw.  docs/plots.md\n"
    "tells how to read each plot.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR  where the plots go, made when missing (default:\n"
    "                    the folder of RESULTS.json)\n"
    "      --svg         also draw each plot as SVG\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit status: 0 every plot drawn, 1 a plot failed (gnuplot failed or\n"
    "warned), 2 a usage or input error, or gnuplot is not installed.\n";

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab plot: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab plot --help')\n", stderr);
    return 2;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"svg", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct plot_output o = {.out = stdout};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            o.dir = optarg;
            break;
        case 's':
            o.svg = 1;
            break;
        case 'h':
            fputs(PLOT_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        return usage_error("%s", "which results? give RESULTS.json");
    if (optind + 1 < argc)
        return usage_error("one RESULTS.json, not also '%s'",
                           argv[optind + 1]);
    const char *results = argv[optind];
    char folder[4096];
    if (o.dir == NULL) {
        const char *slash = strrchr(results, '/');
        if (slash == NULL)
            snprintf(folder, sizeof folder, ".");
        else
            snprintf(folder, sizeof folder, "%.*s",
                     (int)((slash - results) ? slash - results : 1), results);
        o.dir = folder;
    }
    return plot_all(results, &o, "plot");
}
