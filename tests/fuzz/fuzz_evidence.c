/*
 * fuzz_evidence.c -- the grader's reading of a run's record
 * (grading/verify.c): what a submission's program hands back, and so the
 * parser a cheat would aim at.  The input is a trace (up to its first NUL
 * byte) and, after the NUL, the record's bytes as the run would have
 * written them (driver/evidence.h).
 *
 * Whatever the record holds: no crash, hang or sanitizer report; a record
 * that is accepted is consistent with the trace (its hash chains as the
 * grader computes, its footprint covers the blocks); one that is refused
 * says why in one line.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evidence.h"
#include "fuzz.h"
#include "verify.h"

static void check_why(const char *why)
{
    FUZZ_ASSERT(why[0] != '\0' && strchr(why, '\n') == NULL, "why '%s'", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul == NULL)
        return 0;
    struct trace t;
    char error[TRACE_ERROR_MAX];
    if (trace_parse("fuzz.rep", (const char *)data, (size_t)(nul - data), &t,
                    error) != 0)
        return 0;
    size_t record_size = size - (size_t)(nul + 1 - data);
    int fd = memfd_create("fuzz-record", MFD_CLOEXEC);
    FUZZ_ASSERT(fd >= 0, "memfd_create");
    FUZZ_ASSERT(write(fd, nul + 1, record_size) == (ssize_t)record_size,
                "write");
    struct checked_facts facts;
    verify_trace_facts(&t, &facts);
    char why[512] = "";
    /* as the run reported them: the trace's peak payload, and a footprint
     * the record's first byte scales */
    uint64_t footprint = facts.peak_payload * (record_size ? nul[1] : 1);
    if (verify_checked_run(&t, fd, footprint, facts.peak_payload, &facts, why,
                           sizeof why) != 0) {
        check_why(why);
    } else {
        FUZZ_ASSERT(facts.recorded, "accepted, not recorded");
        FUZZ_ASSERT(footprint >= facts.min_footprint, "footprint");
        struct run_clock clock = {.fd = -1, .start = 1, .end = 2, .state = 2};
        double ops = 0;
        why[0] = '\0';
        if (verify_timed_run(&facts, &t, fd, &clock, &ops, why, sizeof why) !=
            0)
            check_why(why);
        else
            FUZZ_ASSERT(ops >= 0, "ops/s %g", ops);
    }
    close(fd);
    trace_free(&t);
    return 0;
}
