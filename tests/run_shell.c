/*
 * run_shell.c -- shell commands for the tests (see run_shell.h).
 */
#include "run_shell.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

enum { OUTPUT_KEEP = 256 << 10 };

int run_shell(const char *dir, const char *command, unsigned seconds,
              char **output)
{
    char log[] = "/tmp/heaplab-shell-XXXXXX";
    int fd = mkstemp(log);
    ck_assert_msg(fd >= 0, "cannot make a temporary file");
    close(fd);
    size_t size = strlen(command) + strlen(log) + 4200;
    char *line = malloc(size);
    ck_assert_ptr_nonnull(line);
    /* timeout(1) ends the command; its own status 124 says so */
    snprintf(line, size,
             "cd '%s' && timeout -k 5 %u sh -c \"$HEAPLAB_SHELL_COMMAND\" "
             ">'%s' 2>&1 </dev/null",
             dir != NULL ? dir : tests_root(), seconds, log);
    setenv("HEAPLAB_SHELL_COMMAND", command, 1);
    int status = system(line);
    unsetenv("HEAPLAB_SHELL_COMMAND");
    free(line);
    if (output != NULL) {
        *output = slurp(log);
        if (*output == NULL)
            *output = strdup("");
        if (strlen(*output) > OUTPUT_KEEP)
            (*output)[OUTPUT_KEEP] = '\0';
    }
    unlink(log);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *first_lines(const char *text, int lines)
{
    static char buffers[2][4096]; /* two of them may be in one message */
    static int turn;
    char *out = buffers[turn];
    turn = !turn;
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < lines && text != NULL && *text != '\0'; i++) {
        size_t length = strcspn(text, "\n");
        int wrote = snprintf(out + n, sizeof buffers[0] - n, "\n    %.*s",
                             (int)(length < 200 ? length : 200), text);
        if (wrote < 0 || (size_t)wrote >= sizeof buffers[0] - n)
            break;
        n += (size_t)wrote;
        text += length + (text[length] == '\n');
    }
    return out;
}

void make_temp_dir(char out[64], const char *prefix)
{
    snprintf(out, 64, "/tmp/heaplab-%.20s-XXXXXX", prefix);
    ck_assert_ptr_nonnull(mkdtemp(out));
}

void remove_temp_dir(const char *dir)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = NULL;
    size_t size = 0, used = 0;
    for (;;) {
        if (used + 4096 + 1 > size) {
            size = size ? 2 * size : 65536;
            char *bigger = realloc(text, size);
            if (bigger == NULL)
                break;
            text = bigger;
        }
        size_t n = fread(text + used, 1, size - used - 1, f);
        used += n;
        if (n == 0)
            break;
    }
    fclose(f);
    if (text != NULL)
        text[used] = '\0';
    return text;
}
