/*
 * cheat-forges-report -- a cheat: a constructor writes a perfect result
 * on the descriptor where the driver reports to the grader, and ends the
 * program before the driver runs.  The grader believes no run that comes
 * without the driver's record of the pointers it checked.
 */
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

__attribute__((constructor)) static void forge(void)
{
    static const char fake[] =
        "{\"status\": \"ok\", \"message\": \"\", \"util\": 0.99, "
        "\"ops\": 200, \"ops_per_sec\": 1e12, \"samples\": 3, "
        "\"peak_payload\": 1, \"peak_footprint\": 1, \"weight\": 1, "
        "\"output\": \"\", \"output_dropped\": 0}";
    ssize_t ignored = write(3, fake, sizeof fake - 1);
    (void)ignored;
    _exit(0);
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
