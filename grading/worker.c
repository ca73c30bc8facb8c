/*
 * worker.c -- one run of one trace, reported as JSON on fd 3 (worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "heaplab/registry.h"
#include "results.h"
#include "rubric.h"
#include "runner.h"
#include "spawn.h"
#include "text.h"
#include "trace.h"
#include "trace_pack.h"

struct worker_settings {
    const char *trace;
    int trace_fd;    /* the grader's packed trace (trace_pack.h), or -1 */
    int evidence_fd; /* the record for the grader (evidence.h), or -1 */
    int clock_fd;    /* the timing markers' socket, or -1 */
    const char *name;
    const char *backend;
    const char *label;
    int require_checker;
    struct replay_options replay;
    struct runner_options limits;
};

static int worker_usage(const char *what, const char *value)
{
    fprintf(stderr, "heaplab worker: %s '%s'\n", what, value ? value : "");
    return 2;
}

static int parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    return errno != 0 || end == text || *end != '\0' || !(*out >= 0) ? -1 : 0;
}

static int parse_worker_options(int argc, char **argv,
                                struct worker_settings *s)
{
    static const struct option options[] = {
        {"trace", required_argument, NULL, 't'},
        {"name", required_argument, NULL, 'n'},
        {"backend", required_argument, NULL, 'b'},
        {"label", required_argument, NULL, 'l'},
        {"twice", no_argument, NULL, '2'},
        {"check-heap", required_argument, NULL, 'c'},
        {"require-checker", no_argument, NULL, 'R'},
        {"no-timing", no_argument, NULL, 'N'},
        {"repeat", required_argument, NULL, 'r'},
        {"memory", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'T'},
        {"cpu", required_argument, NULL, 'C'},
        {"file-size", required_argument, NULL, 'F'},
        {"output-keep", required_argument, NULL, 'o'},
        {"workdir", required_argument, NULL, 'w'},
        {"trace-fd", required_argument, NULL, 'P'},
        {"evidence-fd", required_argument, NULL, 'E'},
        {"clock-fd", required_argument, NULL, 'K'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    double number;
    size_t bytes;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 't':
            s->trace = optarg;
            break;
        case 'n':
            s->name = optarg;
            break;
        case 'b':
            s->backend = optarg;
            break;
        case 'l':
            s->label = optarg;
            break;
        case '2':
            s->replay.twice = 1;
            break;
        case 'R':
            s->require_checker = 1;
            break;
        case 'N':
            s->replay.no_timing = 1;
            break;
        case 'c':
        case 'r':
            if (parse_number(optarg, &number) != 0 || number > 1e6)
                return worker_usage("bad count", optarg);
            if (c == 'c')
                s->replay.check_heap_every = (unsigned)number;
            else
                s->replay.repeat = (unsigned)number;
            break;
        case 'T':
        case 'C':
            if (parse_number(optarg, &number) != 0)
                return worker_usage("bad seconds", optarg);
            if (c == 'T')
                s->limits.timeout_seconds = number;
            else
                s->limits.cpu_seconds = number;
            break;
        case 'm':
        case 'F':
        case 'o':
            if (rubric_parse_bytes(optarg, &bytes) != 0)
                return worker_usage("bad size", optarg);
            if (c == 'm')
                s->replay.memory_limit = bytes;
            else if (c == 'F')
                s->limits.file_size_limit = bytes;
            else
                s->limits.output_keep = bytes;
            break;
        case 'w':
            s->limits.workdir = optarg;
            break;
        case 'P':
        case 'E':
        case 'K':
            if (parse_number(optarg, &number) != 0 || number > 1024 ||
                number != (int)number)
                return worker_usage("bad file descriptor", optarg);
            if (c == 'P')
                s->trace_fd = (int)number;
            else if (c == 'E')
                s->evidence_fd = (int)number;
            else
                s->clock_fd = (int)number;
            break;
        default:
            return worker_usage("unknown option", argv[optind - 1]);
        }
    }
    if (s->trace == NULL && s->trace_fd < 0)
        return worker_usage("missing", "--trace");
    if (s->trace_fd >= 0 && s->name == NULL)
        return worker_usage("missing", "--name");
    return -1;
}

/* A string JSON accepts: printable ASCII, at most max bytes. */
static json_t *clean_string(const char *s, size_t length, size_t dropped,
                            size_t max)
{
    char *clean = text_trim(s != NULL ? s : "", s != NULL ? length : 0,
                            dropped, (size_t)-1, max);
    json_t *value = results_text(clean != NULL ? clean : "");
    free(clean);
    return value;
}

static json_t *number_or_null(double value)
{
    return isfinite(value) ? json_real(value) : json_null();
}

static void write_result(const struct run_result *r,
                         const struct run_output *output)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", results_text(run_status_name(r->status)));
    json_object_set_new(
        o, "message",
        clean_string(r->message, strlen(r->message), 0, RUN_MESSAGE_MAX));
    json_object_set_new(o, "util", number_or_null(r->util));
    json_object_set_new(o, "ops", json_integer((json_int_t)r->ops));
    json_object_set_new(o, "ops_per_sec", number_or_null(r->ops_per_sec));
    json_object_set_new(o, "samples", json_integer(r->samples));
    json_object_set_new(o, "peak_payload",
                        json_integer((json_int_t)r->peak_payload));
    json_object_set_new(o, "peak_footprint",
                        json_integer((json_int_t)r->peak_footprint));
    json_object_set_new(o, "weight", json_integer(r->weight));
    json_object_set_new(
        o, "output",
        clean_string(output->text, output->length, 0, output->length));
    json_object_set_new(o, "output_dropped",
                        json_integer((json_int_t)output->dropped));
    int fd = fcntl(SPAWN_RESULT_FD, F_GETFD) != -1 ? SPAWN_RESULT_FD
                                                   : STDOUT_FILENO;
    json_dumpfd(o, fd, JSON_COMPACT);
    json_decref(o);
}

/* A verdict without running: the vtable cannot be run at all. */
static void refuse(const struct trace *t, const char *why)
{
    struct run_result r = {
        .status = RUN_ERROR, .weight = t->weight, .ops = t->num_ops};
    run_result_no_figures(&r);
    snprintf(r.message, sizeof r.message, "%s: %s", t->path, why);
    struct run_output none = {.text = NULL};
    write_result(&r, &none);
}

int grade_worker(int argc, char **argv, const struct allocator *submission)
{
    struct worker_settings s = {.label = "submission",
                                .trace_fd = -1,
                                .evidence_fd = -1,
                                .clock_fd = -1,
                                .limits = {.output_keep = 16384}};
    int rc = parse_worker_options(argc, argv, &s);
    if (rc >= 0)
        return rc;

    /* The submission's vtable is copied, under the lab's name: the
     * student's own .name may be anything, and the copy is no registered
     * backend, so the driver measures it through memlib whatever its
     * symbol.  A reference backend is run as registered. */
    struct allocator copy;
    const struct allocator *a;
    if (submission != NULL) {
        copy = *submission;
        copy.name = s.label;
        copy.summary = "the submission";
        a = &copy;
    } else {
        a = s.backend != NULL ? registry_find(s.backend) : NULL;
        if (a == NULL)
            return worker_usage("no backend", s.backend);
    }

    struct trace t;
    char error[TRACE_ERROR_MAX];
    int loaded = s.trace_fd >= 0
                     ? trace_unpack_fd(s.trace_fd, s.name, &t, error)
                     : trace_load(s.trace, &t, error);
    if (s.trace_fd >= 0)
        close(s.trace_fd);
    if (loaded != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    evidence_set_fds(s.evidence_fd, s.clock_fd);
    if (s.name != NULL && s.trace_fd < 0) { /* messages name the trace */
        char *name = strdup(s.name);
        if (name != NULL) {
            free(t.path);
            t.path = name;
        }
    }

    char why[256];
    if (a->init == NULL || a->malloc == NULL || a->free == NULL) {
        snprintf(why, sizeof why, "the vtable has no %s (it is NULL)",
                 a->init == NULL     ? "init"
                 : a->malloc == NULL ? "malloc"
                                     : "free");
        refuse(&t, why);
    } else if (s.require_checker && a->check == NULL) {
        refuse(&t, "this lab requires a heap checker, and the vtable's "
                   "check is NULL");
    } else {
        struct run_result result;
        struct run_output output = {.text = NULL};
        runner_run(a, &t, &s.replay, &s.limits, &result, &output);
        write_result(&result, &output);
        free(output.text);
    }
    trace_free(&t);
    return 0;
}
