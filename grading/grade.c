/*
 * grade.c -- grading one submission (see grade.h): the private folder,
 * the build, a worker process per run, the interleaved timing rounds.
 */
#include "grade.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "isolation.h"
#include "spawn.h"
#include "stats.h"
#include "text.h"

enum {
    WORKER_OUTPUT_KEEP = 16 << 10, /* the worker process's own printout */
    EXCERPT_LINES = 12,
    EXCERPT_BYTES = 1500,
};

/* Room for the driver's own bookkeeping above the heap's cap: memlib
 * reserves its mapping pool writable (never touched), and the trace and
 * its checks live beside the heap.  RLIMIT_DATA counts all of it. */
static const size_t DATA_SLACK = (size_t)1 << 30;

/* A timed run whose own figure (init left out) is this many times the
 * one the grader measures from outside (init counted) is flagged: more
 * than any init explains, as when its clock was stopped. */
static const double CLAIM_FACTOR = 1000;

/* The sanitized grader (bin/heaplab-asan, for the tests) runs the
 * reference as itself: AddressSanitizer's shadow memory is far beyond any
 * RLIMIT_DATA, so its runs go without one. */
#if defined(__SANITIZE_ADDRESS__)
enum { REFERENCE_SANITIZED = 1 };
#else
enum { REFERENCE_SANITIZED = 0 };
#endif

/* A run's wall clock beyond the rubric's per-run limit: starting the
 * program, reading the trace. */
static const double WORKER_SLACK_SECONDS = 10;

const char *verdict_name(enum trace_verdict verdict)
{
    static const char *const names[] = {"ok",  "error",   "crash",   "timeout",
                                        "oom", "not run", "internal"};
    return (unsigned)verdict < sizeof names / sizeof names[0] ? names[verdict]
                                                              : "?";
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- the private folder ------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- one worker run ----------------------------------------------------- */

/* What one worker said. */
struct reply {
    enum trace_verdict verdict;
    char message[RUN_MESSAGE_MAX + 256];
    double util;
    double ops_per_sec;
    uint64_t ops;
    char *output;   /* what was printed, cleaned, possibly long */
    size_t printed; /* bytes printed in all */
    double footprint, payload; /* peak footprint and payload it reported */
    char *flags;    /* what the grader noticed (isolation.h), or NULL */
};

static enum trace_verdict verdict_of(const char *status)
{
    static const struct {
        const char *name;
        enum trace_verdict verdict;
    } map[] = {{"ok", VERDICT_OK},       {"error", VERDICT_ERROR},
               {"crash", VERDICT_CRASH}, {"timeout", VERDICT_TIMEOUT},
               {"oom", VERDICT_OOM},     {"skipped", VERDICT_INTERNAL}};
    for (size_t i = 0; status != NULL && i < sizeof map / sizeof *map; i++)
        if (strcmp(status, map[i].name) == 0)
            return map[i].verdict;
    return VERDICT_INTERNAL;
}

static double number_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Reads the worker's JSON; 0 when it is a complete result. */
static int read_reply(const char *text, struct reply *r)
{
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    const char *status = json_string_value(json_object_get(o, "status"));
    const char *message = json_string_value(json_object_get(o, "message"));
    const char *output = json_string_value(json_object_get(o, "output"));
    if (!json_is_object(o) || status == NULL || message == NULL) {
        json_decref(o);
        return -1;
    }
    r->verdict = verdict_of(status);
    snprintf(r->message, sizeof r->message, "%s", message);
    r->util = number_of(o, "util");
    r->ops_per_sec = number_of(o, "ops_per_sec");
    r->footprint = number_of(o, "peak_footprint");
    r->payload = number_of(o, "peak_payload");
    double ops = number_of(o, "ops");
    r->ops = isfinite(ops) && ops > 0 ? (uint64_t)ops : 0;
    double dropped = number_of(o, "output_dropped");
    size_t kept = output != NULL ? strlen(output) : 0;
    r->printed +=
        kept + (isfinite(dropped) && dropped > 0 ? (size_t)dropped : 0);
    if (output != NULL && kept > 0) {
        char *both = NULL;
        text_append(&both, "%s%s", r->output ? r->output : "", output);
        free(r->output);
        r->output = both;
    }
    json_decref(o);
    return 0;
}

struct run_request {
    const char *program; /* the submission's program, or bin/heaplab */
    int reference;       /* program is bin/heaplab: --worker --backend */
    int checker;         /* name is a [checker] case, not a trace */
    const char *trace;   /* its file */
    const char *name;    /* NAME.rep, for messages */
    int timing;          /* a timing round, not the checked run */
    struct isolation *iso;       /* how it runs (isolation.h) */
    const struct trace *parsed;  /* the trace, parsed by the grader */
    struct checked_facts *facts; /* verified of the checked run */
};

/* The run said it passed: what the grader checks itself (verify.h).  A
 * report it cannot believe becomes an error, and a flag. */
static void verify_reply(const struct run_request *q,
                         const struct isolated_run *run, struct reply *r)
{
    if (r->verdict != VERDICT_OK || q->parsed == NULL || q->checker)
        return;
    char why[512] = "";
    double outside = NAN;
    int rc;
    if (!q->timing) {
        rc = verify_checked_run(
            q->parsed, run->record_fd,
            isfinite(r->footprint) && r->footprint > 0
                ? (uint64_t)r->footprint
                : 0,
            isfinite(r->payload) && r->payload > 0 ? (uint64_t)r->payload : 0,
            q->facts, why, sizeof why);
        if (rc == 0 && isfinite(r->util) && r->footprint > 0)
            r->util = (double)q->facts->peak_payload / r->footprint;
    } else {
        rc = verify_timed_run(q->reference ? NULL : q->facts, q->parsed,
                              run->record_fd, &run->clock, &outside, why,
                              sizeof why);
        if (rc == 0 && !q->reference &&
            r->ops_per_sec > CLAIM_FACTOR * outside)
            text_append(&r->flags,
                        "claimed a throughput more than %g times what the "
                        "grader measured from outside in a timed run (the "
                        "driver's timer or counters were changed?)\n",
                        CLAIM_FACTOR);
        if (rc == 0)
            r->ops_per_sec = outside; /* the grader's own figure */
    }
    if (rc == 0)
        return;
    r->verdict = VERDICT_ERROR;
    snprintf(r->message, sizeof r->message,
             "%s: the %s, but %s; the grader does not take its word for it",
             q->name,
             q->timing ? "timed run reported success"
                       : "run said every check passed",
             why);
    text_append(&r->flags, "reported %s, but %s\n",
                q->timing ? "a timed run" : "that every check passed", why);
}

static void run_worker(const struct rubric *rubric, const char *folder,
                       const struct run_request *q, struct reply *r)
{
    memset(r, 0, sizeof *r);
    r->util = r->ops_per_sec = r->footprint = r->payload = NAN;
    char timeout[32], cpu[32], memory[32], file_size[32], keep[32], check[32],
        repeat[32], workdir[PATH_MAX];
    snprintf(timeout, sizeof timeout, "%g", rubric->timeout);
    snprintf(cpu, sizeof cpu, "%g", rubric->cpu);
    snprintf(memory, sizeof memory, "%zu", rubric->memory);
    snprintf(file_size, sizeof file_size, "%zu", rubric->file_size);
    snprintf(keep, sizeof keep, "%zu", rubric->output_keep);
    snprintf(check, sizeof check, "%u", rubric->check_heap);
    snprintf(repeat, sizeof repeat, "%u", rubric->repeat);
    snprintf(workdir, sizeof workdir, "%s", folder);
    struct spawn_limits limits = {
        .timeout = rubric->timeout + WORKER_SLACK_SECONDS,
        .cpu_seconds = rubric->cpu + WORKER_SLACK_SECONDS,
        .file_size = rubric->file_size,
        .data = q->reference && REFERENCE_SANITIZED
                    ? 0
                    : rubric->memory + DATA_SLACK,
        .output_keep = WORKER_OUTPUT_KEEP,
        .want_result = 1,
        .result_max = rubric->output_keep + 2 * RUN_MESSAGE_MAX + 4096,
    };
    /* its own folder, user, sandbox; the trace handed over parsed */
    struct isolated_run run;
    int handed = q->iso != NULL && q->parsed != NULL && !q->checker;
    if (q->iso != NULL &&
        isolation_begin(q->iso, handed ? q->parsed : NULL, &run, &limits) !=
            0) {
        r->verdict = VERDICT_INTERNAL;
        snprintf(r->message, sizeof r->message,
                 "%s: the grader cannot prepare a run: %s", q->name,
                 strerror(errno));
        isolation_end(q->iso, &run, NULL, NULL, &r->flags);
        return;
    }
    if (limits.workdir != NULL)
        snprintf(workdir, sizeof workdir, "%s", limits.workdir);

    char *argv[40];
    size_t n = 0;
    argv[n++] = (char *)q->program;
    if (q->checker) {
        argv[n++] = "--checker-case";
        argv[n++] = (char *)q->name;
        argv[n++] = "--timeout";
        argv[n++] = timeout;
        argv[n++] = "--memory";
        argv[n++] = memory;
    } else if (q->reference) {
        argv[n++] = "grade";
        argv[n++] = "--worker";
        argv[n++] = "--backend";
        argv[n++] = (char *)rubric->reference;
    } else {
        argv[n++] = "--label";
        argv[n++] = (char *)rubric->lab;
    }
    const char *common[] = {
        handed ? "--trace-fd" : "--trace", handed ? "4" : q->trace,
        "--name",      q->name,
        "--timeout",     timeout,  "--cpu",       cpu,
        "--memory",      memory,   "--file-size", file_size,
        "--output-keep", keep,     "--workdir",   workdir};
    for (size_t i = 0; !q->checker && i < sizeof common / sizeof *common; i++)
        argv[n++] = (char *)common[i];
    if (handed) { /* the record and the clock (evidence.h) */
        argv[n++] = "--evidence-fd";
        argv[n++] = "5";
        argv[n++] = "--clock-fd";
        argv[n++] = "6";
    }
    if (q->checker) {
        /* the case's own options, above */
    } else if (q->timing) {
        argv[n++] = "--repeat";
        argv[n++] = repeat;
    } else {
        argv[n++] = "--twice";
        argv[n++] = "--no-timing";
        argv[n++] = "--check-heap";
        argv[n++] = check;
        if (rubric->require_checker)
            argv[n++] = "--require-checker";
    }
    argv[n] = NULL;

    struct spawn_outcome o;
    if (spawn_run(argv, &limits, &o) != 0) {
        r->verdict = VERDICT_INTERNAL;
        snprintf(r->message, sizeof r->message,
                 "%s: the grader cannot start a process: %s", q->name,
                 strerror(errno));
        if (q->iso != NULL)
            isolation_end(q->iso, &run, NULL, NULL, &r->flags);
        return;
    }
    if (o.output_length > 0 || o.output_dropped > 0) { /* before main */
        r->output = text_trim(o.output, o.output_length, 0, (size_t)-1,
                              o.output_length);
        r->printed = o.output_length + o.output_dropped;
    }
    int complete = o.started && !o.timed_out && WIFEXITED(o.status) &&
                   WEXITSTATUS(o.status) == 0 && read_reply(o.result, r) == 0;
    if (!complete) {
        char how[160];
        spawn_describe(&o, limits.timeout, how, sizeof how);
        r->verdict = q->reference  ? VERDICT_INTERNAL
                     : o.timed_out ? VERDICT_TIMEOUT
                                   : VERDICT_CRASH;
        if (q->reference)
            snprintf(r->message, sizeof r->message,
                     "%s: the reference backend's run %s", q->name, how);
        else
            snprintf(r->message, sizeof r->message,
                     "%s: the submission's program %s before the replay "
                     "could report (in code that runs before main, such "
                     "as a constructor, or a static array larger than "
                     "the memory limit?)",
                     q->name, how);
    }
    if (complete && q->iso != NULL)
        verify_reply(q, &run, r);
    if (q->iso != NULL)
        isolation_end(q->iso, &run, &o, r->output, &r->flags);
    spawn_free(&o);
}

/* --- the steps ---------------------------------------------------------- */

static int list_traces(const struct rubric *r, struct grade *g)
{
    size_t max = r->correctness.count + r->performance.count +
                 r->checker_cases.count;
    g->traces = calloc(max ? max : 1, sizeof *g->traces);
    if (g->traces == NULL)
        return -1;
    for (size_t i = 0; i < r->correctness.count; i++) {
        struct trace_grade *t = &g->traces[g->count++];
        snprintf(t->name, sizeof t->name, "%s", r->correctness.names[i]);
        t->correctness = 1;
        t->weight = r->correctness.weights[i];
    }
    for (size_t i = 0; i < r->performance.count; i++) {
        struct trace_grade *t = NULL;
        for (size_t j = 0; j < g->count && t == NULL; j++)
            if (strcmp(g->traces[j].name, r->performance.names[i]) == 0)
                t = &g->traces[j];
        if (t == NULL) {
            t = &g->traces[g->count++];
            snprintf(t->name, sizeof t->name, "%s", r->performance.names[i]);
            t->weight = r->performance.weights[i];
        }
        t->performance = 1;
    }
    for (size_t i = 0; i < r->checker_cases.count; i++) {
        struct trace_grade *t = &g->traces[g->count++];
        snprintf(t->name, sizeof t->name, "%s", r->checker_cases.names[i]);
        t->checker = 1;
    }
    for (size_t i = 0; i < g->count; i++) {
        struct trace_grade *t = &g->traces[i];
        t->verdict = VERDICT_NOT_RUN;
        t->util = t->ratio = t->ops_per_sec = t->reference_ops_per_sec = NAN;
    }
    return 0;
}

static void mark_all(struct grade *g, enum trace_verdict verdict,
                     const char *message)
{
    for (size_t i = 0; i < g->count; i++) {
        g->traces[i].verdict = verdict;
        snprintf(g->traces[i].message, sizeof g->traces[i].message, "%s",
                 message);
    }
}

static void progress(const struct grade_options *options, const char *format,
                     const char *a, const char *b)
{
    if (options->verbose) {
        fprintf(stderr, format, a, b);
        fflush(stderr);
    }
}

/* Step 2: every trace once, checked, twice in one process. */
static void check_traces(struct grade *g, const char *program,
                         const char *folder,
                         const struct grade_options *options)
{
    const struct rubric *r = g->rubric;
    for (size_t i = 0; i < g->count; i++) {
        struct trace_grade *t = &g->traces[i];
        char file[PATH_MAX + RUBRIC_NAME_MAX + 8], name[RUBRIC_NAME_MAX + 8];
        rubric_trace_path(r, t->name, file, sizeof file);
        snprintf(name, sizeof name, t->checker ? "%s" : "%s.rep", t->name);
        progress(options,
                 t->checker ? "heaplab grade: %s: checker case %s"
                            : "heaplab grade: %s: checking %s",
                 r->lab, t->name);
        struct run_request q = {.program = program,
                                .checker = t->checker,
                                .trace = file,
                                .name = name,
                                .iso = g->isolation,
                                .facts = &t->facts};
        if (g->isolation != NULL && !t->checker)
            q.parsed = isolation_trace(g->isolation, t->name);
        if (q.parsed != NULL)
            verify_trace_facts(q.parsed, &t->facts);
        struct reply reply;
        run_worker(r, folder, &q, &reply);
        if (reply.flags != NULL)
            text_append(&t->flags, "%s", reply.flags);
        free(reply.flags);
        if (t->checker && reply.verdict == VERDICT_OK)
            reply.printed = 0; /* a checker prints when it rejects */
        t->verdict = reply.verdict;
        snprintf(t->message, sizeof t->message, "%s", reply.message);
        t->util = reply.verdict == VERDICT_OK ? reply.util : NAN;
        t->ops = reply.ops;
        t->printed = reply.printed;
        if (reply.output != NULL && reply.output[0] != '\0')
            t->output = text_trim(reply.output, strlen(reply.output),
                                  reply.printed - strlen(reply.output),
                                  EXCERPT_LINES, EXCERPT_BYTES);
        free(reply.output);
        progress(options, ": %s%s\n", verdict_name(t->verdict), "");
    }
}

/* Adds the lines of `flags` that t does not have yet. */
static void add_flags(struct trace_grade *t, const char *flags)
{
    for (const char *line = flags; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        int known = 0;
        for (const char *at = t->flags; at != NULL && *at != '\0' && !known;) {
            size_t m = strcspn(at, "\n");
            known = m == n && strncmp(at, line, n) == 0;
            at += m + (at[m] == '\n');
        }
        if (!known && n > 0)
            text_append(&t->flags, "%.*s\n", (int)n, line);
        line += n + (line[n] == '\n');
    }
}

/* One timing round: the reference's and the submission's ops/s, in the
 * order the round asks.  0, or -1 with t->timing_note said. */
static int time_round(struct grade *g, struct trace_grade *t,
                      const char *program, const char *folder,
                      const char *file, const char *name, unsigned round,
                      double *sub_ops, double *ref_ops)
{
    struct reply replies[2]; /* [0] the submission, [1] the reference */
    for (int k = 0; k < 2; k++) {
        int reference = (k == 0) == (round % 2 == 0);
        struct run_request q = {.program = reference ? g->self : program,
                                .reference = reference,
                                .trace = file,
                                .name = name,
                                .timing = 1,
                                .iso = g->isolation,
                                .facts = &t->facts};
        if (g->isolation != NULL)
            q.parsed = isolation_trace(g->isolation, t->name);
        run_worker(g->rubric, folder, &q, &replies[reference]);
        free(replies[reference].output);
        if (!reference && replies[0].flags != NULL)
            add_flags(t, replies[0].flags);
        free(replies[reference].flags);
    }
    const struct reply *sub = &replies[0], *ref = &replies[1];
    if (ref->verdict != VERDICT_OK || !(ref->ops_per_sec > 0)) {
        snprintf(t->timing_note, sizeof t->timing_note,
                 "the reference could not be timed: %.900s", ref->message);
        snprintf(g->internal, sizeof g->internal, "%.60s: %.400s", t->name,
                 t->timing_note);
        return -1;
    }
    if (sub->verdict != VERDICT_OK || !(sub->ops_per_sec > 0)) {
        snprintf(t->timing_note, sizeof t->timing_note,
                 "the timed run failed, so throughput counts 0: %.900s",
                 sub->verdict != VERDICT_OK
                     ? sub->message
                     : "the timed replay did not complete");
        t->ratio = 0;
        return -1;
    }
    *sub_ops = sub->ops_per_sec;
    *ref_ops = ref->ops_per_sec;
    return 0;
}

/* Step 3: rounds of (reference, submission), the order alternating, so
 * that a change of the machine's load hits both alike. */
static void time_trace(struct grade *g, struct trace_grade *t,
                       const char *program, const char *folder,
                       const struct grade_options *options)
{
    const struct rubric *r = g->rubric;
    char file[PATH_MAX + RUBRIC_NAME_MAX + 8], name[RUBRIC_NAME_MAX + 8];
    rubric_trace_path(r, t->name, file, sizeof file);
    snprintf(name, sizeof name, "%s.rep", t->name);
    double *ratios = calloc(r->rounds, sizeof *ratios);
    double *mine = calloc(r->rounds, sizeof *mine);
    double *theirs = calloc(r->rounds, sizeof *theirs);
    progress(options, "heaplab grade: %s: timing %s\n", r->lab, t->name);
    unsigned rounds = 0;
    while (ratios != NULL && mine != NULL && theirs != NULL &&
           rounds < r->rounds &&
           time_round(g, t, program, folder, file, name, rounds, &mine[rounds],
                      &theirs[rounds]) == 0) {
        ratios[rounds] = mine[rounds] / theirs[rounds];
        rounds++;
    }
    if (rounds == r->rounds) {
        t->ratio = stats_median(ratios, rounds);
        t->ops_per_sec = stats_median(mine, rounds);
        t->reference_ops_per_sec = stats_median(theirs, rounds);
    } else if (t->timing_note[0] == '\0') {
        snprintf(g->internal, sizeof g->internal, "out of memory");
    }
    free(ratios);
    free(mine);
    free(theirs);
}

void grade_submission(const struct rubric *rubric, const char *submission,
                      const struct grade_options *options, struct grade *g)
{
    double start = now_seconds();
    memset(g, 0, sizeof *g);
    g->rubric = rubric;
    g->self = options->self;
    snprintf(g->submission, sizeof g->submission, "%s", submission);
    if (list_traces(rubric, g) != 0) {
        snprintf(g->internal, sizeof g->internal, "out of memory");
        grade_score(g);
        return;
    }
    mark_all(g, VERDICT_NOT_RUN, "not run: the submission did not build");

    const char *tmp = getenv("TMPDIR");
    char folder[PATH_MAX];
    snprintf(folder, sizeof folder, "%s/heaplab-grade-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    if (mkdtemp(folder) == NULL) {
        snprintf(g->internal, sizeof g->internal,
                 "cannot make a private folder in %s: %s",
                 tmp != NULL ? tmp : "/tmp", strerror(errno));
        mark_all(g, VERDICT_INTERNAL, g->internal);
        grade_score(g);
        return;
    }
    /* who runs the submission, where, seeing what (isolation.h) */
    static struct isolation iso; /* large: kept off the stack */
    char error[512];
    spawn_become_reaper();
    char include[PATH_MAX + 32], objects[PATH_MAX + 32];
    snprintf(include, sizeof include, "%s/include/heaplab/allocator.h",
             options->root);
    snprintf(objects, sizeof objects, "%s/build/obj", options->root);
    const char *reach[] = {include, objects, options->self};
    if (isolation_open(&iso, rubric, options->user, options->guarded,
                       options->guarded_count, folder, error,
                       sizeof error) != 0 ||
        isolation_check_reach(&iso, reach, 3, error, sizeof error) != 0) {
        snprintf(g->internal, sizeof g->internal, "%s", error);
        mark_all(g, VERDICT_INTERNAL, g->internal);
        isolation_close(&iso);
        if (!options->keep)
            remove_tree(folder);
        g->seconds = now_seconds() - start;
        grade_score(g);
        return;
    }
    g->isolation = &iso;
    snprintf(g->isolation_note, sizeof g->isolation_note, "%s", iso.note);
    build_run_as(iso.drop ? &iso.user : NULL, iso.drop ? 512 : 0);

    progress(options, "heaplab grade: %s: building %s\n", rubric->lab,
             submission);
    struct build b;
    if (build_submission(rubric, options->root, submission, folder, &b, error,
                         sizeof error) != 0) {
        snprintf(g->internal, sizeof g->internal, "%s", error);
        mark_all(g, VERDICT_INTERNAL, g->internal);
    } else if (!b.ok) {
        g->build_feedback = b.feedback;
        b.feedback = NULL;
    } else {
        g->built = 1;
        g->warnings = b.warnings;
        b.warnings = NULL;
        check_traces(g, b.program, folder, options);
        for (size_t i = 0; i < g->count; i++) {
            struct trace_grade *t = &g->traces[i];
            if (t->performance && t->verdict == VERDICT_OK &&
                rubric->throughput.points > 0 &&
                (t->weight == 1 || t->weight == 3))
                time_trace(g, t, b.program, folder, options);
        }
    }
    build_free(&b);
    build_run_as(NULL, 0);
    g->isolation = NULL;
    isolation_close(&iso);
    if (options->keep)
        fprintf(stderr, "heaplab grade: kept %s\n", folder);
    else
        remove_tree(folder);
    g->seconds = now_seconds() - start;
    grade_score(g);
}

void grade_free(struct grade *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free(g->traces[i].output);
        free(g->traces[i].flags);
    }
    free(g->traces);
    free(g->build_feedback);
    free(g->warnings);
    memset(g, 0, sizeof *g);
}
