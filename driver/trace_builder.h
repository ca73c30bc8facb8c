/*
 * trace_builder.h -- turns a stream of heap calls on real pointers into a
 * trace: each pointer becomes an id, each call an op.  `heaplab record`
 * (recording.c) and `heaplab import mtrace` (mtrace.c) feed it.
 *
 * Ids are never reused: every block that malloc (or calloc, memalign, ...)
 * hands out gets the next id, 0, 1, 2, ..., and keeps it through its
 * reallocs, as in the classic CS:APP traces.  Calls become ops like this:
 *
 *     p = malloc(n), calloc, aligned        a ID n   (alignment not kept)
 *     q = realloc(p, n), p known            r ID n   (ID follows to q)
 *     q = realloc(NULL, n)                  a ID n
 *     realloc(p, 0) that freed p            f ID
 *     free(p), p known                      f ID
 *     free(NULL)                            nothing; counted
 *     free(p) or realloc(p, n), p unknown   nothing (realloc: a ID n);
 *                                           counted as an unknown free
 *     a call that failed (returned NULL)    nothing; counted
 *     p handed out while p is live          f OLD_ID first: its free was
 *                                           missed; counted as lost
 *
 * Unknown frees come from blocks allocated before recording began (mtrace
 * started late, memory from another allocator).  The ops always form a
 * valid trace: ids are live exactly when the parser expects them to be.
 */
#ifndef HEAPLAB_TRACE_BUILDER_H
#define HEAPLAB_TRACE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct builder_stats {
    uint64_t calls;          /* heap calls seen */
    uint64_t free_nulls;     /* free(NULL): no op */
    uint64_t failed;         /* calls that returned NULL: no op */
    uint64_t unknown_frees;  /* free/realloc of a pointer never seen */
    uint64_t lost_frees;     /* a live pointer handed out again */
    uint64_t released;       /* live blocks freed by builder_release_all */
    uint64_t live_bytes;     /* payload live now */
    uint64_t peak_bytes;     /* largest payload live at once */
    size_t live_blocks;      /* ids live now */
};

struct pointer_slot; /* the pointer -> id table, private */

struct trace_builder {
    struct trace_op *ops;
    size_t num_ops, ops_capacity;
    uint64_t *sizes; /* payload of each id; num_ids entries */
    size_t num_ids, ids_capacity;
    struct pointer_slot *slots; /* open addressing, linear probing */
    size_t slots_capacity;      /* a power of two, or 0 */
    struct builder_stats stats;
};

/* An empty builder. */
void builder_init(struct trace_builder *b);

/* Frees what the builder holds; it is empty again. */
void builder_destroy(struct trace_builder *b);

/*
 * The calls.  Pointers are numbers (0 is NULL); `result` is what the call
 * returned.  Each returns 0, or -1 when out of memory or out of ids
 * (INT32_MAX blocks).
 */
int builder_malloc(struct trace_builder *b, uint64_t result, uint64_t size);
int builder_realloc(struct trace_builder *b, uint64_t old, uint64_t result,
                    uint64_t size);
int builder_free(struct trace_builder *b, uint64_t pointer);

/* Frees every live block (ops `f ID` in id order) and forgets all
 * pointers: what happens to the heap when a process calls exec. */
int builder_release_all(struct trace_builder *b);

/*
 * Moves the ops into *trace (path and name copied from `path`); the
 * builder keeps its statistics and can only be destroyed after this.
 * Returns 0, or -1 when out of memory.
 */
int builder_finish(struct trace_builder *b, const char *path,
                   struct trace *trace);

#endif /* HEAPLAB_TRACE_BUILDER_H */
