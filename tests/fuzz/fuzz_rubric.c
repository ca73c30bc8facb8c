/*
 * fuzz_rubric.c -- the rubric reader (grading/rubric.c, with libinih) on
 * arbitrary bytes, as the file FOLDER/fuzz.conf of a folder that holds
 * traces/small.rep and traces/big.rep (the default trace_dir).
 *
 * Accepted: the rubric's promises (bounds ordered, points, a backend as
 * reference, every trace listed once).  Rejected: one line
 * "FOLDER/fuzz.conf:LINE: ...".
 */
#include <ftw.h>
#include <stdint.h>
#include <unistd.h>

#include "fuzz.h"
#include "heaplab/registry.h"
#include "rubric.h"

static char folder[64];
static char conf[128];

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_folder(void)
{
    nftw(folder, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "w");
    FUZZ_ASSERT(f != NULL, "%s", path);
    FUZZ_ASSERT(fwrite(data, 1, size, f) == size, "%s", path);
    FUZZ_ASSERT(fclose(f) == 0, "%s", path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(folder, sizeof folder, "/tmp/heaplab-fuzz-rubric-XXXXXX");
    FUZZ_ASSERT(mkdtemp(folder) != NULL, "mkdtemp");
    atexit(remove_folder);
    char path[128];
    snprintf(path, sizeof path, "%s/traces", folder);
    FUZZ_ASSERT(mkdir(path, 0755) == 0, "%s", path);
    static const char small[] = "a 0 10\nf 0\n";
    static const char big[] = "1\n2\n4\n100\na 0 100\na 1 20\nf 0\nf 1\n";
    snprintf(path, sizeof path, "%s/traces/small.rep", folder);
    write_file(path, small, sizeof small - 1);
    snprintf(path, sizeof path, "%s/traces/big.rep", folder);
    write_file(path, big, sizeof big - 1);
    snprintf(conf, sizeof conf, "%s/fuzz.conf", folder);
    return 0;
}

static void check_list(const struct rubric_list *list)
{
    FUZZ_ASSERT(list->count <= RUBRIC_LIST_MAX, "list of %zu", list->count);
    for (size_t i = 0; i < list->count; i++)
        FUZZ_ASSERT(memchr(list->names[i], '\0', RUBRIC_NAME_MAX) != NULL &&
                        list->names[i][0] != '\0',
                    "entry %zu", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_file(conf, data, size);
    static struct rubric r; /* large: kept off the stack */
    char error[RUBRIC_ERROR_MAX];
    if (rubric_load(conf, folder, &r, error) != 0) {
        FUZZ_ASSERT(fuzz_has_file_line(error, conf), "message '%s'", error);
        return 0;
    }
    FUZZ_ASSERT(r.correctness.count + r.performance.count > 0, "no traces");
    FUZZ_ASSERT(r.util.min < r.util.max, "util bounds");
    FUZZ_ASSERT(r.throughput.min < r.throughput.max, "throughput bounds");
    FUZZ_ASSERT(rubric_max_points(&r) > 0, "no points");
    FUZZ_ASSERT(registry_find(r.reference) != NULL, "reference '%s'",
                r.reference);
    FUZZ_ASSERT(r.rounds >= 1 && r.repeat >= 1, "rounds, repeat");
    FUZZ_ASSERT(r.timeout > 0 && r.cpu > 0 && r.memory > 0, "limits");
    check_list(&r.files);
    check_list(&r.correctness);
    check_list(&r.performance);
    check_list(&r.forbid);
    return 0;
}
