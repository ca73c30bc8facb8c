/*
 * bins.c -- YOUR allocator for lab 3 (handout.md): segregated free lists,
 * "bins".  This is the starter: it compiles and runs, and every malloc
 * returns NULL (heap_grow and find_fit are stubs), so `heaplab run -a
 * bins` reports every trace as failing until you write the parts marked
 * TODO.
 *
 * What it adds over dlist (given: allocators/dlist.c and dlist_core.c):
 * malloc without a walk over every free chunk.  dlist keeps all free
 * chunks on one list, so the worst trace makes every malloc visit
 * thousands of chunks too small for it.  bins splits that list by size
 * into an array of lists: a request looks in the bin of its own size
 * first, then in the next non-empty bigger bin, where any chunk fits.
 *
 * The block layout below is dlist's (boundary tags: header and footer,
 * next and prev in a free chunk's payload); keep it, or change it (CS:APP
 * and dlmalloc drop the footer of allocated chunks) -- the tests look only
 * at what malloc returns.  The bins are yours to design: how many, which
 * sizes each holds (exact sizes for small chunks, ranges for large ones),
 * and how malloc finds the first non-empty one.  handout.md discusses the
 * choices.
 *
 *   allocated:  | header: size|1 | payload ...               | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...  | footer: size|0 |
 *
 *   bins:  [0]  chunks of size ...  head -> free <-> free -> NULL
 *          [1]  ...
 *          [BIN_COUNT - 1]  the largest sizes
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* ---- block helpers (given) ----------------------------------------------- */

/* A chunk.  Only free chunks use next and prev. */
struct block {
    size_t header;      /* size | USED */
    struct block *next; /* free chunks only: next on the free list */
    struct block *prev; /* free chunks only: previous on the free list */
};

enum {
    WORD = sizeof(size_t),
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    USED = 1,                  /* tag bit: the chunk is allocated */
    FLAG_BITS = ALIGNMENT - 1, /* sizes are multiples of 16 */
    PAYLOAD_OFFSET = offsetof(struct block, next),
    HEAP_PAD = ALIGNMENT - PAYLOAD_OFFSET, /* before the first chunk */
    OVERHEAD = 2 * WORD,       /* header + footer */
    MIN_CHUNK = 32,            /* header, next, prev, footer */
    GROWTH_MIN = 8192,         /* the heap grows by at least this */
};

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

static inline size_t tag_size(size_t tag) { return tag & ~(size_t)FLAG_BITS; }
static inline int tag_used(size_t tag) { return (tag & USED) != 0; }

static inline size_t block_size(const struct block *b)
{
    return tag_size(b->header);
}

static inline int block_used(const struct block *b)
{
    return tag_used(b->header);
}

static inline size_t *block_footer(struct block *b)
{
    return (size_t *)((char *)b + block_size(b) - WORD);
}

/* Writes both boundary tags. */
static inline void block_set(struct block *b, size_t size, int used)
{
    b->header = size | (used ? (size_t)USED : 0);
    *block_footer(b) = b->header;
}

/* The chunk `offset` bytes above b. */
static inline struct block *block_at(struct block *b, size_t offset)
{
    return (struct block *)((char *)b + offset);
}

/* The chunk just above b in the heap (heap_end() when b is last). */
static inline struct block *block_next(struct block *b)
{
    return block_at(b, block_size(b));
}

/* The footer of the chunk just below b; b must not be the first chunk. */
static inline size_t block_prev_tag(struct block *b)
{
    return *(size_t *)((char *)b - WORD);
}

/* The chunk just below b; b must not be the first chunk. */
static inline struct block *block_prev(struct block *b)
{
    return (struct block *)((char *)b - tag_size(block_prev_tag(b)));
}

static inline void *block_payload(struct block *b)
{
    return (char *)b + PAYLOAD_OFFSET;
}

static inline struct block *payload_block(void *payload)
{
    return (struct block *)((char *)payload - PAYLOAD_OFFSET);
}

/* The chunk size that serves a request: payload + tags, rounded. */
static inline size_t chunk_size_for(size_t request)
{
    size_t size = (request + OVERHEAD + ALIGNMENT - 1) / ALIGNMENT;
    size *= ALIGNMENT;
    return size < MIN_CHUNK ? MIN_CHUNK : size;
}

static inline struct block *heap_first(void)
{
    return (struct block *)((char *)mem_heap_lo() + HEAP_PAD);
}

/* The break, where the chunk after the last one would start. */
static inline struct block *heap_end(void)
{
    return (struct block *)((char *)mem_heap_hi() + 1);
}

/* ---- free-list operations ---------------------------------------------- */

/* TODO: choose the number of bins and what each holds. */
enum { BIN_COUNT = 64 };

/*
 * Invariants (your bins_check verifies each one):
 *
 *   HEAP_PAD + sum(chunk sizes) == break - mem_heap_lo()
 *   every chunk:  header == footer,  size % 16 == 0,  size >= MIN_CHUNK
 *   no two neighbouring chunks are both free
 *   every free chunk is on exactly one list: the bin of its size
 *   in every bin:  head->prev == NULL  and  for a -> b:  b->prev == a
 */
static struct {
    struct block *bin[BIN_COUNT]; /* heads; NULL when a bin is empty */
} bins;

/* The bin that holds free chunks of `size` bytes. */
static size_t bin_index(size_t size)
{
    /* TODO */
    (void)size;
    return 0;
}

/* Puts free chunk b in front of its bin: O(1). */
static void bin_push(struct block *b)
{
    /* TODO */
    (void)bin_index(block_size(b));
}

/* Takes free chunk b off its bin: O(1). */
static void bin_remove(struct block *b)
{
    /* TODO */
    (void)b;
}

/*
 * b is free, with its tags written, and in no bin.  Merges it with its
 * free heap neighbours (taking them off their bins) and puts the merged
 * chunk in its bin; returns it.  CS:APP's four cases, as in dlist.
 */
static struct block *coalesce(struct block *b)
{
    /* TODO: cases 2, 3 and 4.  This is case 1 only. */
    bin_push(b);
    return b;
}

/* Frees chunk b (in no bin): tags, coalescing, bin (given). */
static struct block *release(struct block *b)
{
    block_set(b, block_size(b), 0);
    return coalesce(b);
}

/* ---- policy ------------------------------------------------------------ */

/*
 * A free chunk of at least `size` bytes, or NULL: its own bin first, then
 * the bigger ones.  Without a walk over bins that are empty, when you can
 * (a bitmap of the non-empty bins makes it a few instructions).
 */
static struct block *find_fit(size_t size)
{
    /* TODO */
    (void)size;
    return NULL;
}

/*
 * Grows the heap by max(size, GROWTH_MIN) bytes with mem_sbrk (NULL when
 * memlib refuses) and frees the new chunk, so that it merges with a free
 * last chunk; returns the chunk that now ends the heap, in its bin.
 */
static struct block *heap_grow(size_t size)
{
    /* TODO */
    (void)size;
    return NULL;
}

/*
 * b is a free chunk of at least `size` bytes, in its bin.  Returns the
 * allocated chunk: split off `size` bytes when the rest can be a free
 * chunk (at least MIN_CHUNK), which goes to the rest's bin, else all of b.
 */
static struct block *place(struct block *b, size_t size)
{
    /* TODO: split.  This takes all of b. */
    (void)size;
    bin_remove(b);
    block_set(b, block_size(b), 1);
    return b;
}

/* ---- vtable methods ---------------------------------------------------- */

static int bins_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty.  One word
     * of padding puts the first payload on a 16-byte boundary. */
    memset(&bins, 0, sizeof bins);
    return mem_sbrk(HEAP_PAD) == (void *)-1 ? -1 : 0;
}

/*
 * malloc, step by step (given; the steps call your functions):
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL.
 *   STEP 2  the chunk size: size + header + footer, rounded up to 16.
 *   STEP 3  the bins, from the request's own up.
 *   STEP 4  none fits: grow the heap.  NULL if memlib refuses.
 *   STEP 5  place: split or take all; return the payload.
 */
static void *bins_malloc(size_t size)
{
    if (size == 0 || size > MAX_REQUEST)
        return NULL;
    size_t chunk = chunk_size_for(size);
    struct block *b = find_fit(chunk);
    if (b == NULL && (b = heap_grow(chunk)) == NULL)
        return NULL;
    return block_payload(place(b, chunk));
}

/* O(1) (given). */
static void bins_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b)); /* a double free stops here */
    release(b);
}

/* ---- heap checker ------------------------------------------------------ */

/*
 * Verifies every invariant above; prints one line per problem on stderr,
 * naming the chunk, and returns the number of problems (0: consistent).
 * Never crash or loop on a broken heap (lab 2's lesson).
 */
static int bins_check(void)
{
    /* TODO */
    return 0;
}

/* Every chunk in address order (given, for dlist's layout). */
static void bins_walk(heaplab_visit_fn *visit, void *arg)
{
    struct block *end = heap_end();
    for (struct block *b = heap_first(); b < end; b = block_next(b)) {
        if (block_size(b) < MIN_CHUNK)
            return; /* corrupt: bins_check says where */
        visit(b, block_size(b), block_used(b), arg);
    }
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "segregated free lists: one per size class, O(1) free",
    .init = bins_init,
    .malloc = bins_malloc,
    .free = bins_free,
    .realloc = NULL, /* optional: in place when it can (the driver copies) */
    .check = bins_check,
    .walk = bins_walk,
};
