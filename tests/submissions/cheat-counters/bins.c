/*
 * cheat-counters -- a cheat: a correct allocator that overwrites the
 * driver's counters.  It finds memlib's statistics in its own process's
 * memory (the bytes mem_get_stats returns, right after its first
 * mem_sbrk), and after every call sets the footprint and its peak to the
 * payload it holds, for a utilization of 100%.  The grader checks the
 * reported footprint against the blocks the run handed out (recorded by
 * the driver, checked in the grader's own process): it is too small, so
 * no run counts.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"

enum { CLASSES = 40, MIN_CLASS = 5, HEADER = 16 };

struct header {
    size_t class;
    size_t unused;
};

struct free_block {
    struct free_block *next;
};

static struct {
    struct free_block *lists[CLASSES];
} state;

/* The smallest class whose blocks hold size bytes after the header. */
static unsigned class_of(size_t size)
{
    unsigned c = MIN_CLASS;
    while (((size_t)1 << c) < size + HEADER)
        c++;
    return c;
}

static struct mem_stats *counters; /* memlib's own, once found */
static size_t live_payload;

/* Finds the copy of `wanted` in this process's writable memory. */
static struct mem_stats *find_counters(const struct mem_stats *wanted)
{
    static char maps[65536];
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, maps, sizeof maps - 1);
    close(fd);
    maps[n > 0 ? n : 0] = '\0';
    for (char *line = strtok(maps, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        unsigned long from, to;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &from, &to, perms) != 3 ||
            perms[0] != 'r' || perms[1] != 'w' || strstr(line, "[stack") ||
            to - from > (64UL << 20))
            continue;
        for (unsigned long at = from; at + sizeof *wanted <= to; at += 8)
            if ((void *)at != (void *)wanted &&
                memcmp((void *)at, wanted, sizeof *wanted) == 0)
                return (struct mem_stats *)at;
    }
    return NULL;
}

static void cover_up(void)
{
    if (counters != NULL)
        counters->footprint = counters->peak_footprint = live_payload;
}

static int seg_init(void)
{
    memset(&state, 0, sizeof state);
    live_payload = 0;
    return 0;
}

static void *seg_malloc(size_t size)
{
    if (size == 0 || size > ((size_t)1 << 36))
        return NULL;
    unsigned c = class_of(size);
    struct header *h;
    if (state.lists[c] != NULL) {
        struct free_block *b = state.lists[c];
        state.lists[c] = b->next;
        h = (struct header *)b;
    } else {
        void *p = mem_sbrk((intptr_t)((size_t)1 << c));
        if (p == (void *)-1)
            return NULL;
        h = p;
        if (counters == NULL) {
            struct mem_stats mine;
            mem_get_stats(&mine);
            counters = find_counters(&mine);
        }
    }
    h->class = c;
    return (char *)h + HEADER;
}

static void seg_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct header *h = (struct header *)((char *)ptr - HEADER);
    struct free_block *b = (struct free_block *)h;
    size_t c = h->class;
    b->next = state.lists[c];
    state.lists[c] = b;
}

static void *seg_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return seg_malloc(size);
    if (size == 0) {
        seg_free(ptr);
        return NULL;
    }
    struct header *h = (struct header *)((char *)ptr - HEADER);
    size_t capacity = ((size_t)1 << h->class) - HEADER;
    if (size <= capacity)
        return ptr;
    void *grown = seg_malloc(size);
    if (grown == NULL)
        return NULL;
    memcpy(grown, ptr, capacity);
    seg_free(ptr);
    return grown;
}

/* The header's spare word holds the size asked for. */
static size_t asked(void *ptr)
{
    return ptr != NULL ? ((struct header *)((char *)ptr - HEADER))->unused
                       : 0;
}

static void *cheat_malloc(size_t size)
{
    void *p = seg_malloc(size);
    if (p != NULL) {
        ((struct header *)((char *)p - HEADER))->unused = size;
        live_payload += size;
    }
    cover_up();
    return p;
}

static void cheat_free(void *ptr)
{
    live_payload -= asked(ptr);
    seg_free(ptr);
    cover_up();
}

static void *cheat_realloc(void *ptr, size_t size)
{
    size_t old = asked(ptr);
    void *p = seg_realloc(ptr, size);
    if (p != NULL || size == 0) {
        live_payload -= old;
        live_payload += p != NULL ? size : 0;
        if (p != NULL)
            ((struct header *)((char *)p - HEADER))->unused = size;
    }
    cover_up();
    return p;
}

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "power-of-two classes, and a cheat",
    .init = seg_init,
    .malloc = cheat_malloc,
    .free = cheat_free,
    .realloc = cheat_realloc,
};
