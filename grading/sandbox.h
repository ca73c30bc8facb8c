/*
 * sandbox.h -- watching what a submission's program asks of the kernel.
 *
 * A seccomp filter (libseccomp), installed in the program just before it
 * starts, hands the grader every call of a few kinds before the kernel
 * carries it out (seccomp user notification): the grader looks at it,
 * lets it go on or refuses it, and keeps a line for the report about each
 * thing it refused.  What is watched:
 *
 *   opening files        allowed, but: for writing only inside the run's
 *                        own folder (and /dev/null); never a guarded
 *                        path (the rubric, its traces, the grader's
 *                        outputs, the submissions)
 *   changing files       mkdir, rename, link, symlink, unlink, truncate,
 *                        chmod, chown, mknod: only inside the run's folder
 *   signals              kill, tkill, tgkill, sigqueue, pidfd: only to
 *                        the program's own processes
 *   process groups       setpgid: only into a group of its own; setsid:
 *                        never (it would leave the grader's reach)
 *   other processes      ptrace, process_vm_readv/writev: never
 *
 * The grader reads the call's arguments from the program's memory after
 * the call was made; a program with two threads can change a path between
 * that read and the kernel's, so what the grader allows is not a security
 * boundary by itself: the unprivileged user the program runs as is
 * (spawn.h).  What it refuses is refused, and what it saw is reported.
 */
#ifndef HEAPLAB_GRADING_SANDBOX_H
#define HEAPLAB_GRADING_SANDBOX_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox_rules {
    char workdir[PATH_MAX];      /* real path: writes are allowed below */
    const char *const *guarded;  /* real paths: files, or folders with all
                                    below them, it may not open */
    size_t guarded_count;
};

struct sandbox {
    const struct sandbox_rules *rules;
    void *filter;     /* libseccomp's context, built before the fork */
    int listener;     /* the notifications, ours; -1 */
    pid_t root;       /* the program: it and its descendants are inside */
    char *seen;       /* what it tried and was refused, one line each */
    unsigned seen_count;
};

/* Before the fork: builds the filter.  0, or -1 with errno set. */
int sandbox_prepare(struct sandbox *s, const struct sandbox_rules *rules);

/*
 * In the child, the last step before exec: loads the filter and sends its
 * notification descriptor over `channel` (a unix socket) to the grader.
 * 0, or -1 with errno set.
 */
int sandbox_enter(struct sandbox *s, int channel);

/* If the message on `channel` carries the descriptor, takes it: 1, else
 * 0 (the message's bytes, up to size, are in data, their count in
 * *length). */
int sandbox_receive(struct sandbox *s, int channel, pid_t root, void *data,
                    size_t size, ssize_t *length);

/* One notification, when the listener is readable. */
void sandbox_serve(struct sandbox *s);

/* Fields of /proc/PID/stat: state ('R', 'S', 'Z', ...), parent and
 * process group.  0, or -1 when there is no such process. */
int sandbox_proc_stat(pid_t pid, char *state, pid_t *parent, pid_t *group);

/* The filter and the listener let go; `seen` stays until sandbox_free. */
void sandbox_end(struct sandbox *s);
void sandbox_free(struct sandbox *s);

#endif /* HEAPLAB_GRADING_SANDBOX_H */
