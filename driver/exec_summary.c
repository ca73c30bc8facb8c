/* exec_summary.c -- see exec_summary.h. */
#include "exec_summary.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const exec_call_names[EXEC_CALL_KINDS] = {
    [EXEC_MALLOC] = "malloc",
    [EXEC_FREE] = "free",
    [EXEC_CALLOC] = "calloc",
    [EXEC_REALLOC] = "realloc",
    [EXEC_REALLOCARRAY] = "reallocarray",
    [EXEC_POSIX_MEMALIGN] = "posix_memalign",
    [EXEC_ALIGNED_ALLOC] = "aligned_alloc",
    [EXEC_MEMALIGN] = "memalign",
    [EXEC_VALLOC] = "valloc",
    [EXEC_PVALLOC] = "pvalloc",
    [EXEC_USABLE_SIZE] = "malloc_usable_size",
};

/* --- loading ------------------------------------------------------------- */

static uint64_t max_of(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static void merge_image(struct exec_totals *t, const struct exec_image *image)
{
    t->flags |= image->flags;
    for (int k = 0; k < EXEC_CALL_KINDS; k++) {
        t->calls[k] += image->calls[k];
        t->total_calls += image->calls[k];
    }
    t->failed += image->failed;
    t->peak_live_bytes = max_of(t->peak_live_bytes, image->peak_live_bytes);
    t->peak_footprint = max_of(t->peak_footprint, image->peak_footprint);
    t->sbrk_calls += image->sbrk_calls;
    t->brk_calls += image->brk_calls;
    t->mmap_calls += image->mmap_calls;
    t->munmap_calls += image->munmap_calls;

    size_t used = strlen(t->programs);
    snprintf(t->programs + used, sizeof t->programs - used, "%s%.*s",
             used > 0 ? ", " : "", (int)sizeof image->program, image->program);
}

int exec_totals_load(const char *path, struct exec_totals *totals)
{
    *totals = (struct exec_totals){0};
    struct exec_stats_file file;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, &file, sizeof file);
    int error = errno;
    close(fd);
    if (got != (ssize_t)sizeof file) {
        errno = got < 0 ? error : EIO;
        return -1;
    }
    if (file.magic != EXEC_STATS_MAGIC || file.version != EXEC_STATS_VERSION)
        return 0; /* nobody attached */
    totals->attached = 1;
    totals->images =
        file.images <= EXEC_MAX_IMAGES ? file.images : EXEC_MAX_IMAGES;
    totals->lost_images = file.lost_images;
    for (uint32_t i = 0; i < totals->images; i++)
        merge_image(totals, &file.image[i]);
    return 0;
}

double exec_utilization(const struct exec_totals *totals)
{
    if (!totals->attached || totals->peak_footprint == 0)
        return -1;
    return (double)totals->peak_live_bytes / (double)totals->peak_footprint;
}

uint64_t exec_hash(uint64_t hash, const void *bytes, size_t count)
{
    const unsigned char *byte = bytes;
    for (size_t i = 0; i < count; i++)
        hash = (hash ^ byte[i]) * UINT64_C(0x100000001b3);
    return hash;
}

void exec_describe_status(char *text, size_t size, int status)
{
    if (status < 0)
        snprintf(text, size, "did not run");
    else if (WIFEXITED(status))
        snprintf(text, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, size, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(text, size, "ended with wait status 0x%x", status);
}

/* --- one run ------------------------------------------------------------- */

/* "12.4 MiB" (KiB below 1 MiB, bytes below 1 KiB). */
static void format_size(char *text, size_t size, uint64_t bytes)
{
    if (bytes >= (1u << 20))
        snprintf(text, size, "%.1f MiB", (double)bytes / (1u << 20));
    else if (bytes >= 1024)
        snprintf(text, size, "%.1f KiB", (double)bytes / 1024);
    else
        snprintf(text, size, "%" PRIu64 " B", bytes);
}

static void print_calls(FILE *out, const struct exec_totals *t)
{
    /* Four to a line, in the order of exec_call. */
    for (int k = 0; k < EXEC_CALL_KINDS; k++) {
        if (k % 4 == 0)
            fprintf(out, "%s",
                    k == 0 ? "  calls           "
                           : "\n"
                             "                  ");
        fprintf(out, "%s%s %" PRIu64, k % 4 == 0 ? "" : "  ",
                exec_call_names[k], t->calls[k]);
    }
    fprintf(out, "\n  failed calls    %" PRIu64 " (NULL or an error)\n",
            t->failed);
}

void exec_summary_print(FILE *out, const char *command,
                        const struct exec_run *run)
{
    const struct exec_totals *t = &run->totals;
    char status[96], rss[32], live[32], footprint[32];
    exec_describe_status(status, sizeof status, run->status);
    format_size(rss, sizeof rss, run->max_rss);
    fprintf(out, "heaplab exec: %s: '%s' %s after %.3f s (max RSS %s)\n",
            run->backend, command, status, run->seconds, rss);
    if (!t->attached) {
        fprintf(out,
                "  no statistics: the program did not load "
                "lib/libheaplab-%s.so\n  (statically linked and setuid "
                "programs ignore LD_PRELOAD, and so run with the C "
                "library's malloc)\n",
                run->backend);
        return;
    }
    int libc = (t->flags & EXEC_FLAG_LIBC) != 0;
    print_calls(out, t);
    format_size(live, sizeof live, t->peak_live_bytes);
    format_size(footprint, sizeof footprint, t->peak_footprint);
    fprintf(out, "  peak live       %s (%" PRIu64 " bytes%s)\n", live,
            t->peak_live_bytes, libc ? ", usable sizes" : "");
    fprintf(out, "  peak footprint  %s (%" PRIu64 " bytes%s)\n", footprint,
            t->peak_footprint,
            libc ? ", sampled from mallinfo2" : ", heap + mappings");
    double util = exec_utilization(t);
    if (util >= 0)
        fprintf(out, "  utilization     %.1f%%\n", 100 * util);
    else
        fprintf(out, "  utilization     -\n");
    if (libc)
        fprintf(out, "  system calls    not counted (glibc makes them "
                     "itself)\n");
    else
        fprintf(out,
                "  system calls    %" PRIu64 ": sbrk %" PRIu64 ", brk %" PRIu64
                ", mmap %" PRIu64 ", munmap %" PRIu64 "\n",
                t->sbrk_calls + t->brk_calls + t->mmap_calls + t->munmap_calls,
                t->sbrk_calls, t->brk_calls, t->mmap_calls, t->munmap_calls);
    if (t->images > 1 || t->lost_images > 0)
        fprintf(out,
                "  programs        %" PRIu32 ", one after another (exec): "
                "%s%s\n                  (counts add up; peaks are the "
                "highest of one program)\n",
                t->images + t->lost_images, t->programs,
                t->lost_images > 0 ? ", ... (later ones not counted)" : "");
    if (t->flags & EXEC_FLAG_BROKEN)
        fprintf(out, "  the heap could not be set up: every allocation "
                     "failed\n");
}

/* --- the comparison table ------------------------------------------------ */

static void size_cell(char *text, size_t size, int known, uint64_t bytes)
{
    if (known)
        format_size(text, size, bytes);
    else
        snprintf(text, size, "-");
}

static void status_cell(char *text, size_t size, int status)
{
    if (status < 0)
        snprintf(text, size, "not run");
    else if (WIFEXITED(status))
        snprintf(text, size, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, size, "SIG%s",
                 sigabbrev_np(WTERMSIG(status)) != NULL
                     ? sigabbrev_np(WTERMSIG(status))
                     : "?");
    else
        snprintf(text, size, "?");
}

void exec_compare_print(FILE *out, const char *command,
                        const struct exec_run *runs, size_t count,
                        size_t reference)
{
    int width = (int)strlen("allocator");
    for (size_t i = 0; i < count; i++)
        if ((int)strlen(runs[i].backend) > width)
            width = (int)strlen(runs[i].backend);
    fprintf(out, "heaplab exec --compare: %s\n", command);
    fprintf(out, "%-*s %-8s %8s %10s %10s %10s %6s %10s %9s  %s\n", width,
            "allocator", "status", "wall s", "max RSS", "footprint",
            "peak live", "util", "calls", "syscalls", "output");
    for (size_t i = 0; i < count; i++) {
        const struct exec_run *r = &runs[i];
        const struct exec_totals *t = &r->totals;
        int libc = (t->flags & EXEC_FLAG_LIBC) != 0;
        char status[16], rss[16], footprint[16], live[16], util[16], calls[24],
            syscalls[24];
        status_cell(status, sizeof status, r->status);
        size_cell(rss, sizeof rss, r->status >= 0, r->max_rss);
        size_cell(footprint, sizeof footprint, t->attached, t->peak_footprint);
        size_cell(live, sizeof live, t->attached, t->peak_live_bytes);
        double u = exec_utilization(t);
        if (u >= 0)
            snprintf(util, sizeof util, "%.1f%%", 100 * u);
        else
            snprintf(util, sizeof util, "-");
        if (t->attached)
            snprintf(calls, sizeof calls, "%" PRIu64, t->total_calls);
        else
            snprintf(calls, sizeof calls, "-");
        if (t->attached && !libc)
            snprintf(syscalls, sizeof syscalls, "%" PRIu64,
                     t->sbrk_calls + t->brk_calls + t->mmap_calls +
                         t->munmap_calls);
        else
            snprintf(syscalls, sizeof syscalls, "-");
        const char *output =
            i == reference  ? "reference"
            : r->status < 0 ? "-"
            : r->output_bytes == runs[reference].output_bytes &&
                    r->output_hash == runs[reference].output_hash
                ? "same"
                : "DIFFERS";
        fprintf(out, "%-*s %-8s %8.3f %10s %10s %10s %6s %10s %9s  %s\n",
                width, r->backend, status, r->seconds, rss, footprint, live,
                util, calls, syscalls, output);
    }
    fprintf(out,
            "footprint: peak heap + mappings (libc: sampled from mallinfo2); "
            "util = peak live / footprint;\noutput: stdout (%" PRIu64
            " bytes under %s) compared by length and FNV-1a hash\n",
            runs[reference].output_bytes, runs[reference].backend);
}
