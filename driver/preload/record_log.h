/*
 * record_log.h -- the raw event log that libheaplab-record.so writes and
 * `heaplab record` reads (driver/recording.c) and turns into a trace.
 *
 * One log per recorded process, DIR/PID.log, where DIR is the folder named
 * by HEAPLAB_RECORD_DIR.  The file is a header and then an array of
 * fixed-size events, in the order the calls took effect (the recorder
 * holds one lock around each real call and its event):
 *
 *     | struct record_header | event 0 | event 1 | ... | event N-1 |
 *
 * The recorder maps the file MAP_SHARED and writes events into memory; the
 * kernel keeps them in the file even when the process is killed or calls
 * exec.  header.events is stored after each event, so a reader never sees
 * a half-written one.  Integers are in the machine's byte order: a log is
 * read on the machine that wrote it.
 */
#ifndef HEAPLAB_RECORD_LOG_H
#define HEAPLAB_RECORD_LOG_H

#include <stdint.h>

/* Environment of a recorded process. */
#define RECORD_ENV_DIR "HEAPLAB_RECORD_DIR" /* folder for DIR/PID.log */
#define RECORD_ENV_TOP "HEAPLAB_RECORD_TOP" /* only this pid records;
                                               unset: every process */

/* "HLRECLOG" read as a little-endian word. */
static const uint64_t RECORD_MAGIC = UINT64_C(0x474f4c4345524c48);
enum { RECORD_VERSION = 1 };

/* header.flags */
enum {
    RECORD_FLAG_OVERFLOW = 1 /* the log filled up: later calls are missing */
};

struct record_header {
    uint64_t magic;   /* RECORD_MAGIC */
    uint32_t version; /* RECORD_VERSION */
    uint32_t flags;   /* RECORD_FLAG_* */
    uint64_t events;  /* complete events that follow the header */
    uint64_t pid;     /* the process that writes the log */
    uint64_t reserved[4];
};

/* What one event records.  `result` is the pointer the call returned (0
 * when it failed), `arg` the pointer it was given or the alignment asked
 * for, `size` the bytes asked for. */
enum record_kind {
    RECORD_IMAGE = 1,       /* a program image starts (process start, exec) */
    RECORD_MALLOC,          /* result = malloc(size) */
    RECORD_CALLOC,          /* result = calloc(n, m), size = n * m */
    RECORD_REALLOC,         /* result = realloc(arg, size) */
    RECORD_REALLOCARRAY,    /* result = reallocarray(arg, n, m), size n*m */
    RECORD_FREE,            /* free(arg) */
    RECORD_POSIX_MEMALIGN,  /* posix_memalign(&result, arg, size) */
    RECORD_ALIGNED_ALLOC,   /* result = aligned_alloc(arg, size) */
    RECORD_MEMALIGN,        /* result = memalign(arg, size) */
    RECORD_VALLOC,          /* result = valloc(size) */
    RECORD_PVALLOC,         /* result = pvalloc(size); size rounded up to a
                               page, as pvalloc does */
    RECORD_USABLE_SIZE,     /* size = malloc_usable_size(arg); not an op */
    RECORD_KIND_END
};

struct record_event {
    uint32_t kind;   /* enum record_kind */
    uint32_t thread; /* 1 for the first thread that allocated, 2 ... */
    uint64_t result;
    uint64_t arg;
    uint64_t size;
};

#endif /* HEAPLAB_RECORD_LOG_H */
