/*
 * test_isolation.c -- the parts of the grader's boundary, each on its
 * own (tests/test_grade.c grades whole submissions, cheats among them):
 *
 *   pack      a trace in a sealed memfd and back; the reader's refusals
 *   spawn     a program run as another user (when the tests run as root);
 *             what it leaves running, even in a session of its own, is
 *             killed and counted
 *   sandbox   writes outside the run's folder, a guarded file, a signal
 *             to its parent: refused and reported, the rest allowed
 *   verify    a run's record against its trace: accepted, or refused
 *             with the reason (overlap, misalignment, a footprint below
 *             the blocks' span, timed passes that differ)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../grading/sandbox.h"
#include "../grading/spawn.h"
#include "../grading/verify.h"
#include "evidence.h"
#include "suites.h"
#include "trace_pack.h"

static const char SMALL[] = "a 0 24\na 1 100\nf 0\nr 1 300\na 2 8\nf 1\nf 2\n";

static void parse(const char *text, struct trace *t)
{
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse("t.rep", text, strlen(text), t, error) == 0,
                  "%s", error);
}

/* --- pack ----------------------------------------------------------------- */

START_TEST(a_packed_trace_reads_back_and_cannot_be_changed)
{
    struct trace t, back;
    parse(SMALL, &t);
    int fd = trace_pack(&t);
    ck_assert_int_ge(fd, 0);
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_unpack_fd(fd, "small.rep", &back, error) == 0, "%s",
                  error);
    ck_assert_uint_eq(back.num_ops, t.num_ops);
    ck_assert_uint_eq(back.num_ids, t.num_ids);
    for (size_t i = 0; i < t.num_ops; i++) {
        ck_assert_int_eq(back.ops[i].kind, t.ops[i].kind);
        ck_assert_int_eq(back.ops[i].id, t.ops[i].id);
        ck_assert_uint_eq(back.ops[i].size, t.ops[i].size);
        ck_assert_uint_eq(back.ops[i].line, t.ops[i].line);
    }
    ck_assert_str_eq(back.path, "small.rep");
    ck_assert_str_eq(back.name, "small");
    /* sealed: no process that holds it can change it for the next run */
    ck_assert_int_eq(pwrite(fd, "x", 1, 0), -1);
    ck_assert_int_eq(errno, EPERM);
    ck_assert_int_eq(ftruncate(fd, 1), -1);
    ck_assert_ptr_eq(mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, fd, 0),
                     MAP_FAILED);
    close(fd);
    trace_free(&back);
    trace_free(&t);
}
END_TEST

START_TEST(a_damaged_image_is_refused)
{
    struct trace t, back;
    parse(SMALL, &t);
    int fd = trace_pack(&t);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    char *image = malloc((size_t)st.st_size);
    ck_assert_int_eq(pread(fd, image, (size_t)st.st_size, 0), st.st_size);
    char error[TRACE_ERROR_MAX];
    ck_assert_int_eq(trace_unpack("x.rep", image, 10, &back, error), -1);
    ck_assert_str_eq(error, "x.rep: packed trace: 10 bytes, shorter than "
                            "its header");
    ck_assert_int_eq(trace_unpack("x.rep", image, (size_t)st.st_size - 1,
                                  &back, error),
                     -1);
    ck_assert_ptr_nonnull(strstr(error, "x.rep: packed trace: 7 ops in "));
    /* the last op (f 2) made a free of id 0, which is no longer live */
    struct trace_op *ops = (struct trace_op *)(void *)(image + st.st_size -
                                                       sizeof *ops);
    ops->id = 0;
    ck_assert_int_eq(trace_unpack("x.rep", image, (size_t)st.st_size, &back,
                                  error),
                     -1);
    ck_assert_str_eq(error, "x.rep: packed trace: op 6 (line 7): id 0 is "
                            "not live");
    image[0] = 'X';
    ck_assert_int_eq(trace_unpack("x.rep", image, (size_t)st.st_size, &back,
                                  error),
                     -1);
    ck_assert_str_eq(error, "x.rep: packed trace: not a packed trace (no "
                            "magic)");
    free(image);
    close(fd);
    trace_free(&t);
}
END_TEST

/* --- spawn ---------------------------------------------------------------- */

static struct spawn_outcome run(char *const argv[],
                                const struct spawn_limits *limits)
{
    struct spawn_outcome o;
    ck_assert_int_eq(spawn_run(argv, limits, &o), 0);
    ck_assert(o.started);
    return o;
}

START_TEST(a_program_runs_as_the_user_it_is_given)
{
    if (geteuid() != 0)
        return; /* only root can hand a program to another user */
    struct spawn_user nobody = {.uid = 65534, .gid = 65534};
    struct spawn_limits limits = {.output_keep = 256, .user = &nobody,
                                  .processes = 64, .workdir = "/"};
    char *argv[] = {"/bin/sh", "-c", "id -u; id -g; id -G", NULL};
    struct spawn_outcome o = run(argv, &limits);
    ck_assert_str_eq(o.output, "65534\n65534\n65534\n");
    spawn_free(&o);
}
END_TEST

/* No process of ours but the ones spawn_run made. */
static int children(void)
{
    int count = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char state;
        pid_t parent, group;
        long pid = strtol(e->d_name, NULL, 10);
        if (pid > 0 && sandbox_proc_stat((pid_t)pid, &state, &parent,
                                         &group) == 0 &&
            parent == getpid() && state != 'Z')
            count++;
    }
    closedir(d);
    return count;
}

START_TEST(what_a_program_leaves_running_is_killed)
{
    ck_assert_int_eq(spawn_become_reaper(), 0);
    struct spawn_limits limits = {.output_keep = 256};
    /* one in its group, one in a session of its own (out of any group
     * kill: orphaned into this process, the reaper) */
    char *argv[] = {"/bin/sh", "-c",
                    "sleep 60 </dev/null >/dev/null 2>&1 & "
                    "setsid sleep 60 </dev/null >/dev/null 2>&1 & "
                    "sleep 0.2; exit 0",
                    NULL};
    struct spawn_outcome o = run(argv, &limits);
    ck_assert(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0);
    ck_assert_uint_eq(o.strays, 2);
    ck_assert_int_eq(children(), 0);
    spawn_free(&o);
}
END_TEST

/* --- sandbox -------------------------------------------------------------- */

START_TEST(the_sandbox_refuses_and_reports)
{
    char folder[64] = "/tmp/heaplab-sandbox-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(folder));
    char work[128], secret[128], outside[128];
    snprintf(work, sizeof work, "%s/work", folder);
    snprintf(secret, sizeof secret, "%s/secret.rep", folder);
    snprintf(outside, sizeof outside, "%s/outside", folder);
    ck_assert_int_eq(mkdir(work, 0755), 0);
    FILE *f = fopen(secret, "w");
    fputs("a 0 1\n", f);
    fclose(f);

    const char *guarded[] = {secret};
    struct sandbox_rules rules = {.guarded = guarded, .guarded_count = 1};
    ck_assert_ptr_nonnull(realpath(work, rules.workdir));
    struct sandbox s;
    if (sandbox_prepare(&s, &rules) != 0)
        return; /* no seccomp here: isolation.c runs without it */
    struct spawn_limits limits = {.output_keep = 4096, .workdir = work,
                                  .sandbox = &s};
    char script[1024];
    snprintf(script, sizeof script,
             "echo in > inside; echo out > '%s'; cat '%s'; "
             "kill -CONT $PPID; echo done",
             outside, secret);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    struct spawn_outcome o = run(argv, &limits);
    ck_assert_msg(strstr(o.output, "done") != NULL, "%s", o.output);
    ck_assert_ptr_nonnull(s.seen);
    char expected[512];
    snprintf(expected, sizeof expected,
             "tried to write %s, outside its own folder (openat)", outside);
    ck_assert_msg(strstr(s.seen, expected) != NULL, "%s", s.seen);
    snprintf(expected, sizeof expected,
             "tried to open %s, which belongs to the grader (openat)", secret);
    ck_assert_msg(strstr(s.seen, expected) != NULL, "%s", s.seen);
    snprintf(expected, sizeof expected,
             "tried to send Continued (signal %d) to process %d (the "
             "grader), which is not its own (kill)",
             SIGCONT, (int)getpid());
    ck_assert_msg(strstr(s.seen, expected) != NULL, "%s", s.seen);
    ck_assert_uint_eq(s.seen_count, 3);
    struct stat st;
    ck_assert_int_eq(stat(outside, &st), -1); /* refused */
    snprintf(expected, sizeof expected, "%s/inside", work);
    ck_assert_int_eq(stat(expected, &st), 0); /* its own folder: allowed */
    spawn_free(&o);
    sandbox_free(&s);
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    ck_assert_int_eq(system(command), 0);
}
END_TEST

/* --- verify --------------------------------------------------------------- */

/* A record of the given offsets in a memfd, the timed hash chained over
 * `passes` passes of them. */
static int record_of(const uint64_t *offsets, size_t count, uint64_t passes,
                     uint64_t timed_hash_xor)
{
    struct evidence_record h = {.magic = EVIDENCE_MAGIC,
                                .checked_count = count,
                                .checked_done = 1,
                                .timed_passes = passes};
    for (uint64_t p = 0; p < passes; p++)
        for (size_t i = 0; i < count; i++)
            h.timed_hash = h.timed_hash * EVIDENCE_MULTIPLIER + offsets[i];
    h.timed_hash ^= timed_hash_xor;
    int fd = memfd_create("record", 0);
    ck_assert_int_eq(write(fd, &h, sizeof h), (ssize_t)sizeof h);
    ck_assert_int_eq(write(fd, offsets, count * sizeof *offsets),
                     (ssize_t)(count * sizeof *offsets));
    return fd;
}

START_TEST(a_run_s_record_is_checked_against_its_trace)
{
    struct trace t;
    parse(SMALL, &t); /* a 0 24, a 1 100, f 0, r 1 300, a 2 8, ... */
    struct checked_facts f;
    verify_trace_facts(&t, &f);
    ck_assert_uint_eq(f.pointers, 4);
    ck_assert_uint_eq(f.peak_payload, 308);
    char why[512];

    /* blocks at 16, 48 and (realloc) 160, then 16 again: they span 460 */
    uint64_t good[] = {16, 48, 160, 16};
    int fd = record_of(good, 4, 3, 0);
    ck_assert_int_eq(verify_checked_run(&t, fd, 460, 308, &f, why,
                                        sizeof why),
                     0);
    ck_assert_uint_eq(f.min_footprint, 460);
    struct run_clock clock = {.fd = -1, .start = 1.0, .end = 1.5, .state = 2};
    double ops = 0;
    ck_assert_int_eq(verify_timed_run(&f, &t, fd, &clock, &ops, why,
                                      sizeof why),
                     0);
    ck_assert(ops > 41.9 && ops < 42.1); /* 3 passes of 7 ops in 0.5 s */
    ck_assert_int_eq(verify_checked_run(&t, fd, 459, 308, &f, why,
                                        sizeof why),
                     -1);
    ck_assert_str_eq(why, "it reported a peak footprint of 459 bytes, "
                          "smaller than the 460 bytes its own blocks span");
    clock.state = 1;
    ck_assert_int_eq(verify_timed_run(&f, &t, fd, &clock, &ops, why,
                                      sizeof why),
                     -1);
    ck_assert_str_eq(why, "its timed replays did not let the grader read "
                          "their CPU time");
    close(fd);

    fd = record_of(good, 4, 3, 1); /* a timed pass handed out another */
    verify_checked_run(&t, fd, 460, 308, &f, why, sizeof why);
    clock.state = 2;
    ck_assert_int_eq(verify_timed_run(&f, &t, fd, &clock, &ops, why,
                                      sizeof why),
                     -1);
    ck_assert_str_eq(why, "its timed replays were handed other pointers "
                          "than its checked replay (the hash of 3 passes "
                          "differs): they are not the same computation");
    close(fd);

    uint64_t overlapping[] = {16, 32, 160, 16};
    fd = record_of(overlapping, 4, 1, 0);
    ck_assert_int_eq(verify_checked_run(&t, fd, 1000, 308, &f, why,
                                        sizeof why),
                     -1);
    ck_assert_str_eq(why, "its record puts the block of line 2 at heap "
                          "offset 32, over a live block");
    close(fd);

    uint64_t misaligned[] = {16, 56, 160, 16};
    fd = record_of(misaligned, 4, 1, 0);
    ck_assert_int_eq(verify_checked_run(&t, fd, 1000, 308, &f, why,
                                        sizeof why),
                     -1);
    ck_assert_str_eq(why, "its record puts the block of line 2 at heap "
                          "offset 56, which is not aligned");
    close(fd);

    fd = record_of(good, 3, 1, 0);
    ck_assert_int_eq(verify_checked_run(&t, fd, 1000, 308, &f, why,
                                        sizeof why),
                     -1);
    ck_assert_str_eq(why, "its record holds 3 pointers, and the trace hands "
                          "out 4");
    close(fd);
    ck_assert_int_eq(verify_checked_run(&t, -1, 1000, 308, &f, why,
                                        sizeof why),
                     -1);
    ck_assert_str_eq(why, "it came without the driver's record of the "
                          "pointers it checked");
    trace_free(&t);
}
END_TEST

static Suite *isolation_suite(void)
{
    Suite *s = suite_create("isolation");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_packed_trace_reads_back_and_cannot_be_changed);
    tcase_add_test(tc, a_damaged_image_is_refused);
    tcase_add_test(tc, a_program_runs_as_the_user_it_is_given);
    tcase_add_test(tc, what_a_program_leaves_running_is_killed);
    tcase_add_test(tc, the_sandbox_refuses_and_reports);
    tcase_add_test(tc, a_run_s_record_is_checked_against_its_trace);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

TEST_SUITE(isolation_suite)
