/*
 * sandbox.c -- the seccomp supervisor (see sandbox.h).
 *
 *   grader (before fork)       builds the filter: SCMP_ACT_NOTIFY for the
 *                              calls of `watched`, everything else allowed
 *   child (last step)          loads it, sends the listener over the
 *                              status socket (SCM_RIGHTS), closes it, execs
 *   grader (while it runs)     for each notification: reads the call's
 *                              arguments (paths from /proc/PID/mem),
 *                              decides, answers: CONTINUE, or an error
 */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "text.h"

enum {
    SEEN_MAX = 16,   /* lines kept of what a program tried */
    ANCESTRY_MAX = 64,
};

enum watch_kind {
    WATCH_OPEN,    /* paths; flags say whether it writes */
    WATCH_CHANGE,  /* paths it changes */
    WATCH_SIGNAL,  /* a process (or group) it signals */
    WATCH_GROUP,   /* setpgid */
    WATCH_SESSION, /* setsid */
    WATCH_TRACE,   /* another process's memory */
};

/* Where a call's paths are: argument indexes of (dirfd, path) pairs, -1
 * for "none" (a dirfd of -1 means the working folder). */
struct watched {
    const char *name;
    enum watch_kind kind;
    signed char dirfd[2], path[2];
    signed char flags; /* the open flags' argument; -1: creat, -2:
                          openat2's struct */
};

#define PATHS1(d, p) {d, -1}, {p, -1}
#define PATHS2(d1, p1, d2, p2) {d1, d2}, {p1, p2}
static const struct watched watched[] = {
    {"open", WATCH_OPEN, PATHS1(-1, 0), 1},
    {"openat", WATCH_OPEN, PATHS1(0, 1), 2},
    {"creat", WATCH_OPEN, PATHS1(-1, 0), -1},
    {"openat2", WATCH_OPEN, PATHS1(0, 1), -2},
    {"mkdir", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"mkdirat", WATCH_CHANGE, PATHS1(0, 1), 0},
    {"rmdir", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"unlink", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"unlinkat", WATCH_CHANGE, PATHS1(0, 1), 0},
    {"rename", WATCH_CHANGE, PATHS2(-1, 0, -1, 1), 0},
    {"renameat", WATCH_CHANGE, PATHS2(0, 1, 2, 3), 0},
    {"renameat2", WATCH_CHANGE, PATHS2(0, 1, 2, 3), 0},
    {"link", WATCH_CHANGE, PATHS2(-1, 0, -1, 1), 0},
    {"linkat", WATCH_CHANGE, PATHS2(0, 1, 2, 3), 0},
    {"symlink", WATCH_CHANGE, PATHS1(-1, 1), 0},
    {"symlinkat", WATCH_CHANGE, PATHS1(1, 2), 0},
    {"truncate", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"chmod", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"fchmodat", WATCH_CHANGE, PATHS1(0, 1), 0},
    {"chown", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"lchown", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"fchownat", WATCH_CHANGE, PATHS1(0, 1), 0},
    {"mknod", WATCH_CHANGE, PATHS1(-1, 0), 0},
    {"mknodat", WATCH_CHANGE, PATHS1(0, 1), 0},
    {"kill", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"tkill", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"tgkill", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"rt_sigqueueinfo", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"rt_tgsigqueueinfo", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"pidfd_open", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"pidfd_send_signal", WATCH_SIGNAL, PATHS1(-1, -1), 0},
    {"setpgid", WATCH_GROUP, PATHS1(-1, -1), 0},
    {"setsid", WATCH_SESSION, PATHS1(-1, -1), 0},
    {"ptrace", WATCH_TRACE, PATHS1(-1, -1), 0},
    {"process_vm_readv", WATCH_TRACE, PATHS1(-1, -1), 0},
    {"process_vm_writev", WATCH_TRACE, PATHS1(-1, -1), 0},
};
enum { WATCHED_COUNT = sizeof watched / sizeof watched[0] };

/* Their numbers on this machine (negative: the call does not exist). */
static int watched_nr[WATCHED_COUNT];

/* --- before the fork, and in the child ------------------------------------ */

int sandbox_prepare(struct sandbox *s, const struct sandbox_rules *rules)
{
    memset(s, 0, sizeof *s);
    s->rules = rules;
    s->listener = -1;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        int nr = seccomp_syscall_resolve_name(watched[i].name);
        watched_nr[i] = nr;
        if (nr == __NR_SCMP_ERROR || nr < 0)
            continue; /* not on this machine */
        int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
        if (rc != 0) {
            seccomp_release(ctx);
            errno = -rc;
            return -1;
        }
    }
    s->filter = ctx;
    return 0;
}

int sandbox_enter(struct sandbox *s, int channel)
{
    int rc = seccomp_load(s->filter);
    if (rc != 0) {
        errno = -rc;
        return -1;
    }
    int listener = seccomp_notify_fd(s->filter);
    if (listener < 0) {
        errno = listener == -EOPNOTSUPP ? EOPNOTSUPP : ENOSYS;
        return -1;
    }
    char tag = 'L';
    struct iovec iov = {.iov_base = &tag, .iov_len = 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    struct cmsghdr *c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listener, sizeof listener);
    ssize_t n = sendmsg(channel, &message, MSG_NOSIGNAL);
    int saved = errno;
    close(listener); /* the program must never hold it */
    if (n != 1) {
        errno = saved;
        return -1;
    }
    return 0;
}

int sandbox_receive(struct sandbox *s, int channel, pid_t root, void *data,
                    size_t size, ssize_t *length)
{
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = data, .iov_len = size};
    struct msghdr message = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    ssize_t n;
    do
        n = recvmsg(channel, &message, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    *length = n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); n > 0 && c != NULL;
         c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        if (s == NULL || s->listener >= 0) {
            close(fd);
            continue;
        }
        s->listener = fd;
        s->root = root;
        return 1;
    }
    return 0;
}

void sandbox_end(struct sandbox *s)
{
    if (s->listener >= 0)
        close(s->listener);
    s->listener = -1;
    if (s->filter != NULL)
        seccomp_release(s->filter);
    s->filter = NULL;
}

void sandbox_free(struct sandbox *s)
{
    sandbox_end(s);
    free(s->seen);
    s->seen = NULL;
    s->seen_count = 0;
}

/* --- what it saw ------------------------------------------------------------ */

static void saw(struct sandbox *s, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void saw(struct sandbox *s, const char *format, ...)
{
    char line[PATH_MAX + 256];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    char *clean = text_trim(line, strlen(line), 0, 1, 400);
    if (clean == NULL)
        return;
    for (const char *at = s->seen; at != NULL && *at != '\0';) {
        size_t n = strcspn(at, "\n");
        if (n == strlen(clean) && strncmp(at, clean, n) == 0) {
            free(clean);
            return; /* said already */
        }
        at += n + (at[n] == '\n');
    }
    if (s->seen_count++ < SEEN_MAX)
        text_append(&s->seen, "%s\n", clean);
    free(clean);
}

/* --- the program's processes -------------------------------------------------- */

int sandbox_proc_stat(pid_t pid, char *state, pid_t *parent, pid_t *group)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    const char *after = strrchr(text, ')'); /* the name may hold anything */
    int p = 0, g = 0;
    if (after == NULL || sscanf(after + 1, " %c %d %d", state, &p, &g) != 3)
        return -1;
    *parent = p;
    *group = g;
    return 0;
}

/*
 * Is pid the program or one of its descendants?  A descendant whose
 * parent died was orphaned into the grader (spawn_become_reaper): the
 * grader's children are the program and such orphans, all the run's.
 */
static int inside(const struct sandbox *s, pid_t pid)
{
    pid_t self = getpid();
    if (pid == self)
        return 0;
    for (int step = 0; step < ANCESTRY_MAX && pid > 1; step++) {
        char state;
        pid_t parent, group;
        if (pid == s->root)
            return 1;
        if (sandbox_proc_stat(pid, &state, &parent, &group) != 0)
            return 0;
        if (parent == self)
            return 1;
        pid = parent;
    }
    return 0;
}

/* Is every member of process group `group` inside (an empty group is)? */
static int group_inside(const struct sandbox *s, pid_t group)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        char state;
        pid_t parent, member_group;
        if (*end != '\0' || pid <= 0 ||
            sandbox_proc_stat((pid_t)pid, &state, &parent, &member_group) != 0)
            continue;
        if (member_group == group && state != 'Z' && state != 'X' &&
            !inside(s, (pid_t)pid))
            ok = 0;
    }
    closedir(d);
    return ok;
}

/* The process a pidfd of process pid refers to, or 0. */
static pid_t pidfd_target(pid_t pid, int fd)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return 0;
    ssize_t n = read(in, text, sizeof text - 1);
    close(in);
    text[n > 0 ? n : 0] = '\0';
    const char *at = strstr(text, "\nPid:");
    return at != NULL ? (pid_t)atoi(at + 5) : 0;
}

/* --- the program's paths ------------------------------------------------------- */

/*
 * Up to size bytes at addr in pid's memory, page by page (the next page
 * may not be mapped), stopping after a NUL when `string`.  Returns the
 * bytes read.
 */
static size_t read_memory(pid_t pid, uint64_t addr, char *out, size_t size,
                          int string)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t got = 0;
    while (got < size) {
        size_t page_left = 4096 - (size_t)((addr + got) % 4096);
        size_t want = size - got < page_left ? size - got : page_left;
        ssize_t n = pread(fd, out + got, want, (off_t)(addr + got));
        if (n <= 0)
            break;
        got += (size_t)n;
        if (string && memchr(out + got - n, '\0', (size_t)n) != NULL)
            break;
    }
    close(fd);
    return got;
}

/* The NUL-terminated string at addr in pid's memory; 0, or -1. */
static int read_string(pid_t pid, uint64_t addr, char *out, size_t size)
{
    size_t got = read_memory(pid, addr, out, size - 1, 1);
    out[got] = '\0';
    return strlen(out) < got ? 0 : -1; /* its NUL was read */
}

/* Removes "." and ".." and doubled slashes from an absolute path. */
static void normalize(char *path)
{
    char *out = path;
    const char *in = path;
    while (*in != '\0') {
        while (*in == '/')
            in++;
        const char *end = in + strcspn(in, "/");
        size_t n = (size_t)(end - in);
        if (n == 0 || (n == 1 && in[0] == '.')) {
            /* nothing */
        } else if (n == 2 && in[0] == '.' && in[1] == '.') {
            while (out > path && *--out != '/')
                ;
        } else {
            *out++ = '/';
            memmove(out, in, n);
            out += n;
        }
        in = end;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
}

/*
 * The real path of what `path` names for process pid, relative to its
 * folder dirfd: as realpath would give it, or (when it does not exist)
 * its folder's real path and its last name, or the path made absolute.
 */
static void resolve(pid_t pid, int dirfd, const char *path, char *out,
                    size_t size)
{
    char joined[PATH_MAX * 2 + 64], base[PATH_MAX];
    if (path[0] == '/') {
        snprintf(joined, sizeof joined, "%s", path);
    } else {
        char link[64];
        if (dirfd == AT_FDCWD)
            snprintf(link, sizeof link, "/proc/%d/cwd", (int)pid);
        else
            snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        base[n > 0 ? n : 0] = '\0';
        snprintf(joined, sizeof joined, "%s/%s", n > 0 ? base : "/?", path);
    }
    /* /proc/self and /dev/fd are the program's, not ours */
    static const char *const selves[] = {"/proc/self", "/proc/thread-self",
                                         "/dev/fd"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(selves[i]);
        if (strncmp(joined, selves[i], n) == 0 &&
            (joined[n] == '/' || joined[n] == '\0')) {
            char rest[PATH_MAX * 2];
            snprintf(rest, sizeof rest, "%s", joined + n);
            snprintf(joined, sizeof joined, "/proc/%d%s%s", (int)pid,
                     i == 2 ? "/fd" : "", rest);
        }
    }
    normalize(joined);
    char real[PATH_MAX];
    if (realpath(joined, real) != NULL) {
        snprintf(out, size, "%s", real);
        return;
    }
    char *slash = strrchr(joined, '/');
    if (slash != NULL && slash != joined) {
        *slash = '\0';
        if (realpath(joined, real) != NULL) {
            snprintf(out, size, "%s/%s", strcmp(real, "/") ? real : "",
                     slash + 1);
            return;
        }
        *slash = '/';
    }
    snprintf(out, size, "%s", joined);
}

static int below(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    return n > 0 && strncmp(path, folder, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || folder[n - 1] == '/');
}

static const char *guarded(const struct sandbox *s, const char *path)
{
    for (size_t i = 0; i < s->rules->guarded_count; i++)
        if (s->rules->guarded[i] != NULL && below(path, s->rules->guarded[i]))
            return s->rules->guarded[i];
    return NULL;
}

/* --- the decisions ------------------------------------------------------------- */

/* 0: let the call go on; else the errno to fail it with. */
static int decide_paths(struct sandbox *s, const struct seccomp_notif *req,
                        const struct watched *w)
{
    pid_t pid = (pid_t)req->pid;
    int writes = w->kind == WATCH_CHANGE;
    if (w->kind == WATCH_OPEN) {
        uint64_t flags = 0;
        if (w->flags >= 0) {
            flags = req->data.args[(int)w->flags];
        } else if (w->flags == -1) {
            flags = O_CREAT | O_WRONLY | O_TRUNC;
        } else if (read_memory(pid, req->data.args[2], (char *)&flags,
                               sizeof flags, 0) != sizeof flags) {
            flags = O_RDWR; /* openat2's struct open_how, flags first */
        }
        writes = (flags & O_ACCMODE) != O_RDONLY ||
                 (flags & (O_CREAT | O_TRUNC)) != 0;
    }
    for (int k = 0; k < 2; k++) {
        if (w->path[k] < 0)
            continue;
        char path[PATH_MAX], real[PATH_MAX * 2 + 64];
        if (read_string(pid, req->data.args[(int)w->path[k]], path,
                        sizeof path) != 0)
            return 0; /* a bad pointer: the kernel says EFAULT */
        int dirfd = w->dirfd[k] < 0 ? AT_FDCWD
                                    : (int)req->data.args[(int)w->dirfd[k]];
        resolve(pid, dirfd, path, real, sizeof real);
        const char *guard = guarded(s, real);
        if (guard != NULL) {
            saw(s, "tried to %s %s, which belongs to the grader (%s)",
                w->kind == WATCH_OPEN ? (writes ? "write" : "open")
                                      : "change",
                real, w->name);
            return EACCES;
        }
        if (writes && !below(real, s->rules->workdir) &&
            strcmp(real, "/dev/null") != 0) {
            saw(s, "tried to %s %s, outside its own folder (%s)",
                w->kind == WATCH_OPEN ? "write" : "change", real, w->name);
            return EACCES;
        }
    }
    return 0;
}

static int decide_signal(struct sandbox *s, const struct seccomp_notif *req,
                         const struct watched *w)
{
    pid_t pid = (pid_t)req->pid;
    int target = (int)(int32_t)req->data.args[0];
    int sig = (int)(int32_t)req->data.args[1];
    if (strcmp(w->name, "tgkill") == 0 ||
        strcmp(w->name, "rt_tgsigqueueinfo") == 0)
        sig = (int)(int32_t)req->data.args[2];
    if (strcmp(w->name, "pidfd_send_signal") == 0)
        target = (int)pidfd_target(pid, target);
    if (strcmp(w->name, "pidfd_open") == 0)
        sig = 0;
    int ok;
    if (strcmp(w->name, "kill") == 0 && target == 0)
        ok = 1; /* its own group */
    else if (strcmp(w->name, "kill") == 0 && target == -1)
        ok = 0; /* every process it may signal */
    else if (strcmp(w->name, "kill") == 0 && target < 0)
        ok = group_inside(s, -target);
    else
        ok = target > 0 && inside(s, target);
    if (ok)
        return 0;
    const char *what = target == getpid() ? " (the grader)"
                       : target == -1     ? " (every process it may)"
                                          : "";
    if (sig > 0 && sig < NSIG)
        saw(s, "tried to send %s (signal %d) to %s %d%s, which is not its "
               "own (%s)",
            strsignal(sig), sig, target < -1 ? "process group" : "process",
            target < -1 ? -target : target, what, w->name);
    else
        saw(s, "tried to reach process %d%s, which is not its own (%s)",
            target, what, w->name);
    return EPERM;
}

static int decide_group(struct sandbox *s, const struct seccomp_notif *req)
{
    pid_t caller = (pid_t)req->pid;
    pid_t target = (pid_t)(int32_t)req->data.args[0];
    pid_t group = (pid_t)(int32_t)req->data.args[1];
    if (target == 0)
        target = caller;
    if (group == 0)
        group = target;
    if (inside(s, target) && (group == target || group_inside(s, group)))
        return 0;
    saw(s, "tried to move process %d into process group %d, which is not "
           "its own (setpgid)",
        (int)target, (int)group);
    return EPERM;
}

void sandbox_serve(struct sandbox *s)
{
    struct seccomp_notif *req = NULL;
    struct seccomp_notif_resp *resp = NULL;
    if (s->listener < 0 || seccomp_notify_alloc(&req, &resp) != 0)
        return;
    if (seccomp_notify_receive(s->listener, req) != 0) {
        seccomp_notify_free(req, resp); /* it died meanwhile */
        return;
    }
    const struct watched *w = NULL;
    for (size_t i = 0; i < WATCHED_COUNT && w == NULL; i++)
        if (watched_nr[i] >= 0 && watched_nr[i] == req->data.nr)
            w = &watched[i];
    int error = 0;
    if (w == NULL) {
        error = 0;
    } else if (w->kind == WATCH_OPEN || w->kind == WATCH_CHANGE) {
        error = decide_paths(s, req, w);
    } else if (w->kind == WATCH_SIGNAL) {
        error = decide_signal(s, req, w);
    } else if (w->kind == WATCH_GROUP) {
        error = decide_group(s, req);
    } else if (w->kind == WATCH_SESSION) {
        saw(s, "tried to start a session of its own (setsid), out of the "
               "grader's reach");
        error = EPERM;
    } else {
        saw(s, "tried to reach into another process's memory (%s)", w->name);
        error = EPERM;
    }
    resp->id = req->id;
    resp->val = 0;
    resp->error = error != 0 ? -error : 0;
    resp->flags = error != 0 ? 0 : SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    /* What was read may belong to a process that died and whose pid was
     * reused: then the answer goes nowhere, which is what we want. */
    if (seccomp_notify_id_valid(s->listener, req->id) == 0)
        seccomp_notify_respond(s->listener, resp);
    seccomp_notify_free(req, resp);
}
