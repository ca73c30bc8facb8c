/*
 * bench.c -- `heaplab bench`: every backend on both suites (see bench.h).
 *
 * Method.  A round runs every backend on every trace of every suite, each
 * (backend, trace) pair in child processes as `heaplab run` does (so the
 * throughput of a pair is the fastest of its timing rounds, timed.c and
 * rounds.h).  The
 * rounds are repeated (3 by default) and interleaved: a burst of other
 * work on the machine slows the backends of one round alike, so the ratio
 * of a backend to libc is taken within each round, and the figures are
 * the medians over the rounds.  The spread beside each throughput is
 * (max - min) / median of its suite totals over the rounds.
 *
 * The driver's own cost is the timed replay with a backend that does
 * nothing (its malloc returns one fixed address): what every figure
 * includes besides the backend.
 */
#include "bench.h"

#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "heaplab/registry.h"
#include "plot.h"
#include "report.h"
#include "rounds.h"
#include "runner.h"
#include "stats.h"
#include "timed.h"
#include "trace.h"

/* The classic driver's default suite: these, each as NAME-bal.rep. */
static const char *const CLASSIC_TRACES[] = {
    "amptjp", "binary", "binary2", "cccp",     "coalescing", "cp-decl",
    "expr",   "random", "random2", "realloc", "realloc2",
};
enum { CLASSIC_COUNT = sizeof CLASSIC_TRACES / sizeof CLASSIC_TRACES[0] };

struct suite {
    char name[64];
    char dir[PATH_MAX];
    struct trace *traces;
    size_t count;
};

/* --- the traces --------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.rep names of dir, sorted; NULL when it cannot be read. */
static char **rep_files(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    size_t n = 0, capacity = 64;
    char **names = malloc(capacity * sizeof *names);
    struct dirent *e;
    while (names != NULL && (e = readdir(d)) != NULL) {
        size_t length = strlen(e->d_name);
        if (length < 5 || strcmp(e->d_name + length - 4, ".rep") != 0)
            continue;
        if (n == capacity) {
            char **more = realloc(names, 2 * capacity * sizeof *names);
            if (more == NULL)
                break;
            names = more;
            capacity *= 2;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (names != NULL)
        qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

/* Loads a suite: the classic 11 of a folder called csapp, else every
 * *.rep of dir.  0, or -1 after a message. */
static int suite_load(const char *dir, struct suite *s, FILE *out)
{
    const char *base = strrchr(dir, '/');
    base = base != NULL && base[1] ? base + 1 : dir;
    int classic = strcmp(base, "csapp") == 0;
    snprintf(s->name, sizeof s->name, "%s", classic ? "classic" : base);
    if (strcmp(s->name, "traces") == 0)
        snprintf(s->name, sizeof s->name, "shipped");
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    size_t n = 0;
    char **names = classic ? NULL : rep_files(dir, &n);
    if (classic)
        n = CLASSIC_COUNT;
    s->traces = calloc(n ? n : 1, sizeof *s->traces);
    s->count = 0;
    for (size_t i = 0; i < n && s->traces != NULL; i++) {
        char path[PATH_MAX + 64], error[TRACE_ERROR_MAX];
        if (classic)
            snprintf(path, sizeof path, "%s/%s-bal.rep", dir,
                     CLASSIC_TRACES[i]);
        else
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (trace_load(path, &s->traces[s->count], error) == 0)
            s->count++;
        else
            fprintf(out, "heaplab bench: %s\n", error);
    }
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    if (s->count == 0)
        fprintf(stderr, "heaplab bench: %s: no trace to run\n", dir);
    return s->count > 0 ? 0 : -1;
}

static void suite_free(struct suite *s)
{
    for (size_t i = 0; i < s->count; i++)
        trace_free(&s->traces[i]);
    free(s->traces);
}

/* This program's folder's parent (the project), or ".". */
static void project_root(char *root, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    snprintf(root, size, ".");
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
            return;
        *slash = '\0';
    }
    snprintf(root, size, "%s", exe[0] ? exe : "/");
}

static int is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --- the driver's cost -------------------------------------------------- */

static char nothing[HEAPLAB_ALIGNMENT] __attribute__((aligned(16)));

static int nothing_init(void) { return 0; }
static void *nothing_malloc(size_t size) { return size ? nothing : NULL; }
static void nothing_free(void *ptr) { (void)ptr; }
static void *nothing_realloc(void *ptr, size_t size)
{
    return size ? (ptr ? ptr : nothing) : NULL;
}

static const struct allocator nothing_allocator = {
    .name = "nothing",
    .summary = "does nothing: the driver's own cost",
    .init = nothing_init,
    .malloc = nothing_malloc,
    .free = nothing_free,
    .realloc = nothing_realloc,
};

double bench_driver_ns_per_op(const char *dir)
{
    struct suite s;
    if (suite_load(dir, &s, stderr) != 0)
        return NAN;
    double ops = 0, seconds = 0;
    struct replay_options options = {0};
    for (size_t i = 0; i < s.count; i++) {
        struct run_result r = {0};
        r.ops_per_sec = NAN;
        timed_replay(&nothing_allocator, &s.traces[i], &options, &r);
        if (isnan(r.ops_per_sec) || r.ops_per_sec <= 0)
            continue;
        ops += (double)s.traces[i].num_ops;
        seconds += (double)s.traces[i].num_ops / r.ops_per_sec;
    }
    suite_free(&s);
    return seconds > 0 ? seconds / ops * 1e9 : NAN;
}

/* --- the rounds --------------------------------------------------------- */

/* One (backend, suite) cell: its figure in each round. */
struct cell {
    double *ops_per_sec; /* per round */
    double *ratio;       /* to libc, per round */
    double mean_util;
    size_t passed, runs;
};

static double median(double *values, size_t n, double *spread)
{
    double sorted[64];
    size_t m = 0;
    for (size_t i = 0; i < n && m < 64; i++)
        if (!isnan(values[i]))
            sorted[m++] = values[i];
    if (m == 0) {
        if (spread != NULL)
            *spread = NAN;
        return NAN;
    }
    double mid = stats_median(sorted, m); /* sorts */
    if (spread != NULL)
        *spread = mid > 0 ? (sorted[m - 1] - sorted[0]) / mid : NAN;
    return mid;
}

/* Runs every backend on every trace of s, the timed figures in rounds
 * spread over the suite (rounds.h); the report gets a row each. */
static void run_suite(const struct bench_options *o, const struct suite *s,
                      struct report *report)
{
    struct replay_options replay = {.in_rounds = 1};
    struct runner_options limits = {.timeout_seconds = 120,
                                    .output_keep = 1024};
    size_t first = report->count;
    for (size_t a = 0; a < o->allocator_count; a++) {
        const struct allocator *backend = o->allocators[a];
        fprintf(o->out, "  %s: %s ...", s->name, backend->name);
        fflush(o->out);
        for (size_t i = 0; i < s->count; i++) {
            struct run_result result;
            struct run_output output;
            runner_run(backend, &s->traces[i], &replay, &limits, &result,
                       &output);
            free(output.text);
            free(output.map);
            report_add(report, backend->name, backend->summary,
                       s->traces[i].name, &result);
        }
        fputc('\n', o->out);
    }
    fprintf(o->out, "  %s: %d timing rounds ...\n", s->name,
            TIMED_PARTS - 1);
    fflush(o->out);
    if (rounds_run_rows(report, first, o->allocators, o->allocator_count,
                        s->traces, NULL, s->count, &replay, &limits,
                        NULL) != 0)
        fprintf(o->out, "  %s: out of memory: the first round's figures "
                        "stand\n", s->name);
    for (size_t a = 0; a < o->allocator_count; a++) {
        struct report_summary sum;
        report_summarize(report, o->allocators[a]->name, &sum);
        fprintf(o->out, "  %s: %s %.2f Mops/s\n", s->name,
                o->allocators[a]->name, sum.ops_per_sec / 1e6);
    }
}

/* --- output ------------------------------------------------------------- */

static void machine_line(char *out, size_t size)
{
    char model[256] = "unknown CPU";
    FILE *in = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (in != NULL && fgets(line, sizeof line, in) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(model, sizeof model, "%s", colon + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (in != NULL)
        fclose(in);
    struct utsname u;
    uname(&u);
    snprintf(out, size, "%s, %ld CPUs, Linux %s", model,
             sysconf(_SC_NPROCESSORS_ONLN), u.release);
}

/* A number, or null when it was not measured. */
static json_t *json_measured(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

/* out/bench.json, with Jansson (docs/dependencies.md). */
static int write_json(const struct bench_options *o,
                      const struct suite *suites, size_t suite_count,
                      struct cell *cells, double driver_ns,
                      const char *machine, const char *date)
{
    char folder[PATH_MAX];
    const char *slash = strrchr(o->json_path, '/');
    snprintf(folder, sizeof folder, "%.*s",
             slash != NULL ? (int)(slash - o->json_path) : 1,
             slash != NULL ? o->json_path : ".");
    if (plot_make_folder(folder) != 0) {
        fprintf(stderr, "heaplab bench: %s: cannot make the folder: %s\n",
                folder, strerror(errno));
        return -1;
    }
    json_t *root = json_object(), *results = json_array();
    json_object_set_new(root, "machine", json_string(machine));
    json_object_set_new(root, "date", json_string(date));
    json_object_set_new(root, "command", json_string(o->command));
    json_object_set_new(root, "rounds", json_integer(o->rounds));
    json_object_set_new(root, "driver_ns_per_op", json_measured(driver_ns));
    for (size_t s = 0; s < suite_count; s++) {
        for (size_t a = 0; a < o->allocator_count; a++) {
            struct cell *c = &cells[s * o->allocator_count + a];
            double spread, ops = median(c->ops_per_sec, o->rounds, &spread);
            json_t *row = json_object(), *rounds = json_array();
            json_object_set_new(row, "allocator",
                                json_string(o->allocators[a]->name));
            json_object_set_new(row, "suite", json_string(suites[s].name));
            json_object_set_new(row, "traces",
                                json_integer((json_int_t)c->runs));
            json_object_set_new(row, "passed",
                                json_integer((json_int_t)c->passed));
            json_object_set_new(row, "mean_util", json_measured(c->mean_util));
            json_object_set_new(row, "ops_per_sec", json_measured(ops));
            json_object_set_new(row, "ops_per_sec_spread",
                                json_measured(spread));
            json_object_set_new(row, "ratio_to_libc",
                                json_measured(median(c->ratio, o->rounds,
                                                     NULL)));
            for (unsigned r = 0; r < o->rounds; r++)
                json_array_append_new(rounds,
                                      json_measured(c->ops_per_sec[r]));
            json_object_set_new(row, "rounds_ops_per_sec", rounds);
            json_array_append_new(results, row);
        }
    }
    json_object_set_new(root, "results", results);
    int rc = json_dump_file(root, o->json_path,
                            JSON_INDENT(1) | JSON_REAL_PRECISION(8));
    json_decref(root);
    if (rc != 0)
        fprintf(stderr, "heaplab bench: %s: cannot write: %s\n", o->json_path,
                strerror(errno));
    return rc;
}

static void print_table(const struct bench_options *o,
                        const struct suite *suites, size_t suite_count,
                        struct cell *cells)
{
    fprintf(o->out, "\n| backend | suite | Mops/s | spread | util | x libc "
                    "| passed |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (size_t a = 0; a < o->allocator_count; a++) {
        for (size_t s = 0; s < suite_count; s++) {
            struct cell *c = &cells[s * o->allocator_count + a];
            double spread, ops = median(c->ops_per_sec, o->rounds, &spread);
            double ratio = median(c->ratio, o->rounds, NULL);
            fprintf(o->out, "| %s | %s | %.2f | %.1f%% | %.1f%% | ", 
                    o->allocators[a]->name, suites[s].name, ops / 1e6,
                    100 * spread, 100 * c->mean_util);
            if (isnan(ratio))
                fputs("- ", o->out);
            else
                fprintf(o->out, "%.2f ", ratio);
            fprintf(o->out, "| %zu/%zu |\n", c->passed, c->runs);
        }
    }
}

/* Writes DIR/bench-SUITE/results.json from a round's report and draws its
 * plots there.  0, or the plot's exit status. */
static int suite_plots(const struct bench_options *o, const struct suite *s,
                       const struct report *report)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];
    const char *slash = strrchr(o->json_path, '/');
    int folder = slash != NULL ? (int)(slash - o->json_path) : 1;
    snprintf(dir, sizeof dir, "%.*s/bench-%.63s", folder,
             slash != NULL ? o->json_path : ".", s->name);
    if (plot_make_folder(dir) != 0)
        return 2;
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return 2;
    report_json(out, report);
    if (fclose(out) != 0)
        return 2;
    struct plot_output p = {.dir = dir, .out = o->out};
    return plot_all(path, &p, "bench");
}

/* Runs that failed other than by running out of memory: a backend with
 * a fixed heap (simple) that a large trace does not fit has reached its
 * documented limit, which the table's passed column shows. */
static size_t broken_runs(const struct report *report)
{
    size_t broken = 0;
    for (size_t i = 0; i < report->count; i++)
        broken += report->rows[i].result.status != RUN_OK &&
                  report->rows[i].result.status != RUN_OOM;
    return broken;
}

int bench_suites(const struct bench_options *o)
{
    char root[PATH_MAX], dirs[BENCH_MAX_SUITES][PATH_MAX + 32];
    size_t suite_count = o->suite_count;
    for (size_t i = 0; i < suite_count; i++)
        snprintf(dirs[i], sizeof dirs[i], "%s", o->suites[i]);
    if (suite_count == 0) {
        project_root(root, sizeof root);
        snprintf(dirs[suite_count++], sizeof dirs[0], "%s/traces", root);
        snprintf(dirs[suite_count], sizeof dirs[0],
                 "%s/../shared/traces/csapp", root);
        if (is_folder(dirs[suite_count]))
            suite_count++;
        else
            fprintf(o->out, "heaplab bench: %s: no classic suite here, "
                            "the shipped one only\n",
                    dirs[suite_count]);
    }
    struct suite suites[BENCH_MAX_SUITES];
    for (size_t i = 0; i < suite_count; i++)
        if (suite_load(dirs[i], &suites[i], o->out) != 0) {
            for (size_t j = 0; j < i; j++)
                suite_free(&suites[j]);
            return 2;
        }

    char machine[512], date[64];
    machine_line(machine, sizeof machine);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    fprintf(o->out, "machine: %s\ndate:    %s\ncommand: %s\n", machine, date,
            o->command);

    double driver_ns = bench_driver_ns_per_op(dirs[0]);
    fprintf(o->out, "driver:  %.2f ns per op (timed replay, a backend "
                    "that does nothing, on %s)\n",
            driver_ns, suites[0].name);

    size_t ncells = suite_count * o->allocator_count;
    struct cell *cells = calloc(ncells, sizeof *cells);
    double *values = calloc(2 * ncells * o->rounds, sizeof *values);
    struct report last[BENCH_MAX_SUITES] = {{0}};
    int status = cells == NULL || values == NULL ? 2 : 0, failed = 0;
    for (size_t i = 0; status == 0 && i < 2 * ncells * o->rounds; i++)
        values[i] = NAN; /* a round not run is no figure */
    for (size_t i = 0; status == 0 && i < ncells; i++) {
        cells[i].ops_per_sec = values + 2 * i * o->rounds;
        cells[i].ratio = cells[i].ops_per_sec + o->rounds;
    }
    const struct allocator *libc = registry_find("libc");
    for (unsigned r = 0; status == 0 && r < o->rounds; r++) {
        fprintf(o->out, "round %u of %u\n", r + 1, o->rounds);
        for (size_t s = 0; s < suite_count; s++) {
            struct report report = {0};
            run_suite(o, &suites[s], &report);
            struct report_summary base = {.ops_per_sec = NAN};
            if (libc != NULL)
                report_summarize(&report, libc->name, &base);
            for (size_t a = 0; a < o->allocator_count; a++) {
                struct cell *c = &cells[s * o->allocator_count + a];
                struct report_summary sum;
                report_summarize(&report, o->allocators[a]->name, &sum);
                c->ops_per_sec[r] = sum.ops_per_sec;
                c->ratio[r] = sum.ops_per_sec / base.ops_per_sec;
                c->mean_util = sum.mean_util;
                c->passed = sum.passed;
                c->runs = sum.runs;
            }
            report_free(&last[s]);
            last[s] = report;
            failed |= broken_runs(&report) != 0;
        }
    }
    if (status == 0 && failed)
        status = 1;
    if (cells != NULL && values != NULL) {
        print_table(o, suites, suite_count, cells);
        if (write_json(o, suites, suite_count, cells, driver_ns, machine,
                       date) != 0)
            status = 2;
        else
            fprintf(o->out, "\nresults: %s\n", o->json_path);
        for (size_t s = 0; o->plots && s < suite_count; s++) {
            int plotted = suite_plots(o, &suites[s], &last[s]);
            if (plotted > status)
                status = plotted;
        }
    }
    for (size_t s = 0; s < suite_count; s++) {
        report_free(&last[s]);
        suite_free(&suites[s]);
    }
    free(values);
    free(cells);
    return status;
}
