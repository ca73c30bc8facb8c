/*
 * test_plot.c -- the plots: results read back from JSON to the number, data
 * files that hold the results' numbers, timelines whose largest sample is
 * the run's peak, heap maps that add up to the heap, and every script
 * drawn by gnuplot without a word on stderr into a 1200x700 PNG.
 */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blocks.h"
#include "commands.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "plot.h"
#include "replay.h"
#include "report.h"
#include "suites.h"
#include "timeline.h"
#include "trace.h"

/* --- helpers -------------------------------------------------------------- */

static char folder[64];

static void make_folder(void)
{
    snprintf(folder, sizeof folder, "/tmp/heaplab-plot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(folder));
}

static void remove_folder(void)
{
    DIR *d = opendir(folder);
    if (d == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
        if (entry->d_name[0] != '.')
            unlink(path);
    }
    closedir(d);
    rmdir(folder);
}

static char *path_in(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    return path;
}

/* The whole file, NUL-terminated (free it). */
static char *slurp(const char *path)
{
    FILE *in = fopen(path, "r");
    ck_assert_msg(in != NULL, "%s is missing", path);
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    rewind(in);
    char *text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, in), (size_t)size);
    text[size] = '\0';
    fclose(in);
    return text;
}

/* The line of a data file that starts with key and a tab. */
static char *data_line(const char *text, const char *key, char *out,
                       size_t size)
{
    size_t n = strlen(key);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length > n && strncmp(line, key, n) == 0 && line[n] == '\t') {
            snprintf(out, size, "%.*s", (int)length, line);
            return out;
        }
        line += length + (end != NULL);
    }
    ck_abort_msg("no line for '%s' in:\n%s", key, text);
    return NULL;
}

/* A PNG's width and height from its IHDR chunk. */
static void png_size(const char *path, unsigned *width, unsigned *height)
{
    FILE *in = fopen(path, "rb");
    ck_assert_msg(in != NULL, "%s was not drawn", path);
    unsigned char header[24];
    ck_assert_uint_eq(fread(header, 1, sizeof header, in), sizeof header);
    fclose(in);
    ck_assert(memcmp(header, "\x89PNG\r\n\x1a\n", 8) == 0);
    ck_assert(memcmp(header + 12, "IHDR", 4) == 0);
    *width = (unsigned)header[16] << 24 | (unsigned)header[17] << 16 |
             (unsigned)header[18] << 8 | header[19];
    *height = (unsigned)header[20] << 24 | (unsigned)header[21] << 16 |
              (unsigned)header[22] << 8 | header[23];
}

static void expect_png(const char *name)
{
    unsigned width, height;
    png_size(path_in(name), &width, &height);
    ck_assert_uint_eq(width, 1200);
    ck_assert_uint_eq(height, 700);
    struct stat st;
    ck_assert_int_eq(stat(path_in(name), &st), 0);
    ck_assert_int_gt(st.st_size, 5000); /* a drawing, not an empty image */
}

static struct run_result ok_result(uint64_t ops, double util,
                                   double ops_per_sec)
{
    struct run_result r = {.status = RUN_OK, .weight = 1, .ops = ops,
                           .util = util, .ops_per_sec = ops_per_sec,
                           .ops_per_sec_spread = 0.01,
                           .peak_payload = 1000, .peak_footprint = 2000};
    return r;
}

/*
 * Results of three backends on two traces, written as `heaplab run
 * --format json` writes them: libc before dlist (the file's order is not
 * the lecture's), and one failed run.
 */
static void write_results(const char *path)
{
    struct report report = {0};
    struct run_result r;
    r = ok_result(100, 0.25, 123456.7);
    report_add(&report, "libc", "reference", "alpha", &r);
    r = ok_result(300, 0.5, 2000000.0);
    report_add(&report, "libc", "reference", "beta", &r);
    r = ok_result(100, 0.125, 50000.0);
    report_add(&report, "dlist", "boundary tags", "alpha", &r);
    r = ok_result(300, 0.75, 400000.0);
    report_add(&report, "dlist", "boundary tags", "beta", &r);
    r = ok_result(100, 0.0625, 1000.0);
    report_add(&report, "minimal", "one brk", "alpha", &r);
    memset(&r, 0, sizeof r);
    r.status = RUN_CRASH;
    r.ops = 300;
    r.util = r.ops_per_sec = r.ops_per_sec_spread = NAN;
    snprintf(r.message, sizeof r.message, "beta:7: a 3 16: crashed");
    report_add(&report, "minimal", "one brk", "beta", &r);
    FILE *out = fopen(path, "w");
    ck_assert_ptr_nonnull(out);
    report_json(out, &report);
    ck_assert_int_eq(fclose(out), 0);
    report_free(&report);
}

/* --- reading results back ------------------------------------------------- */

START_TEST(test_results_read_back)
{
    make_folder();
    write_results(path_in("results.json"));
    struct plot_results r;
    char error[256];
    ck_assert_msg(plot_results_load(path_in("results.json"), &r, error,
                                    sizeof error) == 0,
                  "%s", error);
    /* the lecture's order, whatever the file's */
    ck_assert_uint_eq(r.allocator_count, 3);
    ck_assert_str_eq(r.allocators[0].name, "minimal");
    ck_assert_str_eq(r.allocators[1].name, "dlist");
    ck_assert_str_eq(r.allocators[2].name, "libc");
    ck_assert_uint_eq(r.trace_count, 2);
    ck_assert_str_eq(r.traces[0], "alpha");
    ck_assert_str_eq(r.traces[1], "beta");
    ck_assert(plot_cell(&r, 0, 2)->ok);
    ck_assert(plot_cell(&r, 0, 2)->util == 0.25);
    ck_assert(plot_cell(&r, 0, 2)->ops_per_sec == 123456.7);
    ck_assert(plot_cell(&r, 1, 1)->util == 0.75);
    ck_assert(plot_cell(&r, 1, 0)->present);
    ck_assert(!plot_cell(&r, 1, 0)->ok);
    ck_assert(isnan(plot_cell(&r, 1, 0)->util)); /* null */
    /* the summary, as report.c computes it */
    ck_assert(r.allocators[2].mean_util == 0.375);
    ck_assert_uint_eq(r.allocators[0].runs, 2);
    ck_assert_uint_eq(r.allocators[0].passed, 1);
    plot_results_free(&r);
    remove_folder();
}
END_TEST

START_TEST(test_results_errors)
{
    make_folder();
    struct plot_results r;
    char error[256];
    FILE *out = fopen(path_in("broken.json"), "w");
    fputs("{\"results\": [\n  {\"allocator\": \"dlist\",\n", out);
    fclose(out);
    ck_assert_int_eq(plot_results_load(path_in("broken.json"), &r, error,
                                       sizeof error),
                     -1);
    ck_assert_msg(strstr(error, "broken.json:3: ") != NULL, "%s", error);

    out = fopen(path_in("other.json"), "w");
    fputs("{\"rows\": []}\n", out);
    fclose(out);
    ck_assert_int_eq(plot_results_load(path_in("other.json"), &r, error,
                                       sizeof error),
                     -1);
    ck_assert_msg(strstr(error, "no \"results\" array") != NULL, "%s", error);

    out = fopen(path_in("nosummary.json"), "w");
    fputs("{\"results\": [{\"allocator\": \"dlist\", \"trace\": \"t\", "
          "\"status\": \"ok\", \"util\": 0.5, \"ops_per_sec\": 10}]}\n",
          out);
    fclose(out);
    ck_assert_int_eq(plot_results_load(path_in("nosummary.json"), &r, error,
                                       sizeof error),
                     -1);
    ck_assert_msg(strstr(error, "no \"summary\" object") != NULL, "%s",
                  error);

    ck_assert_int_eq(plot_results_load(path_in("missing.json"), &r, error,
                                       sizeof error),
                     -1);
    remove_folder();
}
END_TEST

/* --- the charts ----------------------------------------------------------- */

START_TEST(test_charts_hold_the_numbers)
{
    make_folder();
    write_results(path_in("results.json"));
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = folder, .out = paths};
    ck_assert_int_eq(plot_all(path_in("results.json"), &o, "plot"), 0);
    ck_assert_uint_eq(o.failed, 0); /* gnuplot said nothing: no warning */
    ck_assert_uint_eq(o.drawn, 3);

    char line[256];
    char *util = slurp(path_in("util.dat"));
    ck_assert_str_eq(data_line(util, "trace", line, sizeof line),
                     "trace\tminimal\tdlist\tlibc");
    ck_assert_str_eq(data_line(util, "alpha", line, sizeof line),
                     "alpha\t0.062500\t0.125000\t0.250000");
    ck_assert_str_eq(data_line(util, "beta", line, sizeof line),
                     "beta\tNaN\t0.750000\t0.500000");
    ck_assert_str_eq(data_line(util, "mean", line, sizeof line),
                     "mean\t0.062500\t0.437500\t0.375000");
    free(util);

    char *throughput = slurp(path_in("throughput.dat"));
    ck_assert_str_eq(data_line(throughput, "alpha", line, sizeof line),
                     "alpha\t1000.0\t50000.0\t123456.7");
    /* libc's total: 400 ops in 100/123456.7 + 300/2000000 seconds */
    char expected[64];
    snprintf(expected, sizeof expected, "total\t1000.0\t%.1f\t%.1f",
             400 / (100 / 50000.0 + 300 / 400000.0),
             400 / (100 / 123456.7 + 300 / 2000000.0));
    ck_assert_str_eq(data_line(throughput, "total", line, sizeof line),
                     expected);
    free(throughput);

    char *tradeoff = slurp(path_in("tradeoff.dat"));
    /* dlist: mean of 0.125 and 0.75; 400 ops in 0.002 + 0.00075 s */
    ck_assert_str_eq(data_line(tradeoff, "dlist", line, sizeof line),
                     "dlist\t0.437500\t145454.5");
    free(tradeoff);

    expect_png("util.png");
    expect_png("throughput.png");
    expect_png("tradeoff.png");
    /* each script names its data beside it, and uses the shared style */
    char *script = slurp(path_in("util.gp"));
    ck_assert(strstr(script, "load \"style.gp\"") != NULL);
    ck_assert(strstr(script, "\"util.dat\"") != NULL);
    free(script);
    fclose(paths);
    remove_folder();
}
END_TEST

START_TEST(test_one_colour_per_backend)
{
    /* the registry's place, the same in every plot */
    for (size_t i = 0; i < registry_count(); i++)
        ck_assert_int_eq(plot_line_type(registry_at(i)->name), (int)i + 1);
    int spare = plot_line_type("a-student-backend");
    ck_assert_int_gt(spare, 16);
    ck_assert_int_eq(plot_line_type("a-student-backend"), spare);
    char colour[8], light[8];
    plot_color(4, 0, colour);
    plot_color(4, 1, light);
    ck_assert_str_eq(colour, "#0072B2");
    ck_assert_str_eq(light, "#FFFFFF");
    char name[64];
    plot_file_name("real sizes/big", name, sizeof name);
    ck_assert_str_eq(name, "real_sizes_big");
}
END_TEST

START_TEST(test_svg_too)
{
    make_folder();
    write_results(path_in("results.json"));
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = folder, .out = paths, .svg = 1};
    ck_assert_int_eq(plot_all(path_in("results.json"), &o, "plot"), 0);
    ck_assert_uint_eq(o.drawn, 6);
    char *svg = slurp(path_in("tradeoff.svg"));
    ck_assert(strstr(svg, "<svg") != NULL);
    ck_assert(strstr(svg, "dlist") != NULL);
    free(svg);
    fclose(paths);
    remove_folder();
}
END_TEST

START_TEST(test_no_gnuplot)
{
    make_folder();
    write_results(path_in("results.json"));
    setenv("PATH", "/nonexistent", 1);
    ck_assert(!plot_gnuplot_found());
    /* stderr into a file, to read the message */
    int saved = dup(STDERR_FILENO);
    int capture = open(path_in("stderr"), O_WRONLY | O_CREAT | O_TRUNC,
                       0644);
    dup2(capture, STDERR_FILENO);
    struct plot_output o = {.dir = folder, .out = stdout};
    int status = plot_all(path_in("results.json"), &o, "plot");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(capture);
    ck_assert_int_eq(status, 2);
    char *said = slurp(path_in("stderr"));
    ck_assert_msg(strstr(said, "heaplab plot: gnuplot is not installed: "
                               "install it with 'sudo apt-get install "
                               "gnuplot-nox'") != NULL,
                  "%s", said);
    free(said);
    remove_folder();
}
END_TEST

/* --- timelines and heap maps ----------------------------------------------- */

/*
 * A trace of about n ops: for n/2 ops it allocates and frees every other
 * block (the heap gets holes), then it frees what is left, so the peak is
 * in the middle.
 */
static void make_trace(struct trace *t, size_t n)
{
    size_t size = n * 24 + 64, used = 0;
    char *text = malloc(size);
    ck_assert_ptr_nonnull(text);
    size_t ops = 0, id = 0;
    while (ops < n / 2) {
        used += (size_t)snprintf(text + used, size - used, "a %zu %zu\n", id,
                                 16 + (id * 40) % 300);
        ops++;
        if (id % 2 == 1) {
            used += (size_t)snprintf(text + used, size - used, "f %zu\n",
                                     id - 1);
            ops++;
        }
        id++;
    }
    for (size_t live = 1; live < id; live += 2)
        used += (size_t)snprintf(text + used, size - used, "f %zu\n", live);
    if (id % 2 == 1)
        used += (size_t)snprintf(text + used, size - used, "f %zu\n", id - 1);
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("holes.rep", text, used, t, error) == 0, "%s",
                  error);
    free(text);
}

static struct run_result replay_with_timeline(const char *name, size_t n,
                                              uint64_t heapmap_op)
{
    const struct allocator *a = registry_find(name);
    ck_assert_ptr_nonnull(a);
    struct trace t;
    make_trace(&t, n);
    char samples[512], heapmap[512];
    plot_timeline_paths(folder, t.name, a->name, samples, heapmap,
                        sizeof samples);
    struct timeline_request request = {
        .samples_path = samples,
        .heapmap_path = a->walk ? heapmap : NULL,
        .heapmap_op = heapmap_op,
        .trace_name = t.name,
    };
    struct replay_options options = {.no_timing = 1, .timeline = &request};
    struct run_result result;
    replay_run(a, &t, &options, NULL, &result);
    ck_assert_msg(result.status == RUN_OK, "%s", result.message);
    trace_free(&t);
    return result;
}

struct samples_seen {
    size_t count;
    unsigned long long last_op, largest_footprint, largest_payload;
};

static struct samples_seen read_samples(const char *name)
{
    char *text = slurp(path_in(name));
    struct samples_seen seen = {0};
    ck_assert(strncmp(text, TIMELINE_SAMPLES_MAGIC "\n",
                      strlen(TIMELINE_SAMPLES_MAGIC) + 1) == 0);
    char line[128];
    ck_assert_str_eq(data_line(text, "op", line, sizeof line),
                     "op\tfootprint\tpayload");
    for (char *p = strstr(text, "\nop\t"); (p = strchr(p + 1, '\n'));) {
        unsigned long long op, footprint, payload;
        if (sscanf(p + 1, "%llu\t%llu\t%llu", &op, &footprint, &payload) != 3)
            continue;
        seen.count++;
        seen.last_op = op;
        if (footprint > seen.largest_footprint)
            seen.largest_footprint = footprint;
        if (payload > seen.largest_payload)
            seen.largest_payload = payload;
    }
    free(text);
    return seen;
}

/* mmap's footprint falls at every free: its peaks fall inside windows */
static const char *const peak_backends[] = {"dlist", "mmap"};

START_TEST(test_timeline_keeps_the_peaks)
{
    make_folder();
    const char *name = peak_backends[_i];
    struct run_result r = replay_with_timeline(name, 10001, 0);
    char file[64];
    snprintf(file, sizeof file, "timeline-holes-%s.dat", name);
    struct samples_seen seen = read_samples(file);
    /* thinned to a few thousand points, point 0 the heap after init */
    ck_assert_uint_le(seen.count, TIMELINE_MAX_POINTS + 2);
    ck_assert_uint_gt(seen.count, TIMELINE_MAX_POINTS / 2);
    ck_assert_uint_eq(seen.last_op, r.ops);
    /* the largest sample is the run's peak, exactly */
    ck_assert_uint_eq(seen.largest_footprint, r.peak_footprint);
    ck_assert_uint_eq(seen.largest_payload, r.peak_payload);
    remove_folder();
}
END_TEST

static int no_init(void)
{
    return 0;
}

/* Footprint and payload set by hand, each peaking inside a window. */
START_TEST(test_timeline_windows)
{
    make_folder();
    static const struct allocator fake = {.name = "fake", .init = no_init};
    struct timeline_request request = {
        .samples_path = path_in("timeline-made-fake.dat"),
        .trace_name = "made",
    };
    mem_reset();
    struct blocks blocks;
    memset(&blocks, 0, sizeof blocks);
    enum { OPS = 10000, PAGE = 4096 };
    timeline_begin(&request, &fake, OPS);
    intptr_t heap = 0;
    for (uint64_t i = 0; i < OPS; i++) {
        intptr_t want = PAGE * (i == 5001 ? 50 : 1 + (intptr_t)(i % 5));
        ck_assert_ptr_ne(mem_sbrk(want - heap), (void *)-1);
        heap = want;
        blocks.live_bytes = i == 6001 ? 99999 : i % 1000;
        timeline_sample(i, &blocks);
    }
    timeline_end();
    struct samples_seen seen = read_samples("timeline-made-fake.dat");
    /* windows of 3 ops; 5002 and 6002 ops are not window ends */
    ck_assert_uint_eq(seen.count, (OPS + 2) / 3 + 1);
    ck_assert_uint_eq(seen.last_op, OPS);
    ck_assert_uint_eq(seen.largest_footprint, 50 * PAGE);
    ck_assert_uint_eq(seen.largest_payload, 99999);
    char *text = slurp(path_in("timeline-made-fake.dat"));
    ck_assert(strstr(text, "\n5004\t204800\t") != NULL);
    ck_assert(strstr(text, "# window\t3\n") != NULL);
    free(text);
    remove_folder();
}
END_TEST

/* Reads a heap map; checks that its blocks tile the heap. */
static void check_heap_map(const char *name, unsigned long long *op,
                           unsigned long long *footprint)
{
    char *text = slurp(path_in(name));
    ck_assert(strncmp(text, TIMELINE_HEAPMAP_MAGIC "\n",
                      strlen(TIMELINE_HEAPMAP_MAGIC) + 1) == 0);
    char line[256];
    unsigned long long heap_bytes, live_payload;
    ck_assert_int_eq(sscanf(data_line(text, "# op", line, sizeof line),
                            "# op\t%llu", op),
                     1);
    sscanf(data_line(text, "# footprint", line, sizeof line),
           "# footprint\t%llu", footprint);
    sscanf(data_line(text, "# heap_bytes", line, sizeof line),
           "# heap_bytes\t%llu", &heap_bytes);
    sscanf(data_line(text, "# live_payload", line, sizeof line),
           "# live_payload\t%llu", &live_payload);
    unsigned long long next = 0, payload = 0, blocks = 0, first = 0;
    for (char *p = strstr(text, "\noffset\t"); (p = strchr(p + 1, '\n'));) {
        unsigned long long offset, size, payload_offset, payload_size;
        int used;
        if (sscanf(p + 1, "%llu\t%llu\t%d\t%llu\t%llu", &offset, &size, &used,
                   &payload_offset, &payload_size) != 5)
            continue;
        if (blocks++ == 0)
            first = next = offset;
        ck_assert_uint_eq(offset, next); /* address order, no gap */
        next = offset + size;
        if (used) {
            ck_assert_uint_le(payload_offset + payload_size, size);
            payload += payload_size;
        } else {
            ck_assert_uint_eq(payload_size, 0);
        }
    }
    ck_assert_uint_gt(blocks, 10);
    /* every live payload lies in a used block */
    ck_assert_uint_eq(payload, live_payload);
    /* the blocks cover the heap but for a few words at its ends */
    ck_assert_uint_le(next, heap_bytes);
    ck_assert_uint_le(first + (heap_bytes - next), 64);
    free(text);
}

START_TEST(test_heap_map_at_the_peak)
{
    make_folder();
    struct run_result r = replay_with_timeline("dlist", 2000, 0);
    unsigned long long op, footprint;
    check_heap_map("heapmap-holes-dlist.dat", &op, &footprint);
    ck_assert_uint_eq(footprint, r.peak_footprint);
    ck_assert_uint_gt(op, 0);
    ck_assert_uint_le(op, 2000);
    remove_folder();
}
END_TEST

START_TEST(test_heap_map_after_an_op)
{
    make_folder();
    replay_with_timeline("bins", 2000, 777);
    unsigned long long op, footprint;
    check_heap_map("heapmap-holes-bins.dat", &op, &footprint);
    ck_assert_uint_eq(op, 777);
    remove_folder();
}
END_TEST

START_TEST(test_timeline_plots)
{
    make_folder();
    replay_with_timeline("list", 3000, 0);
    replay_with_timeline("minimal", 3000, 0); /* no walk */
    char error[256];
    ck_assert_int_eq(plot_style_write(folder, error, sizeof error), 0);
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = folder, .out = paths};
    ck_assert_int_eq(plot_timelines(&o), 0);
    ck_assert_uint_eq(o.failed, 0);
    ck_assert_uint_eq(o.drawn, 2);
    expect_png("timeline-holes.png");
    expect_png("heapmap-holes-list.png");
    ck_assert_int_ne(access(path_in("heapmap-holes-minimal.dat"), F_OK), 0);
    rewind(paths);
    char printed[2048];
    size_t n = fread(printed, 1, sizeof printed - 1, paths);
    printed[n] = '\0';
    ck_assert_msg(strstr(printed, "minimal has no walk(): no heap map\n") !=
                      NULL,
                  "%s", printed);
    ck_assert(strstr(printed, "/timeline-holes.png\n") != NULL);
    /* the timeline script draws both backends in their colours */
    char *script = slurp(path_in("timeline-holes.gp"));
    char expected[128];
    snprintf(expected, sizeof expected, "lt %d title \"list\"",
             plot_line_type("list"));
    ck_assert(strstr(script, expected) != NULL);
    snprintf(expected, sizeof expected, "lt %d title \"minimal\"",
             plot_line_type("minimal"));
    ck_assert(strstr(script, expected) != NULL);
    free(script);
    fclose(paths);
    remove_folder();
}
END_TEST

START_TEST(test_plot_command_usage)
{
    char *none[] = {"plot", NULL};
    ck_assert_int_eq(cmd_plot(1, none), 2);
    char *two[] = {"plot", "a.json", "b.json", NULL};
    ck_assert_int_eq(cmd_plot(3, two), 2);
    char *unknown[] = {"plot", "--png", "a.json", NULL};
    ck_assert_int_eq(cmd_plot(3, unknown), 2);
    make_folder();
    char *missing[] = {"plot", "-o", folder, path_in("none.json"), NULL};
    ck_assert_int_eq(cmd_plot(4, missing), 2); /* an input error */
    remove_folder();
}
END_TEST

static Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_plot_command_usage);
    tcase_add_test(tc, test_results_read_back);
    tcase_add_test(tc, test_results_errors);
    tcase_add_test(tc, test_charts_hold_the_numbers);
    tcase_add_test(tc, test_one_colour_per_backend);
    tcase_add_test(tc, test_svg_too);
    tcase_add_test(tc, test_no_gnuplot);
    tcase_add_test(tc, test_timeline_windows);
    tcase_add_loop_test(tc, test_timeline_keeps_the_peaks, 0, 2);
    tcase_add_test(tc, test_heap_map_at_the_peak);
    tcase_add_test(tc, test_heap_map_after_an_op);
    tcase_add_test(tc, test_timeline_plots);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(plot_suite)
