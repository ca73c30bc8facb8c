/*
 * fuzz_trace_pack.c -- the reader of packed traces (driver/trace_pack.c),
 * which the submission's program runs on what the grader hands it, on
 * arbitrary bytes.  The input is either taken as an image as it is, or,
 * when it parses as a trace, packed first and then damaged at one place
 * the input chooses, so that the checks behind the header are reached.
 *
 * Accepted: the ops keep the parser's promises (ids in range and live
 * when the ops say).  Rejected: one line "NAME: packed trace: ...".
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "trace_pack.h"

static void check(const char *data, size_t size)
{
    struct trace t;
    char error[TRACE_ERROR_MAX];
    if (trace_unpack("fuzz.rep", data, size, &t, error) != 0) {
        FUZZ_ASSERT(strncmp(error, "fuzz.rep: packed trace: ", 24) == 0 &&
                        error[24] != '\0' && strchr(error, '\n') == NULL,
                    "message '%s'", error);
        FUZZ_ASSERT(t.ops == NULL && t.path == NULL, "rejected, kept memory");
        return;
    }
    FUZZ_ASSERT(strcmp(t.name, "fuzz") == 0, "name %s", t.name);
    for (size_t i = 0; i < t.num_ops; i++)
        FUZZ_ASSERT(t.ops[i].id == -1 ||
                        (t.ops[i].id >= 0 && (size_t)t.ops[i].id < t.num_ids),
                    "op %zu: id %d", i, t.ops[i].id);
    trace_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size);
    if (size < 3)
        return 0;
    struct trace parsed;
    char error[TRACE_ERROR_MAX];
    if (trace_parse("fuzz.rep", (const char *)data + 2, size - 2, &parsed,
                    error) != 0)
        return 0;
    int fd = trace_pack(&parsed);
    FUZZ_ASSERT(fd >= 0, "trace_pack failed");
    struct stat st;
    FUZZ_ASSERT(fstat(fd, &st) == 0, "fstat");
    char *image = malloc((size_t)st.st_size);
    FUZZ_ASSERT(image != NULL, "malloc");
    FUZZ_ASSERT(pread(fd, image, (size_t)st.st_size, 0) == st.st_size,
                "pread");
    /* Unchanged, it reads back as the trace it was. */
    struct trace again;
    FUZZ_ASSERT(trace_unpack_fd(fd, "fuzz.rep", &again, error) == 0, "%s",
                error);
    FUZZ_ASSERT(again.num_ops == parsed.num_ops &&
                    again.num_ids == parsed.num_ids &&
                    again.weight == parsed.weight,
                "round trip");
    trace_free(&again);
    close(fd);
    /* One byte changed where the first two bytes of the input say. */
    size_t at = ((size_t)data[0] << 8 | data[1]) % (size_t)st.st_size;
    image[at] ^= (char)(data[0] | 1);
    check(image, (size_t)st.st_size);
    free(image);
    trace_free(&parsed);
    return 0;
}
