/*
 * test_timeline.c -- what a replay records for the plots and what is drawn
 * from it: footprint samples whose largest value is the run's peak, heap
 * maps whose blocks tile the heap and hold every live payload, their
 * plots, and throughput against trace size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocks.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "plot.h"
#include "plot_helpers.h"
#include "plot_scaling.h"
#include "replay.h"
#include "suites.h"
#include "timeline.h"
#include "trace.h"

/* --- timelines and heap maps -----------------------------------------------
 */

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
            used +=
                (size_t)snprintf(text + used, size - used, "f %zu\n", id - 1);
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
    plot_timeline_paths(plot_folder, t.name, a->name, samples, heapmap,
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
    char *text = plot_slurp(plot_path(name));
    struct samples_seen seen = {0};
    ck_assert(strncmp(text, TIMELINE_SAMPLES_MAGIC "\n",
                      strlen(TIMELINE_SAMPLES_MAGIC) + 1) == 0);
    char line[128];
    ck_assert_str_eq(plot_data_line(text, "op", line, sizeof line),
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
    plot_folder_make();
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
    plot_folder_remove();
}
END_TEST

static int no_init(void)
{
    return 0;
}

/* Footprint and payload set by hand, each peaking inside a window. */
START_TEST(test_timeline_windows)
{
    plot_folder_make();
    static const struct allocator fake = {.name = "fake", .init = no_init};
    struct timeline_request request = {
        .samples_path = plot_path("timeline-made-fake.dat"),
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
    char *text = plot_slurp(plot_path("timeline-made-fake.dat"));
    ck_assert(strstr(text, "\n5004\t204800\t") != NULL);
    ck_assert(strstr(text, "# window\t3\n") != NULL);
    free(text);
    plot_folder_remove();
}
END_TEST

/* Reads a heap map; checks that its blocks tile the heap. */
static void check_heap_map(const char *name, unsigned long long *op,
                           unsigned long long *footprint)
{
    char *text = plot_slurp(plot_path(name));
    ck_assert(strncmp(text, TIMELINE_HEAPMAP_MAGIC "\n",
                      strlen(TIMELINE_HEAPMAP_MAGIC) + 1) == 0);
    char line[256];
    unsigned long long heap_bytes, live_payload;
    ck_assert_int_eq(sscanf(plot_data_line(text, "# op", line, sizeof line),
                            "# op\t%llu", op),
                     1);
    sscanf(plot_data_line(text, "# footprint", line, sizeof line),
           "# footprint\t%llu", footprint);
    sscanf(plot_data_line(text, "# heap_bytes", line, sizeof line),
           "# heap_bytes\t%llu", &heap_bytes);
    sscanf(plot_data_line(text, "# live_payload", line, sizeof line),
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
    plot_folder_make();
    struct run_result r = replay_with_timeline("dlist", 2000, 0);
    unsigned long long op, footprint;
    check_heap_map("heapmap-holes-dlist.dat", &op, &footprint);
    ck_assert_uint_eq(footprint, r.peak_footprint);
    ck_assert_uint_gt(op, 0);
    ck_assert_uint_le(op, 2000);
    plot_folder_remove();
}
END_TEST

START_TEST(test_heap_map_after_an_op)
{
    plot_folder_make();
    replay_with_timeline("bins", 2000, 777);
    unsigned long long op, footprint;
    check_heap_map("heapmap-holes-bins.dat", &op, &footprint);
    ck_assert_uint_eq(op, 777);
    plot_folder_remove();
}
END_TEST

START_TEST(test_timeline_plots)
{
    plot_folder_make();
    replay_with_timeline("list", 3000, 0);
    replay_with_timeline("minimal", 3000, 0); /* no walk */
    char error[256];
    ck_assert_int_eq(plot_style_write(plot_folder, error, sizeof error), 0);
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = plot_folder, .out = paths};
    ck_assert_int_eq(plot_timelines(&o), 0);
    ck_assert_uint_eq(o.failed, 0);
    ck_assert_uint_eq(o.drawn, 2);
    plot_expect_png("timeline-holes.png");
    plot_expect_png("heapmap-holes-list.png");
    ck_assert_int_ne(access(plot_path("heapmap-holes-minimal.dat"), F_OK), 0);
    rewind(paths);
    char printed[2048];
    size_t n = fread(printed, 1, sizeof printed - 1, paths);
    printed[n] = '\0';
    ck_assert_msg(strstr(printed, "minimal has no walk(): no heap map\n") !=
                      NULL,
                  "%s", printed);
    ck_assert(strstr(printed, "/timeline-holes.png\n") != NULL);
    /* the timeline script draws both backends in their colours */
    char *script = plot_slurp(plot_path("timeline-holes.gp"));
    char expected[128];
    snprintf(expected, sizeof expected, "lt %d title \"list\"",
             plot_line_type("list"));
    ck_assert(strstr(script, expected) != NULL);
    snprintf(expected, sizeof expected, "lt %d title \"minimal\"",
             plot_line_type("minimal"));
    ck_assert(strstr(script, expected) != NULL);
    free(script);
    fclose(paths);
    plot_folder_remove();
}
END_TEST

START_TEST(test_scaling)
{
    plot_folder_make();
    const struct allocator *backends[] = {registry_find("dlist"),
                                          registry_find("bins")};
    struct scaling_options options = {
        .allocators = backends,
        .allocator_count = 2,
        .patterns = {"random-random"},
        .pattern_count = 1,
        .max_ops = 3000,
        .timeout_seconds = 30,
        .repeat = 1,
    };
    char error[256];
    ck_assert_int_eq(plot_style_write(plot_folder, error, sizeof error), 0);
    ck_assert_int_eq(scaling_measure(&options, plot_folder), 0);
    char *text = plot_slurp(plot_path("scaling-random-random.dat"));
    char line[256];
    ck_assert_str_eq(plot_data_line(text, "ops", line, sizeof line),
                     "ops\tdlist\tbins");
    /* two sizes: 1000 and 3000 ops, about (the pattern's N is rounded) */
    size_t rows = 0;
    for (char *p = strstr(text, "\nops\t"); (p = strchr(p + 1, '\n'));) {
        unsigned long ops;
        double dlist, bins;
        if (sscanf(p + 1, "%lu\t%lf\t%lf", &ops, &dlist, &bins) != 3)
            continue;
        ck_assert_uint_ge(ops, rows ? 2900 : 900);
        ck_assert_uint_le(ops, rows ? 3100 : 1100);
        ck_assert(dlist > 0 && bins > 0);
        rows++;
    }
    ck_assert_uint_eq(rows, 2);
    free(text);
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = plot_folder, .out = paths};
    ck_assert_int_eq(plot_draw(&o, "scaling"), 0);
    plot_expect_png("scaling.png");
    fclose(paths);
    plot_folder_remove();
}
END_TEST

static Suite *timeline_suite(void)
{
    Suite *s = suite_create("timeline");
    TCase *tc = tcase_create("timeline");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_timeline_windows);
    tcase_add_loop_test(tc, test_timeline_keeps_the_peaks, 0, 2);
    tcase_add_test(tc, test_heap_map_at_the_peak);
    tcase_add_test(tc, test_heap_map_after_an_op);
    tcase_add_test(tc, test_timeline_plots);
    tcase_add_test(tc, test_scaling);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(timeline_suite)
