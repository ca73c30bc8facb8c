/*
 * record_file.c -- the raw event log as libheaplab-record.so writes it:
 * FOLDER/PID.log, a header and an array of events (record_log.h).
 *
 * The file is mapped MAP_SHARED into a region of LOG_MAP_BYTES reserved
 * once; the file itself grows by LOG_GROWTH (ftruncate) when the events
 * reach its end, and the mapping never moves.  Writing an event is a
 * store into memory: the kernel keeps the file's pages, so nothing is
 * lost when the process calls exec, exits, aborts or is killed.
 *
 * Invariants while a log is open:
 *     header != NULL, events == (void *)(header + 1)
 *     header->events <= capacity
 *     sizeof *header + capacity * sizeof *events == file size
 *                                                <= LOG_MAP_BYTES
 *
 * Only system calls here (open, fstat, ftruncate, mmap, munmap, close):
 * this code runs inside malloc and must never call it.
 */
#include "record_file.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The log's address space, reserved once; the file grows into it. */
static const size_t LOG_MAP_BYTES = (size_t)1 << 30;
static const size_t LOG_GROWTH = (size_t)4 << 20;

static struct {
    int fd;
    struct record_header *header;
    struct record_event *events;
    uint64_t capacity; /* events the file has room for */
    dev_t device;      /* the file, to know it again */
    ino_t inode;
    char path[4096];
} log_file = {.fd = -1};

/* Appends the decimal digits of value to text; returns the new end. */
static char *put_number(char *text, uint64_t value)
{
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count > 0)
        *text++ = digits[--count];
    return text;
}

/* Fills log_file.path with FOLDER/PID.log; -1 when it does not fit. */
static int set_path(const char *folder, pid_t pid)
{
    size_t length = strlen(folder);
    if (length + 32 > sizeof log_file.path)
        return -1;
    memcpy(log_file.path, folder, length);
    char *end = log_file.path + length;
    *end++ = '/';
    end = put_number(end, (uint64_t)pid);
    memcpy(end, ".log", 5);
    return 0;
}

void record_file_close(void)
{
    if (log_file.header != NULL)
        munmap(log_file.header, LOG_MAP_BYTES);
    if (log_file.fd >= 0)
        close(log_file.fd);
    log_file.header = NULL;
    log_file.events = NULL;
    log_file.fd = -1;
    log_file.capacity = 0;
}

/* Non-zero when fd is still the log file.  A program may close every
 * descriptor it did not open and reuse the number for a file of its own,
 * which the recorder must then never truncate. */
static int is_log_file(int fd)
{
    struct stat info;
    return fd >= 0 && fstat(fd, &info) == 0 &&
           info.st_dev == log_file.device && info.st_ino == log_file.inode;
}

/* Makes the file hold `capacity` events; 0 on success. */
static int resize(uint64_t capacity)
{
    uint64_t bytes = sizeof(struct record_header) +
                     capacity * sizeof(struct record_event);
    if (bytes > LOG_MAP_BYTES)
        return -1;
    if (!is_log_file(log_file.fd)) { /* taken from us: open it again */
        log_file.fd = open(log_file.path, O_RDWR | O_CLOEXEC);
        if (!is_log_file(log_file.fd))
            return -1;
    }
    if (ftruncate(log_file.fd, (off_t)bytes) != 0)
        return -1;
    log_file.capacity = capacity;
    return 0;
}

int record_file_open(const char *folder, pid_t pid)
{
    if (folder[0] == '\0' || set_path(folder, pid) != 0)
        return -1;
    log_file.fd = open(log_file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    struct stat info;
    if (log_file.fd < 0 || fstat(log_file.fd, &info) != 0)
        goto fail;
    log_file.device = info.st_dev;
    log_file.inode = info.st_ino;
    void *map = mmap(NULL, LOG_MAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
                     log_file.fd, 0);
    if (map == MAP_FAILED)
        goto fail;
    struct record_header *header = map;
    log_file.header = header;
    log_file.events = (struct record_event *)(header + 1);

    uint64_t size = (uint64_t)info.st_size;
    if (size >= sizeof *header && header->magic == RECORD_MAGIC &&
        header->pid == (uint64_t)pid) { /* an earlier image: exec */
        log_file.capacity =
            (size - sizeof *header) / sizeof(struct record_event);
        if (header->events > log_file.capacity)
            goto fail;
        return 0;
    }
    if (resize(LOG_GROWTH / sizeof(struct record_event)) != 0)
        goto fail;
    memset(header, 0, sizeof *header);
    header->version = RECORD_VERSION;
    header->pid = (uint64_t)pid;
    header->magic = RECORD_MAGIC; /* last: the header is complete */
    return 0;
fail:
    record_file_close();
    return -1;
}

int record_file_append(const struct record_event *event)
{
    struct record_header *header = log_file.header;
    if (header == NULL)
        return -1;
    if (header->events == log_file.capacity &&
        resize(log_file.capacity + LOG_GROWTH / sizeof *event) != 0) {
        header->flags |= RECORD_FLAG_OVERFLOW;
        return -1;
    }
    log_file.events[header->events] = *event;
    header->events++; /* after the event: a reader never sees half of one */
    return 0;
}
