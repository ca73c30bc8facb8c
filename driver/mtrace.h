/*
 * mtrace.h -- reads the log that glibc's mtrace() writes (MALLOC_TRACE)
 * and feeds its calls to a trace builder.  `heaplab import mtrace` is its
 * command line.
 *
 * The log, one call per line (glibc malloc/mtrace-impl.c):
 *
 *     = Start                           mtrace() began
 *     @ ./prog:[0x401156] + 0x4052a0 0x10
 *                                       malloc, calloc, memalign or
 *                                       realloc(NULL, n): + PTR SIZE
 *                                       (PTR "(nil)" when it failed)
 *     @ ./prog:(main+0x2f)[0x40117f] - 0x4052a0
 *                                       free(PTR), or realloc(PTR, 0)
 *     @ [0x7f3c...] < 0x4052a0          realloc: the old block ...
 *     @ [0x7f3c...] > 0x4056e0 0x20     ... and the new one, next line
 *     @ ... ! 0x4052a0 0x7fffffff       a realloc that failed
 *     = End                             muntrace()
 *
 * The "@ CALLER " prefix is missing when glibc does not know the caller;
 * CALLER is FILE:[ADDR], FILE:(SYMBOL+OFF)[ADDR] or [ADDR].  SIZE is hex
 * with 0x, or 0 (older glibc wrote decimal; plain digits read as decimal).
 */
#ifndef HEAPLAB_MTRACE_H
#define HEAPLAB_MTRACE_H

#include <stdint.h>
#include <stdio.h>

#include "trace.h"
#include "trace_builder.h"

struct mtrace_info {
    uint64_t lines;    /* lines read */
    uint64_t sessions; /* "= Start" lines */
};

/*
 * Feeds every call in the log to b.  `path` names the log in messages.
 * Returns 0, or -1 with one line "LOG:LINE: what is wrong" (or "LOG:
 * cannot read: ...") in error.
 */
int mtrace_read(const char *path, FILE *in, struct trace_builder *b,
                struct mtrace_info *info, char error[TRACE_ERROR_MAX]);

#endif /* HEAPLAB_MTRACE_H */
