/*
 * spawn.h -- running another program under limits, for the grader: the
 * compiler, the linker, and the programs built from a submission.
 *
 * The program runs in a process group of its own with stdin from
 * /dev/null, LC_ALL=C, the given resource limits (setrlimit), and a
 * working folder; its stdout and stderr go to one pipe, of which the
 * first output_keep bytes are kept (the rest counted); a second pipe, its
 * fd 3, carries a result back when asked for.  A watchdog kills the whole
 * group at the wall-clock limit, and once more when the program ends, so
 * nothing it started outlives it.
 */
#ifndef HEAPLAB_GRADING_SPAWN_H
#define HEAPLAB_GRADING_SPAWN_H

#include <stddef.h>

/* The descriptor on which a program spawned with want_result writes. */
enum { SPAWN_RESULT_FD = 3 };

struct spawn_limits {
    double timeout;       /* wall-clock seconds; 0: none */
    double cpu_seconds;   /* RLIMIT_CPU; 0: none */
    size_t file_size;     /* RLIMIT_FSIZE; 0: none */
    size_t data;          /* RLIMIT_DATA; 0: none */
    size_t output_keep;   /* bytes of stdout + stderr kept */
    const char *workdir;  /* working folder; NULL: ours */
    int want_result;      /* open fd 3 for a result */
    size_t result_max;    /* bytes of the result kept */
};

struct spawn_outcome {
    int started;          /* the program was executed */
    int exec_errno;       /* why not, when it was not */
    int status;           /* from waitpid */
    int timed_out;
    double seconds;       /* wall clock */
    char *output;         /* NUL-terminated, output_length bytes */
    size_t output_length;
    size_t output_dropped;
    char *result;         /* NUL-terminated, what came on fd 3 */
    size_t result_length;
};

/*
 * Runs argv[0] (a path) with argv and waits for it.  Returns 0 when it
 * could be started (see outcome->started), -1 when this process could
 * not even try (no memory, no pipes): outcome then says nothing.  Free
 * the outcome with spawn_free.
 */
int spawn_run(char *const argv[], const struct spawn_limits *limits,
              struct spawn_outcome *outcome);

void spawn_free(struct spawn_outcome *outcome);

/* "exit 1", "killed by Segmentation fault", "timed out after 5 s", ... */
void spawn_describe(const struct spawn_outcome *outcome, double timeout,
                    char *out, size_t size);

#endif /* HEAPLAB_GRADING_SPAWN_H */
