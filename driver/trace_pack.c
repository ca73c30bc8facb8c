/*
 * trace_pack.c -- a parsed trace in a sealed memfd, and back (see
 * trace_pack.h).
 */
#include "trace_pack.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char PACK_MAGIC[8] = "HLPACK1";

/* Ids the reader accepts: the parser caps them by the file's size, this
 * by a bound that keeps the replay's tables within reason. */
static const uint64_t PACK_IDS_MAX = UINT64_C(1) << 26;

struct trace_pack_header {
    char magic[8];
    uint32_t header_size; /* sizeof(struct trace_pack_header) */
    uint32_t op_size;     /* sizeof(struct trace_op) */
    int32_t format;
    int32_t weight;
    uint64_t heap_hint;
    uint64_t max_bytes;
    uint64_t num_ids;
    uint64_t num_ops;
};

static int write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

int trace_pack(const struct trace *t)
{
    struct trace_pack_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, PACK_MAGIC, sizeof h.magic);
    h.header_size = sizeof h;
    h.op_size = sizeof *t->ops;
    h.format = (int32_t)t->format;
    h.weight = t->weight;
    h.heap_hint = t->heap_hint;
    h.max_bytes = t->max_bytes;
    h.num_ids = t->num_ids;
    h.num_ops = t->num_ops;
    int fd = memfd_create("heaplab-trace", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    if (write_all(fd, &h, sizeof h) != 0 ||
        (t->num_ops > 0 &&
         write_all(fd, t->ops, t->num_ops * sizeof *t->ops) != 0) ||
        fcntl(fd, F_ADD_SEALS,
              F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* --- reading ------------------------------------------------------------- */

static int fail(char error[TRACE_ERROR_MAX], const char *name,
                const char *format, ...) __attribute__((format(printf, 3, 4)));

static int fail(char error[TRACE_ERROR_MAX], const char *name,
                const char *format, ...)
{
    int used = snprintf(error, TRACE_ERROR_MAX, "%.200s: packed trace: ", name);
    if (used > 0 && used < TRACE_ERROR_MAX) {
        va_list args;
        va_start(args, format);
        vsnprintf(error + used, (size_t)(TRACE_ERROR_MAX - used), format,
                  args);
        va_end(args);
    }
    return -1;
}

/* Each op against the ids' states, as the parser checks them. */
static int check_ops(const struct trace_op *ops, uint64_t count,
                     uint64_t num_ids, const char *name,
                     char error[TRACE_ERROR_MAX])
{
    unsigned char *live = calloc(num_ids / 8 + 1, 1);
    if (live == NULL)
        return fail(error, name, "out of memory for %" PRIu64 " ids",
                    num_ids);
    uint32_t line = 0;
    int rc = 0;
    for (uint64_t i = 0; i < count && rc == 0; i++) {
        const struct trace_op *op = &ops[i];
        if (op->line <= line) {
            rc = fail(error, name, "op %" PRIu64 ": line %" PRIu32
                      " after line %" PRIu32, i, op->line, line);
            break;
        }
        line = op->line;
        if (op->kind != OP_ALLOC && op->kind != OP_REALLOC &&
            op->kind != OP_FREE) {
            rc = fail(error, name, "op %" PRIu64 ": unknown kind %d", i,
                      op->kind);
            break;
        }
        if (op->id == -1 && op->kind == OP_FREE)
            continue; /* free(NULL) */
        if (op->id < 0 || (uint64_t)op->id >= num_ids) {
            rc = fail(error, name, "op %" PRIu64 ": id %" PRId32
                      " out of range (num_ids %" PRIu64 ")", i, op->id,
                      num_ids);
            break;
        }
        if (op->kind == OP_FREE && op->size != 0) {
            rc = fail(error, name, "op %" PRIu64 ": free with a size", i);
            break;
        }
        unsigned char bit = (unsigned char)(1u << (op->id % 8));
        unsigned char *word = &live[op->id / 8];
        int is_live = (*word & bit) != 0;
        if (op->kind == OP_ALLOC ? is_live : !is_live) {
            rc = fail(error, name, "op %" PRIu64 " (line %" PRIu32 "): id %"
                      PRId32 " is %s", i, op->line, op->id,
                      is_live ? "already live" : "not live");
            break;
        }
        if (op->kind == OP_ALLOC || (op->kind == OP_REALLOC && op->size > 0))
            *word |= bit;
        else
            *word &= (unsigned char)~bit;
    }
    free(live);
    return rc;
}

/* path and name, as the parser sets them. */
static int set_names(struct trace *t, const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash != NULL ? slash + 1 : name;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    t->path = strdup(name);
    t->name = strndup(base, length);
    return t->path != NULL && t->name != NULL ? 0 : -1;
}

int trace_unpack(const char *name, const void *data, size_t size,
                 struct trace *t, char error[TRACE_ERROR_MAX])
{
    memset(t, 0, sizeof *t);
    error[0] = '\0';
    struct trace_pack_header h;
    if (size < sizeof h)
        return fail(error, name, "%zu bytes, shorter than its header", size);
    memcpy(&h, data, sizeof h);
    if (memcmp(h.magic, PACK_MAGIC, sizeof h.magic) != 0)
        return fail(error, name, "not a packed trace (no magic)");
    if (h.header_size != sizeof h || h.op_size != sizeof(struct trace_op))
        return fail(error, name, "made by another build (header %" PRIu32
                    ", op %" PRIu32 " bytes)", h.header_size, h.op_size);
    if (h.format < TRACE_CSAPP || h.format > TRACE_SCRIPT ||
        h.weight < WEIGHT_CORRECTNESS || h.weight > WEIGHT_THROUGHPUT)
        return fail(error, name, "format %" PRId32 ", weight %" PRId32,
                    h.format, h.weight);
    if (h.num_ids > PACK_IDS_MAX)
        return fail(error, name, "%" PRIu64 " ids, more than %" PRIu64,
                    h.num_ids, PACK_IDS_MAX);
    size_t room = size - sizeof h;
    if (h.num_ops > room / sizeof(struct trace_op) ||
        h.num_ops * sizeof(struct trace_op) != room)
        return fail(error, name, "%" PRIu64 " ops in %zu bytes", h.num_ops,
                    room);
    const struct trace_op *ops =
        (const struct trace_op *)(const void *)((const char *)data + sizeof h);
    struct trace_op *copy = malloc((h.num_ops + 1) * sizeof *copy);
    if (copy == NULL)
        return fail(error, name, "out of memory for %" PRIu64 " ops",
                    h.num_ops);
    if (h.num_ops > 0)
        memcpy(copy, ops, h.num_ops * sizeof *copy);
    if (check_ops(copy, h.num_ops, h.num_ids, name, error) != 0) {
        free(copy);
        return -1;
    }
    t->ops = copy;
    t->format = (enum trace_format)h.format;
    t->weight = h.weight;
    t->heap_hint = h.heap_hint;
    t->max_bytes = h.max_bytes;
    t->num_ids = (size_t)h.num_ids;
    t->num_ops = (size_t)h.num_ops;
    if (set_names(t, name) != 0) {
        trace_free(t);
        return fail(error, name, "out of memory");
    }
    return 0;
}

int trace_unpack_fd(int fd, const char *name, struct trace *t,
                    char error[TRACE_ERROR_MAX])
{
    memset(t, 0, sizeof *t);
    struct stat st;
    if (fstat(fd, &st) != 0)
        return fail(error, name, "fd %d: %s", fd, strerror(errno));
    if (st.st_size <= 0)
        return fail(error, name, "fd %d is empty", fd);
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED)
        return fail(error, name, "fd %d: %s", fd, strerror(errno));
    int rc = trace_unpack(name, data, (size_t)st.st_size, t, error);
    munmap(data, (size_t)st.st_size);
    return rc;
}
