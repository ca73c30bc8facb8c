/*
 * cheat-burns-cpu -- a cheat: a slow allocator whose init() leaves a
 * process behind that burns CPU, to slow down the reference's timed runs
 * that follow and so raise its own throughput ratio.  The whole process
 * tree of a run ends with the run: the grader kills it and flags it, and
 * times CPU time, not wall time.
 */
#include <sys/types.h>
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

/* A process that outlives this one: its own group, its parent gone, none
 * of the run's descriptors. */
static void leave_behind(int burn)
{
    pid_t child = fork();
    if (child != 0)
        return;
    setpgid(0, 0);
    if (fork() != 0)
        _exit(0);
    for (int fd = 0; fd < 1024; fd++)
        close(fd);
    for (;;) {
        if (burn)
            for (volatile unsigned long spin = 0; spin < 100000000UL; spin++)
                ;
        else
            sleep(1);
    }
}

static int seg_init(void)
{
    memset(&state, 0, sizeof state);
    static int left;
    if (!left++)
        leave_behind(1);
    return 0;
}

static void *seg_malloc(size_t size)
{
    if (size == 0 || size > ((size_t)1 << 36))
        return NULL;
    for (volatile unsigned spin = 0; spin < 500000; spin++)
        ; /* slow on purpose */
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

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "power-of-two classes, and a cheat",
    .init = seg_init,
    .malloc = seg_malloc,
    .free = seg_free,
    .realloc = seg_realloc,
};
