/*
 * trace_pack.h -- a parsed trace handed to another process as it is in
 * memory: the grader parses a private trace itself and gives the
 * submission's program the result in a sealed memfd, so that the program
 * never learns where the file is, nor could open it (docs/grading.md).
 *
 * The image is the struct trace's fields and its ops array, in this
 * build's own layout (the grader and the program it hands it to are built
 * from the same objects):
 *
 *     struct trace_pack_header   magic "HLPACK1", sizes, format, weight,
 *                                heap_hint, max_bytes, num_ids, num_ops
 *     struct trace_op[num_ops]
 *
 * The reader checks everything the replay relies on, as the parser does:
 * sizes, weight and format in range, each op's kind, ids in range and
 * live exactly when the ops say, lines increasing.
 */
#ifndef HEAPLAB_TRACE_PACK_H
#define HEAPLAB_TRACE_PACK_H

#include <stddef.h>

#include "trace.h"

/*
 * A sealed memfd (no write, grow, shrink; close-on-exec) holding the
 * image of t, or -1 with errno set.
 */
int trace_pack(const struct trace *t);

/*
 * Reads an image of `size` bytes at data into *t, whose path is `name`.
 * Returns 0, or -1 with one line "NAME: packed trace: what is wrong" in
 * error (nothing kept).
 */
int trace_unpack(const char *name, const void *data, size_t size,
                 struct trace *t, char error[TRACE_ERROR_MAX]);

/* The same for the image in file descriptor fd (read whole). */
int trace_unpack_fd(int fd, const char *name, struct trace *t,
                    char error[TRACE_ERROR_MAX]);

#endif /* HEAPLAB_TRACE_PACK_H */
