/*
 * plot_gnuplot.c -- running gnuplot on a script (see plot.h).
 *
 * gnuplot runs as a child process in the plots' folder, so that a script
 * names its data files as they lie beside it; its stdout goes nowhere and
 * its stderr is read whole: gnuplot writes its warnings there and may
 * still exit 0, so a plot is drawn only when it exits 0 and says nothing.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char PLOT_GNUPLOT_INSTALL[] =
    "gnuplot is not installed: install it with "
    "'sudo apt-get install gnuplot-nox' (or run 'make', which does)";

int plot_gnuplot_found(void)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char candidate[PATH_MAX];
        if (snprintf(candidate, sizeof candidate, "%.*s/gnuplot", (int)n,
                     n ? path : ".") < (int)sizeof candidate) {
            struct stat st;
            if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
                access(candidate, X_OK) == 0)
                return 1;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return 0;
}

/* Reads fd to its end, keeping the first size - 1 bytes in text. */
static size_t read_all(int fd, char *text, size_t size)
{
    size_t kept = 0, total = 0;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += (size_t)n;
        size_t take =
            (size_t)n < size - 1 - kept ? (size_t)n : size - 1 - kept;
        memcpy(text + kept, buffer, take);
        kept += take;
    }
    text[kept] = '\0';
    return total;
}

int plot_gnuplot_run(const char *dir, const char *script, const char *format,
                     char *error, size_t error_size)
{
    char setting[64];
    snprintf(setting, sizeof setting, "out_format=\"%s\"", format);
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "cannot start gnuplot: %s",
                 strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
            dup2(null_fd, STDIN_FILENO);
            dup2(null_fd, STDOUT_FILENO);
        }
        dup2(err_pipe[1], STDERR_FILENO);
        if (chdir(dir) != 0) {
            dprintf(STDERR_FILENO, "cannot enter %s: %s\n", dir,
                    strerror(errno));
            _exit(126);
        }
        execlp("gnuplot", "gnuplot", "-e", setting, script, (char *)NULL);
        dprintf(STDERR_FILENO, "%s\n",
                errno == ENOENT ? PLOT_GNUPLOT_INSTALL : strerror(errno));
        _exit(127);
    }
    close(err_pipe[1]);
    if (pid < 0) {
        close(err_pipe[0]);
        snprintf(error, error_size, "cannot start gnuplot: %s",
                 strerror(errno));
        return -1;
    }
    char said[1024];
    size_t total = read_all(err_pipe[0], said, sizeof said);
    close(err_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && total == 0)
        return 0;
    /* gnuplot's messages on one line: its '"FILE" line N: ...' lines,
     * without the echo of the script line and the caret under it */
    char text[1024] = "";
    size_t length = 0;
    int any_located = strstr(said, "\" line ") != NULL;
    for (char *line = strtok(said, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0' || (any_located && strstr(line, "\" line ") == NULL))
            continue;
        int n = snprintf(text + length, sizeof text - length, "%s%s",
                         length ? "; " : "", line);
        if (n < 0 || (size_t)n >= sizeof text - length)
            break;
        length += (size_t)n;
    }
    if (*text != '\0')
        snprintf(error, error_size, "gnuplot: %s", text);
    else if (WIFSIGNALED(status))
        snprintf(error, error_size, "gnuplot was killed by %s",
                 strsignal(WTERMSIG(status)));
    else
        snprintf(error, error_size, "gnuplot exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return -1;
}

int plot_draw(struct plot_output *o, const char *name)
{
    static const char *const formats[] = {"png", "svg"};
    char script[512];
    snprintf(script, sizeof script, "%s.gp", name);
    for (int i = 0; i < (o->svg ? 2 : 1); i++) {
        char error[1200];
        if (plot_gnuplot_run(o->dir, script, formats[i], error,
                             sizeof error) != 0) {
            fprintf(stderr, "heaplab: %s/%s: %s\n", o->dir, script, error);
            o->failed++;
            return -1;
        }
        fprintf(o->out, "  %s/%s.%s\n", o->dir, name, formats[i]);
        o->drawn++;
    }
    return 0;
}
