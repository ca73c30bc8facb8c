/*
 * recording.h -- reads the raw event log of one recorded process
 * (preload/record_log.h) and feeds its calls to a trace builder.
 */
#ifndef HEAPLAB_RECORDING_H
#define HEAPLAB_RECORDING_H

#include <stdint.h>

#include "trace.h"
#include "trace_builder.h"

/* What the log says beyond its ops. */
struct recording_info {
    uint64_t pid;          /* the recorded process */
    uint64_t events;       /* events in the log */
    uint64_t images;       /* program images: 1 + the execs */
    uint32_t threads;      /* threads that made heap calls */
    uint64_t aligned;      /* posix_memalign, aligned_alloc, memalign,
                              valloc and pvalloc calls */
    uint64_t usable_size;  /* malloc_usable_size calls (not ops) */
    int overflowed;        /* the log filled up; later calls are missing */
};

/*
 * Feeds every call in the log at path to b.  When a process called exec,
 * the blocks live at that point are freed (the exec released them) and
 * the new image's pointers start afresh.  Returns 0, or -1 with one line
 * "PATH: what is wrong" in error.
 */
int recording_load(const char *path, struct trace_builder *b,
                   struct recording_info *info,
                   char error[TRACE_ERROR_MAX]);

#endif /* HEAPLAB_RECORDING_H */
