/*
 * spawn.h -- running another program under limits, for the grader: the
 * compiler, the linker, and the programs built from a submission.
 *
 * The program runs in a process group of its own with stdin from
 * /dev/null, LC_ALL=C, the given resource limits (setrlimit), no core
 * files, and a working folder; its stdout and stderr go to one pipe, of
 * which the first output_keep bytes are kept (the rest counted); a second
 * pipe, its fd 3, carries a result back when asked for, and descriptors
 * of ours can be handed to it as fds 4, 5, ...
 *
 * With a user, it runs as that user (setgroups, setgid, setuid, after the
 * limits are set, so that it cannot raise them), with RLIMIT_NPROC; with
 * a sandbox, its system calls are watched (sandbox.h).  A watchdog kills
 * the whole group at the wall-clock limit.  When it ends, everything it
 * left running is killed: its process group, and every process that was
 * orphaned into ours (spawn_become_reaper makes this process the
 * reaper of its descendants' orphans, so that a child that left its group
 * and session is still found); outcome->strays counts them.
 */
#ifndef HEAPLAB_GRADING_SPAWN_H
#define HEAPLAB_GRADING_SPAWN_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

struct sandbox; /* sandbox.h */

/* The descriptor on which a program spawned with want_result writes, and
 * the first of those handed to it. */
enum { SPAWN_RESULT_FD = 3, SPAWN_FIRST_FD = 4, SPAWN_FDS_MAX = 4 };

struct spawn_user {
    uid_t uid;
    gid_t gid;
};

/* A descriptor of ours served while the program runs: ready() is called
 * whenever it is readable. */
struct spawn_watch {
    int fd;
    void (*ready)(void *arg);
    void *arg;
};

struct spawn_limits {
    double timeout;       /* wall-clock seconds; 0: none */
    double cpu_seconds;   /* RLIMIT_CPU; 0: none */
    size_t file_size;     /* RLIMIT_FSIZE; 0: none */
    size_t data;          /* RLIMIT_DATA; 0: none */
    size_t output_keep;   /* bytes of stdout + stderr kept */
    const char *workdir;  /* working folder; NULL: ours */
    const char *tmpdir;   /* its TMPDIR; NULL: ours */
    int want_result;      /* open fd 3 for a result */
    size_t result_max;    /* bytes of the result kept */
    const struct spawn_user *user; /* run as this user; NULL: as we are */
    size_t processes;     /* RLIMIT_NPROC, with a user; 0: none */
    const int *fds;       /* handed to the program as fds 4, 5, ... */
    size_t fd_count;      /* at most SPAWN_FDS_MAX */
    struct spawn_watch *watch;  /* NULL: none */
    struct sandbox *sandbox;    /* NULL: its calls are not watched */
};

struct spawn_outcome {
    int started;          /* the program was executed */
    int exec_errno;       /* why not, when it was not */
    int status;           /* from waitpid */
    int timed_out;
    double seconds;       /* wall clock */
    struct rusage usage;  /* of the program and the children it waited for */
    unsigned strays;      /* processes left running when it ended on its
                             own (not at the time limit), all killed */
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

/* Makes this process the reaper of its descendants' orphans
 * (PR_SET_CHILD_SUBREAPER).  0, or -1 when the system does not allow it. */
int spawn_become_reaper(void);

#endif /* HEAPLAB_GRADING_SPAWN_H */
