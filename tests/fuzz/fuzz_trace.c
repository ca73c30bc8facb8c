/*
 * fuzz_trace.c -- the trace parser (driver/trace.c) on arbitrary bytes.
 *
 * Accepted: the trace keeps the parser's promises (ids in range and live
 * exactly when the ops say, the header's counts), and writing it in the
 * classic format and reading that back gives the same ops (with weight
 * 1: the classic format's weight is not read back, as in CS:APP's
 * driver).  Rejected: one
 * line "fuzz.rep:LINE: ...".
 */
#include <stdint.h>

#include "fuzz.h"
#include "trace.h"

static void check_accepted(const struct trace *t)
{
    FUZZ_ASSERT(t->ops != NULL || t->num_ops == 0, "no ops array");
    FUZZ_ASSERT(strcmp(t->name, "fuzz") == 0, "name '%s'", t->name);
    FUZZ_ASSERT(t->weight >= 0 && t->weight <= 3, "weight %d", t->weight);
    unsigned char *live = calloc(t->num_ids + 1, 1);
    FUZZ_ASSERT(live != NULL, "out of memory");
    uint32_t line = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        FUZZ_ASSERT(op->line > line, "op %zu: line %u after %u", i, op->line,
                    line);
        line = op->line;
        if (op->id == -1) {
            FUZZ_ASSERT(op->kind == 'f', "op %zu: id -1 with '%c'", i,
                        op->kind);
            continue;
        }
        FUZZ_ASSERT(op->id >= 0 && (size_t)op->id < t->num_ids,
                    "op %zu: id %d of %zu", i, op->id, t->num_ids);
        switch (op->kind) {
        case 'a':
            FUZZ_ASSERT(!live[op->id], "op %zu: malloc of live id", i);
            live[op->id] = 1;
            break;
        case 'r':
            FUZZ_ASSERT(live[op->id], "op %zu: realloc of dead id", i);
            live[op->id] = op->size != 0;
            break;
        case 'f':
            FUZZ_ASSERT(live[op->id], "op %zu: free of dead id", i);
            live[op->id] = 0;
            break;
        default:
            FUZZ_ASSERT(0, "op %zu: kind %d", i, op->kind);
        }
    }
    free(live);
}

/* trace_write, then trace_parse of what it wrote: the same ops. */
static void check_round_trip(const struct trace *t)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    FUZZ_ASSERT(out != NULL, "open_memstream");
    FUZZ_ASSERT(trace_write(out, t) == 0, "trace_write failed");
    fclose(out);
    struct trace again;
    char error[TRACE_ERROR_MAX];
    int rc = trace_parse("again.rep", text, length, &again, error);
    FUZZ_ASSERT(rc == 0, "written trace does not read back: %s", error);
    FUZZ_ASSERT(again.num_ops == t->num_ops, "%zu ops, not %zu",
                again.num_ops, t->num_ops);
    /* the classic format's weight is not read back (trace.h) */
    FUZZ_ASSERT(again.weight == WEIGHT_BOTH, "weight %d", again.weight);
    for (size_t i = 0; i < t->num_ops; i++)
        FUZZ_ASSERT(again.ops[i].kind == t->ops[i].kind &&
                        again.ops[i].id == t->ops[i].id &&
                        again.ops[i].size == t->ops[i].size,
                    "op %zu differs", i);
    trace_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trace t;
    char error[TRACE_ERROR_MAX];
    if (trace_parse("fuzz.rep", (const char *)data, size, &t, error) != 0) {
        FUZZ_ASSERT(fuzz_has_file_line(error, "fuzz.rep"), "message '%s'",
                    error);
        FUZZ_ASSERT(t.ops == NULL && t.path == NULL, "rejected, kept memory");
        return 0;
    }
    check_accepted(&t);
    check_round_trip(&t);
    trace_free(&t);
    return 0;
}
