/*
 * test_heapmap.c -- seeing inside the heap: the map printed after each
 * kind of failure with the faulting block marked, --stop-at (a line, and
 * the worst moment computed by hand), and the stepper driven by a pipe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "broken_backends.h"
#include "explain.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "replay.h"
#include "runner.h"
#include "suites.h"
#include "trace.h"

static struct run_result result;
static struct run_output output;
static char line[256];

/* Runs text on a with the checks, keeping the map. */
static void run_map(const struct allocator *a, const char *text,
                    const struct replay_options *extra)
{
    struct trace t;
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("t.rep", text, strlen(text), &t, error) == 0,
                  "%s", error);
    struct replay_options options = {.no_timing = 1};
    if (extra != NULL)
        options = *extra;
    struct runner_options limits = {.timeout_seconds = 20,
                                    .output_keep = 4096};
    mem_reset(); /* the child's heap starts where ours does */
    runner_run(a, &t, &options, &limits, &result, &output);
    trace_free(&t);
}

static void *heap(size_t offset)
{
    return (char *)mem_heap_lo() + offset;
}

static void expect_line(const char *expected)
{
    ck_assert_msg(output.map != NULL, "no map");
    ck_assert_msg(strstr(output.map, expected) != NULL,
                  "expected the line\n%s\nin the map\n%s", expected,
                  output.map);
}

static void teardown(void)
{
    free(output.text);
    free(output.map);
    output = (struct run_output){0};
}

START_TEST(overlap_marks_the_block_it_overlaps)
{
    run_map(&broken_overlap, "a 0 100\na 1 50\n", NULL);
    ck_assert_int_eq(result.status, RUN_ERROR);
    /* walk() blocks: id 0 at heap + 0 (128 bytes), id 1's at heap + 128 */
    snprintf(line, sizeof line,
             "  > %14p  used       128  id 0 (100 bytes, line 1)  <-- "
             "returned here: overlaps id 0 by 50 bytes\n",
             heap(0));
    expect_line(line);
    snprintf(line, sizeof line, "    %14p  used        80\n", heap(128));
    expect_line(line);
    expect_line("  heap map (from the backend's walk(), 2 blocks):\n");
}
END_TEST

START_TEST(corruption_marks_the_changed_byte)
{
    run_map(&broken_corrupt, "a 0 100\na 1 100\nf 0\n", NULL);
    ck_assert_int_eq(result.status, RUN_ERROR);
    ck_assert_int_eq(result.fault, FAULT_CHANGED);
    snprintf(line, sizeof line,
             "  > %14p  used       128  id 0 (100 bytes, line 1)  <-- byte 0 "
             "of id 0 changed\n",
             heap(0));
    expect_line(line);
    snprintf(line, sizeof line, "  -- break at %p (heap 256 bytes) --\n",
             heap(256));
    expect_line(line);
}
END_TEST

START_TEST(crash_past_the_break_marks_the_address)
{
    run_map(&broken_past_break, "a 0 100\na 1 100\n", NULL);
    ck_assert_int_eq(result.status, RUN_CRASH);
    ck_assert_int_eq(result.fault, FAULT_CRASH_PAST_BREAK);
    snprintf(line, sizeof line, "  > %14p  in no block  <-- the fault\n",
             heap(256 + mem_pagesize()));
    expect_line(line);
    ck_assert_ptr_nonnull(explain_fault(result.fault));
}
END_TEST

START_TEST(backend_without_walk_gets_the_driver_view)
{
    run_map(&broken_misaligned, "a 0 100\n", NULL);
    ck_assert_int_eq(result.fault, FAULT_MISALIGNED);
    expect_line("  heap map (the driver's view: live blocks only, the backend "
                "has no walk(), 0 blocks: empty):\n");
    snprintf(line, sizeof line,
             "  > %14p  in no block  <-- returned here, 8 bytes off "
             "alignment\n",
             heap(24));
    expect_line(line);

    run_map(&broken_lossy, "a 0 100\na 1 20\nr 0 200\n", NULL);
    ck_assert_int_eq(result.fault, FAULT_REALLOC_LOST);
    snprintf(line, sizeof line,
             "    %14p  used        20  id 1 (20 bytes, line 2)\n", heap(144));
    expect_line(line);
    snprintf(line, sizeof line,
             "  > %14p  in no block  <-- byte 50 was not copied\n",
             heap(192 + 50));
    expect_line(line);
}
END_TEST

START_TEST(null_shows_the_whole_heap_and_free_sizes)
{
    run_map(&broken_null, "a 0 100\n", NULL);
    ck_assert_int_eq(result.fault, FAULT_NULL);
    expect_line("  free blocks: unknown (the backend has no walk())\n");
}
END_TEST

START_TEST(every_fault_kind_has_an_explanation)
{
    for (int f = FAULT_INIT; f <= FAULT_TIMEOUT; f++)
        ck_assert_msg(explain_fault(f) != NULL && strlen(explain_fault(f)) > 20,
                      "fault %d", f);
    ck_assert_ptr_null(explain_fault(FAULT_NONE));
}
END_TEST

/*
 * The worst moment by hand, on minimal (no header, sizes rounded up to 16,
 * nothing reused, so the footprint is the sum of every rounded request):
 *
 *   op  line        footprint  payload  footprint - payload
 *   1   a 0 100        112       100        12
 *   2   a 1 20         144       120        24
 *   3   f 0            144        20       124
 *   4   a 2 256        400       276       124
 *   5   f 2            400        20       380   <- first at the peak
 *   6   a 3 400        800       420       380
 *   7   a 4 400       1200       820       380
 *   8   a 5 2000      3200      2820       380
 */
START_TEST(stop_at_worst_finds_the_op_computed_by_hand)
{
    const struct allocator *minimal = registry_find("minimal");
    const char *text = "a 0 100\na 1 20\nf 0\na 2 256\nf 2\na 3 400\n"
                       "a 4 400\na 5 2000\n";
    struct replay_options options = {.no_timing = 1, .stop_at_worst = 1};
    run_map(minimal, text, &options);
    ck_assert_int_eq(result.status, RUN_OK);
    expect_line("t.rep:5: the heap after op 5 of 8 (f 2), on minimal: the "
                "worst moment, where footprint - live payload peaked\n");
    expect_line("  footprint 400 bytes, live payload 20 bytes in 1 block, 380 "
                "bytes not payload\n");

    options = (struct replay_options){.no_timing = 1, .stop_at_line = 3};
    run_map(minimal, text, &options);
    expect_line("t.rep:3: the heap after op 3 of 8 (f 0), on minimal\n");
    expect_line("  footprint 144 bytes, live payload 20 bytes in 1 block, 124 "
                "bytes not payload\n");
}
END_TEST

START_TEST(stop_at_shows_free_blocks_by_size)
{
    const struct allocator *dlist = registry_find("dlist");
    struct replay_options options = {.no_timing = 1, .stop_at_line = 4};
    run_map(dlist, "a 0 100\na 1 100\na 2 100\nf 1\n", &options);
    expect_line("t.rep:4: the heap after op 4 of 4 (f 1), on dlist\n");
    expect_line("  free blocks by size: 2 blocks, ");
    expect_line("          128 bytes x 1\n");
}
END_TEST

/* The stepper through a pipe. */
static char *step(const char *script, const char *backend, const char *trace)
{
    static char out[1 << 15];
    char command[1024];
    snprintf(command, sizeof command,
             "cd '%s' && printf '%s' | bin/heaplab step -a %s %s 2>&1",
             tests_root(), script, backend, trace);
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    return out;
}

START_TEST(stepper_shows_splits_coalescing_and_growth)
{
    FILE *f = fopen("/tmp/heaplab-step.rep", "w");
    ck_assert_ptr_nonnull(f);
    fputs("# a small script\na 0 100\na 1 100\na 2 100\nf 0\nf 1\nf 2\n", f);
    fclose(f);
    char *out = step("\\n\\nb 6\\nc\\n\\nm\\nq\\n", "dlist",
                     "/tmp/heaplab-step.rep");
    ck_assert_msg(strstr(out, "heaplab step: dlist on /tmp/heaplab-step.rep "
                              "(6 ops).") == out,
                  "%s", out);
    ck_assert_msg(strstr(out, "line 2: a 0 100 -> 0x") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "  heap grew by 8192 bytes\n") != NULL, "%s",
                  out);
    ck_assert_msg(strstr(out, "line 3: a 1 100 -> ") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "  split: free block ") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "breakpoint at line 6\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "breakpoint: before line 6: f 1\n") != NULL,
                  "%s", out);
    ck_assert_msg(strstr(out, "line 6: f 1   (footprint 8200, live 100)\n"
                              "  coalesced: ") != NULL,
                  "%s", out);
    ck_assert_msg(strstr(out, "/tmp/heaplab-step.rep:6: the heap after op 5 "
                              "of 6 (f 1), on dlist\n") != NULL,
                  "%s", out);
    ck_assert_msg(strstr(out, "  free blocks by size: ") != NULL, "%s", out);
}
END_TEST

START_TEST(stepper_reports_a_crash_and_bad_input)
{
    char *out = step("\\nc\\n", "nosuch", "/tmp/heaplab-step.rep");
    ck_assert_str_eq(out, "heaplab step: unknown allocator 'nosuch' (see "
                          "'heaplab list')\n");
    out = step("q\\n", "dlist", "/tmp/no-such-trace.rep");
    ck_assert_str_eq(out, "/tmp/no-such-trace.rep: cannot open: No such file "
                          "or directory\n");
    out = step("x\\nq\\n", "dlist", "/tmp/heaplab-step.rep");
    ck_assert_msg(strstr(out, "unknown command 'x' (h lists them)\n") != NULL,
                  "%s", out);
}
END_TEST

static Suite *heapmap_suite(void)
{
    Suite *suite = suite_create("heapmap");
    TCase *tc = tcase_create("maps");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, overlap_marks_the_block_it_overlaps);
    tcase_add_test(tc, corruption_marks_the_changed_byte);
    tcase_add_test(tc, crash_past_the_break_marks_the_address);
    tcase_add_test(tc, backend_without_walk_gets_the_driver_view);
    tcase_add_test(tc, null_shows_the_whole_heap_and_free_sizes);
    tcase_add_test(tc, every_fault_kind_has_an_explanation);
    tcase_add_test(tc, stop_at_worst_finds_the_op_computed_by_hand);
    tcase_add_test(tc, stop_at_shows_free_blocks_by_size);
    tcase_add_test(tc, stepper_shows_splits_coalescing_and_growth);
    tcase_add_test(tc, stepper_reports_a_crash_and_bad_input);
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(heapmap_suite)
