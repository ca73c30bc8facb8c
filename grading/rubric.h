/*
 * rubric.h -- what a lab is graded on: read from an INI file
 * (grading/rubrics/NAME.conf, or a lab's own).  docs/grading.md is the
 * format's reference; grading/rubrics/bins.conf is an example with every
 * key.
 *
 *   [lab]          name, files, symbol, trace_dir, forbid
 *   [correctness]  points, traces, check_heap, require_checker
 *   [performance]  traces, reference, rounds, repeat
 *   [utilization]  points, min, max
 *   [throughput]   points, min, max
 *   [checker]      points, cases, fixture (the heap checker, checker.h)
 *   [limits]       timeout, cpu, memory, file_size, output, compile_timeout,
 *                  user
 *   [feedback]     show_output, visibility, stdout_visibility
 *   [autolab]      correctness, utilization, throughput, checker
 */
#ifndef HEAPLAB_GRADING_RUBRIC_H
#define HEAPLAB_GRADING_RUBRIC_H

#include <limits.h>
#include <stddef.h>

enum {
    RUBRIC_LIST_MAX = 128, /* entries of one list key */
    RUBRIC_NAME_MAX = 96,  /* bytes of one entry, NUL included */
    RUBRIC_ERROR_MAX = 512,
    RUBRIC_TRACE_DIRS = 8, /* folders of trace_dir's search path */
};

/* A list key (traces, files, forbid); `line` is where each entry was. */
struct rubric_list {
    size_t count;
    char names[RUBRIC_LIST_MAX][RUBRIC_NAME_MAX];
    unsigned lines[RUBRIC_LIST_MAX];
    int weights[RUBRIC_LIST_MAX]; /* of traces: what each is scored on */
};

/* Linear scaling: no points at or below min, all of them at or above max. */
struct rubric_scale {
    double points;
    double min;
    double max;
};

struct rubric {
    char path[PATH_MAX];       /* the file, as given */
    char lab[RUBRIC_NAME_MAX]; /* the lab's name, for reports */
    struct rubric_list files;  /* what a submission hands in */
    char symbol[RUBRIC_NAME_MAX];  /* the vtable the files define */
    char trace_dir[PATH_MAX];      /* resolved: the first folder of */
    size_t trace_dir_count;        /* the search path trace_dirs */
    char trace_dirs[RUBRIC_TRACE_DIRS][PATH_MAX];
    struct rubric_list forbid;     /* symbols a submission may not use */

    double correctness_points;     /* split evenly over the traces */
    struct rubric_list correctness;
    unsigned check_heap;           /* heap checker every N ops; 0: never */
    int require_checker;           /* check() must not be NULL */

    struct rubric_list performance;
    char reference[RUBRIC_NAME_MAX]; /* a registered backend, or libc */
    unsigned rounds;                 /* interleaved timing rounds */
    unsigned repeat;                 /* timed replays per round */
    struct rubric_scale util;        /* of the mean utilization */
    struct rubric_scale throughput;  /* of the mean ratio to the reference */

    double checker_points;            /* split evenly over the cases */
    struct rubric_list checker_cases; /* names in the fixture's table */
    char checker_fixture[PATH_MAX];   /* resolved: the file defining them */

    double timeout;          /* wall seconds per run */
    double cpu;              /* CPU seconds per run */
    size_t memory;           /* heap footprint cap, bytes */
    size_t file_size;        /* largest file a submission may write */
    size_t output_keep;      /* bytes of a run's printout kept */
    double compile_timeout;  /* seconds for the compiler and the linker */
    char user[RUBRIC_NAME_MAX]; /* who runs a submission when the grader
                                   is root (isolation.h) */

    int show_output;         /* excerpt of a failed run's printout */
    char visibility[32];     /* Gradescope visibility of the tests */
    char stdout_visibility[32];

    char autolab_correctness[RUBRIC_NAME_MAX]; /* Autolab problem names */
    char autolab_util[RUBRIC_NAME_MAX];
    char autolab_throughput[RUBRIC_NAME_MAX];
    char autolab_checker[RUBRIC_NAME_MAX];
};

/*
 * Reads the rubric at path: defaults first, then the file, then checks
 * (every trace file exists and parses, bounds are ordered, the reference
 * is a backend).  Trace names resolve against trace_dir, one or more
 * folders separated by spaces, relative to the rubric's folder, searched in
 * order; without trace_dir, the project's traces/ (root is the project's
 * top folder).  [checker] fixture resolves against the rubric's folder.
 * Returns 0, or -1 with one line "FILE:LINE: what is wrong" in error.
 */
int rubric_load(const char *path, const char *root, struct rubric *rubric,
                char error[RUBRIC_ERROR_MAX]);

/* The file of trace `name`: DIR/NAME.rep for the first folder DIR of
 * trace_dir that has it, else the first folder's. */
void rubric_trace_path(const struct rubric *rubric, const char *name,
                       char *out, size_t size);

/* The most points the rubric gives. */
double rubric_max_points(const struct rubric *rubric);

/* Parses "512M", "64K", "1G", "4096" into bytes; -1 when malformed. */
int rubric_parse_bytes(const char *text, size_t *bytes);

#endif /* HEAPLAB_GRADING_RUBRIC_H */
