/*
 * test_replay.c -- the driver's verdicts: every broken backend gets its
 * exact status and message; the metrics are exact on traces computed by
 * hand; weights are honoured.
 *
 * memlib's region is reserved here, in the test process, before the run's
 * child is forked, so the child's heap starts at the address the test
 * sees, and messages can be compared to the letter.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "broken_backends.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "replay.h"
#include "runner.h"
#include "suites.h"
#include "trace.h"

static struct run_result run_full(const struct allocator *a,
                                  const char *text, unsigned check_every,
                                  double timeout, int timing)
{
    struct trace t;
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("t.rep", text, strlen(text), &t, error) == 0,
                  "%s", error);
    struct replay_options options = {.check_heap_every = check_every,
                                     .no_timing = !timing,
                                     .repeat = 3};
    struct runner_options limits = {.timeout_seconds = timeout,
                                    .output_keep = 4096};
    struct run_result result;
    mem_reset();
    runner_run(a, &t, &options, &limits, &result, NULL);
    trace_free(&t);
    return result;
}

static struct run_result run(const struct allocator *a, const char *text)
{
    return run_full(a, text, 0, 20, 0);
}

/* The address of the heap start plus offset, as the child sees it. */
static void *heap(size_t offset)
{
    mem_reset();
    return (char *)mem_heap_lo() + offset;
}

static void expect(const struct run_result *r, enum run_status status,
                   const char *message)
{
    ck_assert_str_eq(run_status_name(r->status), run_status_name(status));
    ck_assert_str_eq(r->message, message);
}

static char expected[RUN_MESSAGE_MAX];

START_TEST(correct_backend_passes_with_exact_metrics)
{
    struct run_result r =
        run(&bump_allocator, "a 0 100\na 1 50\nf 0\nf 1\n");
    expect(&r, RUN_OK, "");
    /* blocks: 16 + 112 and 16 + 64 bytes */
    ck_assert_uint_eq(r.peak_footprint, 208);
    ck_assert_uint_eq(r.peak_payload, 150);
    ck_assert_double_eq_tol(r.util, 150.0 / 208.0, 1e-12);
    ck_assert_uint_eq(r.syscalls, 2);
    ck_assert(r.syscalls_counted);
    ck_assert_uint_eq(r.ops, 4);
    ck_assert(isnan(r.ops_per_sec)); /* --no-timing */
}
END_TEST

START_TEST(minimal_metrics_by_hand)
{
    const struct allocator *minimal = registry_find("minimal");
    ck_assert_ptr_nonnull(minimal);
    struct run_result r = run(minimal, "a 0 100\na 1 50\nf 0\nf 1\n");
    expect(&r, RUN_OK, "");
    ck_assert_uint_eq(r.peak_footprint, 112 + 64);
    ck_assert_uint_eq(r.peak_payload, 150);
    ck_assert_double_eq_tol(r.util, 150.0 / 176.0, 1e-12);
    ck_assert_uint_eq(r.syscalls, 2);
    /* the fragmentation gap is largest after the last free */
    ck_assert_uint_eq(r.worst_frag_op, 3);
}
END_TEST

START_TEST(timing_measures_and_weights_are_honoured)
{
    const char *body = "a 0 100\na 1 50\nf 0\nf 1\n";
    char text[256];
    struct run_result r = run_full(&bump_allocator, body, 0, 20, 1);
    ck_assert(r.ops_per_sec > 0);
    ck_assert_uint_eq(r.samples, 3);
    ck_assert(!isnan(r.util));

    snprintf(text, sizeof text, "2 2 4 150\n%s", body); /* util only */
    r = run_full(&bump_allocator, text, 0, 20, 1);
    ck_assert_int_eq(r.weight, 2);
    ck_assert(!isnan(r.util));
    ck_assert(isnan(r.ops_per_sec));

    snprintf(text, sizeof text, "3 2 4 150\n%s", body); /* speed only */
    r = run_full(&bump_allocator, text, 0, 20, 1);
    ck_assert(isnan(r.util));
    ck_assert(r.ops_per_sec > 0);

    snprintf(text, sizeof text, "0 2 4 150\n%s", body); /* correctness */
    r = run_full(&bump_allocator, text, 0, 20, 1);
    ck_assert_str_eq(run_status_name(r.status), "ok");
    ck_assert(isnan(r.util));
    ck_assert(isnan(r.ops_per_sec));
}
END_TEST

START_TEST(null_for_a_satisfiable_request)
{
    struct run_result r = run(&broken_null, "a 0 100\n");
    expect(&r, RUN_ERROR,
           "t.rep:1: a 0 100: malloc(100) returned NULL, but memlib refused "
           "no request: the request can be met");
    ck_assert_uint_eq(r.fail_line, 1);
}
END_TEST

START_TEST(out_of_memory_is_oom)
{
    struct run_result r = run(&bump_allocator, "a 0 100000000000\n");
    expect(&r, RUN_OOM,
           "t.rep:1: a 0 100000000000: malloc(100000000000) returned NULL: "
           "out of memory (footprint 0 bytes)");
}
END_TEST

START_TEST(misaligned_payload)
{
    struct run_result r = run(&broken_misaligned, "a 0 100\n");
    snprintf(expected, sizeof expected,
             "t.rep:1: a 0 100: malloc(100) returned %p, not 16-byte aligned "
             "(address mod 16 is 8)",
             heap(24));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(overlapping_blocks)
{
    struct run_result r = run(&broken_overlap, "a 0 100\na 1 50\n");
    snprintf(expected, sizeof expected,
             "t.rep:2: a 1 50: malloc(50) returned %p (50 bytes), which "
             "overlaps id 0 (%p, 100 bytes, allocated at line 1) by 50 bytes",
             heap(16), heap(16));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(payload_outside_the_heap)
{
    struct run_result r = run(&broken_outside, "a 0 100\n");
    ck_assert_str_eq(run_status_name(r.status), "error");
    ck_assert_msg(strstr(r.message, "t.rep:1: a 0 100: malloc(100) returned "
                                    "0x") == r.message,
                  "%s", r.message);
    ck_assert_msg(strstr(r.message, " for 100 bytes: payload lies outside "
                                    "the heap and every mapping") != NULL,
                  "%s", r.message);
}
END_TEST

START_TEST(payload_running_past_the_break)
{
    struct run_result r = run(&broken_short, "a 0 100\n");
    snprintf(expected, sizeof expected,
             "t.rep:1: a 0 100: malloc(100) returned %p for 100 bytes: "
             "payload lies in the heap at offset 16, but running past the "
             "break (heap is 66 bytes)",
             heap(16));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(write_past_the_break_crashes_with_the_place)
{
    struct run_result r = run(&broken_past_break, "a 0 100\na 1 100\n");
    snprintf(expected, sizeof expected,
             "t.rep:2: a 1 100: crashed in the checked replay: Segmentation "
             "fault at %p, past the break by 4096 bytes",
             heap(256 + mem_pagesize()));
    expect(&r, RUN_CRASH, expected);
}
END_TEST

START_TEST(free_writing_past_the_break)
{
    struct run_result r = run(&broken_wild_free, "a 0 100\nf 0\n");
    snprintf(expected, sizeof expected,
             "t.rep:2: f 0: crashed in the checked replay: Segmentation fault "
             "at %p, past the break by %zu bytes",
             heap(128 + 3 * mem_pagesize()), 3 * mem_pagesize());
    expect(&r, RUN_CRASH, expected);
}
END_TEST

START_TEST(use_after_free_names_the_freed_block)
{
    struct run_result r = run(&broken_stale, "a 0 100\nf 0\na 1 100\n");
    ck_assert_str_eq(run_status_name(r.status), "crash");
    ck_assert_msg(strstr(r.message, "t.rep:3: a 1 100: crashed in the checked "
                                    "replay: Segmentation fault at 0x") ==
                      r.message,
                  "%s", r.message);
    ck_assert_msg(strstr(r.message, ", inside the freed block of id 0 (freed "
                                    "at line 2) at offset 0") != NULL,
                  "%s", r.message);
}
END_TEST

START_TEST(corrupted_live_block)
{
    struct run_result r = run(&broken_corrupt, "a 0 100\na 1 100\nf 0\n");
    snprintf(expected, sizeof expected,
             "t.rep:3: f 0: payload of id 0 (%p, 100 bytes, allocated at line "
             "1) was changed while live: byte 0 is 0x00, expected 0xa5",
             heap(16));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(realloc_losing_data)
{
    struct run_result r = run(&broken_lossy, "a 0 100\nr 0 200\n");
    snprintf(expected, sizeof expected,
             "t.rep:2: r 0 200: realloc(%p, 200) returned %p but did not keep "
             "the old contents: byte 50 of 100 is 0x00, expected 0x0f",
             heap(16), heap(144));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(realloc_to_zero_must_return_null)
{
    struct run_result r = run(&broken_zero_realloc, "a 0 100\nr 0 0\n");
    snprintf(expected, sizeof expected,
             "t.rep:2: r 0 0: realloc(%p, 0) returned %p: realloc to 0 bytes "
             "must free the block and return NULL",
             heap(16), heap(144));
    expect(&r, RUN_ERROR, expected);
}
END_TEST

START_TEST(endless_loop_times_out)
{
    struct run_result r = run_full(&broken_hang, "a 0 100\na 1 100\n", 0, 1, 0);
    expect(&r, RUN_TIMEOUT,
           "t.rep:2: a 1 100: timeout: no result after 1 s, in the checked "
           "replay");
}
END_TEST

START_TEST(null_dereference_crashes)
{
    struct run_result r = run(&broken_segv, "a 0 100\na 1 100\n");
    expect(&r, RUN_CRASH,
           "t.rep:2: a 1 100: crashed in the checked replay: Segmentation "
           "fault at 0x10, outside the heap");
}
END_TEST

START_TEST(exit_in_the_backend_is_a_crash)
{
    struct run_result r = run(&broken_exit, "a 0 100\na 1 100\n");
    expect(&r, RUN_CRASH,
           "t.rep:2: a 1 100: the backend ended the process with exit(3) in "
           "the checked replay");
}
END_TEST

START_TEST(abort_is_a_crash)
{
    struct run_result r = run(&broken_abort, "a 0 100\na 1 100\n");
    expect(&r, RUN_CRASH,
           "t.rep:2: a 1 100: crashed in the checked replay: Aborted (abort: "
           "an assertion failed; its message is in the backend's output)");
}
END_TEST

START_TEST(failing_heap_checker)
{
    struct run_result r =
        run_full(&broken_check, "a 0 100\na 1 100\nf 0\n", 1, 20, 0);
    snprintf(expected, sizeof expected,
             "t.rep:2: a 1 100: heap checker returned 1 after this op: block "
             "%p: header says 0 bytes",
             heap(144));
    expect(&r, RUN_ERROR, expected);
    /* without --check-heap the checker is not called */
    r = run(&broken_check, "a 0 100\na 1 100\nf 0\n");
    expect(&r, RUN_OK, "");
    /* every 3 ops: called after op 3 */
    r = run_full(&broken_check, "a 0 100\na 1 100\nf 0\nf 1\n", 3, 20, 0);
    ck_assert_uint_eq(r.fail_line, 3);
}
END_TEST

START_TEST(failing_init)
{
    struct run_result r = run(&broken_init, "a 0 100\n");
    expect(&r, RUN_ERROR, "t.rep: bad-init: init() returned -1");
}
END_TEST

START_TEST(state_kept_across_init_is_caught_by_a_second_run)
{
    const char *text = "a 0 100\nf 0\n";
    struct trace t;
    char error[TRACE_ERROR_MAX];
    ck_assert(trace_parse("t.rep", text, strlen(text), &t, error) == 0);
    struct replay_options options = {.no_timing = 1, .twice = 1};
    struct runner_options limits = {.timeout_seconds = 20,
                                    .output_keep = 4096};
    struct run_result r;
    void *second = heap(112); /* reserves the region before the fork */
    runner_run(&broken_sticky, &t, &options, &limits, &r, NULL);
    snprintf(expected, sizeof expected,
             "t.rep:1: a 0 100: malloc(100) returned %p for 100 bytes: "
             "payload lies past the break by 0 bytes (in the second run of "
             "this trace in one process: init() does not reset all state)",
             second);
    expect(&r, RUN_ERROR, expected);
    /* once is fine, and a correct backend passes twice */
    options.twice = 0;
    runner_run(&broken_sticky, &t, &options, &limits, &r, NULL);
    expect(&r, RUN_OK, "");
    options.twice = 1;
    runner_run(&bump_allocator, &t, &options, &limits, &r, NULL);
    expect(&r, RUN_OK, "");
    ck_assert_uint_eq(r.peak_footprint, 128);
    trace_free(&t);
}
END_TEST

START_TEST(memory_limit_makes_oom)
{
    const char *text = "a 0 5000\na 1 5000\n";
    struct trace t;
    char error[TRACE_ERROR_MAX];
    ck_assert(trace_parse("t.rep", text, strlen(text), &t, error) == 0);
    struct replay_options options = {.no_timing = 1, .memory_limit = 8192};
    struct runner_options limits = {.timeout_seconds = 20,
                                    .output_keep = 4096};
    struct run_result r;
    runner_run(&bump_allocator, &t, &options, &limits, &r, NULL);
    expect(&r, RUN_OOM,
           "t.rep:2: a 1 5000: malloc(5000) returned NULL: out of memory "
           "(footprint 5024 bytes)");
    trace_free(&t);
}
END_TEST

START_TEST(every_shipped_backend_passes_a_mixed_trace)
{
    const struct allocator *a = registry_at((size_t)_i);
    struct run_result r = run_full(a,
                                   "a 0 24\na 1 5000\nr 0 300\nf -1\n"
                                   "a 2 0\nr 1 10\na 3 200000\nf 1\n"
                                   "r 3 100\nr 0 0\nf 2\nf 3\n",
                                   1, 20, 1);
    ck_assert_msg(r.status == RUN_OK, "%s: %s", a->name, r.message);
    ck_assert(r.ops_per_sec > 0);
}
END_TEST

static Suite *replay_suite(void)
{
    Suite *suite = suite_create("replay");
    TCase *tc = tcase_create("verdicts");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, correct_backend_passes_with_exact_metrics);
    tcase_add_test(tc, minimal_metrics_by_hand);
    tcase_add_test(tc, timing_measures_and_weights_are_honoured);
    tcase_add_test(tc, null_for_a_satisfiable_request);
    tcase_add_test(tc, out_of_memory_is_oom);
    tcase_add_test(tc, misaligned_payload);
    tcase_add_test(tc, overlapping_blocks);
    tcase_add_test(tc, payload_outside_the_heap);
    tcase_add_test(tc, payload_running_past_the_break);
    tcase_add_test(tc, write_past_the_break_crashes_with_the_place);
    tcase_add_test(tc, free_writing_past_the_break);
    tcase_add_test(tc, use_after_free_names_the_freed_block);
    tcase_add_test(tc, corrupted_live_block);
    tcase_add_test(tc, realloc_losing_data);
    tcase_add_test(tc, realloc_to_zero_must_return_null);
    tcase_add_test(tc, endless_loop_times_out);
    tcase_add_test(tc, null_dereference_crashes);
    tcase_add_test(tc, exit_in_the_backend_is_a_crash);
    tcase_add_test(tc, abort_is_a_crash);
    tcase_add_test(tc, failing_heap_checker);
    tcase_add_test(tc, failing_init);
    tcase_add_test(tc, state_kept_across_init_is_caught_by_a_second_run);
    tcase_add_test(tc, memory_limit_makes_oom);
    tcase_add_loop_test(tc, every_shipped_backend_passes_a_mixed_trace, 0,
                        (int)registry_count());
    suite_add_tcase(suite, tc);
    return suite;
}

TEST_SUITE(replay_suite)
