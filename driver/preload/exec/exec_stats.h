/*
 * exec_stats.h -- what a program run by `heaplab exec` tells heaplab about
 * its heap: the layout of the statistics file, shared by the preload
 * libraries (layer.c, libc_counting.c and stats_file.c beside it) and
 * the command that reads it (driver/cmd_exec.c, driver/exec_summary.c).
 *
 * heaplab makes an empty file of sizeof(struct exec_stats_file) bytes and
 * names it in HEAPLAB_EXEC_STATS; HEAPLAB_EXEC_TOP holds the pid of the
 * process it started.  Only that process writes: it maps the file shared
 * and keeps its counters in it as it runs, so nothing is lost when the
 * program ends by _exit, abort or a signal.  Each program image the process
 * runs (exec keeps the pid) takes the next slot: counts add up over the
 * images, peaks are the highest of any one image (images do not coexist).
 * Processes the program forks keep their counters to themselves.
 *
 * Every field is a fixed-size integer, so the file means the same to the
 * library and to heaplab; both are built from this header together.
 */
#ifndef HEAPLAB_EXEC_STATS_H
#define HEAPLAB_EXEC_STATS_H

#include <stdint.h>

/* The environment of a program run by `heaplab exec`. */
#define EXEC_ENV_STATS   "HEAPLAB_EXEC_STATS"
#define EXEC_ENV_TOP     "HEAPLAB_EXEC_TOP"
#define EXEC_ENV_RESERVE "HEAPLAB_RESERVE"

enum {
    EXEC_STATS_MAGIC = 0x78656c68, /* "hlex" */
    EXEC_STATS_VERSION = 1,
    EXEC_MAX_IMAGES = 16, /* images after the 16th are not recorded */
    EXEC_NAME_BYTES = 32
};

/* The C allocation interface, one counter each. */
enum exec_call {
    EXEC_MALLOC,
    EXEC_FREE,
    EXEC_CALLOC,
    EXEC_REALLOC,
    EXEC_REALLOCARRAY,
    EXEC_POSIX_MEMALIGN,
    EXEC_ALIGNED_ALLOC,
    EXEC_MEMALIGN,
    EXEC_VALLOC,
    EXEC_PVALLOC,
    EXEC_USABLE_SIZE,
    EXEC_CALL_KINDS
};

/* How an image's numbers were taken (exec_image.flags). */
enum exec_flags {
    /* footprint and system calls come from memlib (a heaplab backend) */
    EXEC_FLAG_MEMLIB = 1u << 0,
    /* the C library's malloc: footprint sampled from mallinfo2(), live
     * bytes are usable sizes, system calls unknown */
    EXEC_FLAG_LIBC = 1u << 1,
    /* the heap could not be set up: every allocation failed */
    EXEC_FLAG_BROKEN = 1u << 2
};

/* One program image.  Invariants: live_bytes <= peak_live_bytes,
 * footprint <= peak_footprint (live_bytes is signed only for libc, where a
 * block allocated before counting began may be freed after). */
struct exec_image {
    uint32_t flags;
    uint32_t reserved;
    char program[EXEC_NAME_BYTES]; /* basename of /proc/self/exe */
    uint64_t calls[EXEC_CALL_KINDS];
    uint64_t failed;    /* calls that returned NULL or an error */
    int64_t live_bytes; /* requested bytes of live blocks */
    uint64_t peak_live_bytes;
    uint64_t live_blocks;
    uint64_t footprint; /* heap extent + mapped bytes, now */
    uint64_t peak_footprint;
    uint64_t sbrk_calls, brk_calls, mmap_calls, munmap_calls;
};

struct exec_stats_file {
    uint32_t magic;   /* EXEC_STATS_MAGIC once a process has attached */
    uint32_t version; /* EXEC_STATS_VERSION */
    uint64_t pid;
    uint32_t images;      /* slots taken, at most EXEC_MAX_IMAGES */
    uint32_t lost_images; /* images past the last slot */
    char backend[EXEC_NAME_BYTES];
    struct exec_image image[EXEC_MAX_IMAGES];
};

/*
 * A size as HEAPLAB_RESERVE and `heaplab exec --reserve` write it: digits,
 * then an optional K, M, G or T (powers of 1024).  0 on success, -1 when
 * the text is not a size or it overflows.  No allocation: the libraries
 * call it from inside malloc.
 */
static inline int exec_parse_size(const char *text, uint64_t *bytes)
{
    uint64_t value = 0;
    const char *p = text;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (value > (UINT64_MAX - 9) / 10)
            return -1;
        value = value * 10 + (uint64_t)(*p - '0');
    }
    static const char units[] = "KMGT";
    int shift = 0;
    for (int i = 0; units[i] != '\0'; i++)
        if (*p == units[i] || *p == units[i] + ('a' - 'A'))
            shift = 10 * (i + 1);
    if (shift != 0)
        p++;
    if (*p != '\0' || (shift != 0 && value > UINT64_MAX >> shift))
        return -1;
    *bytes = value << shift;
    return 0;
}

#endif /* HEAPLAB_EXEC_STATS_H */
