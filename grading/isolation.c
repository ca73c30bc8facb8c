/*
 * isolation.c -- the user, the folders, the parsed traces, the sandbox
 * and the flags of a grade's runs (see isolation.h).
 */
#include "isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text.h"
#include "trace_pack.h"

/* Processes the user may have at once (RLIMIT_NPROC counts every process
 * of the user, so it is shared by the students of a batch). */
static const size_t USER_PROCESSES = 512;

/* --- setting up ------------------------------------------------------------- */

/* The real path of path, or of its folder and its name when it does not
 * exist (an output not written yet); NULL when neither resolves. */
static char *real_path(const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real) != NULL)
        return strdup(real);
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    char *slash = strrchr(copy, '/');
    const char *name = slash != NULL ? slash + 1 : copy;
    const char *folder = slash == NULL ? "." : slash == copy ? "/" : copy;
    if (slash != NULL && slash != copy)
        *slash = '\0';
    if (name[0] == '\0' || realpath(folder, real) == NULL)
        return NULL;
    char *joined = NULL;
    text_append(&joined, "%s/%s", strcmp(real, "/") ? real : "", name);
    return joined;
}

static void guard(struct isolation *iso, const char *path)
{
    if (path == NULL || iso->guarded_count == ISOLATION_GUARDED_MAX)
        return;
    char *real = real_path(path);
    if (real != NULL)
        iso->guarded[iso->guarded_count++] = real;
}

/* The rubric's traces, each parsed once: correctness, then performance
 * traces not already listed. */
static int parse_traces(struct isolation *iso, const struct rubric *r,
                        char *error, size_t size)
{
    size_t max = r->correctness.count + r->performance.count;
    iso->traces = calloc(max + 1, sizeof *iso->traces);
    iso->trace_names = calloc(max + 1, sizeof *iso->trace_names);
    if (iso->traces == NULL || iso->trace_names == NULL) {
        snprintf(error, size, "out of memory");
        return -1;
    }
    const struct rubric_list *lists[] = {&r->correctness, &r->performance};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->count; i++) {
            const char *name = lists[l]->names[i];
            if (isolation_trace(iso, name) != NULL)
                continue;
            char file[PATH_MAX + RUBRIC_NAME_MAX + 8];
            rubric_trace_path(r, name, file, sizeof file);
            char why[TRACE_ERROR_MAX];
            struct trace *t = &iso->traces[iso->trace_count];
            if (trace_load(file, t, why) != 0) {
                snprintf(error, size, "%s", why);
                return -1;
            }
            /* messages name the trace as NAME.rep, not our folders */
            char *shown = NULL;
            text_append(&shown, "%s.rep", name);
            if (shown != NULL) {
                free(t->path);
                t->path = shown;
            }
            snprintf(iso->trace_names[iso->trace_count], RUBRIC_NAME_MAX,
                     "%s", name);
            iso->trace_count++;
            guard(iso, file);
        }
    }
    return 0;
}

/* Can this system watch a program's calls?  Tries it in a child. */
static int sandbox_works(void)
{
    struct sandbox_rules rules = {.workdir = "/"};
    struct sandbox s;
    if (sandbox_prepare(&s, &rules) != 0)
        return 0;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        sandbox_free(&s);
        return 0;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(pair[0]);
        _exit(sandbox_enter(&s, pair[1]) == 0 ? 0 : 1);
    }
    close(pair[1]);
    char data[8];
    ssize_t length;
    int got = pid > 0 && sandbox_receive(&s, pair[0], pid, data, sizeof data,
                                         &length);
    int status = 1;
    if (pid > 0)
        waitpid(pid, &status, 0);
    close(pair[0]);
    sandbox_free(&s);
    return got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int isolation_open(struct isolation *iso, const struct rubric *r,
                   const char *user, const char *const *guarded,
                   size_t guarded_count, const char *folder, char *error,
                   size_t size)
{
    memset(iso, 0, sizeof *iso);
    snprintf(iso->folder, sizeof iso->folder, "%s", folder);
    snprintf(iso->user_name, sizeof iso->user_name, "%.63s",
             user != NULL && user[0] != '\0' ? user : r->user);
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam(iso->user_name);
        if (pw == NULL || pw->pw_uid == 0) {
            snprintf(error, size,
                     "no unprivileged user '%s' to run submissions as "
                     "(the rubric's [limits] user, or --user)",
                     iso->user_name);
            return -1;
        }
        iso->drop = 1;
        iso->user = (struct spawn_user){.uid = pw->pw_uid,
                                        .gid = pw->pw_gid};
        /* the user may pass through, not list, the grade's folder */
        chmod(folder, 0711);
    }
    guard(iso, r->path);
    for (size_t i = 0; i < guarded_count; i++)
        guard(iso, guarded[i]);
    if (parse_traces(iso, r, error, size) != 0)
        return -1;
    iso->watched = sandbox_works();
    snprintf(iso->note, sizeof iso->note,
             "the submission ran as %s%s%s",
             iso->drop ? "user " : "the grader's own user",
             iso->drop ? iso->user_name : " (not root: run the grader as "
                                          "root to isolate it)",
             iso->watched ? ", its system calls watched"
                          : ", its system calls not watched (seccomp user "
                            "notification is not available)");
    return 0;
}

int isolation_check_reach(const struct isolation *iso,
                          const char *const *paths, size_t count,
                          char *error, size_t size)
{
    if (!iso->drop)
        return 0;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return 0; /* cannot tell: the build will say */
    pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        size_t failed = count;
        if (setgroups(0, NULL) == 0 && setgid(iso->user.gid) == 0 &&
            setuid(iso->user.uid) == 0)
            for (failed = 0; failed < count; failed++)
                if (paths[failed] != NULL &&
                    access(paths[failed], R_OK) != 0)
                    break;
        ssize_t ignored = write(pipe_fds[1], &failed, sizeof failed);
        (void)ignored;
        _exit(0);
    }
    close(pipe_fds[1]);
    size_t failed = count;
    ssize_t n = pid > 0 ? read(pipe_fds[0], &failed, sizeof failed) : -1;
    close(pipe_fds[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    if (n != (ssize_t)sizeof failed || failed >= count)
        return 0;
    snprintf(error, size,
             "the user %s, who runs submissions, cannot read %s: make the "
             "grader's folders readable to it (mode 0755), or name another "
             "user with --user or [limits] user",
             iso->user_name, paths[failed]);
    return -1;
}

void isolation_close(struct isolation *iso)
{
    for (size_t i = 0; i < iso->trace_count; i++)
        trace_free(&iso->traces[i]);
    free(iso->traces);
    free(iso->trace_names);
    for (size_t i = 0; i < iso->guarded_count; i++)
        free(iso->guarded[i]);
    memset(iso, 0, sizeof *iso);
}

const struct trace *isolation_trace(const struct isolation *iso,
                                    const char *name)
{
    for (size_t i = 0; i < iso->trace_count; i++)
        if (strcmp(iso->trace_names[i], name) == 0)
            return &iso->traces[i];
    return NULL;
}

void isolation_build_limits(const struct isolation *iso,
                            struct spawn_limits *limits)
{
    if (iso != NULL && iso->drop) {
        limits->user = &iso->user;
        limits->processes = USER_PROCESSES;
    }
}

/* --- one run --------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

int isolation_begin(struct isolation *iso, const struct trace *t,
                    struct isolated_run *run, struct spawn_limits *limits)
{
    memset(run, 0, sizeof *run);
    run->fds[0] = run->fds[1] = run->fds[2] = -1;
    run->record_fd = -1;
    run->clock.fd = -1;
    snprintf(run->rules.workdir, sizeof run->rules.workdir, "%.4000s/run-%u",
             iso->folder, ++iso->runs);
    if (mkdir(run->rules.workdir, 0700) != 0 ||
        (iso->drop &&
         chown(run->rules.workdir, iso->user.uid, iso->user.gid) != 0))
        return -1;
    char real[PATH_MAX];
    if (realpath(run->rules.workdir, real) != NULL)
        snprintf(run->rules.workdir, sizeof run->rules.workdir, "%s", real);
    run->rules.guarded = (const char *const *)iso->guarded;
    run->rules.guarded_count = iso->guarded_count;
    limits->workdir = run->rules.workdir;
    limits->tmpdir = run->rules.workdir;
    isolation_build_limits(iso, limits);
    if (iso->watched && sandbox_prepare(&run->sandbox, &run->rules) == 0) {
        run->sandboxed = 1;
        limits->sandbox = &run->sandbox;
    }
    if (t == NULL)
        return 0;
    run->fds[0] = trace_pack(t);
    run->fds[1] = run->record_fd = verify_record_open();
    if (run->fds[0] < 0 || run->fds[1] < 0 ||
        run_clock_open(&run->clock, &run->fds[2]) != 0)
        return -1;
    run->watch = (struct spawn_watch){
        .fd = run->clock.fd, .ready = run_clock_ready, .arg = &run->clock};
    limits->fds = run->fds;
    limits->fd_count = 3;
    limits->watch = &run->watch;
    return 0;
}

int isolation_looks_like_score(const char *text)
{
    return text != NULL &&
           (strstr(text, "\"scores\"") != NULL ||
            strstr(text, "\"score\"") != NULL ||
            strstr(text, "\"scoreboard\"") != NULL);
}

void isolation_end(struct isolation *iso, struct isolated_run *run,
                   const struct spawn_outcome *o, const char *printed,
                   char **flags)
{
    (void)iso;
    if (run->sandboxed && run->sandbox.seen != NULL)
        text_append(flags, "%s", run->sandbox.seen);
    if (run->sandboxed && run->sandbox.seen_count > 16)
        text_append(flags, "... and %u more such calls\n",
                    run->sandbox.seen_count - 16);
    if (o != NULL && o->strays > 0)
        text_append(flags,
                    "left %u process%s running after its run ended (the "
                    "grader killed %s)\n",
                    o->strays, o->strays == 1 ? "" : "es",
                    o->strays == 1 ? "it" : "them");
    if ((o != NULL && isolation_looks_like_score(o->output)) ||
        isolation_looks_like_score(printed))
        text_append(flags, "printed what looks like a grader's score "
                           "(an Autolab line or results JSON); a "
                           "submission's printout never reaches the "
                           "grader's output\n");
    if (run->sandboxed)
        sandbox_free(&run->sandbox);
    run_clock_close(&run->clock);
    for (int i = 0; i < 3; i++)
        if (run->fds[i] >= 0)
            close(run->fds[i]);
    run->fds[0] = run->fds[1] = run->fds[2] = run->record_fd = -1;
    nftw(run->rules.workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
