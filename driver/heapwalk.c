/* heapwalk.c -- see heapwalk.h. */
#include "heapwalk.h"

struct walk_context {
    struct heap_walk *walk;
    const struct blocks *live;
    int failed;
};

static void visit(const void *block, size_t size, int used, void *arg)
{
    struct walk_context *c = arg;
    struct walked_block *b = page_array_push(&c->walk->blocks);
    if (b == NULL) {
        c->failed = 1;
        return;
    }
    b->start = block;
    b->size = size;
    b->used = used != 0;
    if (used && size > 0 && c->live != NULL)
        b->owner = blocks_overlap((struct blocks *)c->live, block, size);
}

int heap_walk_take(struct heap_walk *walk, const struct allocator *a,
                   const struct blocks *live)
{
    page_array_init(&walk->blocks, sizeof(struct walked_block));
    struct walk_context c = {.walk = walk, .live = live};
    walk->from_walk = a->walk != NULL;
    if (a->walk != NULL) {
        a->walk(visit, &c);
        return c.failed ? -1 : 0;
    }
    /* The driver's view: every live payload, in address order. */
    for (const struct block_record *r = blocks_first_live(live); r != NULL;
         r = blocks_next_live(live, r)) {
        struct walked_block *b = page_array_push(&walk->blocks);
        if (b == NULL)
            return -1;
        *b = (struct walked_block){.start = r->payload,
                                   .size = r->size,
                                   .used = 1,
                                   .owner = r};
    }
    return 0;
}

void heap_walk_free(struct heap_walk *walk)
{
    page_array_free(&walk->blocks);
}

size_t heap_walk_find(const struct heap_walk *walk, const void *addr)
{
    size_t lo = 0, hi = walk->blocks.count;
    const char *at = addr;
    while (lo < hi) { /* the first block that ends after addr */
        size_t mid = lo + (hi - lo) / 2;
        const struct walked_block *b = heap_walk_at(walk, mid);
        if ((size_t)(at - b->start) < b->size && at >= b->start)
            return mid;
        if (b->start + b->size <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return walk->blocks.count;
}
