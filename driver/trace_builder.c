/*
 * trace_builder.c -- heap calls on real pointers in, trace ops out
 * (trace_builder.h has the table of what becomes what).
 *
 * The pointer table maps a live pointer to its id: open addressing with
 * linear probing, at most half full, deletion by shifting later entries
 * back (no tombstones, so a long recording does not slow down).  Pointer 0
 * never enters it and marks an empty slot.
 *
 * Invariants:
 *     stats.live_blocks == entries in the table
 *     stats.live_bytes  == sum of sizes[id] over the ids in the table
 *     2 * live_blocks   <= slots_capacity   (when slots_capacity > 0)
 */
#include "trace_builder.h"

#include <stdlib.h>
#include <string.h>

struct pointer_slot {
    uint64_t pointer; /* 0: empty */
    int32_t id;
};

/* Op lines as in the written file: 4 header lines come first. */
enum { HEADER_LINES = 4 };

void builder_init(struct trace_builder *b)
{
    memset(b, 0, sizeof *b);
}

void builder_destroy(struct trace_builder *b)
{
    free(b->ops);
    free(b->sizes);
    free(b->slots);
    memset(b, 0, sizeof *b);
}

/* --- the pointer table --------------------------------------------------- */

static size_t slot_of(const struct trace_builder *b, uint64_t pointer)
{
    /* Fibonacci hashing: pointers are 16-byte aligned, so mix the bits. */
    uint64_t hash = (pointer >> 4) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(hash >> 32) & (b->slots_capacity - 1);
}

/* The slot holding pointer, or NULL. */
static struct pointer_slot *table_find(const struct trace_builder *b,
                                       uint64_t pointer)
{
    if (b->slots_capacity == 0)
        return NULL;
    for (size_t i = slot_of(b, pointer);; i = (i + 1) & (b->slots_capacity - 1)) {
        if (b->slots[i].pointer == pointer)
            return &b->slots[i];
        if (b->slots[i].pointer == 0)
            return NULL;
    }
}

static void table_put(struct trace_builder *b, uint64_t pointer, int32_t id)
{
    size_t i = slot_of(b, pointer);
    while (b->slots[i].pointer != 0)
        i = (i + 1) & (b->slots_capacity - 1);
    b->slots[i] = (struct pointer_slot){.pointer = pointer, .id = id};
}

/* Room for one more entry; -1 when out of memory. */
static int table_reserve(struct trace_builder *b)
{
    if (2 * (b->stats.live_blocks + 1) <= b->slots_capacity)
        return 0;
    size_t old_capacity = b->slots_capacity;
    struct pointer_slot *old = b->slots;
    size_t capacity = old_capacity == 0 ? 1024 : 2 * old_capacity;
    b->slots = calloc(capacity, sizeof *b->slots);
    if (b->slots == NULL) {
        b->slots = old;
        return -1;
    }
    b->slots_capacity = capacity;
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i].pointer != 0)
            table_put(b, old[i].pointer, old[i].id);
    free(old);
    return 0;
}

/* Empties the slot and moves later entries of its run back into the gap. */
static void table_remove(struct trace_builder *b, struct pointer_slot *slot)
{
    size_t mask = b->slots_capacity - 1;
    size_t gap = (size_t)(slot - b->slots);
    for (size_t i = (gap + 1) & mask; b->slots[i].pointer != 0;
         i = (i + 1) & mask) {
        size_t home = slot_of(b, b->slots[i].pointer);
        /* The entry may move to the gap when its home is not in (gap, i]. */
        int stays = gap <= i ? (home > gap && home <= i)
                             : (home > gap || home <= i);
        if (!stays) {
            b->slots[gap] = b->slots[i];
            gap = i;
        }
    }
    b->slots[gap].pointer = 0;
}

/* --- ops ----------------------------------------------------------------- */

static int push_op(struct trace_builder *b, char kind, int32_t id,
                   uint64_t size)
{
    if (b->num_ops == b->ops_capacity) {
        size_t capacity = b->ops_capacity == 0 ? 1024 : 2 * b->ops_capacity;
        struct trace_op *ops = realloc(b->ops, capacity * sizeof *ops);
        if (ops == NULL)
            return -1;
        b->ops = ops;
        b->ops_capacity = capacity;
    }
    uint64_t line = (uint64_t)b->num_ops + HEADER_LINES + 1;
    b->ops[b->num_ops++] = (struct trace_op){
        .kind = kind,
        .id = id,
        .size = size,
        .line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line,
    };
    return 0;
}

static void add_live(struct trace_builder *b, uint64_t size)
{
    struct builder_stats *s = &b->stats;
    s->live_bytes = size > UINT64_MAX - s->live_bytes ? UINT64_MAX
                                                      : s->live_bytes + size;
    if (s->live_bytes > s->peak_bytes)
        s->peak_bytes = s->live_bytes;
}

/* Emits `f ID` for the block in slot and forgets it. */
static int free_slot(struct trace_builder *b, struct pointer_slot *slot)
{
    int32_t id = slot->id;
    if (push_op(b, OP_FREE, id, 0) != 0)
        return -1;
    b->stats.live_bytes -= b->sizes[id];
    b->sizes[id] = 0;
    b->stats.live_blocks--;
    table_remove(b, slot);
    return 0;
}

/* A new block: the next id, `a ID size`. */
static int new_block(struct trace_builder *b, uint64_t pointer, uint64_t size)
{
    struct pointer_slot *slot = table_find(b, pointer);
    if (slot != NULL) { /* its free was never seen */
        b->stats.lost_frees++;
        if (free_slot(b, slot) != 0)
            return -1;
    }
    if (b->num_ids >= INT32_MAX || table_reserve(b) != 0)
        return -1;
    if (b->num_ids == b->ids_capacity) {
        size_t capacity = b->ids_capacity == 0 ? 1024 : 2 * b->ids_capacity;
        uint64_t *sizes = realloc(b->sizes, capacity * sizeof *sizes);
        if (sizes == NULL)
            return -1;
        b->sizes = sizes;
        b->ids_capacity = capacity;
    }
    int32_t id = (int32_t)b->num_ids;
    if (push_op(b, OP_ALLOC, id, size) != 0)
        return -1;
    b->num_ids++;
    b->sizes[id] = size;
    table_put(b, pointer, id);
    b->stats.live_blocks++;
    add_live(b, size);
    return 0;
}

int builder_malloc(struct trace_builder *b, uint64_t result, uint64_t size)
{
    b->stats.calls++;
    if (result == 0) {
        b->stats.failed++;
        return 0;
    }
    return new_block(b, result, size);
}

int builder_free(struct trace_builder *b, uint64_t pointer)
{
    b->stats.calls++;
    if (pointer == 0) {
        b->stats.free_nulls++;
        return 0;
    }
    struct pointer_slot *slot = table_find(b, pointer);
    if (slot == NULL) {
        b->stats.unknown_frees++;
        return 0;
    }
    return free_slot(b, slot);
}

int builder_realloc(struct trace_builder *b, uint64_t old, uint64_t result,
                    uint64_t size)
{
    b->stats.calls++;
    if (old == 0) /* realloc(NULL, n) is malloc(n) */
        return result == 0 ? (b->stats.failed++, 0)
                           : new_block(b, result, size);
    struct pointer_slot *slot = table_find(b, old);
    if (slot == NULL) {
        b->stats.unknown_frees++;
        return result == 0 ? 0 : new_block(b, result, size);
    }
    if (result == 0) {
        if (size != 0) { /* failed: the old block stays */
            b->stats.failed++;
            return 0;
        }
        return free_slot(b, slot); /* realloc(p, 0) freed p */
    }
    if (size == 0) { /* freed p, then gave out a block of 0 bytes */
        if (free_slot(b, slot) != 0)
            return -1;
        return new_block(b, result, 0);
    }
    int32_t id = slot->id;
    if (result != old) {
        struct pointer_slot *taken = table_find(b, result);
        if (taken != NULL) { /* result was live: its free was missed */
            b->stats.lost_frees++;
            if (free_slot(b, taken) != 0)
                return -1;
            slot = table_find(b, old); /* the table may have moved */
        }
        table_remove(b, slot);
        table_put(b, result, id);
    }
    if (push_op(b, OP_REALLOC, id, size) != 0)
        return -1;
    b->stats.live_bytes -= b->sizes[id];
    b->sizes[id] = size;
    add_live(b, size);
    return 0;
}

static int by_id(const void *left, const void *right)
{
    const struct pointer_slot *l = left, *r = right;
    return (l->id > r->id) - (l->id < r->id);
}

int builder_release_all(struct trace_builder *b)
{
    size_t count = b->stats.live_blocks;
    if (count == 0)
        return 0;
    struct pointer_slot *live = malloc(count * sizeof *live);
    if (live == NULL)
        return -1;
    size_t found = 0;
    for (size_t i = 0; i < b->slots_capacity; i++)
        if (b->slots[i].pointer != 0)
            live[found++] = b->slots[i];
    /* In id order, so the ops do not depend on the table's layout. */
    qsort(live, found, sizeof *live, by_id);
    int status = 0;
    for (size_t i = 0; i < found && status == 0; i++) {
        b->stats.released++;
        status = free_slot(b, table_find(b, live[i].pointer));
    }
    free(live);
    return status;
}

static char *copy_text(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (copy != NULL) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

int builder_finish(struct trace_builder *b, const char *path,
                   struct trace *trace)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    memset(trace, 0, sizeof *trace);
    trace->path = copy_text(path, strlen(path));
    trace->name = copy_text(base, length);
    if (trace->path == NULL || trace->name == NULL) {
        trace_free(trace);
        return -1;
    }
    trace->format = TRACE_CSAPP;
    trace->weight = WEIGHT_BOTH;
    trace->heap_hint = 0; /* trace_write puts the peak payload there */
    trace->num_ids = b->num_ids;
    trace->num_ops = b->num_ops;
    trace->ops = b->ops;
    b->ops = NULL;
    b->num_ops = b->ops_capacity = 0;
    return 0;
}
