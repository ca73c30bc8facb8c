/*
 * cmd_run.c -- `heaplab run`: replay traces against backends, check every
 * op, measure utilization and throughput, print a table, CSV or JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "heaplab/registry.h"
#include "measure.h"
#include "option_values.h"
#include "plot_run.h"
#include "report.h"
#include "rounds.h"
#include "runner.h"
#include "select.h"
#include "trace.h"

static const char RUN_USAGE[] =
    "usage: heaplab run [OPTIONS] [TRACE|DIR ...]\n"
    "\n"
    "Replays each trace against each backend, every (backend, trace) pair in\n"
    "a child process of its own on a fresh heap, checks every op, and\n"
    "reports utilization and throughput.  With no TRACE it runs the shipped\n"
    "suite (traces/*.rep); a DIR means every *.rep file in it.\n"
    "\n"
    "options:\n"
    "  -a, --allocator NAME[,NAME...]  backends to run (default: all; see\n"
    "                                  'heaplab list')\n"
    "  -f, --format table|csv|json     output format (default: table, or the\n"
    "                                  extension of -o FILE: .csv, .json)\n"
    "  -o, --output FILE               write the results to FILE\n"
    "  -r, --repeat K                  timed replays per trace, after one\n"
    "                                  warm-up, the median (default: 5\n"
    "                                  rounds spread over the run, each\n"
    "                                  at least 0.05 s while the core is\n"
    "                                  quiet, the fastest one)\n"
    "      --no-timing                 correctness and utilization only\n"
    "      --measure time|instructions time the replay (ops per second, the\n"
    "                                  default), or count the instructions\n"
    "                                  per op inside the backend's calls:\n"
    "                                  the same on every run (perf, or\n"
    "                                  valgrind's callgrind; docs/\n"
    "                                  performance.md)\n"
    "      --callgrind-pass            (internal) one pass of -a NAME on\n"
    "                                  TRACE, counted by an outer callgrind\n"
    "  -c, --check-heap[=N]            call the backend's heap checker\n"
    "                                  after every op, or every N ops\n"
    "  -t, --timeout SECS              wall-clock limit per run (default 60)\n"
    "  -v, --verbose                   also print what each backend printed\n"
    "      --stop-at LINE|worst        replay up to trace line LINE (or the\n"
    "                                  op where footprint - payload peaked)\n"
    "                                  and print the heap there\n"
    "      --explain                   add the usual cause to each failure\n"
    "      --plot DIR                  also write DIR/results.json and draw\n"
    "                                  the plots in DIR (docs/plots.md)\n"
    "      --timeline DIR              record the plot trace's footprint\n"
    "                                  samples and heap maps in DIR (implied\n"
    "                                  by --plot)\n"
    "      --plot-trace NAME           the trace to record (default: the\n"
    "                                  first)\n"
    "      --heapmap-op N              heap maps after op N (default: where\n"
    "                                  the footprint peaks)\n"
    "  -h, --help                      this text\n"
    "\n"
    "Exit status: 0 every run ok, 1 a run failed a check, crashed or timed\n"
    "out, 2 a usage or input error (the other runs still happen).\n";

enum output_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

struct run_settings {
    struct replay_options replay;
    struct runner_options limits;
    enum output_format format;
    int format_given;
    const char *output_path;
    const char *allocators;
    int verbose;
    int explain;
    int callgrind_pass;
    struct plot_run plot;
};

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab run: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab run --help')\n", stderr);
    return 2;
}

static int parse_format(const char *text, enum output_format *format)
{
    if (strcmp(text, "table") == 0)
        *format = FORMAT_TABLE;
    else if (strcmp(text, "csv") == 0)
        *format = FORMAT_CSV;
    else if (strcmp(text, "json") == 0)
        *format = FORMAT_JSON;
    else
        return -1;
    return 0;
}

static int parse_options(int argc, char **argv, struct run_settings *s)
{
    static const struct option options[] = {
        {"allocator", required_argument, NULL, 'a'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"repeat", required_argument, NULL, 'r'},
        {"no-timing", no_argument, NULL, 'n'},
        {"measure", required_argument, NULL, 'M'},
        {"callgrind-pass", no_argument, NULL, 'G'},
        {"check-heap", optional_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"verbose", no_argument, NULL, 'v'},
        {"plot", required_argument, NULL, 'P'},
        {"timeline", required_argument, NULL, 'L'},
        {"plot-trace", required_argument, NULL, 'T'},
        {"heapmap-op", required_argument, NULL, 'H'},
        {"stop-at", required_argument, NULL, 'S'},
        {"explain", no_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":a:f:o:r:c::t:vh", options, NULL)) !=
           -1) {
        uint64_t n;
        switch (c) {
        case 'a':
            s->allocators = optarg;
            break;
        case 'f':
            if (parse_format(optarg, &s->format) != 0)
                return usage_error("unknown format '%s': use table, csv or "
                                   "json",
                                   optarg);
            s->format_given = 1;
            break;
        case 'o':
            s->output_path = optarg;
            break;
        case 'r':
            if (option_number(optarg, 0, 1, 100000, &n) != 0)
                return usage_error("--repeat needs a count from 1 to 100000, "
                                   "not '%s'",
                                   optarg);
            s->replay.repeat = (unsigned)n;
            break;
        case 'n':
            s->replay.no_timing = 1;
            break;
        case 'c':
            n = 1;
            if (optarg != NULL && option_number(optarg, 0, 1, UINT_MAX, &n) != 0)
                return usage_error("--check-heap=N needs a positive count, "
                                   "not '%s'",
                                   optarg);
            s->replay.check_heap_every = (unsigned)n;
            break;
        case 't':
            if (option_seconds(optarg, &s->limits.timeout_seconds) != 0)
                return usage_error("--timeout needs a positive number of "
                                   "seconds, not '%s'",
                                   optarg);
            break;
        case 'v':
            s->verbose = 1;
            break;
        case 'S':
            if (strcmp(optarg, "worst") == 0) {
                s->replay.stop_at_worst = 1;
            } else if (option_number(optarg, 0, 1, UINT32_MAX, &n) == 0) {
                s->replay.stop_at_line = (uint32_t)n;
            } else {
                return usage_error("--stop-at needs a trace line number or "
                                   "'worst', not '%s'",
                                   optarg);
            }
            s->replay.no_timing = 1;
            break;
        case 'E':
            s->explain = 1;
            break;
        case 'M':
            if (strcmp(optarg, "time") == 0)
                s->replay.measure = MEASURE_TIME;
            else if (strcmp(optarg, "instructions") == 0)
                s->replay.measure = MEASURE_INSTRUCTIONS;
            else
                return usage_error("--measure takes time or instructions, "
                                   "not '%s'",
                                   optarg);
            break;
        case 'G':
            s->callgrind_pass = 1;
            break;
        case 'P':
            s->plot.plot_dir = optarg;
            break;
        case 'L':
            s->plot.timeline_dir = optarg;
            break;
        case 'T':
            s->plot.trace = optarg;
            break;
        case 'H':
            if (option_number(optarg, 0, 1, UINT64_MAX, &n) != 0)
                return usage_error("--heapmap-op needs a positive op "
                                   "number, not '%s'",
                                   optarg);
            s->plot.heapmap_op = (uint64_t)n;
            break;
        case 'h':
            fputs(RUN_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!s->format_given && s->output_path != NULL) {
        const char *dot = strrchr(s->output_path, '.');
        if (dot != NULL)
            parse_format(dot + 1, &s->format);
    }
    return -1; /* go on */
}

/* --- the traces --------------------------------------------------------- */

struct trace_list {
    char **paths;
    size_t count;
    size_t capacity;
};

static int add_path(struct trace_list *list, const char *path)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 32;
        char **paths = realloc(list->paths, capacity * sizeof *paths);
        if (paths == NULL)
            return -1;
        list->paths = paths;
        list->capacity = capacity;
    }
    if ((list->paths[list->count] = strdup(path)) == NULL)
        return -1;
    list->count++;
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Adds every *.rep of dir, sorted; -1 (with a message) when unreadable. */
static int add_directory(struct trace_list *list, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "heaplab run: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    size_t first = list->count;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (!has_suffix(entry->d_name, ".rep"))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (add_path(list, path) != 0)
            break;
    }
    closedir(d);
    qsort(list->paths + first, list->count - first, sizeof *list->paths,
          compare_strings);
    if (list->count == first)
        fprintf(stderr, "heaplab run: %s: no *.rep traces in this folder\n",
                dir);
    return list->count == first ? -1 : 0;
}

/* The shipped suite: traces/ beside bin/, found from this executable. */
static int add_shipped_suite(struct trace_list *list)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            char dir[PATH_MAX + 16];
            snprintf(dir, sizeof dir, "%s/../traces", exe);
            struct stat st;
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return add_directory(list, dir);
        }
    }
    return add_directory(list, "traces");
}

/* --- running ------------------------------------------------------------ */

static void progress_line(size_t done, size_t total, const char *allocator,
                          const char *trace)
{
    if (!isatty(STDERR_FILENO))
        return;
    if (allocator == NULL)
        fputs("\r\033[K", stderr);
    else
        fprintf(stderr, "\r\033[K[%zu/%zu] %s %s", done + 1, total, allocator,
                trace);
    fflush(stderr);
}

/* The same, for the later timing rounds (rounds.h). */
static void round_line(size_t done, size_t total, const char *allocator,
                       const char *trace)
{
    if (!isatty(STDERR_FILENO))
        return;
    fprintf(stderr, "\r\033[K[%zu/%zu] timing rounds: %s %s", done + 1,
            total, allocator, trace);
    fflush(stderr);
}

static void write_results(FILE *out, const struct report *report,
                          enum output_format format)
{
    if (format == FORMAT_CSV)
        report_csv(out, report);
    else if (format == FORMAT_JSON)
        report_json(out, report);
    else
        report_table(out, report);
}

int cmd_run(int argc, char **argv)
{
    struct run_settings s = {
        .limits = {.timeout_seconds = 60, .output_keep = 16384},
    };
    int rc = parse_options(argc, argv, &s);
    if (rc >= 0)
        return rc;
    if (s.callgrind_pass)
        return optind + 1 == argc
                   ? measure_callgrind_main(s.allocators, argv[optind])
                   : usage_error("--callgrind-pass takes one trace%s", "");
    char how[256];
    if (s.replay.measure == MEASURE_INSTRUCTIONS && !s.replay.no_timing &&
        measure_instructions_available(how, sizeof how) != 0)
        return usage_error("--measure instructions: %s", how);

    struct selection selection;
    char error[256];
    if (select_allocators(s.allocators, &selection, error, sizeof error) != 0)
        return usage_error("%s", error);

    int input_error = 0;
    struct trace_list paths = {0};
    if (optind == argc && add_shipped_suite(&paths) != 0)
        input_error = 1;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            input_error |= add_directory(&paths, argv[i]) != 0;
        } else if (add_path(&paths, argv[i]) != 0) {
            input_error = 1;
        }
    }

    struct trace *traces = calloc(paths.count ? paths.count : 1,
                                  sizeof *traces);
    int *loaded = calloc(paths.count ? paths.count : 1, sizeof *loaded);
    char (*errors)[TRACE_ERROR_MAX] =
        calloc(paths.count ? paths.count : 1, sizeof *errors);
    if (traces == NULL || loaded == NULL || errors == NULL) {
        fprintf(stderr, "heaplab run: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < paths.count; i++) {
        loaded[i] = trace_load(paths.paths[i], &traces[i], errors[i]) == 0;
        if (!loaded[i]) {
            fprintf(stderr, "%s\n", errors[i]);
            input_error = 1;
        }
    }

    int plot_rc = plot_run_prepare(&s.plot, traces, loaded, paths.count);
    if (plot_rc != 0)
        return plot_rc;

    FILE *out = stdout;
    if (s.output_path != NULL && (out = fopen(s.output_path, "w")) == NULL) {
        fprintf(stderr, "heaplab run: %s: cannot write: %s\n", s.output_path,
                strerror(errno));
        return 2;
    }

    /* Time in rounds spread over the run, unless a count was asked for or
     * the run stops part-way. */
    if (s.replay.measure == MEASURE_TIME && s.replay.repeat == 0 &&
        !s.replay.stop_at_line && !s.replay.stop_at_worst)
        s.replay.in_rounds = 1;
    struct report report = {.explain = s.explain};
    size_t total = selection.count * paths.count, done = 0;
    for (size_t a = 0; a < selection.count; a++) {
        const struct allocator *backend = selection.allocators[a];
        for (size_t i = 0; i < paths.count; i++, done++) {
            struct run_result result;
            struct run_output output = {0};
            const char *name = paths.paths[i];
            if (!loaded[i]) {
                memset(&result, 0, sizeof result);
                result.status = RUN_SKIPPED;
                snprintf(result.message, sizeof result.message, "%s",
                         errors[i]);
            } else {
                name = traces[i].name;
                progress_line(done, total, backend->name, name);
                s.replay.timeline =
                    plot_run_request(&s.plot, backend, &traces[i]);
                runner_run(backend, &traces[i], &s.replay, &s.limits, &result,
                           &output);
                if (s.verbose && output.length > 0) {
                    progress_line(0, 0, NULL, NULL);
                    fprintf(stderr, "--- %s on %s printed:\n%s%s\n",
                            backend->name, name, output.text,
                            output.dropped ? "\n[... more dropped]" : "");
                }
                free(output.text);
            }
            int stopped = s.replay.stop_at_line || s.replay.stop_at_worst;
            if (stopped && output.map != NULL && result.status == RUN_OK) {
                progress_line(0, 0, NULL, NULL);
                printf("%s\n", output.map); /* what --stop-at asked for */
            }
            if (report_add(&report, backend->name, backend->summary, name,
                           &result) != 0 ||
                (output.map != NULL && result.status != RUN_OK &&
                 report_set_detail(&report, output.map) != 0)) {
                fprintf(stderr, "heaplab run: out of memory\n");
                return 2;
            }
            free(output.map);
        }
    }
    /* The timed figures' later rounds (rounds.h), over every pair. */
    if (rounds_run_rows(&report, 0, selection.allocators, selection.count,
                        traces, loaded, paths.count, &s.replay, &s.limits,
                        round_line) != 0) {
        fprintf(stderr, "heaplab run: out of memory\n");
        return 2;
    }
    progress_line(0, 0, NULL, NULL);
    write_results(out, &report, s.format);
    int write_failed = ferror(out) != 0;
    if (out != stdout)
        write_failed |= fclose(out) != 0;
    if (write_failed)
        fprintf(stderr, "heaplab run: %s: write failed\n",
                s.output_path ? s.output_path : "stdout");

    int status = input_error || write_failed ? 2
                 : report_failures(&report) != 0 ? 1
                                                 : 0;
    status = plot_run_finish(&s.plot, &report, status);
    report_free(&report);
    for (size_t i = 0; i < paths.count; i++) {
        if (loaded[i])
            trace_free(&traces[i]);
        free(paths.paths[i]);
    }
    free(paths.paths);
    free(traces);
    free(loaded);
    free(errors);
    select_free(&selection);
    return status;
}
