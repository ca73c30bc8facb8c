/*
 * checker.c -- one heap-checker case in a child process (see checker.h).
 *
 *   parent                               child (fresh heap, alarm)
 *   ------                               -----
 *   stage pipe   <---------------------- one letter as each step starts,
 *                                        then the step's `why`, if any
 *   output pipe  <---------------------- stderr: what the checker printed
 *   poll until both close; waitpid; the last letter says where it ended
 */
#include "checker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heaplab/memlib.h"
#include "results.h"
#include "rubric.h"
#include "spawn.h"
#include "text.h"

/* The steps, as the child announces them on the stage pipe. */
enum {
    STAGE_INIT = 'I',      /* init() */
    STAGE_PREPARE = 'P',   /* prepare(): the correct heap */
    STAGE_ACCEPT = 'A',    /* check() on the correct heap */
    STAGE_CORRUPT = 'C',   /* corrupt() */
    STAGE_REJECT = 'R',    /* check() on the broken heap */
    STAGE_REFUSED = 'X',   /* a step failed; `why` follows */
    STAGE_WRONG = 'W',     /* check() said the wrong thing; its value follows */
    STAGE_DONE = 'D',      /* every step as it should be */
};

enum { OUTPUT_KEEP = 4096 };

const struct checker_case *checker_find(const struct checker_case *cases,
                                        const char *name)
{
    for (size_t i = 0; cases != NULL && cases[i].name != NULL; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

const char *checker_status_name(enum checker_verdict verdict)
{
    static const char *const names[] = {"ok", "error", "crash", "timeout"};
    return (unsigned)verdict < sizeof names / sizeof names[0] ? names[verdict]
                                                              : "error";
}

/* --- the child ---------------------------------------------------------- */

static void say(int fd, const char *text, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, text, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        length -= (size_t)n;
    }
}

static void stage(int fd, char letter)
{
    say(fd, &letter, 1);
}

static _Noreturn void run_child(const struct checker_case *c,
                                const struct allocator *a, double timeout,
                                size_t memory, int stage_fd)
{
    alarm((unsigned)ceil(timeout));
    char why[CHECKER_WHY_MAX + 1] = "";
    mem_reset();
    mem_set_limit(memory);

    stage(stage_fd, STAGE_INIT);
    if (a->init() != 0) {
        stage(stage_fd, STAGE_REFUSED);
        say(stage_fd, "init() failed", 13);
        _exit(0);
    }
    stage(stage_fd, STAGE_PREPARE);
    if (c->prepare != NULL && c->prepare(a, why) != 0) {
        stage(stage_fd, STAGE_REFUSED);
        say(stage_fd, why, strnlen(why, CHECKER_WHY_MAX));
        _exit(0);
    }
    stage(stage_fd, STAGE_ACCEPT);
    int said = a->check();
    if (said != 0) {
        char value[32];
        stage(stage_fd, STAGE_WRONG);
        say(stage_fd, value, (size_t)snprintf(value, sizeof value, "%d", said));
        _exit(0);
    }
    if (c->corrupt != NULL) {
        stage(stage_fd, STAGE_CORRUPT);
        if (c->corrupt(a, why) != 0) {
            stage(stage_fd, STAGE_REFUSED);
            say(stage_fd, why, strnlen(why, CHECKER_WHY_MAX));
            _exit(0);
        }
        stage(stage_fd, STAGE_REJECT);
        if (a->check() == 0) {
            stage(stage_fd, STAGE_WRONG);
            say(stage_fd, "0", 1);
            _exit(0);
        }
    }
    stage(stage_fd, STAGE_DONE);
    _exit(0);
}

/* --- the parent --------------------------------------------------------- */

struct collected {
    char stages[CHECKER_WHY_MAX + 64]; /* letters, then a why or value */
    size_t stage_length;
    char output[OUTPUT_KEEP];
    size_t output_length;
};

/* Reads both pipes until both are closed. */
static void collect(int stage_fd, int output_fd, struct collected *got)
{
    struct pollfd fds[2] = {{.fd = stage_fd, .events = POLLIN},
                            {.fd = output_fd, .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            char buffer[1024];
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            char *into = i == 0 ? got->stages : got->output;
            size_t *length = i == 0 ? &got->stage_length : &got->output_length;
            size_t room = (i == 0 ? sizeof got->stages : sizeof got->output) -
                          1 - *length;
            size_t take = (size_t)n < room ? (size_t)n : room;
            memcpy(into + *length, buffer, take);
            *length += take;
            into[*length] = '\0';
        }
    }
}

/* The first line the checker printed, cleaned, or "". */
static void first_line(const struct collected *got, char *out, size_t size)
{
    size_t n = strcspn(got->output, "\n");
    char *clean = text_trim(got->output, n, 0, 1, 200);
    snprintf(out, size, "%s", clean != NULL ? clean : "");
    free(clean);
}

/* The last stage letter and what follows it. */
static char last_stage(const struct collected *got, const char **tail)
{
    char letter = 0;
    *tail = "";
    for (size_t i = 0; i < got->stage_length; i++) {
        if (strchr("IPACRXWD", got->stages[i]) == NULL)
            continue;
        letter = got->stages[i];
        if (letter == STAGE_REFUSED || letter == STAGE_WRONG) {
            *tail = &got->stages[i + 1];
            break;
        }
    }
    return letter;
}

static const char *step_name(char letter)
{
    switch (letter) {
    case STAGE_INIT:
        return "in init()";
    case STAGE_PREPARE:
        return "while malloc and free built the heap";
    case STAGE_ACCEPT:
        return "in check() on the correct heap";
    case STAGE_CORRUPT:
        return "while the test broke the heap";
    case STAGE_REJECT:
        return "in check() on the broken heap";
    default:
        return "before it started";
    }
}

static enum checker_verdict judge(const struct checker_case *c, int status,
                                  const struct collected *got,
                                  char message[CHECKER_MESSAGE_MAX])
{
    const char *tail;
    char letter = last_stage(got, &tail);
    char said[256];
    first_line(got, said, sizeof said);
    int broken = c->corrupt != NULL;
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM) {
            snprintf(message, CHECKER_MESSAGE_MAX,
                     "%s: timed out %s (an endless loop?%s)", c->name,
                     step_name(letter),
                     letter == STAGE_REJECT
                         ? " A checker must stop on a list that loops"
                         : "");
            return CHECKER_TIMED_OUT;
        }
        snprintf(message, CHECKER_MESSAGE_MAX, "%s: crashed (%s) %s%s",
                 c->name, strsignal(sig), step_name(letter),
                 letter == STAGE_REJECT
                     ? ": a checker must see that a size or a link is "
                       "wrong before it follows it"
                     : "");
        return CHECKER_CRASHED;
    }
    if (letter == STAGE_DONE) {
        if (broken)
            snprintf(message, CHECKER_MESSAGE_MAX,
                     "%s: rejected, as it should: %s%s%s", c->name, c->what,
                     said[0] ? "; it said: " : "", said);
        else
            snprintf(message, CHECKER_MESSAGE_MAX,
                     "%s: accepted, as it should: %s", c->name, c->what);
        return CHECKER_PASSED;
    }
    if (letter == STAGE_REFUSED) {
        snprintf(message, CHECKER_MESSAGE_MAX,
                 "%s: the heap for this case could not be built: %s",
                 c->name, tail);
    } else if (letter == STAGE_WRONG && tail[0] == '0') {
        snprintf(message, CHECKER_MESSAGE_MAX,
                 "%s: check() returned 0 on a broken heap: %s", c->name,
                 c->what);
    } else if (letter == STAGE_WRONG) {
        snprintf(message, CHECKER_MESSAGE_MAX,
                 "%s: check() returned %s on a correct heap (%s)%s%s",
                 c->name, tail,
                 broken ? "before the test broke it" : c->what,
                 said[0] ? "; it said: " : "", said);
    } else {
        snprintf(message, CHECKER_MESSAGE_MAX,
                 "%s: the process ended %s without a result (exit %d)",
                 c->name, step_name(letter),
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return CHECKER_FAILED;
}

enum checker_verdict checker_run_case(const struct checker_case *c,
                                      const struct allocator *a,
                                      double timeout, size_t memory,
                                      char message[CHECKER_MESSAGE_MAX])
{
    if (a->check == NULL) {
        snprintf(message, CHECKER_MESSAGE_MAX,
                 "%s: the vtable's check is NULL: there is no heap checker "
                 "to grade",
                 c->name);
        return CHECKER_FAILED;
    }
    int stage_pipe[2], output_pipe[2];
    if (pipe2(stage_pipe, O_CLOEXEC) != 0)
        goto cannot;
    if (pipe2(output_pipe, O_CLOEXEC) != 0) {
        close(stage_pipe[0]);
        close(stage_pipe[1]);
        goto cannot;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(stage_pipe[0]);
        close(output_pipe[0]);
        dup2(output_pipe[1], STDERR_FILENO);
        dup2(output_pipe[1], STDOUT_FILENO);
        signal(SIGALRM, SIG_DFL);
        run_child(c, a, timeout > 0 ? timeout : 10, memory, stage_pipe[1]);
    }
    close(stage_pipe[1]);
    close(output_pipe[1]);
    static struct collected got;
    memset(&got, 0, sizeof got);
    if (pid > 0)
        collect(stage_pipe[0], output_pipe[0], &got);
    close(stage_pipe[0]);
    close(output_pipe[0]);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        goto cannot;
    return judge(c, status, &got, message);
cannot:
    snprintf(message, CHECKER_MESSAGE_MAX, "%s: cannot start a process: %s",
             c->name, strerror(errno));
    return CHECKER_FAILED;
}

/* --- the worker --------------------------------------------------------- */

static void write_reply(const char *status, const char *message)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", results_text(status));
    json_object_set_new(o, "message", results_text(message));
    int fd = fcntl(SPAWN_RESULT_FD, F_GETFD) != -1 ? SPAWN_RESULT_FD
                                                   : STDOUT_FILENO;
    json_dumpfd(o, fd, JSON_COMPACT);
    json_decref(o);
}

int checker_worker(int argc, char **argv, const struct allocator *a,
                   const struct checker_case *cases)
{
    static const struct option options[] = {
        {"checker-case", required_argument, NULL, 'k'},
        {"timeout", required_argument, NULL, 'T'},
        {"memory", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    double timeout = 10;
    size_t memory = 0;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        if (opt == 'k') {
            name = optarg;
        } else if (opt == 'T') {
            timeout = strtod(optarg, &end);
            if (*end != '\0' || !(timeout > 0))
                return fprintf(stderr, "bad --timeout '%s'\n", optarg), 2;
        } else if (opt == 'm') {
            if (rubric_parse_bytes(optarg, &memory) != 0)
                return fprintf(stderr, "bad --memory '%s'\n", optarg), 2;
        } else {
            return fprintf(stderr, "unknown option '%s'\n", argv[optind - 1]),
                   2;
        }
    }
    if (name == NULL)
        return fprintf(stderr, "missing --checker-case\n"), 2;
    const struct checker_case *c = checker_find(cases, name);
    if (c == NULL) {
        char message[256];
        snprintf(message, sizeof message,
                 "%.60s: the rubric names a checker case that its fixture "
                 "does not define",
                 name);
        write_reply("skipped", message);
        return 0;
    }
    char message[CHECKER_MESSAGE_MAX];
    enum checker_verdict verdict =
        checker_run_case(c, a, timeout, memory, message);
    write_reply(checker_status_name(verdict), message);
    return 0;
}
