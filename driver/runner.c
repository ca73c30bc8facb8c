/*
 * runner.c -- a child process per run (see runner.h).
 *
 *   parent                                  child (own process group)
 *   ------                                  -----
 *   progress page (MAP_SHARED) <----------- op index, phase, crash text
 *   result pipe  <------------------------- struct run_result, at the end
 *   output pipe  <------------------------- the backend's stdout + stderr
 *   poll both until EOF or the deadline;    SIGSEGV/SIGBUS/... handler on
 *   then waitpid: signal -> crash,          an alternate stack describes
 *   exit without result -> crash,           the fault, then re-raises
 *   deadline -> kill the group, timeout
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "placement.h"
#include "quiet.h"

static struct replay_progress *child_progress;

static const char *phase_name(const struct replay_progress *progress)
{
    int again = progress->pass == 2; /* --twice: the second checked run */
    switch (progress->phase) {
    case PHASE_INIT:
        return again ? "in init(), before the second run of this trace in "
                       "one process (does init() reset all state?)"
                     : "in init()";
    case PHASE_CHECKED:
        return again ? "in the second run of this trace in one process "
                       "(does init() reset all state?)"
                     : "in the checked replay";
    case PHASE_TIMED:
        return "in the timed replay (checks off)";
    default:
        return "after the replay";
    }
}

/* --- in the child ------------------------------------------------------- */

static void crash_handler(int sig, siginfo_t *info, void *context)
{
    (void)context;
    char where[256], op[320];
    replay_describe_current(op, sizeof op);
    if (sig == SIGSEGV || sig == SIGBUS) {
        child_progress->fault =
            replay_describe_address(info->si_addr, where, sizeof where);
        snprintf(child_progress->crash, sizeof child_progress->crash,
                 "%s: crashed %s: %s at %p, %s", op,
                 phase_name(child_progress), strsignal(sig),
                 info->si_addr, where);
    } else {
        child_progress->fault = FAULT_CRASH_OTHER;
        snprintf(child_progress->crash, sizeof child_progress->crash,
                 "%s: crashed %s: %s%s", op, phase_name(child_progress),
                 strsignal(sig),
                 sig == SIGABRT ? " (abort: an assertion failed; its "
                                  "message is in the backend's output)"
                                : "");
    }
    /* The message is safe in the shared page; now the map, which calls the
     * backend's walk() and may fault again: then the default action ends
     * the process, and the message stands. */
    signal(sig, SIG_DFL);
    if (child_progress->phase == PHASE_CHECKED)
        replay_print_crash_map(sig == SIGSEGV || sig == SIGBUS ? info->si_addr
                                                               : NULL,
                               "the fault");
    raise(sig);
}

static void install_crash_handlers(void);

void runner_guard(struct replay_progress *progress)
{
    child_progress = progress;
    install_crash_handlers();
}

static void install_crash_handlers(void)
{
    static const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    stack_t stack = {.ss_size = 1 << 16};
    stack.ss_sp = mmap(NULL, stack.ss_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack.ss_sp != MAP_FAILED)
        sigaltstack(&stack, NULL);
    struct sigaction action = {.sa_sigaction = crash_handler,
                               .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaction(signals[i], &action, NULL);
}

static void write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        size -= (size_t)n;
    }
}

struct child_job {
    const struct allocator *a;
    const struct trace *t;
    const struct replay_options *options;
    struct run_result result;
};

static void *replay_thread(void *arg)
{
    struct child_job *job = arg;
    replay_run(job->a, job->t, job->options, child_progress, &job->result);
    return NULL;
}

/* The limits of runner_options, set in the child before the replay. */
static void apply_limits(const struct runner_options *limits)
{
    if (limits->cpu_seconds > 0) {
        rlim_t seconds = (rlim_t)limits->cpu_seconds + 1;
        struct rlimit cpu = {.rlim_cur = seconds, .rlim_max = seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu);
    }
    if (limits->file_size_limit > 0) {
        struct rlimit size = {.rlim_cur = limits->file_size_limit,
                              .rlim_max = limits->file_size_limit};
        setrlimit(RLIMIT_FSIZE, &size);
        signal(SIGXFSZ, SIG_IGN); /* a write past it fails with EFBIG */
    }
    if (limits->workdir != NULL && chdir(limits->workdir) != 0)
        _exit(127);
}

static _Noreturn void child_main(const struct allocator *a,
                                 const struct trace *t,
                                 const struct replay_options *options,
                                 const struct runner_options *limits,
                                 int result_fd, int output_fd, int map_fd)
{
    setpgid(0, 0);
    apply_limits(limits);
    replay_set_map_fd(map_fd);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0)
        dup2(null_fd, STDIN_FILENO);
    fflush(stdout);
    fflush(stderr);
    dup2(output_fd, STDOUT_FILENO);
    dup2(output_fd, STDERR_FILENO);
    install_crash_handlers();
    /*
     * The replay runs in a thread of its own: the C library gives a new
     * thread a fresh malloc arena, so the libc backend's footprint is that
     * arena's growth, not disturbed by the free space the driver left in
     * the main arena before the fork.
     */
    static struct child_job job;
    job = (struct child_job){.a = a, .t = t, .options = options};
    /* Its stack and thread-local variables at an offset drawn for this
     * process, not at the place every child of this parent would get
     * (placement.h): the rounds of a pair then differ in layout. */
    struct placement pl;
    placement_seed(&pl, 0);
    if (placement_thread(&pl, replay_thread, &job) != 0)
        replay_thread(&job);
    fflush(stdout);
    fflush(stderr);
    write_all(result_fd, &job.result, sizeof job.result);
    _exit(0);
}

/* --- in the parent ------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct collector {
    struct run_result result;
    size_t result_bytes;
    struct run_output output;
    size_t keep;
};

/* Reads what is there on fd; returns 0 at EOF. */
static int drain(int fd, struct collector *c, int is_result)
{
    char buffer[8192];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
    if (is_result) {
        size_t room = sizeof c->result - c->result_bytes;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy((char *)&c->result + c->result_bytes, buffer, take);
        c->result_bytes += take;
        return 1;
    }
    size_t room = c->keep - c->output.length;
    size_t take = (size_t)n < room ? (size_t)n : room;
    if (c->output.text != NULL)
        memcpy(c->output.text + c->output.length, buffer, take);
    c->output.length += take;
    c->output.dropped += (size_t)n - take;
    return 1;
}

/* Polls both pipes until both are closed; 0, or -1 at the deadline. */
static int collect(int result_fd, int output_fd, double deadline,
                   struct collector *c)
{
    struct pollfd fds[2] = {{.fd = result_fd, .events = POLLIN},
                            {.fd = output_fd, .events = POLLIN}};
    int open_count = 2;
    while (open_count > 0) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_seconds();
            if (left <= 0)
                return -1;
            wait_ms = (int)(left * 1000) + 1;
        }
        int n = poll(fds, 2, wait_ms);
        if (n < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < 2 && n > 0; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            if (!drain(fds[i].fd, c, i == 0)) {
                fds[i].fd = -1;
                open_count--;
            }
        }
    }
    return 0;
}

static void describe_death(const struct trace *t,
                           const struct replay_progress *progress, int status,
                           int timed_out, double timeout,
                           struct run_result *r)
{
    char op[320];
    const struct trace_op *at =
        progress->op < t->num_ops ? &t->ops[progress->op] : NULL;
    if (at == NULL || progress->phase == PHASE_INIT)
        snprintf(op, sizeof op, "%s", t->path);
    else if (at->kind == OP_FREE)
        snprintf(op, sizeof op, "%s:%u: f %d", t->path, at->line, at->id);
    else
        snprintf(op, sizeof op, "%s:%u: %c %d %llu", t->path, at->line,
                 at->kind, at->id, (unsigned long long)at->size);
    r->fail_line = at != NULL ? at->line : 0;

    if (timed_out) {
        r->status = RUN_TIMEOUT;
        r->fault = FAULT_TIMEOUT;
        snprintf(r->message, sizeof r->message,
                 "%s: timeout: no result after %g s, %s", op, timeout,
                 phase_name(progress));
    } else if (WIFSIGNALED(status) && progress->crash[0] != '\0') {
        r->status = RUN_CRASH;
        r->fault = progress->fault;
        snprintf(r->message, sizeof r->message, "%s", progress->crash);
    } else if (WIFSIGNALED(status)) {
        r->status = RUN_CRASH;
        r->fault = FAULT_CRASH_OTHER;
        snprintf(r->message, sizeof r->message, "%s: crashed %s: killed by %s",
                 op, phase_name(progress), strsignal(WTERMSIG(status)));
    } else {
        r->status = RUN_CRASH;
        r->fault = FAULT_EXIT;
        snprintf(r->message, sizeof r->message,
                 "%s: the backend ended the process with exit(%d) %s", op,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                 phase_name(progress));
    }
}

/* The whole text of the map file, or NULL when it is empty. */
static char *read_map(int fd)
{
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0)
        return NULL;
    char *text = malloc((size_t)size + 1);
    if (text == NULL)
        return NULL;
    ssize_t n = pread(fd, text, (size_t)size, 0);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

void runner_run(const struct allocator *a, const struct trace *t,
                const struct replay_options *options,
                const struct runner_options *limits,
                struct run_result *result, struct run_output *output)
{
    memset(result, 0, sizeof *result);
    run_result_no_figures(result);
    /* The quiet probe's floor as low as any earlier run found it. */
    struct replay_options with_floor = *options;
    quiet_note(&with_floor.quiet_floor_ns, quiet_known_floor());
    options = &with_floor;
    struct collector c = {.keep = limits->output_keep};
    c.output.text = malloc(c.keep + 1);
    int result_pipe[2] = {-1, -1}, output_pipe[2] = {-1, -1};
    struct replay_progress *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = -1;
    /* Heap maps: a file in memory the child writes and the parent reads. */
    int map_fd = memfd_create("heaplab-map", 0);
    if (progress != MAP_FAILED && c.output.text != NULL &&
        pipe2(result_pipe, O_CLOEXEC) == 0 &&
        pipe2(output_pipe, O_CLOEXEC) == 0) {
        fflush(stdout);
        fflush(stderr);
        pid = fork();
    }
    if (pid == 0) {
        close(result_pipe[0]);
        close(output_pipe[0]);
        child_progress = progress;
        child_main(a, t, options, limits, result_pipe[1], output_pipe[1],
                   map_fd);
    }
    if (pid < 0) {
        result->status = RUN_ERROR;
        snprintf(result->message, sizeof result->message,
                 "%s: cannot start a child process: %s", t->path,
                 strerror(errno));
    } else {
        close(result_pipe[1]);
        close(output_pipe[1]);
        result_pipe[1] = output_pipe[1] = -1;
        setpgid(pid, pid); /* also done by the child: no race either way */
        double timeout = limits->timeout_seconds;
        double deadline = timeout > 0 ? now_seconds() + timeout : 0;
        int timed_out = collect(result_pipe[0], output_pipe[0], deadline,
                                &c) != 0;
        if (timed_out)
            kill(-pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        kill(-pid, SIGKILL); /* anything the backend left behind */
        if (!timed_out && c.result_bytes == sizeof c.result &&
            WIFEXITED(status) && WEXITSTATUS(status) == 0)
            *result = c.result;
        else
            describe_death(t, progress, status, timed_out, timeout, result);
        result->weight = t->weight;
        result->ops = t->num_ops;
        quiet_learn(result->quiet_floor_ns);
    }
    for (int i = 0; i < 2; i++) {
        if (result_pipe[i] >= 0)
            close(result_pipe[i]);
        if (output_pipe[i] >= 0)
            close(output_pipe[i]);
    }
    c.output.map = map_fd >= 0 ? read_map(map_fd) : NULL;
    if (map_fd >= 0)
        close(map_fd);
    if (progress != MAP_FAILED)
        munmap(progress, sizeof *progress);
    if (c.output.text != NULL)
        c.output.text[c.output.length] = '\0';
    if (output != NULL)
        *output = c.output;
    else {
        free(c.output.text);
        free(c.output.map);
    }
}
