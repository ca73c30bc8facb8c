/*
 * runner.h -- one (backend, trace) run in a child process of its own, on a
 * fresh heap, with a wall-clock limit.  A crash, a hang or an exit() in
 * the backend becomes that run's verdict; the parent goes on.
 */
#ifndef HEAPLAB_RUNNER_H
#define HEAPLAB_RUNNER_H

#include <stddef.h>

#include "replay.h"

struct runner_options {
    double timeout_seconds;     /* wall clock per run; 0: none */
    size_t output_keep;         /* bytes of the backend's output kept */
    double cpu_seconds;         /* RLIMIT_CPU of the child; 0: none */
    size_t file_size_limit;     /* RLIMIT_FSIZE of the child; 0: none */
    const char *workdir;        /* the child's working folder; NULL: ours */
};

/* What the backend printed (stdout and stderr, interleaved). */
struct run_output {
    char *text;        /* the first output_keep bytes, NUL-terminated */
    size_t length;     /* bytes kept */
    size_t dropped;    /* bytes beyond what was kept */
    char *map;         /* heap map after a failure or at --stop-at, or
                          NULL; NUL-terminated, free with free() */
};

/*
 * Runs replay_run(a, t, options) in a child process and fills *result.
 * When output is not NULL it receives what the backend printed (free
 * output->text with free()).
 */
void runner_run(const struct allocator *a, const struct trace *t,
                const struct replay_options *options,
                const struct runner_options *limits,
                struct run_result *result, struct run_output *output);

/*
 * For a process that replays by itself (`heaplab step`, in a child of its
 * own): catch crashes as runner_run's children do, describing the fault in
 * progress->crash and printing the heap map before the signal ends it.
 */
void runner_guard(struct replay_progress *progress);

#endif /* HEAPLAB_RUNNER_H */
