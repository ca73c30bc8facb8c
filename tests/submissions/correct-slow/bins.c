/*
 * correct-slow -- correct, but malloc spins on a useless loop first: full
 * marks for correctness and utilization, none for throughput.
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

static int seg_init(void)
{
    memset(&state, 0, sizeof state);
    return 0;
}

static void *seg_malloc(size_t size)
{
    if (size == 0 || size > ((size_t)1 << 36))
        return NULL;
    /* BUG: wasted time on every call.  Enough that its throughput ratio
     * (~0.004) stays far below the test rubric's 0.05 also when the
     * reference runs in the AddressSanitizer build, whose own slowness
     * brings the ratio up: 50000 turns gave 0.03-0.06 there. */
    for (volatile unsigned spin = 0; spin < 500000; spin++)
        ;
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
    .summary = "power-of-two classes, no coalescing",
    .init = seg_init,
    .malloc = seg_malloc,
    .free = seg_free,
    .realloc = seg_realloc,
};
