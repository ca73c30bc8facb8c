/*
 * run_program.c -- helpers for the tests that run programs (see
 * run_program.h).
 */
#include "run_program.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

char work_dir[256];

void path_in_root(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", tests_root(), name);
}

void path_in_work(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", work_dir, name);
}

void make_work_dir(void)
{
    snprintf(work_dir, sizeof work_dir, "/tmp/heaplab-test-record.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work_dir));
}

static int remove_entry(const char *path, const struct stat *info, int flag,
                        struct FTW *walk)
{
    (void)info, (void)flag, (void)walk;
    return remove(path);
}

void remove_work_dir(void)
{
    nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs argv (argv[0] a path) with stdout and stderr into files (NULL:
 * /dev/null) and the NAME=VALUE strings of env added; the wait status. */
int run_program(const char *const *argv, const char *out,
                const char *err, const char *const *env)
{
    fflush(NULL);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        int out_fd = open(out != NULL ? out : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err_fd = open(err != NULL ? err : "/dev/null",
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out_fd < 0 || err_fd < 0 || dup2(out_fd, 1) < 0 ||
            dup2(err_fd, 2) < 0)
            _exit(125);
        for (; env != NULL && *env != NULL; env++)
            putenv((char *)*env);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(124);
    }
    int status;
    while (waitpid(child, &status, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    return status;
}

int exit_code_of(int status)
{
    ck_assert_msg(WIFEXITED(status), "not a normal exit: status 0x%x",
                  status);
    return WEXITSTATUS(status);
}

/* The whole file as a string ("" when it cannot be read). */
char *read_text(const char *path)
{
    static char text[1 << 16];
    FILE *in = fopen(path, "r");
    size_t length = in != NULL ? fread(text, 1, sizeof text - 1, in) : 0;
    if (in != NULL)
        fclose(in);
    text[length] = '\0';
    return text;
}

/* The ops from `first` on, up to (not with) an 'a' of `stop` bytes, with
 * ids renumbered 0, 1, ... in order of appearance; one op a line. */
char *ops_text(const struct trace *t, size_t first, uint64_t stop)
{
    static char text[1 << 14];
    static int32_t renamed[1 << 16];
    size_t used = 0;
    int32_t next = 0;
    memset(renamed, 0xff, sizeof renamed);
    for (size_t i = first; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        if (op->kind == OP_ALLOC && op->size == stop)
            break;
        ck_assert_int_lt(op->id, 1 << 16);
        if (renamed[op->id] < 0)
            renamed[op->id] = next++;
        if (op->kind == OP_FREE)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "f %d\n", renamed[op->id]);
        else
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "%c %d %llu\n", op->kind,
                                     renamed[op->id],
                                     (unsigned long long)op->size);
        ck_assert_uint_lt(used, sizeof text);
    }
    text[used] = '\0';
    return text;
}

/* Index of the first 'a' of `size` bytes. */
size_t find_alloc(const struct trace *t, uint64_t size)
{
    for (size_t i = 0; i < t->num_ops; i++)
        if (t->ops[i].kind == OP_ALLOC && t->ops[i].size == size)
            return i;
    ck_abort_msg("no 'a ID %llu' in %s", (unsigned long long)size, t->path);
    return 0;
}

void load_trace(const char *path, struct trace *t)
{
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_load(path, t, error) == 0, "%s", error);
}

