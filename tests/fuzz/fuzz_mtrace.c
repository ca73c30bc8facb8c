/*
 * fuzz_mtrace.c -- the mtrace log reader (driver/mtrace.c) and the trace
 * builder behind it, on arbitrary bytes.
 *
 * Accepted: the builder's trace is a valid trace (the parser reads what
 * trace_write writes of it).  Rejected: one line "fuzz.log:LINE: ...".
 */
#include <stdint.h>

#include "fuzz.h"
#include "mtrace.h"
#include "trace_builder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *in = fmemopen((void *)data, size, "r");
    if (in == NULL) /* fmemopen refuses a zero-length buffer */
        in = fopen("/dev/null", "r");
    FUZZ_ASSERT(in != NULL, "cannot open the input");
    struct trace_builder b;
    struct mtrace_info info;
    char error[TRACE_ERROR_MAX];
    builder_init(&b);
    int rc = mtrace_read("fuzz.log", in, &b, &info, error);
    fclose(in);
    if (rc != 0) {
        FUZZ_ASSERT(fuzz_has_file_line(error, "fuzz.log"), "message '%s'",
                    error);
        builder_destroy(&b);
        return 0;
    }
    struct trace t;
    FUZZ_ASSERT(builder_finish(&b, "fuzz.rep", &t) == 0, "builder_finish");
    builder_destroy(&b);
    if (t.num_ops > 0) {
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        FUZZ_ASSERT(out != NULL, "open_memstream");
        FUZZ_ASSERT(trace_write(out, &t) == 0, "trace_write");
        fclose(out);
        struct trace again;
        FUZZ_ASSERT(trace_parse("again.rep", text, length, &again, error) == 0,
                    "the imported trace does not parse: %s", error);
        FUZZ_ASSERT(again.num_ops == t.num_ops, "op count");
        trace_free(&again);
        free(text);
    }
    trace_free(&t);
    return 0;
}
