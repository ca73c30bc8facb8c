/*
 * cheat-timed-only -- a cheat: a slow allocator that behaves while it is
 * checked, and cheats in the timed replays.  It counts its init() calls:
 * the checked runs call it twice (the trace twice in one process), a
 * timed run once for the checked replay and once per pass.  From the
 * third on, malloc hands out one fixed pointer at once.  The timed
 * passes must hand out the pointers of the checked replay (a running hash,
 * compared by the grader): they do not, so throughput counts 0.
 */
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

static unsigned inits;

static int seg_init(void)
{
    memset(&state, 0, sizeof state);
    inits++;
    return 0;
}

static void *honest_malloc(size_t size)
{
    if (size == 0 || size > ((size_t)1 << 36))
        return NULL;
    for (volatile unsigned spin = 0; spin < 50000; spin++)
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
        return honest_malloc(size);
    if (size == 0) {
        seg_free(ptr);
        return NULL;
    }
    struct header *h = (struct header *)((char *)ptr - HEADER);
    size_t capacity = ((size_t)1 << h->class) - HEADER;
    if (size <= capacity)
        return ptr;
    void *grown = honest_malloc(size);
    if (grown == NULL)
        return NULL;
    memcpy(grown, ptr, capacity);
    seg_free(ptr);
    return grown;
}

static void *cheat_malloc(size_t size)
{
    if (inits >= 3) /* timed: nobody checks */
        return (char *)mem_heap_lo() + HEADER;
    return honest_malloc(size);
}

static void cheat_free(void *ptr)
{
    if (inits < 3)
        seg_free(ptr);
}

static void *cheat_realloc(void *ptr, size_t size)
{
    if (inits >= 3)
        return size ? ptr : NULL;
    return seg_realloc(ptr, size);
}

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "power-of-two classes, and a cheat",
    .init = seg_init,
    .malloc = cheat_malloc,
    .free = cheat_free,
    .realloc = cheat_realloc,
};
