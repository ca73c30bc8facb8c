/*
 * recording.c -- one raw event log (preload/record_log.h) into a trace
 * builder.  The log is mapped read-only and read once, in order.
 */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "preload/record_log.h"

static int fail(char error[TRACE_ERROR_MAX], const char *path,
                const char *what, const char *detail)
{
    snprintf(error, TRACE_ERROR_MAX, "%s: %s%s", path, what, detail);
    return -1;
}

/* One event into the builder; -1 when out of memory. */
static int feed(struct trace_builder *b, const struct record_event *event,
                struct recording_info *info)
{
    if (event->thread > info->threads)
        info->threads = event->thread;
    switch ((enum record_kind)event->kind) {
    case RECORD_IMAGE:
        info->images++;
        return info->images > 1 ? builder_release_all(b) : 0;
    case RECORD_POSIX_MEMALIGN:
    case RECORD_ALIGNED_ALLOC:
    case RECORD_MEMALIGN:
    case RECORD_VALLOC:
    case RECORD_PVALLOC:
        info->aligned++;
        return builder_malloc(b, event->result, event->size);
    case RECORD_MALLOC:
    case RECORD_CALLOC:
        return builder_malloc(b, event->result, event->size);
    case RECORD_REALLOC:
    case RECORD_REALLOCARRAY:
        return builder_realloc(b, event->arg, event->result, event->size);
    case RECORD_FREE:
        return builder_free(b, event->arg);
    case RECORD_USABLE_SIZE:
        info->usable_size++;
        return 0;
    case RECORD_KIND_END:
        break;
    }
    return 0; /* not reached: kinds are checked before */
}

static int feed_all(const char *path, const unsigned char *bytes,
                    size_t length, struct trace_builder *b,
                    struct recording_info *info, char error[TRACE_ERROR_MAX])
{
    struct record_header header;
    if (length < sizeof header)
        return fail(error, path, "not a heaplab record log: ", "too short");
    memcpy(&header, bytes, sizeof header);
    if (header.magic != RECORD_MAGIC)
        return fail(error, path, "not a heaplab record log: ", "bad magic");
    if (header.version != RECORD_VERSION) {
        char detail[32];
        snprintf(detail, sizeof detail, "%" PRIu32, header.version);
        return fail(error, path, "unknown record log version ", detail);
    }
    uint64_t room = (length - sizeof header) / sizeof(struct record_event);
    if (header.events > room)
        return fail(error, path, "the log is cut short: ",
                    "fewer events than its header says");
    info->pid = header.pid;
    info->events = header.events;
    info->overflowed = (header.flags & RECORD_FLAG_OVERFLOW) != 0;

    const unsigned char *at = bytes + sizeof header;
    for (uint64_t i = 0; i < header.events; i++) {
        struct record_event event;
        memcpy(&event, at + i * sizeof event, sizeof event);
        if (event.kind < RECORD_IMAGE || event.kind >= RECORD_KIND_END) {
            char detail[64];
            snprintf(detail, sizeof detail, "event %" PRIu64 " has kind %" PRIu32,
                     i, event.kind);
            return fail(error, path, "corrupt log: ", detail);
        }
        if (feed(b, &event, info) != 0)
            return fail(error, path, "out of memory", "");
    }
    return 0;
}

int recording_load(const char *path, struct trace_builder *b,
                   struct recording_info *info, char error[TRACE_ERROR_MAX])
{
    memset(info, 0, sizeof *info);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat status;
    if (fd < 0 || fstat(fd, &status) != 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return fail(error, path, "cannot open: ", strerror(saved));
    }
    size_t length = (size_t)status.st_size;
    void *map = length > 0 ? mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0)
                           : MAP_FAILED;
    int saved = errno;
    close(fd);
    if (length == 0)
        return fail(error, path, "not a heaplab record log: ", "empty");
    if (map == MAP_FAILED)
        return fail(error, path, "cannot read: ", strerror(saved));
    int result = feed_all(path, map, length, b, info, error);
    munmap(map, length);
    return result;
}
