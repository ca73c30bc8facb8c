/*
 * timeline.c -- footprint samples and heap maps of one replay (see
 * timeline.h).
 *
 * Samples: the ops are cut into windows of `window` ops (window = ops /
 * TIMELINE_MAX_POINTS, rounded up); a window's point is at its last op and
 * holds the largest footprint and the largest live payload seen in it.
 * Point 0 is the heap after init(), before any op.
 *
 * Heap map: with heapmap_op 0 the heap is walked again each time the
 * footprint passes its largest value so far, so what is kept at the end is
 * the heap at the first op where the footprint reached its peak.  A
 * backend grows its heap a few hundred times in a trace, and each walk is
 * O(blocks); only the trace chosen for the plots is recorded.
 */
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blocks.h"
#include "heaplab/memlib.h"
#include "page_array.h"

struct sample {
    uint64_t op;        /* ops done */
    uint64_t footprint; /* bytes: heap extent + mappings */
    uint64_t payload;   /* bytes: live requested sizes */
};

struct heap_block {
    uint64_t offset;         /* from the start of the heap */
    uint64_t size;           /* the whole block, header included */
    uint64_t payload_offset; /* from the block's start; 0 when free */
    uint64_t payload_size;   /* requested bytes in it; 0 when free */
    int used;
};

/* The recording under way (one per process: the replay's child). */
static struct {
    const struct timeline_request *request;
    const struct allocator *a;
    uint64_t num_ops;
    uint64_t window;
    uint64_t done;         /* ops recorded */
    struct sample pending; /* the window being filled */
    struct page_array samples;
    /* the heap map */
    uint64_t largest_footprint;
    struct page_array blocks; /* the walk being filled */
    struct page_array kept;   /* the last complete walk */
    struct blocks *driver;    /* for the payload lookup during a walk */
    uint64_t map_op, map_footprint, map_heap_bytes, map_payload;
    int map_taken;
    int walk_failed;
} tl;

/* --- the heap map ---------------------------------------------------------
 */

static void visit_block(const void *block, size_t size, int used, void *arg)
{
    (void)arg;
    struct heap_block *b = page_array_push(&tl.blocks);
    if (b == NULL) {
        tl.walk_failed = 1;
        return;
    }
    const char *start = block;
    *b = (struct heap_block){
        .offset = (uint64_t)(start - (const char *)mem_heap_lo()),
        .size = size,
        .used = used != 0,
    };
    if (!used || tl.driver == NULL || size == 0)
        return;
    const struct block_record *live = blocks_overlap(tl.driver, start, size);
    if (live != NULL && live->payload >= start) {
        b->payload_offset = (uint64_t)(live->payload - start);
        b->payload_size = live->size;
    }
}

/* Walks the heap now, after `op` ops, and keeps the walk. */
static void take_heap_map(uint64_t op, uint64_t footprint)
{
    tl.blocks.count = 0;
    tl.walk_failed = 0;
    tl.a->walk(visit_block, NULL);
    if (tl.walk_failed)
        return;
    struct page_array swap = tl.kept;
    tl.kept = tl.blocks;
    tl.blocks = swap;
    struct mem_stats stats;
    mem_get_stats(&stats);
    tl.map_op = op;
    tl.map_footprint = footprint;
    tl.map_heap_bytes = stats.heap_bytes;
    tl.map_payload = tl.driver != NULL ? tl.driver->live_bytes : 0;
    tl.map_taken = 1;
}

/* --- recording ------------------------------------------------------------
 */

void timeline_begin(const struct timeline_request *request,
                    const struct allocator *a, uint64_t num_ops)
{
    page_array_free(&tl.samples);
    page_array_free(&tl.blocks);
    page_array_free(&tl.kept);
    memset(&tl, 0, sizeof tl);
    page_array_init(&tl.samples, sizeof(struct sample));
    page_array_init(&tl.blocks, sizeof(struct heap_block));
    page_array_init(&tl.kept, sizeof(struct heap_block));
    if (request == NULL)
        return;
    tl.request = request;
    tl.a = a;
    tl.num_ops = num_ops;
    tl.window = (num_ops + TIMELINE_MAX_POINTS - 1) / TIMELINE_MAX_POINTS;
    if (tl.window == 0)
        tl.window = 1;

    struct mem_stats stats;
    mem_get_stats(&stats);
    struct sample *first = page_array_push(&tl.samples);
    if (first != NULL)
        *first = (struct sample){.op = 0, .footprint = stats.footprint};
    tl.largest_footprint = stats.footprint;
    if (request->heapmap_path != NULL && a->walk != NULL)
        take_heap_map(0, stats.footprint);
}

void timeline_sample(uint64_t index, struct blocks *blocks)
{
    if (tl.request == NULL)
        return;
    struct mem_stats stats;
    mem_get_stats(&stats);
    uint64_t done = index + 1;
    tl.done = done;
    if (stats.footprint > tl.pending.footprint)
        tl.pending.footprint = stats.footprint;
    if (blocks->live_bytes > tl.pending.payload)
        tl.pending.payload = blocks->live_bytes;
    if (done % tl.window == 0 || done == tl.num_ops) {
        struct sample *s = page_array_push(&tl.samples);
        if (s != NULL) {
            *s = tl.pending;
            s->op = done;
        }
        tl.pending = (struct sample){0};
    }

    if (tl.request->heapmap_path == NULL || tl.a->walk == NULL)
        return;
    uint64_t at = tl.request->heapmap_op;
    if (at > tl.num_ops)
        at = tl.num_ops;
    tl.driver = blocks;
    if (at == 0 && stats.footprint > tl.largest_footprint)
        take_heap_map(done, stats.footprint);
    else if (at != 0 && done == at)
        take_heap_map(done, stats.footprint);
    tl.driver = NULL;
    if (stats.footprint > tl.largest_footprint)
        tl.largest_footprint = stats.footprint;
}

/* --- the files ------------------------------------------------------------
 */

static int open_output(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        dprintf(STDERR_FILENO, "heaplab: %s: cannot write: %s\n", path,
                strerror(errno));
    return fd;
}

static void write_samples(const char *path)
{
    int fd = open_output(path);
    if (fd < 0)
        return;
    dprintf(fd,
            TIMELINE_SAMPLES_MAGIC
            "\n"
            "# trace\t%s\n"
            "# allocator\t%s\n"
            "# ops\t%llu\n"
            "# window\t%llu\n"
            "# each point: the largest footprint and the largest live "
            "payload (bytes) of the window of ops ending at op\n"
            "op\tfootprint\tpayload\n",
            tl.request->trace_name ? tl.request->trace_name : "?", tl.a->name,
            (unsigned long long)tl.num_ops, (unsigned long long)tl.window);
    const struct sample *s = tl.samples.items;
    for (size_t i = 0; i < tl.samples.count; i++)
        dprintf(fd, "%llu\t%llu\t%llu\n", (unsigned long long)s[i].op,
                (unsigned long long)s[i].footprint,
                (unsigned long long)s[i].payload);
    close(fd);
}

static void write_heap_map(const char *path)
{
    int fd = open_output(path);
    if (fd < 0)
        return;
    int at_peak = tl.request->heapmap_op == 0;
    dprintf(fd,
            TIMELINE_HEAPMAP_MAGIC
            "\n"
            "# trace\t%s\n"
            "# allocator\t%s\n"
            "# ops\t%llu\n"
            "# op\t%llu\n"
            "# when\t%s\n"
            "# footprint\t%llu\n"
            "# heap_bytes\t%llu\n"
            "# live_payload\t%llu\n"
            "# one line per block of the heap, in address order (bytes)\n"
            "offset\tsize\tused\tpayload_offset\tpayload_size\n",
            tl.request->trace_name ? tl.request->trace_name : "?", tl.a->name,
            (unsigned long long)tl.num_ops, (unsigned long long)tl.map_op,
            at_peak ? "peak" : "op", (unsigned long long)tl.map_footprint,
            (unsigned long long)tl.map_heap_bytes,
            (unsigned long long)tl.map_payload);
    const struct heap_block *b = tl.kept.items;
    for (size_t i = 0; i < tl.kept.count; i++)
        dprintf(fd, "%llu\t%llu\t%d\t%llu\t%llu\n",
                (unsigned long long)b[i].offset, (unsigned long long)b[i].size,
                b[i].used, (unsigned long long)b[i].payload_offset,
                (unsigned long long)b[i].payload_size);
    close(fd);
}

void timeline_end(void)
{
    if (tl.request == NULL)
        return;
    const struct sample *last =
        tl.samples.count
            ? (struct sample *)tl.samples.items + (tl.samples.count - 1)
            : NULL;
    if (last != NULL && last->op < tl.done) {
        /* the replay stopped inside a window: keep what it saw */
        struct sample *s = page_array_push(&tl.samples);
        if (s != NULL) {
            *s = tl.pending;
            s->op = tl.done;
        }
    }
    if (tl.request->samples_path != NULL)
        write_samples(tl.request->samples_path);
    if (tl.request->heapmap_path != NULL && tl.a->walk != NULL && tl.map_taken)
        write_heap_map(tl.request->heapmap_path);
    page_array_free(&tl.samples);
    page_array_free(&tl.blocks);
    page_array_free(&tl.kept);
    tl.request = NULL;
}
