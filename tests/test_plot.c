/*
 * test_plot.c -- the plots drawn from results: results read back from JSON
 * to the number, data files that hold the results' numbers, one colour per
 * backend, and every script drawn by gnuplot without a word on stderr into
 * a 1200x700 PNG (and SVG); no gnuplot, a message and status 2.
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "heaplab/registry.h"
#include "plot.h"
#include "plot_helpers.h"
#include "report.h"
#include "suites.h"

static struct run_result ok_result(uint64_t ops, double util,
                                   double ops_per_sec)
{
    struct run_result r = {.status = RUN_OK,
                           .weight = 1,
                           .ops = ops,
                           .util = util,
                           .ops_per_sec = ops_per_sec,
                           .ops_per_sec_spread = 0.01,
                           .peak_payload = 1000,
                           .peak_footprint = 2000};
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

/* --- reading results back -------------------------------------------------
 */

START_TEST(test_results_read_back)
{
    plot_folder_make();
    write_results(plot_path("results.json"));
    struct plot_results r;
    char error[256];
    ck_assert_msg(plot_results_load(plot_path("results.json"), &r, error,
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
    plot_folder_remove();
}
END_TEST

START_TEST(test_results_errors)
{
    plot_folder_make();
    struct plot_results r;
    char error[256];
    FILE *out = fopen(plot_path("broken.json"), "w");
    fputs("{\"results\": [\n  {\"allocator\": \"dlist\",\n", out);
    fclose(out);
    ck_assert_int_eq(
        plot_results_load(plot_path("broken.json"), &r, error, sizeof error),
        -1);
    ck_assert_msg(strstr(error, "broken.json:3: ") != NULL, "%s", error);

    out = fopen(plot_path("other.json"), "w");
    fputs("{\"rows\": []}\n", out);
    fclose(out);
    ck_assert_int_eq(
        plot_results_load(plot_path("other.json"), &r, error, sizeof error),
        -1);
    ck_assert_msg(strstr(error, "no \"results\" array") != NULL, "%s", error);

    out = fopen(plot_path("nosummary.json"), "w");
    fputs("{\"results\": [{\"allocator\": \"dlist\", \"trace\": \"t\", "
          "\"status\": \"ok\", \"util\": 0.5, \"ops_per_sec\": 10}]}\n",
          out);
    fclose(out);
    ck_assert_int_eq(plot_results_load(plot_path("nosummary.json"), &r, error,
                                       sizeof error),
                     -1);
    ck_assert_msg(strstr(error, "no \"summary\" object") != NULL, "%s", error);

    ck_assert_int_eq(
        plot_results_load(plot_path("missing.json"), &r, error, sizeof error),
        -1);
    plot_folder_remove();
}
END_TEST

/* --- the charts -----------------------------------------------------------
 */

START_TEST(test_charts_hold_the_numbers)
{
    plot_folder_make();
    write_results(plot_path("results.json"));
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = plot_folder, .out = paths};
    ck_assert_int_eq(plot_all(plot_path("results.json"), &o, "plot"), 0);
    ck_assert_uint_eq(o.failed, 0); /* gnuplot said nothing: no warning */
    ck_assert_uint_eq(o.drawn, 3);

    char line[256];
    char *util = plot_slurp(plot_path("util.dat"));
    ck_assert_str_eq(plot_data_line(util, "trace", line, sizeof line),
                     "trace\tminimal\tdlist\tlibc");
    ck_assert_str_eq(plot_data_line(util, "alpha", line, sizeof line),
                     "alpha\t0.062500\t0.125000\t0.250000");
    ck_assert_str_eq(plot_data_line(util, "beta", line, sizeof line),
                     "beta\tNaN\t0.750000\t0.500000");
    ck_assert_str_eq(plot_data_line(util, "mean", line, sizeof line),
                     "mean\t0.062500\t0.437500\t0.375000");
    free(util);

    char *throughput = plot_slurp(plot_path("throughput.dat"));
    ck_assert_str_eq(plot_data_line(throughput, "alpha", line, sizeof line),
                     "alpha\t1000.0\t50000.0\t123456.7");
    /* libc's total: 400 ops in 100/123456.7 + 300/2000000 seconds */
    char expected[64];
    snprintf(expected, sizeof expected, "total\t1000.0\t%.1f\t%.1f",
             400 / (100 / 50000.0 + 300 / 400000.0),
             400 / (100 / 123456.7 + 300 / 2000000.0));
    ck_assert_str_eq(plot_data_line(throughput, "total", line, sizeof line),
                     expected);
    free(throughput);

    char *tradeoff = plot_slurp(plot_path("tradeoff.dat"));
    /* dlist: mean of 0.125 and 0.75; 400 ops in 0.002 + 0.00075 s */
    ck_assert_str_eq(plot_data_line(tradeoff, "dlist", line, sizeof line),
                     "dlist\t0.437500\t145454.5");
    free(tradeoff);

    plot_expect_png("util.png");
    plot_expect_png("throughput.png");
    plot_expect_png("tradeoff.png");
    /* each script names its data beside it, and uses the shared style */
    char *script = plot_slurp(plot_path("util.gp"));
    ck_assert(strstr(script, "load \"style.gp\"") != NULL);
    ck_assert(strstr(script, "\"util.dat\"") != NULL);
    free(script);
    fclose(paths);
    plot_folder_remove();
}
END_TEST

START_TEST(test_one_colour_per_backend)
{
    /* the registry's place, the same in every plot */
    for (size_t i = 0; i < registry_count(); i++)
        ck_assert_int_eq(plot_line_type(registry_at(i)->name), (int)i + 1);
    int spare = plot_line_type("a-student-backend");
    ck_assert_int_gt(spare, 32); /* after the registry's 32 */
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
    plot_folder_make();
    write_results(plot_path("results.json"));
    FILE *paths = tmpfile();
    struct plot_output o = {.dir = plot_folder, .out = paths, .svg = 1};
    ck_assert_int_eq(plot_all(plot_path("results.json"), &o, "plot"), 0);
    ck_assert_uint_eq(o.drawn, 6);
    char *svg = plot_slurp(plot_path("tradeoff.svg"));
    ck_assert(strstr(svg, "<svg") != NULL);
    ck_assert(strstr(svg, "dlist") != NULL);
    free(svg);
    fclose(paths);
    plot_folder_remove();
}
END_TEST

START_TEST(test_no_gnuplot)
{
    plot_folder_make();
    write_results(plot_path("results.json"));
    setenv("PATH", "/nonexistent", 1);
    ck_assert(!plot_gnuplot_found());
    /* stderr into a file, to read the message */
    int saved = dup(STDERR_FILENO);
    int capture =
        open(plot_path("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(capture, STDERR_FILENO);
    struct plot_output o = {.dir = plot_folder, .out = stdout};
    int status = plot_all(plot_path("results.json"), &o, "plot");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(capture);
    ck_assert_int_eq(status, 2);
    char *said = plot_slurp(plot_path("stderr"));
    ck_assert_msg(strstr(said, "heaplab plot: gnuplot is not installed: "
                               "install it with 'sudo apt-get install "
                               "gnuplot-nox'") != NULL,
                  "%s", said);
    free(said);
    plot_folder_remove();
}
END_TEST

START_TEST(test_plot_command_usage)
{
    /* the messages are the commands' tests' business: keep them quiet */
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDERR_FILENO);
    char *none[] = {"plot", NULL};
    ck_assert_int_eq(cmd_plot(1, none), 2);
    char *two[] = {"plot", "a.json", "b.json", NULL};
    ck_assert_int_eq(cmd_plot(3, two), 2);
    char *unknown[] = {"plot", "--png", "a.json", NULL};
    ck_assert_int_eq(cmd_plot(3, unknown), 2);
    plot_folder_make();
    char *missing[] = {"plot", "-o", plot_folder, plot_path("none.json"),
                       NULL};
    ck_assert_int_eq(cmd_plot(4, missing), 2); /* an input error */
    plot_folder_remove();
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
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(plot_suite)
