/*
 * blocks.c -- the driver's own view of the heap (see blocks.h).
 *
 * Invariants:
 *   live_count == number of records with live == 1
 *              == nodes in the tree + live records with a NULL payload
 *   live_bytes == sum of size over live records
 *   live payload ranges [payload, payload + max(size, 1)) are disjoint,
 *   so ordering the tree by payload address orders the ranges too.
 */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

#include "heaplab/verify.h"
#include "pages.h"

static int block_compare(const struct block_record *a,
                         const struct block_record *b)
{
    return (a->payload > b->payload) - (a->payload < b->payload);
}

/* RB_GENERATE_STATIC needs BSD's __unused, which libbsd leaves undefined. */
RB_GENERATE_INTERNAL(block_tree, block_record, link, block_compare,
                     static __attribute__((unused)))

static inline uint64_t extent(uint64_t size)
{
    return size == 0 ? 1 : size;
}

int blocks_init(struct blocks *blocks, size_t num_ids)
{
    memset(blocks, 0, sizeof *blocks);
    blocks->records = pages_alloc(num_ids * sizeof *blocks->records);
    if (blocks->records == NULL)
        return -1;
    blocks->count = num_ids;
    blocks_clear(blocks);
    return 0;
}

void blocks_free(struct blocks *blocks)
{
    pages_free(blocks->records, blocks->count * sizeof *blocks->records);
    memset(blocks, 0, sizeof *blocks);
}

void blocks_clear(struct blocks *blocks)
{
    memset(blocks->records, 0, blocks->count * sizeof *blocks->records);
    for (size_t i = 0; i < blocks->count; i++)
        blocks->records[i].id = (int32_t)i;
    RB_INIT(&blocks->live);
    blocks->live_bytes = 0;
    blocks->live_count = 0;
}

struct block_record *blocks_overlap(struct blocks *blocks, const char *payload,
                                    uint64_t size)
{
    struct block_record key = {.payload = (char *)payload};
    /* The first live block at or after payload ... */
    struct block_record *next = RB_NFIND(block_tree, &blocks->live, &key);
    if (next != NULL && (uintptr_t)next->payload - (uintptr_t)payload <
                            extent(size))
        return next;
    /* ... and the last one before it. */
    struct block_record *prev = next != NULL
                                    ? RB_PREV(block_tree, &blocks->live, next)
                                    : RB_MAX(block_tree, &blocks->live);
    if (prev != NULL && (uintptr_t)payload - (uintptr_t)prev->payload <
                            extent(prev->size))
        return prev;
    return NULL;
}

void blocks_add(struct blocks *blocks, int32_t id, char *payload,
                uint64_t size, uint32_t line)
{
    struct block_record *record = &blocks->records[id];
    VERIFY(!record->live);
    record->payload = payload;
    record->size = size;
    record->line = line;
    record->freed_line = 0;
    record->live = 1;
    if (payload != NULL) /* malloc(0) may return NULL, more than once */
        VERIFY(RB_INSERT(block_tree, &blocks->live, record) == NULL);
    blocks->live_bytes += size;
    blocks->live_count++;
}

void blocks_remove(struct blocks *blocks, int32_t id, uint32_t line)
{
    struct block_record *record = &blocks->records[id];
    VERIFY(record->live);
    if (record->payload != NULL)
        RB_REMOVE(block_tree, &blocks->live, record);
    record->live = 0;
    record->freed_line = line;
    blocks->live_bytes -= record->size;
    blocks->live_count--;
}

const struct block_record *blocks_holding(const struct blocks *blocks,
                                          const void *addr)
{
    const struct block_record *node = RB_ROOT(&blocks->live);
    const char *at = addr;
    while (node != NULL) {
        if (at < node->payload)
            node = RB_LEFT(node, link);
        else if ((uint64_t)(at - node->payload) < extent(node->size))
            return node;
        else
            node = RB_RIGHT(node, link);
    }
    return NULL;
}

const struct block_record *blocks_freed_holding(const struct blocks *blocks,
                                                const void *addr)
{
    const struct block_record *best = NULL;
    const char *at = addr;
    for (size_t i = 0; i < blocks->count; i++) {
        const struct block_record *r = &blocks->records[i];
        if (r->live || r->payload == NULL || at < r->payload ||
            (uint64_t)(at - r->payload) >= extent(r->size))
            continue;
        if (best == NULL || r->freed_line > best->freed_line)
            best = r;
    }
    return best;
}

const struct block_record *blocks_first_live(const struct blocks *blocks)
{
    return RB_MIN(block_tree, (struct block_tree *)&blocks->live);
}

const struct block_record *blocks_next_live(const struct blocks *blocks,
                                            const struct block_record *r)
{
    (void)blocks;
    return RB_NEXT(block_tree, NULL, (struct block_record *)r);
}
