/*
 * cmd_bench.c -- `heaplab bench`: every backend on both suites (bench.h),
 * and `heaplab bench --scaling`: throughput against trace size, on traces
 * that `heaplab gen` makes (plot_scaling.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "option_values.h"
#include "plot.h"
#include "plot_scaling.h"
#include "select.h"
#include "bench.h"

static const char BENCH_USAGE[] =
    "usage: heaplab bench [OPTIONS] [SUITE_DIR ...]\n"
    "       heaplab bench --scaling [OPTIONS]\n"
    "\n"
    "Without --scaling: every backend on both suites, the shipped traces\n"
    "and the classic CS:APP ones (../shared/traces/csapp, its 11 -bal\n"
    "traces, when it is there), or on the SUITE_DIRs given, in --rounds\n"
    "rounds (each pair timed as 'heaplab run' does it).  Prints\n"
    "the driver's own cost per op and one table: throughput (the median\n"
    "over the rounds), its spread, mean utilization, the ratio to libc\n"
    "(taken within each round); writes -o FILE (JSON, default\n"
    "out/bench.json) and the plots of each suite in FILE's folder\n"
    "(bench-SUITE/).  docs/performance.md explains the method.\n"
    "\n"
    "  -a, --allocator NAME[,NAME...]  backends to run (default: all)\n"
    "  -o, --output FILE               the results (default: out/bench.json)\n"
    "      --rounds N                  rounds (default 3)\n"
    "      --no-plots                  no plots\n"
    "\n"
    "With --scaling:\n"
    "\n"
    "Throughput against trace size.  Generates traces of each pattern\n"
    "(heaplab gen) from 1000 ops up to --max-ops, half a decade apart, runs\n"
    "every backend on each (a child process per run, as 'heaplab run'\n"
    "does), and draws DIR/scaling.png with gnuplot: log-log, one line per\n"
    "backend, one panel per pattern, beside its data (scaling-PATTERN.dat)\n"
    "and script (scaling.gp).  A backend that fails or takes longer than\n"
    "the limit at one size is not run at the larger ones: its line stops.\n"
    "\n"
    "options:\n"
    "      --scaling                   this benchmark\n"
    "  -a, --allocator NAME[,NAME...]  backends to run (default: all)\n"
    "  -p, --pattern NAME              a pattern of 'heaplab gen --list';\n"
    "                                  again for more (default:\n"
    "                                  random-random and worst)\n"
    "  -n, --max-ops N                 the largest trace (default 1000000)\n"
    "  -t, --timeout SECS              wall-clock limit per run (default 60)\n"
    "  -r, --repeat K                  timed replays per run (default 3)\n"
    "  -o, --output DIR                where the plot goes (default: out)\n"
    "  -h, --help                      this text\n"
    "\n"
    "Exit status: 0 drawn, 1 gnuplot failed, 2 a usage error, a file that\n"
    "cannot be written, or gnuplot is not installed.  Without --scaling:\n"
    "0 every run passed or ran out of memory (a backend with a fixed heap\n"
    "that a trace does not fit; the passed column shows it), 1 a run\n"
    "failed otherwise or a plot could not be drawn, 2 as above.\n";

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab bench: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab bench --help')\n", stderr);
    return 2;
}

/* `heaplab bench` without --scaling: the suites (bench.h). */
static int bench_command(struct bench_options *o, const char *allocators,
                         const char *output, int argc, char **argv)
{
    if (argc - optind > BENCH_MAX_SUITES)
        return usage_error("at most 4 suites, not also '%s'",
                           argv[optind + BENCH_MAX_SUITES]);
    for (int i = optind; i < argc; i++)
        o->suites[o->suite_count++] = argv[i];
    char command[1024] = "heaplab";
    for (int i = 0; i < argc; i++) {
        size_t used = strlen(command);
        snprintf(command + used, sizeof command - used, " %s", argv[i]);
    }
    o->command = command;
    o->json_path = output != NULL ? output : "out/bench.json";
    struct selection selection;
    char error[256];
    if (select_allocators(allocators, &selection, error, sizeof error) != 0)
        return usage_error("%s", error);
    o->allocators = selection.allocators;
    o->allocator_count = selection.count;
    int status = bench_suites(o);
    select_free(&selection);
    return status;
}

int cmd_bench(int argc, char **argv)
{
    static const struct option options[] = {
        {"scaling", no_argument, NULL, 'S'},
        {"allocator", required_argument, NULL, 'a'},
        {"pattern", required_argument, NULL, 'p'},
        {"max-ops", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},
        {"repeat", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'o'},
        {"rounds", required_argument, NULL, 'R'},
        {"no-plots", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct scaling_options s = {.max_ops = 1000000,
                                .timeout_seconds = 60,
                                .repeat = 3,
                                .progress = stdout};
    const char *allocators = NULL, *dir = NULL;
    int scaling = 0;
    struct bench_options suites = {.rounds = 3, .plots = 1, .out = stdout};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":a:p:n:t:r:o:h", options, NULL)) !=
           -1) {
        uint64_t number;
        switch (c) {
        case 'S':
            scaling = 1;
            break;
        case 'a':
            allocators = optarg;
            break;
        case 'p':
            if (s.pattern_count == SCALING_MAX_PATTERNS)
                return usage_error("at most 4 patterns, not also '%s'",
                                   optarg);
            s.patterns[s.pattern_count++] = optarg;
            break;
        case 'n':
            if (option_number(optarg, 0, SCALING_MIN_OPS, 100000000,
                              &number) != 0)
                return usage_error("--max-ops needs a count from 1000 to "
                                   "100000000, not '%s'",
                                   optarg);
            s.max_ops = number;
            break;
        case 't':
            if (option_seconds(optarg, &s.timeout_seconds) != 0)
                return usage_error("--timeout needs a positive number of "
                                   "seconds, not '%s'",
                                   optarg);
            break;
        case 'r':
            if (option_number(optarg, 0, 1, 1000, &number) != 0)
                return usage_error("--repeat needs a count from 1 to 1000, "
                                   "not '%s'",
                                   optarg);
            s.repeat = (unsigned)number;
            break;
        case 'o':
            dir = optarg;
            break;
        case 'R':
            if (option_number(optarg, 0, 1, 64, &number) != 0)
                return usage_error("--rounds needs a count from 1 to 64, "
                                   "not '%s'",
                                   optarg);
            suites.rounds = (unsigned)number;
            break;
        case 'N':
            suites.plots = 0;
            break;
        case 'h':
            fputs(BENCH_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!scaling)
        return bench_command(&suites, allocators, dir, argc, argv);
    if (dir == NULL)
        dir = "out";
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (s.pattern_count == 0) {
        s.patterns[s.pattern_count++] = "random-random";
        s.patterns[s.pattern_count++] = "worst";
    }
    if (!plot_gnuplot_found()) {
        fprintf(stderr, "heaplab bench: %s\n", PLOT_GNUPLOT_INSTALL);
        return 2;
    }
    struct selection selection;
    char error[256];
    if (select_allocators(allocators, &selection, error, sizeof error) != 0)
        return usage_error("%s", error);
    s.allocators = selection.allocators;
    s.allocator_count = selection.count;

    int status = 0;
    if (plot_make_folder(dir) != 0) {
        fprintf(stderr, "heaplab bench: %s: cannot make the folder: %s\n", dir,
                strerror(errno));
        status = 2;
    } else if (plot_style_write(dir, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab bench: %s\n", error);
        status = 2;
    } else if (scaling_measure(&s, dir) != 0) {
        status = 2;
    } else {
        struct plot_output o = {.dir = dir, .out = stdout};
        printf("\nplot:\n");
        status = plot_draw(&o, "scaling") == 0 ? 0 : 1;
    }
    select_free(&selection);
    return status;
}
