/*
 * cmd_record.c -- `heaplab record`: run a program with
 * lib/libheaplab-record.so preloaded (driver/preload/record.c) and turn
 * the heap calls it made into a trace.
 *
 * Steps:
 *   1. find lib/libheaplab-record.so beside bin/ (through /proc/self/exe);
 *   2. make a private folder for the raw logs (mkdtemp);
 *   3. run the command in a child with LD_PRELOAD, HEAPLAB_RECORD_DIR and,
 *      unless --all-processes, HEAPLAB_RECORD_TOP=its pid; its stdin,
 *      stdout and stderr are ours, untouched;
 *   4. wait for it, ignoring SIGINT and SIGQUIT as system() does, so that
 *      ^C stops the program and the trace is still written;
 *   5. turn each log into a trace (recording.c, trace_builder.c), write
 *      it, print a one-line summary on stderr, remove the folder;
 *   6. exit as the command did (with its status, or by its signal).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "preload_launch.h"
#include "preload/record_log.h"
#include "recording.h"
#include "trace.h"
#include "trace_builder.h"

static const char RECORD_USAGE[] =
    "usage: heaplab record -o FILE.rep [--all-processes] [-q] -- COMMAND "
    "[ARGS...]\n"
    "\n"
    "Runs COMMAND with lib/libheaplab-record.so preloaded and writes the\n"
    "heap calls it made (malloc, calloc, realloc, reallocarray, free,\n"
    "posix_memalign, aligned_alloc, memalign, valloc, pvalloc) as a trace\n"
    "in the classic CS:APP format.  Every block gets an id of its own (ids\n"
    "are not reused); aligned allocations become 'a' ops of their size;\n"
    "realloc(p, 0) becomes 'f'; free(NULL), failed calls, frees of pointers\n"
    "never seen and malloc_usable_size calls are counted, not written.\n"
    "COMMAND's input and output are its own; its heap calls are serialized\n"
    "under one lock, so a multithreaded trace is in the order the calls\n"
    "took effect.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    the trace to write (required)\n"
    "      --all-processes  record every process COMMAND starts, not only\n"
    "                       COMMAND's own: the others go to FILE.PID.rep\n"
    "                       (FILE without .rep, then the process id)\n"
    "  -q, --quiet          no summary line on stderr\n"
    "  -h, --help           this text\n"
    "\n"
    "A process that calls exec keeps its trace: the blocks live at the exec\n"
    "are freed there, and the new program's calls follow.  Statically\n"
    "linked and setuid programs cannot be recorded (they ignore\n"
    "LD_PRELOAD).\n"
    "\n"
    "Exit status: COMMAND's (a COMMAND killed by a signal kills heaplab with\n"
    "the same signal); 126 or 127 when COMMAND cannot be run; 2 for a usage\n"
    "error, or when COMMAND succeeded but no trace could be written.\n";

static const char LIBRARY_FILE[] = "libheaplab-record.so";

struct record_settings {
    const char *output;
    int all_processes;
    int quiet;
};

static int usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "heaplab record: %s%s (try 'heaplab record --help')\n",
            message, detail);
    return 2;
}

static int parse_options(int argc, char **argv, struct record_settings *s)
{
    enum { OPT_ALL = 256 };
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"all-processes", no_argument, NULL, OPT_ALL},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    /* '+': options end at COMMAND, so its own options stay its own. */
    while ((c = getopt_long(argc, argv, "+:o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            s->output = optarg;
            break;
        case OPT_ALL:
            s->all_processes = 1;
            break;
        case 'q':
            s->quiet = 1;
            break;
        case 'h':
            fputs(RECORD_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("missing value for ", argv[optind - 1]);
        default:
            return usage_error("unknown option ", argv[optind - 1]);
        }
    }
    if (s->output == NULL)
        return usage_error("missing -o FILE", "");
    if (optind == argc)
        return usage_error("missing COMMAND", "");
    return -1; /* go on */
}

/* --- running the command ------------------------------------------------- */

/* In the child: the environment, then exec.  Tells the parent errno
 * through report_fd when exec fails. */
static void run_child(char **command, const char *library, const char *dir,
                      int all_processes, int report_fd)
{
    char preload[PATH_MAX * 2];
    const char *old = getenv("LD_PRELOAD");
    /* Ours first: then RTLD_NEXT finds whatever malloc the rest bring. */
    if (old != NULL && *old != '\0')
        snprintf(preload, sizeof preload, "%s:%s", library, old);
    else
        snprintf(preload, sizeof preload, "%s", library);
    char pid[24];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    if (setenv("LD_PRELOAD", preload, 1) != 0 ||
        setenv(RECORD_ENV_DIR, dir, 1) != 0 ||
        (all_processes ? unsetenv(RECORD_ENV_TOP)
                       : setenv(RECORD_ENV_TOP, pid, 1)) != 0) {
        int error = errno;
        ssize_t ignored = write(report_fd, &error, sizeof error);
        (void)ignored;
        _exit(126);
    }
    execvp(command[0], command);
    int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof error);
    (void)ignored;
    _exit(error == ENOENT ? 127 : 126);
}

/* Runs the command; returns its wait status, or -1 when it could not be
 * run (the message is printed, *exit_code says 126/127/2). */
static int run_command(char **command, const char *library, const char *dir,
                       int all_processes, pid_t *child, int *exit_code)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        fprintf(stderr, "heaplab record: pipe: %s\n", strerror(errno));
        *exit_code = 2;
        return -1;
    }
    fflush(NULL);
    *child = fork();
    if (*child < 0) {
        fprintf(stderr, "heaplab record: fork: %s\n", strerror(errno));
        close(report[0]);
        close(report[1]);
        *exit_code = 2;
        return -1;
    }
    if (*child == 0) {
        close(report[0]);
        run_child(command, library, dir, all_processes, report[1]);
    }
    close(report[1]);

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
    int status = 0;
    while (waitpid(*child, &status, 0) < 0 && errno == EINTR)
        continue;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);

    if (got == (ssize_t)sizeof exec_error) {
        fprintf(stderr, "heaplab record: cannot run '%s': %s\n", command[0],
                strerror(exec_error));
        *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 127;
        return -1;
    }
    return status;
}

/* --- logs into traces ---------------------------------------------------- */

static void print_summary(const char *output, const struct trace *trace,
                          const struct builder_stats *stats,
                          const struct recording_info *info)
{
    fprintf(stderr,
            "heaplab record: %s: %zu ops, %zu ids, peak %" PRIu64
            " live bytes, %" PRIu64 " unknown frees",
            output, trace->num_ops, trace->num_ids, stats->peak_bytes,
            stats->unknown_frees);
    if (stats->live_blocks > 0)
        fprintf(stderr, ", %zu blocks live at exit", stats->live_blocks);
    if (info->threads > 1)
        fprintf(stderr, ", %" PRIu32 " threads", info->threads);
    if (info->images > 1)
        fprintf(stderr, ", %" PRIu64 " execs", info->images - 1);
    if (stats->lost_frees > 0)
        fprintf(stderr, ", %" PRIu64 " lost frees", stats->lost_frees);
    if (info->usable_size > 0)
        fprintf(stderr, ", %" PRIu64 " malloc_usable_size calls",
                info->usable_size);
    fprintf(stderr, " (pid %" PRIu64 ")%s\n", info->pid,
            info->overflowed ? "; the log overflowed: later calls are "
                               "missing"
                             : "");
}

/* One log into one trace file; 0 on success. */
static int convert(const char *log, const char *output, int quiet)
{
    struct trace_builder builder;
    struct recording_info info;
    struct trace trace;
    char error[TRACE_ERROR_MAX];
    builder_init(&builder);
    if (recording_load(log, &builder, &info, error) != 0 ||
        builder_finish(&builder, output, &trace) != 0) {
        fprintf(stderr, "heaplab record: %s\n",
                error[0] != '\0' ? error : "out of memory");
        builder_destroy(&builder);
        return -1;
    }
    int status = -1;
    FILE *out = fopen(output, "w");
    if (out == NULL || trace_write(out, &trace) != 0 || fclose(out) != 0)
        fprintf(stderr, "heaplab record: %s: cannot write: %s\n", output,
                strerror(errno));
    else
        status = 0;
    if (status == 0 && !quiet)
        print_summary(output, &trace, &builder.stats, &info);
    trace_free(&trace);
    builder_destroy(&builder);
    return status;
}

/* FILE.PID.rep for FILE.rep (or FILE). */
static void other_output(char *path, size_t size, const char *output,
                         const char *pid)
{
    size_t length = strlen(output);
    if (length > 4 && strcmp(output + length - 4, ".rep") == 0)
        length -= 4;
    snprintf(path, size, "%.*s.%s.rep", (int)length, output, pid);
}

static int by_pid(const struct dirent **left, const struct dirent **right)
{
    long l = atol((*left)->d_name), r = atol((*right)->d_name);
    return (l > r) - (l < r);
}

static int is_log(const struct dirent *entry)
{
    const char *dot = strchr(entry->d_name, '.');
    return dot != NULL && dot != entry->d_name && strcmp(dot, ".log") == 0;
}

/* Converts the logs in dir (all, or only top's) and removes them.
 * Returns 0 when top's trace was written, -1 when it could not be (the
 * message is printed), NO_LOG when top left no log. */
enum { NO_LOG = -2 };

static int convert_logs(const char *dir, pid_t top,
                        const struct record_settings *s)
{
    struct dirent **entries;
    int count = scandir(dir, &entries, is_log, by_pid);
    int top_status = NO_LOG;
    for (int i = 0; i < count; i++) {
        char log[PATH_MAX], output[PATH_MAX];
        const char *name = entries[i]->d_name;
        snprintf(log, sizeof log, "%s/%s", dir, name);
        int is_top = atol(name) == (long)top;
        if (is_top) {
            snprintf(output, sizeof output, "%s", s->output);
        } else {
            char pid[32];
            snprintf(pid, sizeof pid, "%.*s", (int)strcspn(name, "."), name);
            other_output(output, sizeof output, s->output, pid);
        }
        if (is_top)
            top_status = convert(log, output, s->quiet);
        else if (s->all_processes)
            convert(log, output, s->quiet);
        unlink(log);
        free(entries[i]);
    }
    if (count >= 0)
        free(entries);
    return top_status;
}

int cmd_record(int argc, char **argv)
{
    struct record_settings s = {0};
    int parsed = parse_options(argc, argv, &s);
    if (parsed >= 0)
        return parsed;
    char **command = argv + optind;

    char library[PATH_MAX];
    if (preload_library_path("heaplab record", LIBRARY_FILE, library,
                             sizeof library, 0) != 0)
        return 2;
    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/heaplab-record.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "heaplab record: cannot make %s: %s\n", dir,
                strerror(errno));
        return 2;
    }

    pid_t child = -1;
    int exit_code = 0;
    int status = run_command(command, library, dir, s.all_processes, &child,
                             &exit_code);
    int written = -1;
    if (status >= 0) {
        written = convert_logs(dir, child, &s);
        if (written == NO_LOG)
            fprintf(stderr,
                    "heaplab record: '%s' left no log: a statically linked "
                    "or setuid program, or one that clears LD_PRELOAD, "
                    "cannot be recorded\n",
                    command[0]);
    } else { /* nothing ran: remove whatever is there */
        convert_logs(dir, -1, &(struct record_settings){.quiet = 1});
    }
    rmdir(dir);

    if (status < 0)
        return exit_code;
    int code = preload_exit_like(status);
    return written != 0 && code == 0 ? 2 : code;
}
