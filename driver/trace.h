/*
 * trace.h -- a trace in memory, and the parser for the three formats
 * heaplab reads (traces/README.md is the format's spec):
 *
 *   classic CS:APP   header  suggested_heap_size num_ids num_ops weight
 *   CMU 15-213 2016+ header  weight num_ids num_ops max_bytes  (weight 0..3)
 *   script           no header; op lines, '#' comments, blank lines
 *
 * Ops: `a ID BYTES` (malloc), `r ID BYTES` (realloc; BYTES 0 frees),
 * `f ID` (free; `f -1` is free(NULL)).
 */
#ifndef HEAPLAB_TRACE_H
#define HEAPLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum trace_format { TRACE_CSAPP, TRACE_CMU, TRACE_SCRIPT };

enum op_kind { OP_ALLOC = 'a', OP_REALLOC = 'r', OP_FREE = 'f' };

/* CMU weights: what a trace is scored on. */
enum trace_weight {
    WEIGHT_CORRECTNESS = 0, /* correctness only */
    WEIGHT_BOTH = 1,        /* utilization and throughput */
    WEIGHT_UTIL = 2,        /* utilization only */
    WEIGHT_THROUGHPUT = 3   /* throughput only */
};

struct trace_op {
    uint64_t size;  /* bytes for 'a' and 'r'; 0 for 'f' */
    int32_t id;     /* 0 .. num_ids-1; -1 only for `f -1` (free(NULL)) */
    uint32_t line;  /* 1-based line in the file */
    char kind;      /* OP_ALLOC, OP_REALLOC or OP_FREE */
};

struct trace {
    char *path;               /* as given */
    char *name;               /* file name without folder and ".rep" */
    enum trace_format format;
    int weight;               /* enum trace_weight; 1 for csapp/script */
    uint64_t heap_hint;       /* csapp suggested_heap_size, else 0 */
    uint64_t max_bytes;       /* CMU max_bytes, else 0 */
    size_t num_ids;           /* from the header, or max id + 1 */
    size_t num_ops;
    struct trace_op *ops;     /* num_ops entries */
};

/* Longest error message the parser produces, with its FILE:LINE: prefix. */
enum { TRACE_ERROR_MAX = 512 };

/*
 * Reads and checks the file at path.  Returns 0 and fills *trace, or
 * returns -1 and writes one line "FILE:LINE: what is wrong" (no newline)
 * to error.  Checks: header, op letter, fields, id range, ids allocated
 * while live, freed or realloc'd while not live, sizes that do not fit in
 * 64 bits, op count against the header.  Accepts CRLF line ends.
 */
int trace_load(const char *path, struct trace *trace,
               char error[TRACE_ERROR_MAX]);

/* The same for text already in memory; `path` names it in messages. */
int trace_parse(const char *path, const char *text, size_t length,
                struct trace *trace, char error[TRACE_ERROR_MAX]);

/* Frees what trace_load/trace_parse allocated; *trace becomes empty. */
void trace_free(struct trace *trace);

/* Writes the trace in the classic CS:APP format.  0 on success. */
int trace_write(FILE *out, const struct trace *trace);

/* "csapp", "cmu" or "script". */
const char *trace_format_name(enum trace_format format);

#endif /* HEAPLAB_TRACE_H */
