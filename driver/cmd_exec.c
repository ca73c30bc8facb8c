/*
 * cmd_exec.c -- `heaplab exec`: run an unmodified program with a backend as
 * its malloc (lib/libheaplab-NAME.so, built from driver/preload/exec/layer.c)
 * and say what the backend did; --compare runs it once per backend and
 * prints one table.
 *
 * Steps, for each run:
 *   1. find lib/libheaplab-NAME.so beside bin/ (through /proc/self/exe);
 *   2. make an empty statistics file (preload/exec/exec_stats.h) in TMPDIR;
 *   3. run the command in a child with LD_PRELOAD (ours first),
 *      HEAPLAB_EXEC_STATS, HEAPLAB_EXEC_TOP=its pid and, with --reserve,
 *      HEAPLAB_RESERVE; its stdin, stdout and stderr are ours (--compare
 *      reads its stdout to compare it, and rewinds stdin for every run);
 *   4. wait for it with wait4 (max RSS), ignoring SIGINT and SIGQUIT as
 *      system() does, so that ^C stops the program and heaplab reports;
 *   5. read the statistics file (exec_summary.c), remove it, print;
 *   6. exit as the command did (--compare: 0 when all runs agree).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "exec_summary.h"
#include "heaplab/registry.h"
#include "preload_launch.h"
#include "select.h"

static const char EXEC_USAGE[] =
    "usage: heaplab exec -a NAME [--report FILE] [--reserve SIZE] [-q]\n"
    "                    -- COMMAND [ARGS...]\n"
    "       heaplab exec --compare -a NAME,NAME,...|all [--report FILE]\n"
    "                    [--reserve SIZE] -- COMMAND [ARGS...]\n"
    "\n"
    "Runs COMMAND, unmodified, with backend NAME as its malloc:\n"
    "lib/libheaplab-NAME.so is preloaded into it and into every process it\n"
    "starts, and serves malloc, free, calloc, realloc, reallocarray,\n"
    "posix_memalign, aligned_alloc, memalign, valloc, pvalloc and\n"
    "malloc_usable_size from the backend over memlib (docs/exec.md).\n"
    "COMMAND's input, output and exit status are its own.  When it ends, a\n"
    "summary of what the backend did goes to stderr (or FILE): calls of\n"
    "each kind, peak live bytes, peak footprint, utilization, system calls.\n"
    "It covers COMMAND's own process, over its execs, not the processes it\n"
    "starts.  -a libc runs the C library's malloc, counted.\n"
    "\n"
    "With --compare, COMMAND runs once per backend, in the order of\n"
    "'heaplab list', and one table goes to stdout (or FILE): exit status,\n"
    "wall time, max RSS, peak footprint, peak live bytes, utilization,\n"
    "calls, system calls, and whether its stdout matched libc's (or the\n"
    "first run's).  COMMAND's stdout is read for that, not shown; its\n"
    "stderr is shown; every run gets the same stdin.\n"
    "\n"
    "options:\n"
    "  -a, --allocator NAME  the backend ('heaplab list'); with --compare, a\n"
    "                        comma-separated list or 'all'\n"
    "      --compare         run once per backend and print one table\n"
    "      --report FILE     write the summary (or the table) to FILE\n"
    "      --reserve SIZE    address space of the heap, like 4G or 512M\n"
    "                        (default 64G, which costs no memory; the\n"
    "                        HEAPLAB_RESERVE variable says the same)\n"
    "  -q, --quiet           no summary on stderr\n"
    "  -h, --help            this text\n"
    "\n"
    "minimal and pad never reuse memory: they suit short programs only.\n"
    "Statically linked and setuid programs ignore LD_PRELOAD: they run\n"
    "with the C library's malloc, and the summary says so.\n"
    "\n"
    "Exit status: COMMAND's (a COMMAND killed by a signal kills heaplab\n"
    "with the same signal); 126 or 127 when COMMAND cannot be run; 2 for a\n"
    "usage error.  With --compare: 0 when every run exited with status 0\n"
    "and wrote the same stdout, else 1.\n";

struct exec_settings {
    const char *allocators;
    const char *report;
    const char *reserve;
    int compare;
    int quiet;
};

static int usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "heaplab exec: %s%s (try 'heaplab exec --help')\n",
            message, detail);
    return 2;
}

static int parse_options(int argc, char **argv, struct exec_settings *s)
{
    enum { OPT_COMPARE = 256, OPT_REPORT, OPT_RESERVE };
    static const struct option options[] = {
        {"allocator", required_argument, NULL, 'a'},
        {"compare", no_argument, NULL, OPT_COMPARE},
        {"report", required_argument, NULL, OPT_REPORT},
        {"reserve", required_argument, NULL, OPT_RESERVE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    /* '+': options end at COMMAND, so its own options stay its own. */
    while ((c = getopt_long(argc, argv, "+:a:qh", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            s->allocators = optarg;
            break;
        case OPT_COMPARE:
            s->compare = 1;
            break;
        case OPT_REPORT:
            s->report = optarg;
            break;
        case OPT_RESERVE:
            s->reserve = optarg;
            break;
        case 'q':
            s->quiet = 1;
            break;
        case 'h':
            fputs(EXEC_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("missing value for ", argv[optind - 1]);
        default:
            return usage_error("unknown option ", argv[optind - 1]);
        }
    }
    uint64_t bytes;
    if (s->allocators == NULL)
        return usage_error("missing -a NAME", "");
    if (!s->compare && strchr(s->allocators, ',') != NULL)
        return usage_error("-a takes one backend; --compare runs several: ",
                           s->allocators);
    if (s->reserve != NULL &&
        (exec_parse_size(s->reserve, &bytes) != 0 || bytes == 0))
        return usage_error("--reserve wants a size like 4G or 512M, not ",
                           s->reserve);
    if (optind == argc)
        return usage_error("missing COMMAND", "");
    return -1; /* go on */
}

/* lib/libheaplab-NAME.so beside bin/; quiet: no message when missing. */
static int find_library(const char *backend, char *path, size_t size,
                        int quiet)
{
    char file[128];
    if ((size_t)snprintf(file, sizeof file, "libheaplab-%s.so", backend) >=
        sizeof file) {
        fprintf(stderr, "heaplab exec: %s: no such backend\n", backend);
        return -1;
    }
    return preload_library_path("heaplab exec", file, path, size, quiet);
}

/* --- one run ------------------------------------------------------------- */

struct launch {
    char **command;
    const char *library;
    const char *stats;   /* the statistics file */
    const char *reserve; /* NULL: the library's default */
    int capture;         /* read stdout instead of passing it on */
};

/* In the child: the environment, then exec.  Tells the parent errno
 * through report_fd when it cannot run the command. */
static void run_child(const struct launch *l, int out_fd, int report_fd)
{
    char preload[PATH_MAX * 2];
    const char *old = getenv("LD_PRELOAD");
    if (old != NULL && *old != '\0')
        snprintf(preload, sizeof preload, "%s:%s", l->library, old);
    else
        snprintf(preload, sizeof preload, "%s", l->library);
    char pid[24];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    if ((out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0) ||
        setenv("LD_PRELOAD", preload, 1) != 0 ||
        setenv(EXEC_ENV_STATS, l->stats, 1) != 0 ||
        setenv(EXEC_ENV_TOP, pid, 1) != 0 ||
        (l->reserve != NULL && setenv(EXEC_ENV_RESERVE, l->reserve, 1) != 0))
        goto fail;
    if (out_fd >= 0)
        close(out_fd);
    execvp(l->command[0], l->command);
fail:;
    int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof error);
    (void)ignored;
    _exit(error == ENOENT ? 127 : 126);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads the child's stdout to its end, into run's length and hash. */
static void read_output(int fd, struct exec_run *run)
{
    char buffer[1 << 16];
    run->output_hash = EXEC_HASH_START;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        run->output_bytes += (uint64_t)got;
        run->output_hash = exec_hash(run->output_hash, buffer, (size_t)got);
    }
}

/*
 * Forks, runs and waits for the command.  Fills run->status, seconds,
 * max_rss and the output.  Returns 0, or the exit code heaplab should give
 * (126, 127, 2) with the message printed when the command did not run.
 */
static int launch_and_wait(const struct launch *l, struct exec_run *run)
{
    int report[2], out[2] = {-1, -1};
    if (pipe2(report, O_CLOEXEC) != 0 ||
        (l->capture && pipe2(out, O_CLOEXEC) != 0)) {
        fprintf(stderr, "heaplab exec: pipe: %s\n", strerror(errno));
        return 2;
    }
    fflush(NULL);
    double start = now_seconds();
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "heaplab exec: fork: %s\n", strerror(errno));
        return 2;
    }
    if (child == 0)
        run_child(l, out[1], report[1]);
    close(report[1]);
    if (l->capture)
        close(out[1]);

    struct sigaction ignore = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGQUIT, &ignore, &old_quit);
    int exec_error = 0;
    ssize_t got;
    do
        got = read(report[0], &exec_error, sizeof exec_error);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    if (l->capture) {
        read_output(out[0], run);
        close(out[0]);
    }
    int status = 0;
    struct rusage usage = {0};
    while (wait4(child, &status, 0, &usage) < 0 && errno == EINTR)
        continue;
    run->seconds = now_seconds() - start;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);

    if (got == (ssize_t)sizeof exec_error) {
        fprintf(stderr, "heaplab exec: cannot run '%s': %s\n", l->command[0],
                strerror(exec_error));
        run->status = -1;
        return exec_error == ENOENT ? 127 : 126;
    }
    run->status = status;
    run->max_rss = (uint64_t)usage.ru_maxrss * 1024;
    return 0;
}

/* One run under `backend`, statistics included; 0 or an exit code. */
static int run_backend(const char *backend, char **command,
                       const struct exec_settings *s, int capture,
                       struct exec_run *run)
{
    *run = (struct exec_run){
        .backend = backend, .status = -1, .captured = capture};
    char library[PATH_MAX];
    if (find_library(backend, library, sizeof library, 0) != 0)
        return 2;
    const char *tmp = getenv("TMPDIR");
    char stats[PATH_MAX];
    snprintf(stats, sizeof stats, "%s/heaplab-exec.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    int fd = mkstemp(stats);
    if (fd < 0 || ftruncate(fd, sizeof(struct exec_stats_file)) != 0) {
        fprintf(stderr, "heaplab exec: cannot make %s: %s\n", stats,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(stats);
        }
        return 2;
    }
    close(fd);
    struct launch l = {.command = command,
                       .library = library,
                       .stats = stats,
                       .reserve = s->reserve,
                       .capture = capture};
    int code = launch_and_wait(&l, run);
    if (code == 0 && exec_totals_load(stats, &run->totals) != 0)
        fprintf(stderr, "heaplab exec: cannot read %s: %s\n", stats,
                strerror(errno));
    unlink(stats);
    return code;
}

/* --- output -------------------------------------------------------------- */

/* The command as one line for the table's title: control characters
 * (the newlines of a script given with -c) become spaces, and a long
 * command ends in "...". */
static void command_line(char *text, size_t size, char **command)
{
    enum { SHOWN = 100 };
    size_t used = 0;
    text[0] = '\0';
    for (char **word = command; *word != NULL && used < size; word++)
        used += (size_t)snprintf(text + used, size - used, "%s%s",
                                 word == command ? "" : " ", *word);
    for (char *c = text; *c != '\0'; c++)
        if ((unsigned char)*c < ' ')
            *c = ' ';
    if (size > SHOWN + 4 && strlen(text) > SHOWN)
        memcpy(text + SHOWN, "...", 4);
}

/* Opens --report FILE, or gives `fallback`. */
static FILE *open_report(const struct exec_settings *s, FILE *fallback)
{
    if (s->report == NULL)
        return fallback;
    FILE *out = fopen(s->report, "w");
    if (out == NULL)
        fprintf(stderr, "heaplab exec: cannot write %s: %s\n", s->report,
                strerror(errno));
    return out;
}

static int close_report(const struct exec_settings *s, FILE *out)
{
    if (out == NULL)
        return -1;
    if (s->report == NULL)
        return fflush(out) == 0 ? 0 : -1;
    if (fclose(out) != 0) {
        fprintf(stderr, "heaplab exec: cannot write %s: %s\n", s->report,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* --- the two modes ------------------------------------------------------- */

static int exec_one(const struct exec_settings *s, char **command)
{
    if (registry_find(s->allocators) == NULL)
        return usage_error("unknown allocator ", s->allocators);
    struct exec_run run;
    int code = run_backend(s->allocators, command, s, 0, &run);
    if (code != 0)
        return code;
    if (!s->quiet || s->report != NULL) {
        FILE *out = open_report(s, stderr);
        if (out != NULL)
            exec_summary_print(out, command[0], &run);
        if (close_report(s, out) != 0 && WIFEXITED(run.status) &&
            WEXITSTATUS(run.status) == 0)
            return 2;
    }
    return preload_exit_like(run.status);
}

/*
 * Every run must read the same stdin: a regular file is rewound to where
 * it stood; anything else but a terminal (a pipe, /dev/null) is first
 * copied into an unlinked temporary file.  Returns the offset to rewind
 * to, -1 for a terminal (left alone), -2 on error (printed).
 */
static off_t replayable_stdin(void)
{
    struct stat info;
    if (isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &info) != 0)
        return -1;
    if (S_ISREG(info.st_mode))
        return lseek(STDIN_FILENO, 0, SEEK_CUR);
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/heaplab-stdin.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "heaplab exec: cannot make %s: %s\n", path,
                strerror(errno));
        return -2;
    }
    unlink(path);
    char buffer[1 << 16];
    ssize_t got;
    while ((got = read(STDIN_FILENO, buffer, sizeof buffer)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || write(fd, buffer, (size_t)got) != got) {
            fprintf(stderr, "heaplab exec: cannot copy stdin: %s\n",
                    strerror(errno));
            close(fd);
            return -2;
        }
    }
    dup2(fd, STDIN_FILENO);
    close(fd);
    return 0;
}

static int exec_compare(const struct exec_settings *s, char **command)
{
    char error[256];
    struct selection selection;
    if (select_allocators(s->allocators, &selection, error, sizeof error) != 0)
        return usage_error(error, "");
    struct exec_run *runs = calloc(selection.count, sizeof *runs);
    off_t rewind_to = replayable_stdin();
    if (runs == NULL || rewind_to == -2) {
        free(runs);
        select_free(&selection);
        return 2;
    }
    /* 'all' means every backend that has a library. */
    char library[PATH_MAX];
    size_t kept = 0;
    for (size_t i = 0; i < selection.count; i++) {
        const char *name = selection.allocators[i]->name;
        if (strcmp(s->allocators, "all") == 0 &&
            find_library(name, library, sizeof library, 1) != 0)
            fprintf(stderr,
                    "heaplab exec: skipping %s: no "
                    "lib/libheaplab-%s.so\n",
                    name, name);
        else
            selection.allocators[kept++] = selection.allocators[i];
    }
    selection.count = kept;
    size_t done = 0, reference = 0;
    int code = 0;
    for (; done < selection.count && code == 0; done++) {
        const char *name = selection.allocators[done]->name;
        if (rewind_to >= 0)
            lseek(STDIN_FILENO, rewind_to, SEEK_SET);
        code = run_backend(name, command, s, 1, &runs[done]);
        if (strcmp(name, "libc") == 0)
            reference = done;
        int status = runs[done].status;
        if (status >= 0 && WIFSIGNALED(status) &&
            (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGQUIT))
            code = 1; /* interrupted: stop here, print what ran */
    }
    int result = 0;
    if (done > 0 && (code == 0 || code == 1)) {
        for (size_t i = 0; i < done; i++)
            if (runs[i].status != 0 ||
                runs[i].output_bytes != runs[reference].output_bytes ||
                runs[i].output_hash != runs[reference].output_hash)
                result = 1;
        char line[512];
        command_line(line, sizeof line, command);
        FILE *out = open_report(s, stdout);
        if (out != NULL)
            exec_compare_print(out, line, runs, done, reference);
        if (close_report(s, out) != 0)
            result = 2;
    }
    free(runs);
    select_free(&selection);
    return code > 1 ? code : result;
}

int cmd_exec(int argc, char **argv)
{
    struct exec_settings s = {0};
    int parsed = parse_options(argc, argv, &s);
    if (parsed >= 0)
        return parsed;
    char **command = argv + optind;
    return s.compare ? exec_compare(&s, command) : exec_one(&s, command);
}
