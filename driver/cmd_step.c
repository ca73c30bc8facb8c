/*
 * cmd_step.c -- `heaplab step -a NAME TRACE`: walk through a trace one op
 * at a time and watch the heap change.
 *
 *   Enter (or n)   run the next op; show what changed
 *   b LINE         stop before the op on trace line LINE (again: clear it)
 *   c              continue to the next breakpoint or the end
 *   m              the heap map, the free blocks by size
 *   q              quit
 *
 * Commands come from standard input, so a pipe drives it as well as a
 * person.  The stepping runs in a child process of its own: when the
 * backend crashes, the parent says where and the terminal stays usable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "heaplab/memlib.h"
#include "heaplab/registry.h"
#include "heapmap.h"
#include "heapwalk.h"
#include "replay.h"
#include "runner.h"
#include "trace.h"

static const char STEP_USAGE[] =
    "usage: heaplab step -a NAME [--check-heap] TRACE\n"
    "\n"
    "Replays TRACE on backend NAME one op at a time, with every check of\n"
    "'heaplab run', and shows after each op what changed in the heap: a\n"
    "block split, blocks coalesced, the heap grown.  Commands (one per line\n"
    "on standard input, so a pipe works too):\n"
    "\n"
    "  Enter, n     run the next op\n"
    "  b LINE       break before the op on trace line LINE (again: clear)\n"
    "  c            continue to the next breakpoint or the end\n"
    "  m            print the heap map and the free blocks by size\n"
    "  q            quit\n"
    "  h            this list\n"
    "\n"
    "options:\n"
    "  -a, --allocator NAME   the backend (see 'heaplab list')\n"
    "  -c, --check-heap       also call the backend's heap checker after\n"
    "                         every op\n"
    "  -h, --help             this text\n";

enum { MAX_BREAKPOINTS = 64 };

struct stepper {
    const struct allocator *a;
    const struct trace *trace;
    struct replay_session *session;
    struct run_result result;
    uint32_t breakpoints[MAX_BREAKPOINTS];
    int breakpoint_count;
    int interactive;
};

static void print_op(const struct trace_op *op)
{
    if (op->kind == OP_FREE)
        printf("f %d", op->id);
    else
        printf("%c %d %llu", op->kind, op->id, (unsigned long long)op->size);
}

static size_t footprint(void)
{
    struct mem_stats stats;
    mem_get_stats(&stats);
    return stats.footprint;
}

/* Runs one op and prints what changed.  0, 1 at the end, -1 failed. */
static int step_one(struct stepper *st)
{
    uint64_t at = replay_position(st->session);
    if (at == st->trace->num_ops)
        return 1;
    const struct trace_op *op = &st->trace->ops[at];
    struct heap_walk before, after;
    int have_before = heap_walk_take(&before, st->a,
                                     replay_blocks(st->session)) == 0;
    size_t old_footprint = footprint();
    printf("line %u: ", op->line);
    print_op(op);
    fflush(stdout);
    int rc = replay_step(st->session);
    if (rc < 0) {
        printf("\n%s: %s\n", run_status_name(st->result.status),
               st->result.message);
        if (have_before)
            heap_walk_free(&before);
        return -1;
    }
    const struct block_record *b =
        op->id >= 0 ? &replay_blocks(st->session)->records[op->id] : NULL;
    if (op->kind != OP_FREE && b != NULL && b->live)
        printf(" -> %p", (void *)b->payload);
    size_t new_footprint = footprint();
    printf("   (footprint %zu, live %llu)\n", new_footprint,
           (unsigned long long)replay_blocks(st->session)->live_bytes);
    if (new_footprint > old_footprint)
        printf("  heap grew by %zu bytes\n", new_footprint - old_footprint);
    else if (new_footprint < old_footprint)
        printf("  heap shrank by %zu bytes\n", old_footprint - new_footprint);
    if (have_before &&
        heap_walk_take(&after, st->a,
                       replay_blocks(st->session)) == 0) {
        fflush(stdout);
        heapmap_print_diff(STDOUT_FILENO, &before, &after);
        heap_walk_free(&after);
    }
    if (have_before)
        heap_walk_free(&before);
    return 0;
}

static int at_breakpoint(const struct stepper *st)
{
    uint64_t at = replay_position(st->session);
    if (at == st->trace->num_ops)
        return 0;
    uint32_t line = st->trace->ops[at].line;
    for (int i = 0; i < st->breakpoint_count; i++)
        if (st->breakpoints[i] == line)
            return 1;
    return 0;
}

static void toggle_breakpoint(struct stepper *st, const char *arg)
{
    char *end;
    long line = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || line <= 0) {
        printf("b needs a trace line number, as in 'b 12'\n");
        return;
    }
    for (int i = 0; i < st->breakpoint_count; i++) {
        if (st->breakpoints[i] == (uint32_t)line) {
            st->breakpoints[i] = st->breakpoints[--st->breakpoint_count];
            printf("breakpoint at line %ld cleared\n", line);
            return;
        }
    }
    if (st->breakpoint_count == MAX_BREAKPOINTS) {
        printf("too many breakpoints (at most %d)\n", MAX_BREAKPOINTS);
        return;
    }
    st->breakpoints[st->breakpoint_count++] = (uint32_t)line;
    printf("breakpoint at line %ld\n", line);
}

/* The command loop; returns the exit status. */
static int step_loop(struct stepper *st)
{
    char line[256];
    int failed = 0, finished = 0;
    for (;;) {
        if (st->interactive) {
            printf("(step) ");
            fflush(stdout);
        }
        if (fgets(line, sizeof line, stdin) == NULL)
            break;
        line[strcspn(line, "\r\n")] = '\0';
        char *cmd = line + strspn(line, " \t");
        if ((*cmd == '\0' || strcmp(cmd, "n") == 0) && !failed) {
            int rc = step_one(st);
            failed = rc < 0;
            if (rc == 1 && !finished)
                printf("the trace is over (%zu ops)\n", st->trace->num_ops);
            finished |= rc == 1;
        } else if (strcmp(cmd, "c") == 0 && !failed) {
            int rc = 0;
            do
                rc = step_one(st);
            while (rc == 0 && !at_breakpoint(st));
            failed = rc < 0;
            if (rc == 0) {
                const struct trace_op *op =
                    &st->trace->ops[replay_position(st->session)];
                printf("breakpoint: before line %u: ", op->line);
                print_op(op);
                printf("\n");
            } else if (rc == 1) {
                printf("the trace is over (%zu ops)\n", st->trace->num_ops);
            }
        } else if ((*cmd == '\0' || strcmp(cmd, "n") == 0 ||
                    strcmp(cmd, "c") == 0) &&
                   failed) {
            printf("the replay stopped at the failure above; 'm' shows the "
                   "heap, 'q' quits\n");
        } else if (cmd[0] == 'b' && (cmd[1] == ' ' || cmd[1] == '\0')) {
            toggle_breakpoint(st, cmd + 1 + strspn(cmd + 1, " "));
        } else if (strcmp(cmd, "m") == 0) {
            fflush(stdout);
            replay_print_state(st->session);
        } else if (strcmp(cmd, "q") == 0) {
            break;
        } else if (strcmp(cmd, "h") == 0 || strcmp(cmd, "?") == 0) {
            printf("Enter/n: next op, b LINE: breakpoint, c: continue, "
                   "m: heap map, q: quit\n");
        } else {
            printf("unknown command '%s' (h lists them)\n", cmd);
        }
        fflush(stdout);
    }
    return failed ? 1 : 0;
}

/* The child: steps, with crashes caught and described. */
static int step_child(const struct allocator *a, const struct trace *t,
                      const struct replay_options *options,
                      struct replay_progress *progress)
{
    runner_guard(progress);
    replay_set_map_fd(STDOUT_FILENO);
    struct stepper st = {.a = a, .trace = t,
                         .interactive = isatty(STDIN_FILENO)};
    st.session = replay_open(a, t, options, progress, &st.result);
    if (st.session == NULL) {
        printf("%s: %s\n", run_status_name(st.result.status),
               st.result.message);
        return 1;
    }
    printf("heaplab step: %s on %s (%zu ops).\n"
           "Enter: next op, b LINE: breakpoint, c: continue, m: heap map, "
           "q: quit\n",
           a->name, t->path, t->num_ops);
    int status = step_loop(&st);
    replay_close(st.session);
    return status;
}

int cmd_step(int argc, char **argv)
{
    static const struct option options[] = {
        {"allocator", required_argument, NULL, 'a'},
        {"check-heap", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    struct replay_options replay = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":a:ch", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            name = optarg;
            break;
        case 'c':
            replay.check_heap_every = 1;
            break;
        case 'h':
            fputs(STEP_USAGE, stdout);
            return 0;
        default:
            fprintf(stderr, "heaplab step: %s '%s' (try 'heaplab step "
                            "--help')\n",
                    c == ':' ? "option needs a value:" : "unknown option",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (name == NULL || optind != argc - 1) {
        fprintf(stderr, "heaplab step: needs -a NAME and one TRACE (try "
                        "'heaplab step --help')\n");
        return 2;
    }
    const struct allocator *a = registry_find(name);
    if (a == NULL) {
        fprintf(stderr, "heaplab step: unknown allocator '%s' (see 'heaplab "
                        "list')\n",
                name);
        return 2;
    }
    struct trace t;
    char error[TRACE_ERROR_MAX];
    if (trace_load(argv[optind], &t, error) != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    struct replay_progress *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (progress == MAP_FAILED) {
        fprintf(stderr, "heaplab step: %s\n", strerror(errno));
        trace_free(&t);
        return 2;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int status = step_child(a, &t, &replay, progress);
        fflush(stdout);
        _exit(status);
    }
    int status = 0;
    if (pid < 0)
        fprintf(stderr, "heaplab step: cannot fork: %s\n", strerror(errno));
    else
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    int rc = 2;
    if (pid > 0 && WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
    } else if (pid > 0) {
        printf("\ncrash: %s\n", progress->crash[0]
                                    ? progress->crash
                                    : strsignal(WTERMSIG(status)));
        rc = 1;
    }
    munmap(progress, sizeof *progress);
    trace_free(&t);
    return rc;
}
