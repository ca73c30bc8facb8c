/*
 * gen.c -- the trace generators (gen.h says what they are for).
 *
 * Sections: the trace builder → the patterns → the table of patterns and
 * gen_make.  The random numbers come from rng.h.
 *
 * Every pattern is a short function that emits ops through the builder;
 * the builder numbers the lines, counts the ids and knows which ids are
 * live, so a pattern cannot emit an op the parser would refuse (it aborts
 * instead: that is a bug in this file).  Unless the caller asks for an
 * unbalanced trace, a pattern ends by freeing what is still live; the
 * patterns whose frees are the point (lifo-*, fifo-*, coalescing) free
 * everything on their own and are the same either way.
 *
 * The COS 217 patterns follow testheapmgr.c (Bob Dondero's test client
 * for the heap manager assignment) op for op, with its rand() replaced by
 * ours; its count argument is our N.  The CS:APP shapes follow the malloc
 * lab traces binary-bal, coalescing-bal and realloc-bal, scaled by N and
 * SIZE.
 */
#include "gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* --- the trace builder --------------------------------------------------- */

/* Lines of the classic header before the first op. */
enum { HEADER_LINES = 4 };

/*
 * Invariants: ops[0 .. num_ops) is a valid trace; live[id] is 1 exactly
 * for the ids allocated and not yet freed; num_ids == largest id + 1.
 */
struct builder {
    struct trace_op *ops;
    size_t num_ops;
    size_t ops_capacity;
    unsigned char *live; /* ids_capacity entries */
    size_t num_ids;
    size_t ids_capacity;
    int out_of_memory; /* once set, emit() does nothing */
    struct rng rng;
};

/* A bug in a pattern, not a user error: say which op, then stop. */
static void broken_pattern(char kind, int32_t id, const char *why)
{
    fprintf(stderr, "heaplab gen: internal error: '%c %" PRId32 "': %s\n",
            kind, id, why);
    abort();
}

static int grow(void **array, size_t *capacity, size_t needed,
                size_t item_size)
{
    if (needed <= *capacity)
        return 0;
    size_t bigger = *capacity < 1024 ? 1024 : *capacity;
    while (bigger < needed)
        bigger *= 2;
    void *moved = realloc(*array, bigger * item_size);
    if (moved == NULL)
        return -1;
    *array = moved;
    *capacity = bigger;
    return 0;
}

static void emit(struct builder *b, char kind, size_t id, uint64_t size)
{
    if (b->out_of_memory)
        return;
    void *ops = b->ops;
    if (grow(&ops, &b->ops_capacity, b->num_ops + 1, sizeof *b->ops) != 0) {
        b->out_of_memory = 1;
        return;
    }
    b->ops = ops;
    size_t old_capacity = b->ids_capacity;
    void *live = b->live;
    if (grow(&live, &b->ids_capacity, id + 1, sizeof *b->live) != 0) {
        b->out_of_memory = 1;
        return;
    }
    b->live = live;
    memset(b->live + old_capacity, 0, b->ids_capacity - old_capacity);

    if (kind == OP_ALLOC && b->live[id])
        broken_pattern(kind, (int32_t)id, "the id is live");
    if (kind != OP_ALLOC && !b->live[id])
        broken_pattern(kind, (int32_t)id, "the id is not live");
    if (kind != OP_FREE && size == 0)
        broken_pattern(kind, (int32_t)id, "size 0");
    b->live[id] = kind != OP_FREE;
    if (id >= b->num_ids)
        b->num_ids = id + 1;
    b->ops[b->num_ops] = (struct trace_op){
        .size = size,
        .id = (int32_t)id,
        .line = (uint32_t)(b->num_ops + HEADER_LINES + 1),
        .kind = kind,
    };
    b->num_ops++;
}

static void emit_malloc(struct builder *b, size_t id, uint64_t size)
{
    emit(b, OP_ALLOC, id, size);
}

static void emit_realloc(struct builder *b, size_t id, uint64_t size)
{
    emit(b, OP_REALLOC, id, size);
}

static void emit_free(struct builder *b, size_t id)
{
    emit(b, OP_FREE, id, 0);
}

/* The balancing end: frees every live id, smallest id first. */
static void free_the_rest(struct builder *b, const struct gen_params *p)
{
    if (p->unbalanced)
        return;
    for (size_t id = 0; id < b->num_ids; id++)
        if (b->live[id])
            emit_free(b, id);
}

/* A table of N numbers for the patterns' bookkeeping. */
static size_t *numbers(struct builder *b, size_t count)
{
    size_t *table = calloc(count ? count : 1, sizeof *table);
    if (table == NULL)
        b->out_of_memory = 1;
    return table;
}

/* --- COS 217: testheapmgr's seven tests ---------------------------------- */

/* LifoFixed, FifoFixed, LifoRandom, FifoRandom: N mallocs, then N frees;
 * random sizes are drawn first, all N of them, as testheapmgr does. */
static void make_stack_or_queue(struct builder *b, const struct gen_params *p,
                                int random_sizes, int newest_first)
{
    size_t n = p->count;
    size_t *sizes = numbers(b, n);
    if (sizes == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        sizes[i] = random_sizes ? rng_between(&b->rng, 1, p->size) : p->size;
    for (size_t i = 0; i < n; i++)
        emit_malloc(b, i, sizes[i]);
    for (size_t i = 0; i < n; i++)
        emit_free(b, newest_first ? n - 1 - i : i);
    free(sizes);
}

static void make_lifo_fixed(struct builder *b, const struct gen_params *p)
{
    make_stack_or_queue(b, p, 0, 1);
}

static void make_fifo_fixed(struct builder *b, const struct gen_params *p)
{
    make_stack_or_queue(b, p, 0, 0);
}

static void make_lifo_random(struct builder *b, const struct gen_params *p)
{
    make_stack_or_queue(b, p, 1, 1);
}

static void make_fifo_random(struct builder *b, const struct gen_params *p)
{
    make_stack_or_queue(b, p, 1, 0);
}

/*
 * RandomFixed, RandomRandom: N/3+1 slots, each empty or holding a block
 * (the slot number is the trace id).  Until N mallocs have happened: pick
 * a slot, malloc into it if empty; pick a slot, free it if full.  So at
 * most N/3+1 blocks are live.  RandomRandom gives each slot its own size,
 * drawn before the loop.
 */
static void make_random_order(struct builder *b, const struct gen_params *p,
                              int random_sizes)
{
    size_t slots = p->count / 3 + 1;
    size_t *sizes = numbers(b, slots);
    unsigned char *full = calloc(slots, 1);
    if (sizes == NULL || full == NULL) {
        b->out_of_memory = 1;
        free(sizes);
        free(full);
        return;
    }
    for (size_t i = 0; i < slots; i++)
        sizes[i] = random_sizes ? rng_between(&b->rng, 1, p->size) : p->size;
    for (size_t mallocs = 0; mallocs < p->count && !b->out_of_memory;) {
        size_t slot = rng_below(&b->rng, slots);
        if (!full[slot]) {
            emit_malloc(b, slot, sizes[slot]);
            full[slot] = 1;
            mallocs++;
        }
        slot = rng_below(&b->rng, slots);
        if (full[slot]) {
            emit_free(b, slot);
            full[slot] = 0;
        }
    }
    free_the_rest(b, p);
    free(sizes);
    free(full);
}

static void make_random_fixed(struct builder *b, const struct gen_params *p)
{
    make_random_order(b, p, 0);
}

static void make_random_random(struct builder *b, const struct gen_params *p)
{
    make_random_order(b, p, 1);
}

/*
 * Worst, for a heap manager with one free list that it searches first
 * fit and pushes freed blocks onto (N rounded up to even):
 *   1. N mallocs: at even i a block of i*MAX/N + 1 bytes (growing), at
 *      odd i a 1-byte block that keeps its neighbours from coalescing;
 *   2. free the growing blocks, largest (newest) first: the list now
 *      holds them smallest first;
 *   3. malloc them again, largest first: each search walks the whole
 *      list, and each finds its own old block at the far end;
 *   4. free everything (the balancing end).
 */
static uint64_t worst_size(size_t i, size_t n, uint64_t max)
{
    return (uint64_t)i * max / n + 1;
}

static void make_worst(struct builder *b, const struct gen_params *p)
{
    size_t n = p->count + p->count % 2;
    for (size_t i = 0; i < n; i += 2) {
        emit_malloc(b, i, worst_size(i, n, p->size));
        emit_malloc(b, i + 1, 1);
    }
    for (size_t i = n; i >= 2; i -= 2)
        emit_free(b, i - 2);
    for (size_t i = n; i >= 2; i -= 2)
        emit_malloc(b, i - 2, worst_size(i - 2, n, p->size));
    free_the_rest(b, p);
}

/* --- CS:APP malloc lab shapes -------------------------------------------- */

/*
 * binary (binary-bal: 64/448/512; binary2-bal: 16/112/128): N blocks
 * alternating SIZE and 7*SIZE bytes (N rounded up to even); free the
 * large ones; malloc N/2 blocks of 8*SIZE, which fit none of the holes
 * because the small blocks still sit between them.  A policy without a
 * good fit for this wastes nearly half of the heap.
 */
static void make_binary(struct builder *b, const struct gen_params *p)
{
    size_t n = p->count + p->count % 2;
    for (size_t i = 0; i < n; i++)
        emit_malloc(b, i, i % 2 ? 7 * p->size : p->size);
    for (size_t i = 1; i < n; i += 2)
        emit_free(b, i);
    for (size_t i = 0; i < n / 2; i++)
        emit_malloc(b, n + i, 8 * p->size);
    free_the_rest(b, p);
}

/*
 * coalescing (coalescing-bal: SIZE 4095): N blocks in pairs (N rounded up
 * to even): two neighbours of SIZE bytes, both freed, then one block of
 * 2*SIZE that fits in their place only if they were coalesced, freed too.
 */
static void make_coalescing(struct builder *b, const struct gen_params *p)
{
    size_t pairs = (p->count + 1) / 2;
    for (size_t i = 0; i < pairs; i++) {
        emit_malloc(b, 3 * i, p->size);
        emit_malloc(b, 3 * i + 1, p->size);
        emit_free(b, 3 * i);
        emit_free(b, 3 * i + 1);
        emit_malloc(b, 3 * i + 2, 2 * p->size);
        emit_free(b, 3 * i + 2);
    }
}

/*
 * realloc-grow (realloc-bal: SIZE 128): block 0 starts at 4*SIZE bytes
 * and grows by SIZE in each of N reallocs; between two reallocs a new
 * SIZE-byte block is malloc'ed and the previous one freed, so the block
 * right after block 0 is always taken: growing in place needs the free
 * space to be found, not just the top of the heap.
 */
static void make_realloc_grow(struct builder *b, const struct gen_params *p)
{
    emit_malloc(b, 0, 4 * p->size);
    emit_malloc(b, 1, p->size);
    for (size_t step = 1; step <= p->count; step++) {
        emit_realloc(b, 0, (4 + step) * p->size);
        emit_malloc(b, step + 1, p->size);
        emit_free(b, step);
    }
    free_the_rest(b, p);
}

/* --- our own ------------------------------------------------------------- */

/* Removes entry i of a table of `count`, moving the last one into it. */
static size_t take_entry(size_t *table, size_t *count, size_t i)
{
    size_t taken = table[i];
    table[i] = table[--*count];
    return taken;
}

/*
 * phases: a program's life in three phases, N blocks of 1..MAX bytes.
 *   build-up      N/2 mallocs, nothing freed;
 *   steady state  N - N/2 times: free a random live block, malloc one;
 *   tear-down     free all live blocks in random order (the balancing end).
 */
static void make_phases(struct builder *b, const struct gen_params *p)
{
    size_t n = p->count, live_count = 0;
    size_t *live = numbers(b, n);
    if (live == NULL)
        return;
    for (size_t id = 0; id < n; id++) {
        if (id >= n / 2 && live_count > 0)
            emit_free(b, take_entry(live, &live_count,
                                    rng_below(&b->rng, live_count)));
        emit_malloc(b, id, rng_between(&b->rng, 1, p->size));
        live[live_count++] = id;
    }
    while (live_count > 0 && !p->unbalanced)
        emit_free(
            b, take_entry(live, &live_count, rng_below(&b->rng, live_count)));
    free(live);
}

/*
 * real-sizes: what measurements of real programs show (most requests
 * small, a heavy tail, most blocks dying young), from integers only.
 *
 * Sizes: a power law.  Class k = 0..7 has probability 2^-(k+1) (class 7
 * takes the remainder, 2^-7) and holds sizes [16*2^(k-1), 16*2^k), class
 * 0 being 1..15: half the blocks are under 16 bytes, P(size >= s) falls
 * like 1/s up to 2 KiB.  One block in 64 is large: 2 KiB..MAX, uniform.
 * No size exceeds MAX.
 *
 * Lives: each step mallocs (55%), reallocs a random live block to up to
 * twice its size (5%), or frees (40%): three times in four one of the 8
 * newest blocks, else any live block.
 */
enum {
    SMALL_CLASSES = 8, /* 1..15, 16..31, ..., 1024..2047 */
    LARGE_ONE_IN = 64, /* one block in 64 is large */
    LARGE_MIN = 2048,  /* where the large ones start */
    YOUNG_WINDOW = 8,  /* "the newest blocks" */
};

static uint64_t real_size(struct rng *rng, uint64_t max)
{
    uint64_t size;
    if (rng_below(rng, LARGE_ONE_IN) == 0 && max > LARGE_MIN) {
        size = rng_between(rng, LARGE_MIN, max);
    } else {
        uint64_t bits = rng_next(rng) | UINT64_C(1) << (SMALL_CLASSES - 1);
        int k = __builtin_ctzll(bits); /* 0..7, P(k) = 2^-(k+1) */
        uint64_t low = k == 0 ? 1 : UINT64_C(8) << k;
        uint64_t high = (UINT64_C(16) << k) - 1;
        size = rng_between(rng, low, high);
    }
    return size < max ? size : max;
}

static void make_real_sizes(struct builder *b, const struct gen_params *p)
{
    size_t n = p->count, live_count = 0, next_id = 0;
    size_t *live = numbers(b, n); /* ids, oldest first (roughly) */
    uint64_t *sizes = calloc(n ? n : 1, sizeof *sizes); /* by id */
    if (live == NULL || sizes == NULL) {
        b->out_of_memory = 1;
        free(live);
        free(sizes);
        return;
    }
    while (next_id < n && !b->out_of_memory) {
        uint64_t roll = rng_below(&b->rng, 100);
        if (live_count == 0 || roll < 55) {
            sizes[next_id] = real_size(&b->rng, p->size);
            emit_malloc(b, next_id, sizes[next_id]);
            live[live_count++] = next_id++;
        } else if (roll < 60) {
            size_t id = live[rng_below(&b->rng, live_count)];
            uint64_t grown = sizes[id] + rng_between(&b->rng, 1, sizes[id]);
            sizes[id] = grown < p->size ? grown : p->size;
            emit_realloc(b, id, sizes[id]);
        } else if (rng_below(&b->rng, 4) != 0) { /* a young one */
            size_t window =
                live_count < YOUNG_WINDOW ? live_count : YOUNG_WINDOW;
            size_t i = live_count - 1 - rng_below(&b->rng, window);
            emit_free(b, live[i]);
            memmove(live + i, live + i + 1,
                    (live_count - i - 1) * sizeof *live);
            live_count--;
        } else {
            emit_free(b, take_entry(live, &live_count,
                                    rng_below(&b->rng, live_count)));
        }
    }
    free_the_rest(b, p);
    free(live);
    free(sizes);
}

/* --- the table ----------------------------------------------------------- */

struct entry {
    struct gen_pattern pattern;
    void (*make)(struct builder *b, const struct gen_params *p);
};

static const struct entry entries[] = {
    {{"lifo-fixed", "N blocks of SIZE bytes, freed newest first (COS 217)",
      GEN_FIXED, 1000, 64},
     make_lifo_fixed},
    {{"fifo-fixed", "N blocks of SIZE bytes, freed oldest first (COS 217)",
      GEN_FIXED, 1000, 64},
     make_fifo_fixed},
    {{"lifo-random", "N blocks of 1..MAX bytes, freed newest first (COS 217)",
      GEN_RANDOM, 1000, 1024},
     make_lifo_random},
    {{"fifo-random", "N blocks of 1..MAX bytes, freed oldest first (COS 217)",
      GEN_RANDOM, 1000, 1024},
     make_fifo_random},
    {{"random-fixed",
      "N mallocs of SIZE into N/3+1 slots, frees at random (COS 217)",
      GEN_FIXED, 1000, 64},
     make_random_fixed},
    {{"random-random",
      "random-fixed with a random size 1..MAX per slot (COS 217)", GEN_RANDOM,
      1000, 1024},
     make_random_random},
    {{"worst",
      "N blocks up to MAX, 1-byte ones between, retaken largest first "
      "(COS 217)",
      GEN_RANDOM, 1000, 1024},
     make_worst},
    {{"binary",
      "N blocks of SIZE and 7*SIZE; the large freed, N/2 of 8*SIZE "
      "(CS:APP)",
      GEN_FIXED, 1000, 64},
     make_binary},
    {{"coalescing",
      "N blocks in SIZE-byte pairs, each freed, then 2*SIZE (CS:APP)",
      GEN_FIXED, 1000, 4095},
     make_coalescing},
    {{"realloc-grow",
      "one block grown N times by SIZE bytes among SIZE-byte ones "
      "(CS:APP)",
      GEN_FIXED, 500, 128},
     make_realloc_grow},
    {{"phases", "N blocks of 1..MAX: build-up to N/2, steady state, tear-down",
      GEN_RANDOM, 1000, 512},
     make_phases},
    {{"real-sizes",
      "N blocks, power-law sizes up to MAX, short lives, some reallocs",
      GEN_RANDOM, 1000, 65536},
     make_real_sizes},
};

enum { ENTRY_COUNT = sizeof entries / sizeof entries[0] };

size_t gen_pattern_count(void)
{
    return ENTRY_COUNT;
}

const struct gen_pattern *gen_pattern_at(size_t index)
{
    return index < ENTRY_COUNT ? &entries[index].pattern : NULL;
}

const struct gen_pattern *gen_find(const char *name)
{
    for (size_t i = 0; i < ENTRY_COUNT; i++)
        if (strcmp(entries[i].pattern.name, name) == 0)
            return &entries[i].pattern;
    return NULL;
}

int gen_make(const struct gen_pattern *pattern,
             const struct gen_params *params, struct trace *trace, char *error,
             size_t error_size)
{
    memset(trace, 0, sizeof *trace);
    const struct entry *entry = NULL;
    for (size_t i = 0; i < ENTRY_COUNT; i++)
        if (pattern == &entries[i].pattern)
            entry = &entries[i];
    if (entry == NULL) {
        snprintf(error, error_size, "unknown pattern");
        return -1;
    }

    struct gen_params p = *params;
    if (p.count == 0)
        p.count = pattern->default_count;
    if (p.size == 0)
        p.size = pattern->default_size;
    if (p.count > GEN_MAX_COUNT) {
        snprintf(error, error_size, "count %zu is above the limit %d", p.count,
                 GEN_MAX_COUNT);
        return -1;
    }
    if (p.size > GEN_MAX_SIZE) {
        snprintf(error, error_size,
                 "size %" PRIu64 " is above the limit %" PRIu64, p.size,
                 GEN_MAX_SIZE);
        return -1;
    }

    struct builder b = {0};
    rng_seed(&b.rng, p.seed);
    entry->make(&b, &p);
    free(b.live);
    if (b.out_of_memory) {
        free(b.ops);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    trace->name = malloc(strlen(pattern->name) + 1);
    if (trace->name == NULL) {
        free(b.ops);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    strcpy(trace->name, pattern->name);
    trace->format = TRACE_CSAPP;
    trace->weight = WEIGHT_BOTH;
    trace->num_ids = b.num_ids;
    trace->num_ops = b.num_ops;
    trace->ops = b.ops;
    return 0;
}
