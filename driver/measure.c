/*
 * measure.c -- instructions per op inside the backend's calls (see
 * measure.h).
 *
 * The counted pass is the timed pass (timed.c) with a counter switched on
 * just before each backend call and off just after it, so what the driver
 * does between calls (reading the op, keeping the pointer) is never
 * counted:
 *
 *     for each op:   on();  p = a->malloc(n);  off();   pointers[id] = p;
 *
 * What memlib does in the kernel's place (system calls, zeroing the pages
 * the break grows over) is switched off too: the kernel's work is not
 * counted for libc either, so it is not counted for anyone.
 *
 * With perf, on() and off() are ioctl calls on a counter of user-mode
 * instructions; the few instructions of the ioctl wrappers that fall
 * inside the window are measured once (an empty on/off pair, the fewest of
 * CALIBRATION_ROUNDS) and subtracted per call.  With callgrind both are
 * CALLGRIND_TOGGLE_COLLECT, a client request: a handful of instructions
 * that valgrind recognises, which cost nothing outside valgrind.
 */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "pages.h"
#include "timed.h"

extern char **environ;

enum {
    CALIBRATION_ROUNDS = 5,
    CALIBRATION_PAIRS = 1000,
    CALLGRIND_RESERVE_GIB = 8, /* the heap's region under valgrind */
};

/* --- the counted pass --------------------------------------------------- */

struct counter {
    void (*on)(void);
    void (*off)(void);
};

/*
 * The counter of the pass under way, and whether it is on: memlib calls
 * kernel_off/kernel_on around the work it does in the kernel's place
 * (mem_set_kernel_hooks), which is no more the backend's than the
 * kernel's own work is for libc.
 */
static struct {
    const struct counter *counter;
    int on;
} counting;

static inline void count_on(void)
{
    counting.on = 1;
    counting.counter->on();
}

static inline void count_off(void)
{
    counting.counter->off();
    counting.on = 0;
}

static void kernel_off(void)
{
    if (counting.on)
        counting.counter->off();
}

static void kernel_on(void)
{
    if (counting.on)
        counting.counter->on();
}

/* One pass with c switched on around each backend call; 0 or -1. */
static int counted_pass(const struct allocator *a, const struct trace *t,
                        const struct counter *c)
{
    size_t ids = t->num_ids;
    void **pointers = pages_alloc(ids * sizeof *pointers);
    uint64_t *sizes = pages_alloc(ids * sizeof *sizes);
    int failed = pointers == NULL || sizes == NULL;
    mem_rewind();
    if (!failed && a->init() != 0)
        failed = 1;
    counting.counter = c;
    mem_set_kernel_hooks(kernel_off, kernel_on);
    for (uint64_t i = 0; i < t->num_ops && !failed; i++) {
        const struct trace_op *op = &t->ops[i];
        void *p = NULL;
        switch (op->kind) {
        case OP_ALLOC:
            count_on();
            p = a->malloc(op->size);
            count_off();
            pointers[op->id] = p;
            sizes[op->id] = op->size;
            failed = p == NULL && op->size > 0;
            break;
        case OP_FREE:
            p = op->id >= 0 ? pointers[op->id] : NULL;
            count_on();
            a->free(p);
            count_off();
            if (op->id >= 0)
                pointers[op->id] = NULL;
            break;
        default:
            p = pointers[op->id];
            count_on();
            p = replay_realloc(a, p, sizes[op->id], op->size);
            count_off();
            pointers[op->id] = p;
            sizes[op->id] = op->size;
            failed = p == NULL && op->size > 0;
        }
    }
    mem_set_kernel_hooks(NULL, NULL);
    for (size_t id = 0; pointers != NULL && id < ids; id++)
        if (pointers[id] != NULL)
            a->free(pointers[id]);
    pages_free(pointers, ids * sizeof *pointers);
    pages_free(sizes, ids * sizeof *sizes);
    return failed ? -1 : 0;
}

/* The uncounted warm-up pass. */
static int warm_up(const struct allocator *a, const struct trace *t)
{
    size_t ids = t->num_ids;
    void **pointers = pages_alloc(ids * sizeof *pointers);
    uint64_t *sizes = pages_alloc(ids * sizeof *sizes);
    int rc = pointers != NULL && sizes != NULL &&
                     timed_pass(a, t, pointers, sizes, 0) >= 0
                 ? 0
                 : -1;
    pages_free(pointers, ids * sizeof *pointers);
    pages_free(sizes, ids * sizeof *sizes);
    return rc;
}

/* --- callgrind ---------------------------------------------------------- */

static void callgrind_toggle(void)
{
    CALLGRIND_TOGGLE_COLLECT;
}

int measure_collected_pass(const struct allocator *a, const struct trace *t)
{
    static const struct counter toggles = {callgrind_toggle,
                                           callgrind_toggle};
    return counted_pass(a, t, &toggles);
}

/* The value of the `totals:` (or `summary:`) line of a callgrind file. */
static int read_callgrind_total(const char *path, uint64_t *count)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return -1;
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        unsigned long long value;
        if (sscanf(line, "totals: %llu", &value) == 1 ||
            (!found && sscanf(line, "summary: %llu", &value) == 1)) {
            *count = value;
            found = 1;
        }
    }
    fclose(in);
    return found ? 0 : -1;
}

/* environ plus env_add, in pages (no malloc in the middle of a run). */
static char **environment_with(char *const env_add[], size_t *bytes)
{
    size_t have = 0, add = 0;
    while (environ != NULL && environ[have] != NULL)
        have++;
    while (env_add != NULL && env_add[add] != NULL)
        add++;
    *bytes = (have + add + 1) * sizeof(char *);
    char **envp = pages_alloc(*bytes);
    if (envp == NULL)
        return NULL;
    for (size_t i = 0; i < add; i++)
        envp[i] = env_add[i];
    for (size_t i = 0; i < have; i++)
        envp[add + i] = environ[i]; /* getenv finds the added ones first */
    return envp;
}

int measure_callgrind(char *const argv[], char *const env_add[],
                      uint64_t *count, char *error, size_t size)
{
    char out[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    snprintf(out, sizeof out, "%s/heaplab-callgrind-XXXXXX",
             tmp != NULL && *tmp ? tmp : "/tmp");
    int fd = mkstemp(out);
    if (fd < 0) {
        snprintf(error, size, "%s: cannot make a temporary file: %s", out,
                 strerror(errno));
        return -1;
    }
    close(fd);
    char out_option[PATH_MAX + 32];
    snprintf(out_option, sizeof out_option, "--callgrind-out-file=%s", out);
    enum { FIXED = 5, MAX_ARGS = 64 };
    char *args[FIXED + MAX_ARGS + 1] = {
        "valgrind", "--tool=callgrind", "--collect-atstart=no", out_option,
        "-q"};
    size_t n = FIXED;
    for (size_t i = 0; argv[i] != NULL && i < MAX_ARGS; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    size_t env_bytes;
    char **envp = environment_with(env_add, &env_bytes);
    pid_t pid = envp != NULL ? fork() : -1;
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0) { /* stderr stays: valgrind's complaints */
            dup2(null_fd, STDIN_FILENO);
            dup2(null_fd, STDOUT_FILENO);
        }
        execvpe(args[0], args, envp);
        _exit(127);
    }
    int status = 0, rc = -1;
    if (pid < 0) {
        snprintf(error, size, "cannot start valgrind: %s", strerror(errno));
    } else {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            snprintf(error, size, "cannot run valgrind (apt-get install "
                                  "valgrind)");
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            snprintf(error, size, "the pass under callgrind failed (%s %d)",
                     WIFEXITED(status) ? "exit" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status)
                                       : WTERMSIG(status));
        else if (read_callgrind_total(out, count) != 0)
            snprintf(error, size, "%s: no totals line in callgrind's output",
                     out);
        else
            rc = 0;
    }
    unlink(out);
    pages_free(envp, env_bytes);
    return rc;
}

struct inner_job {
    const struct allocator *a;
    const struct trace *t;
    int rc;
};

static void *inner_thread(void *arg)
{
    struct inner_job *job = arg;
    job->rc = warm_up(job->a, job->t) == 0 &&
                      measure_collected_pass(job->a, job->t) == 0
                  ? 0
                  : 1;
    return NULL;
}

int measure_callgrind_main(const char *allocator, const char *trace_path)
{
    const struct allocator *a =
        allocator != NULL ? registry_find(allocator) : NULL;
    if (a == NULL) {
        fprintf(stderr, "heaplab run: --callgrind-pass needs -a with one "
                        "known allocator\n");
        return 2;
    }
    struct trace t;
    char error[TRACE_ERROR_MAX];
    if (trace_load(trace_path, &t, error) != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    /* valgrind cannot hold memlib's default reserve of address space. */
    if (mem_init((size_t)CALLGRIND_RESERVE_GIB << 30) != 0) {
        fprintf(stderr, "heaplab run: cannot reserve %d GiB for the heap\n",
                CALLGRIND_RESERVE_GIB);
        trace_free(&t);
        return 2;
    }
    /* In a thread of its own, as in a run: libc gets a fresh arena. */
    struct inner_job job = {.a = a, .t = &t, .rc = 1};
    pthread_t thread;
    if (pthread_create(&thread, NULL, inner_thread, &job) == 0)
        pthread_join(thread, NULL);
    else
        inner_thread(&job);
    if (job.rc != 0)
        fprintf(stderr, "heaplab run: %s: %s: a pass failed (init failed or "
                        "a request got NULL)\n",
                trace_path, a->name);
    trace_free(&t);
    return job.rc;
}

/* --- perf --------------------------------------------------------------- */

static int perf_fd = -1;

static void perf_on(void)
{
    ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0);
}

static void perf_off(void)
{
    ioctl(perf_fd, PERF_EVENT_IOC_DISABLE, 0);
}

/* A counter of this thread's user-mode instructions, off; -1 (errno). */
static int perf_open(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static int perf_read(uint64_t *value)
{
    return read(perf_fd, value, sizeof *value) == sizeof *value ? 0 : -1;
}

/* The instructions one empty on/off pair counts: the fewest of a few
 * rounds. */
static int perf_calibrate(uint64_t *per_pair)
{
    uint64_t best = UINT64_MAX;
    for (int round = 0; round < CALIBRATION_ROUNDS; round++) {
        uint64_t value;
        ioctl(perf_fd, PERF_EVENT_IOC_RESET, 0);
        for (int i = 0; i < CALIBRATION_PAIRS; i++) {
            perf_on();
            perf_off();
        }
        if (perf_read(&value) != 0)
            return -1;
        if (value < best)
            best = value;
    }
    *per_pair = best / CALIBRATION_PAIRS;
    return 0;
}

int measure_perf_pass(const struct allocator *a, const struct trace *t,
                      uint64_t *count)
{
    perf_fd = perf_open();
    if (perf_fd < 0)
        return -1;
    static const struct counter ioctls = {perf_on, perf_off};
    uint64_t per_pair = 0, value = 0;
    int rc = perf_calibrate(&per_pair) == 0 && warm_up(a, t) == 0 &&
                     ioctl(perf_fd, PERF_EVENT_IOC_RESET, 0) == 0 &&
                     counted_pass(a, t, &ioctls) == 0 && perf_read(&value) == 0
                 ? 0
                 : -1;
    close(perf_fd);
    perf_fd = -1;
    if (rc == 0) {
        uint64_t overhead = per_pair * t->num_ops;
        *count = value > overhead ? value - overhead : 0;
    }
    return rc;
}

/* --- choosing ----------------------------------------------------------- */

/* Is there an executable `name` in $PATH? */
static int in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t length = strcspn(path, ":");
        char candidate[PATH_MAX];
        snprintf(candidate, sizeof candidate, "%.*s/%s", (int)length, path,
                 name);
        if (length > 0 && access(candidate, X_OK) == 0)
            return 1;
        path += length + (path[length] == ':');
    }
    return 0;
}

int measure_instructions_available(char *how, size_t size)
{
    int fd = perf_open();
    if (fd >= 0) {
        close(fd);
        snprintf(how, size, "perf");
        return 0;
    }
    int perf_errno = errno;
    if (in_path("valgrind")) {
        snprintf(how, size, "callgrind");
        return 0;
    }
    snprintf(how, size,
             "no instruction counter: the kernel gives no hardware counter "
             "(perf_event_open: %s) and valgrind is not installed (apt-get "
             "install valgrind)",
             strerror(perf_errno));
    return -1;
}

void measure_instructions(const struct allocator *a, const struct trace *t,
                          struct run_result *r)
{
    uint64_t count = 0;
    char error[256] = "";
    int rc = -1;
    if (RUNNING_ON_VALGRIND) {
        snprintf(error, sizeof error, "already under valgrind");
    } else if (measure_perf_pass(a, t, &count) == 0) {
        rc = 0;
    } else {
        char exe[PATH_MAX], trace_path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        if (realpath(t->path, trace_path) == NULL)
            snprintf(trace_path, sizeof trace_path, "%s", t->path);
        char *argv[] = {exe, "run", "--callgrind-pass", "-a",
                        (char *)a->name, trace_path, NULL};
        rc = measure_callgrind(argv, NULL, &count, error, sizeof error);
    }
    if (rc != 0) {
        r->status = RUN_ERROR;
        snprintf(r->message, sizeof r->message,
                 "%s: cannot count instructions: %s", t->path, error);
        return;
    }
    r->instructions_per_op =
        t->num_ops > 0 ? (double)count / (double)t->num_ops : 0;
}
