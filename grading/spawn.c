/*
 * spawn.c -- another program under limits (see spawn.h).
 *
 *   parent                                child (own process group)
 *   ------                                -----
 *   status pipe (close-on-exec) <-------- errno, only if execv failed
 *   output pipe <------------------------ stdout + stderr
 *   result pipe <------------------------ fd 3
 *   poll until both pipes close or the deadline; kill the group; waitpid
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* In the child, after fork: never returns. */
static _Noreturn void child(char *const argv[],
                            const struct spawn_limits *limits, int status_fd,
                            int output_fd, int result_fd)
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    /* Out of the way of 0..3 first: any of them may be one of ours. */
    status_fd = fcntl(status_fd, F_DUPFD_CLOEXEC, 10);
    output_fd = fcntl(output_fd, F_DUPFD_CLOEXEC, 10);
    if (result_fd >= 0)
        result_fd = fcntl(result_fd, F_DUPFD_CLOEXEC, 10);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0 && null_fd != STDIN_FILENO) {
        dup2(null_fd, STDIN_FILENO);
        close(null_fd);
    }
    dup2(output_fd, STDOUT_FILENO); /* dup2 clears close-on-exec */
    dup2(output_fd, STDERR_FILENO);
    if (result_fd >= 0)
        dup2(result_fd, SPAWN_RESULT_FD);
    /* Nothing else of ours reaches the program. */
    close_range(result_fd >= 0 ? SPAWN_RESULT_FD + 1 : SPAWN_RESULT_FD, ~0U,
                CLOSE_RANGE_CLOEXEC);
    if (limits->workdir != NULL && chdir(limits->workdir) != 0) {
        int error = errno;
        ssize_t ignored = write(status_fd, &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    if (limits->cpu_seconds > 0) {
        rlim_t seconds = (rlim_t)limits->cpu_seconds + 1;
        struct rlimit cpu = {.rlim_cur = seconds, .rlim_max = seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu);
    }
    if (limits->file_size > 0)
        set_limit(RLIMIT_FSIZE, limits->file_size);
    if (limits->data > 0)
        set_limit(RLIMIT_DATA, limits->data);
    setenv("LC_ALL", "C", 1);
    execv(argv[0], argv);
    int error = errno;
    ssize_t ignored = write(status_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
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

/* Polls the sinks until they close; -1 at the deadline. */
static int collect(struct sink *sinks, int count, double deadline)
{
    struct pollfd fds[2];
    int open_count = 0;
    for (int i = 0; i < count; i++) {
        fds[i] = (struct pollfd){.fd = sinks[i].fd, .events = POLLIN};
        open_count += sinks[i].fd >= 0;
    }
    while (open_count > 0) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_seconds();
            if (left <= 0)
                return -1;
            wait_ms = (int)(left * 1000) + 1;
        }
        int n = poll(fds, (nfds_t)count, wait_ms);
        if (n < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < count && n > 0; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            if (!drain(&sinks[i])) {
                fds[i].fd = -1;
                open_count--;
            }
        }
    }
    return 0;
}

int spawn_run(char *const argv[], const struct spawn_limits *limits,
              struct spawn_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    int status_pipe[2] = {-1, -1}, output_pipe[2] = {-1, -1},
        result_pipe[2] = {-1, -1};
    struct sink sinks[2] = {
        {.fd = -1, .keep = limits->output_keep},
        {.fd = -1, .keep = limits->want_result ? limits->result_max : 0},
    };
    sinks[0].data = malloc(sinks[0].keep + 1);
    sinks[1].data = malloc(sinks[1].keep + 1);
    int ok = sinks[0].data != NULL && sinks[1].data != NULL &&
             pipe2(status_pipe, O_CLOEXEC) == 0 &&
             pipe2(output_pipe, O_CLOEXEC) == 0 &&
             (!limits->want_result || pipe2(result_pipe, O_CLOEXEC) == 0);
    pid_t pid = -1;
    if (ok) {
        fflush(NULL);
        pid = fork();
    }
    if (pid == 0) {
        close(status_pipe[0]);
        close(output_pipe[0]);
        if (result_pipe[0] >= 0)
            close(result_pipe[0]);
        child(argv, limits, status_pipe[1], output_pipe[1], result_pipe[1]);
    }
    int *fds[] = {status_pipe, output_pipe, result_pipe};
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
    ssize_t n;
    while ((n = read(status_pipe[0], &error, sizeof error)) < 0 &&
           errno == EINTR)
        ;
    close(status_pipe[0]);
    outcome->started = n != (ssize_t)sizeof error;
    outcome->exec_errno = outcome->started ? 0 : error;

    sinks[0].fd = output_pipe[0];
    sinks[1].fd = result_pipe[0];
    double deadline = limits->timeout > 0 ? start + limits->timeout : 0;
    outcome->timed_out = collect(sinks, 2, deadline) != 0;
    if (outcome->timed_out)
        kill(-pid, SIGKILL);
    while (waitpid(pid, &outcome->status, 0) < 0 && errno == EINTR)
        ;
    kill(-pid, SIGKILL); /* whatever it left behind in its group */
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
