/*
 * spawn.c -- another program under limits (see spawn.h).
 *
 *   parent                                child (own process group)
 *   ------                                -----
 *   status socket (close-on-exec) <------ the sandbox's listener (if any),
 *                                         errno only if a step failed
 *   output pipe <------------------------ stdout + stderr
 *   result pipe <------------------------ fd 3
 *   our fds  ---------------------------> fds 4, 5, ...
 *   poll the pipes, the watch and the sandbox until both pipes close or
 *   the deadline; wait4; kill what it left; kill the group
 */
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

enum {
    FIRST_SPARE_FD = 20, /* where the child moves ours before dup2 */
    STRAY_ROUNDS = 200,  /* 1 ms apart: a killed process takes a moment */
    STRAYS_REMEMBERED = 64,
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void set_limit(int resource, rlim_t value)
{
    struct rlimit limit = {.rlim_cur = value, .rlim_max = value};
    setrlimit(resource, &limit);
}

/* In the child: tells the parent why a step failed, and ends. */
static _Noreturn void child_failed(int status_fd, int error)
{
    ssize_t ignored = write(status_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

/* In the child: becomes the user, for good. */
static int drop_privileges(const struct spawn_user *user)
{
    if (setgroups(0, NULL) != 0 || setgid(user->gid) != 0 ||
        setuid(user->uid) != 0)
        return -1;
    if (getuid() != user->uid || geteuid() != user->uid ||
        getgid() != user->gid || (user->uid != 0 && setuid(0) == 0)) {
        errno = EPERM;
        return -1;
    }
    /* after the change of credentials, which clears it */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    return 0;
}

/* In the child, after fork: never returns. */
static _Noreturn void child(char *const argv[],
                            const struct spawn_limits *limits, int status_fd,
                            int output_fd, int result_fd)
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Out of the way of 0..7 first: any of them may be one of ours. */
    status_fd = fcntl(status_fd, F_DUPFD_CLOEXEC, FIRST_SPARE_FD);
    output_fd = fcntl(output_fd, F_DUPFD_CLOEXEC, FIRST_SPARE_FD);
    if (result_fd >= 0)
        result_fd = fcntl(result_fd, F_DUPFD_CLOEXEC, FIRST_SPARE_FD);
    int given[SPAWN_FDS_MAX];
    for (size_t i = 0; i < limits->fd_count; i++)
        given[i] = fcntl(limits->fds[i], F_DUPFD_CLOEXEC, FIRST_SPARE_FD);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0 && null_fd != STDIN_FILENO) {
        dup2(null_fd, STDIN_FILENO);
        close(null_fd);
    }
    dup2(output_fd, STDOUT_FILENO); /* dup2 clears close-on-exec */
    dup2(output_fd, STDERR_FILENO);
    if (result_fd >= 0)
        dup2(result_fd, SPAWN_RESULT_FD);
    else
        close(SPAWN_RESULT_FD);
    for (size_t i = 0; i < limits->fd_count; i++)
        if (given[i] < 0 || dup2(given[i], SPAWN_FIRST_FD + (int)i) < 0)
            child_failed(status_fd, EBADF);
    /* Nothing else of ours reaches the program. */
    close_range(SPAWN_FIRST_FD + (unsigned)limits->fd_count, ~0U,
                CLOSE_RANGE_CLOEXEC);
    if (limits->workdir != NULL && chdir(limits->workdir) != 0)
        child_failed(status_fd, errno);
    if (limits->cpu_seconds > 0) {
        rlim_t seconds = (rlim_t)limits->cpu_seconds + 1;
        struct rlimit cpu = {.rlim_cur = seconds, .rlim_max = seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu);
    }
    if (limits->file_size > 0)
        set_limit(RLIMIT_FSIZE, limits->file_size);
    set_limit(RLIMIT_CORE, 0);
    if (limits->user != NULL) {
        if (limits->processes > 0)
            set_limit(RLIMIT_NPROC, limits->processes);
        if (drop_privileges(limits->user) != 0)
            child_failed(status_fd, errno);
    }
    setenv("LC_ALL", "C", 1);
    if (limits->tmpdir != NULL)
        setenv("TMPDIR", limits->tmpdir, 1);
    if (limits->sandbox != NULL &&
        sandbox_enter(limits->sandbox, status_fd) != 0)
        child_failed(status_fd, errno);
    /* last: nothing of ours may need memory past it (a sanitized grader's
     * allocator maps more than any such limit) */
    if (limits->data > 0)
        set_limit(RLIMIT_DATA, limits->data);
    execv(argv[0], argv);
    child_failed(status_fd, errno);
}

struct sink {
    int fd;
    char *data;
    size_t length;
    size_t keep;
    size_t dropped;
};

/* Reads what is there; 0 at end of file. */
static int drain(struct sink *s)
{
    char buffer[16384];
    ssize_t n = read(s->fd, buffer, sizeof buffer);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
    size_t room = s->keep - s->length;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(s->data + s->length, buffer, take);
    s->length += take;
    s->dropped += (size_t)n - take;
    return 1;
}

/*
 * Polls the sinks until they close, serving the watch and the sandbox
 * meanwhile; -1 at the deadline.
 */
static int collect(struct sink *sinks, const struct spawn_limits *limits,
                   double deadline)
{
    enum { SINKS = 2, WATCH = 2, SANDBOX = 3, ALL = 4 };
    struct pollfd fds[ALL];
    int open_count = 0;
    for (int i = 0; i < SINKS; i++) {
        fds[i] = (struct pollfd){.fd = sinks[i].fd, .events = POLLIN};
        open_count += sinks[i].fd >= 0;
    }
    fds[WATCH] = (struct pollfd){
        .fd = limits->watch != NULL ? limits->watch->fd : -1,
        .events = POLLIN};
    fds[SANDBOX] = (struct pollfd){
        .fd = limits->sandbox != NULL ? limits->sandbox->listener : -1,
        .events = POLLIN};
    while (open_count > 0) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_seconds();
            if (left <= 0)
                return -1;
            wait_ms = (int)(left * 1000) + 1;
        }
        int n = poll(fds, ALL, wait_ms);
        if (n < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < ALL && n > 0; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            if (i == WATCH) {
                limits->watch->ready(limits->watch->arg);
                if (fds[i].revents & (POLLHUP | POLLERR | POLLNVAL))
                    fds[i].fd = -1; /* nobody left to say anything */
            } else if (i == SANDBOX) {
                if (fds[i].revents & POLLIN)
                    sandbox_serve(limits->sandbox);
                else
                    fds[i].fd = -1; /* no process under the filter */
            } else if (!drain(&sinks[i])) {
                fds[i].fd = -1;
                open_count--;
            }
        }
    }
    return 0;
}

/* --- what it left behind ---------------------------------------------------- */

/* Has pid a SIGKILL on its way, or is it exiting (someone of its own
 * killed it)? */
static int dying(pid_t pid)
{
    enum { PF_EXITING = 0x4 }; /* the kernel's task flag */
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int stat_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (stat_fd >= 0) {
        ssize_t got = read(stat_fd, text, sizeof text - 1);
        close(stat_fd);
        text[got > 0 ? got : 0] = '\0';
        const char *after = strrchr(text, ')');
        unsigned flags = 0;
        if (after != NULL &&
            sscanf(after + 1, " %*c %*d %*d %*d %*d %*d %u", &flags) == 1 &&
            (flags & PF_EXITING))
            return 1;
    }
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    static const char *const keys[] = {"\nSigPnd:", "\nShdPnd:"};
    for (int i = 0; i < 2; i++) {
        const char *at = strstr(text, keys[i]);
        if (at != NULL &&
            (strtoull(at + strlen(keys[i]), NULL, 16) >> (SIGKILL - 1)) & 1)
            return 1;
    }
    return 0;
}

/*
 * Kills every process still in `group` or orphaned into this process,
 * again until none is left (a killed process's children are orphaned in
 * turn); reaps them.  Returns how many were running and not already
 * being killed.
 */
static unsigned end_strays(pid_t group)
{
    pid_t self = getpid(), seen[STRAYS_REMEMBERED];
    size_t seen_count = 0;
    unsigned strays = 0;
    for (int round = 0; round < STRAY_ROUNDS; round++) {
        int alive = 0;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            char *end, state;
            long pid = strtol(e->d_name, &end, 10);
            pid_t parent, pgrp;
            if (*end != '\0' || pid <= 1 || pid == self ||
                sandbox_proc_stat((pid_t)pid, &state, &parent, &pgrp) != 0 ||
                (parent != self && pgrp != group) || state == 'Z' ||
                state == 'X')
                continue;
            alive++;
            int known = 0;
            for (size_t i = 0; i < seen_count; i++)
                known |= seen[i] == pid;
            /* Counted as found at first.  A process orphaned to us
             * later is a killed stray's child, unless nothing was
             * counted: then its parent was already exiting by itself
             * when we looked (a double fork caught half-way), and it is
             * the one left behind. */
            if (!known && (round == 0 || strays == 0) && !dying((pid_t)pid))
                strays++;
            if (!known && seen_count < STRAYS_REMEMBERED)
                seen[seen_count++] = (pid_t)pid;
            kill((pid_t)pid, SIGKILL);
        }
        if (d != NULL)
            closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (alive == 0)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    return strays;
}

int spawn_become_reaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : -1;
}

/* --- the whole run ------------------------------------------------------------ */

/* Reads the status socket until exec (EOF) or a step's errno; takes the
 * sandbox's listener when it comes.  0 when started. */
static int await_exec(int status_fd, const struct spawn_limits *limits,
                      pid_t pid, int *error)
{
    for (;;) {
        char data[16];
        ssize_t length;
        int listener = sandbox_receive(limits->sandbox, status_fd, pid, data,
                                       sizeof data, &length);
        if (listener)
            continue;
        if ((length < 0 && errno == EINTR) || length == 1)
            continue; /* a listener nobody asked for: closed */
        if (length == (ssize_t)sizeof *error) {
            memcpy(error, data, sizeof *error);
            return -1;
        }
        return 0; /* end of file: it was executed */
    }
}

int spawn_run(char *const argv[], const struct spawn_limits *limits,
              struct spawn_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    int status_pair[2] = {-1, -1}, output_pipe[2] = {-1, -1},
        result_pipe[2] = {-1, -1};
    struct sink sinks[2] = {
        {.fd = -1, .keep = limits->output_keep},
        {.fd = -1, .keep = limits->want_result ? limits->result_max : 0},
    };
    sinks[0].data = malloc(sinks[0].keep + 1);
    sinks[1].data = malloc(sinks[1].keep + 1);
    int ok = sinks[0].data != NULL && sinks[1].data != NULL &&
             limits->fd_count <= SPAWN_FDS_MAX &&
             socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
                        status_pair) == 0 &&
             pipe2(output_pipe, O_CLOEXEC) == 0 &&
             (!limits->want_result || pipe2(result_pipe, O_CLOEXEC) == 0);
    pid_t pid = -1;
    if (ok) {
        fflush(NULL);
        pid = fork();
    }
    if (pid == 0) {
        close(status_pair[0]);
        close(output_pipe[0]);
        if (result_pipe[0] >= 0)
            close(result_pipe[0]);
        child(argv, limits, status_pair[1], output_pipe[1], result_pipe[1]);
    }
    int *fds[] = {status_pair, output_pipe, result_pipe};
    if (pid < 0) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                if (fds[i][j] >= 0)
                    close(fds[i][j]);
        free(sinks[0].data);
        free(sinks[1].data);
        return -1;
    }
    setpgid(pid, pid);
    for (int i = 0; i < 3; i++)
        if (fds[i][1] >= 0)
            close(fds[i][1]);
    double start = now_seconds();

    int error = 0;
    outcome->started = await_exec(status_pair[0], limits, pid, &error) == 0;
    outcome->exec_errno = outcome->started ? 0 : error;
    close(status_pair[0]);

    sinks[0].fd = output_pipe[0];
    sinks[1].fd = result_pipe[0];
    double deadline = limits->timeout > 0 ? start + limits->timeout : 0;
    outcome->timed_out = collect(sinks, limits, deadline) != 0;
    if (outcome->timed_out)
        kill(-pid, SIGKILL);
    while (wait4(pid, &outcome->status, 0, &outcome->usage) < 0 &&
           errno == EINTR)
        ;
    /* whatever it left behind, in its group or orphaned into ours */
    unsigned strays = end_strays(pid);
    outcome->strays = outcome->timed_out ? 0 : strays;
    kill(-pid, SIGKILL);
    outcome->seconds = now_seconds() - start;
    close(output_pipe[0]);
    if (result_pipe[0] >= 0)
        close(result_pipe[0]);

    sinks[0].data[sinks[0].length] = '\0';
    sinks[1].data[sinks[1].length] = '\0';
    outcome->output = sinks[0].data;
    outcome->output_length = sinks[0].length;
    outcome->output_dropped = sinks[0].dropped;
    outcome->result = sinks[1].data;
    outcome->result_length = sinks[1].length;
    return 0;
}

void spawn_free(struct spawn_outcome *outcome)
{
    free(outcome->output);
    free(outcome->result);
    outcome->output = outcome->result = NULL;
}

void spawn_describe(const struct spawn_outcome *o, double timeout, char *out,
                    size_t size)
{
    if (!o->started)
        snprintf(out, size, "could not be started: %s",
                 strerror(o->exec_errno));
    else if (o->timed_out)
        snprintf(out, size, "was stopped after %g s (time limit)", timeout);
    else if (WIFSIGNALED(o->status))
        snprintf(out, size, "was killed by %s",
                 strsignal(WTERMSIG(o->status)));
    else if (WIFEXITED(o->status))
        snprintf(out, size, "ended with exit status %d",
                 WEXITSTATUS(o->status));
    else
        snprintf(out, size, "ended abnormally");
}
