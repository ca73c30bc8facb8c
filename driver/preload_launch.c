/*
 * preload_launch.c -- see preload_launch.h.
 */
#include "preload_launch.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int preload_library_path(const char *command, const char *file, char *path,
                         size_t size, int quiet)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) {
        fprintf(stderr, "%s: cannot read /proc/self/exe: %s\n", command,
                strerror(errno));
        return -1;
    }
    self[length] = '\0';
    for (int up = 0; up < 2; up++) { /* .../bin/heaplab -> ... */
        char *slash = strrchr(self, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
    }
    if ((size_t)snprintf(path, size, "%s/lib/%s", self, file) >= size) {
        fprintf(stderr, "%s: %s: path too long\n", command, self);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        if (!quiet)
            fprintf(stderr, "%s: %s: %s (run 'make' to build it)\n",
                    command, path, strerror(errno));
        return -1;
    }
    if (strpbrk(path, " :") != NULL) {
        fprintf(stderr,
                "%s: %s: LD_PRELOAD cannot name a path with a space or ':' "
                "in it\n",
                command, path);
        return -1;
    }
    return 0;
}

int preload_exit_like(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        int signal_number = WTERMSIG(status);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* the program already dumped */
        fflush(NULL);
        signal(signal_number, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal_number);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(signal_number);
        return 128 + signal_number;
    }
    return 2; /* stopped or continued: not an ending */
}
