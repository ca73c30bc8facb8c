/*
 * dlist.c -- YOUR allocator for lab 2 (handout.md): boundary tags and an
 * unordered doubly linked free list, with O(1) free, and its heap checker.
 * This is the starter: it compiles and runs, and every malloc returns NULL
 * (heap_grow and find_fit are stubs), so `heaplab run -a dlist` reports
 * every trace as failing until you write the parts marked TODO.
 *
 * What it adds over list.c (given): O(1) free.  Every chunk ends with a
 * footer, a copy of its header, so free finds both heap neighbours at once
 * (Knuth's boundary tags), and a free chunk links to the previous free
 * chunk too, so it leaves the list without a walk; the list needs no
 * order, a freed chunk goes in front.
 *
 * THE LAYOUT is fixed (the checker's tests write these words by hand):
 *
 *   allocated:  | header: size|1 | payload ...               | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...  | footer: size|0 |
 *               ^ chunk start     ^ payload, 16-byte aligned
 *
 *   - header and footer are size_t words: the chunk's size in bytes, a
 *     multiple of 16 and at least MIN_CHUNK (32), ORed with USED (1) when
 *     the chunk is allocated;
 *   - the payload starts right after the header; next and prev, the first
 *     two words of a free chunk's payload, point to chunk starts (NULL at
 *     the list's ends);
 *   - the heap is one 8-byte pad word (so payloads are 16-byte aligned),
 *     then chunks up to the break, nothing else:
 *
 *   heap:  | pad | chunk | chunk | chunk | ... | chunk |
 *          ^ mem_heap_lo()                      break ^
 *   list:  head -> free <-> free <-> free -> NULL   (any address order)
 *
 * Your policy: first fit over the list; split a chunk when the rest is at
 * least MIN_CHUNK; coalesce on every free (the four cases); grow the heap
 * by at least GROWTH_MIN with mem_sbrk.
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

/*
 * Invariants (your dlist_check verifies each one; handout.md lists them):
 *
 *   HEAP_PAD + sum(chunk sizes) == break - mem_heap_lo()
 *   every chunk:  header == footer,  size % 16 == 0,  size >= MIN_CHUNK
 *   no two neighbouring chunks are both free
 *   head->prev == NULL  and  for a -> b on the list:  b->prev == a
 *   the list holds exactly the chunks whose tags say free
 */
static struct {
    struct block *head; /* the most recently listed free chunk, or NULL */
} dlist;

/* Puts free chunk b in front of the list: O(1). */
static void list_push(struct block *b)
{
    /* TODO */
    (void)b;
}

/* Takes free chunk b off the list: O(1), thanks to prev. */
static void list_remove(struct block *b)
{
    /* TODO */
    (void)b;
}

/*
 * b is free, with its tags written, and not on the list.  Merges it with
 * its free heap neighbours, found through the boundary tags, and leaves
 * the merged chunk on the list; returns it.  The four cases of CS:APP's
 * figure 9.40: 1 both neighbours allocated, 2 only the next one free,
 * 3 only the previous one free, 4 both free.  The first chunk has no
 * previous neighbour; the last one has no next (block_next is the break).
 */
static struct block *coalesce(struct block *b)
{
    /* TODO: cases 2, 3 and 4.  This is case 1 only. */
    list_push(b);
    return b;
}

/* Frees chunk b (not on the list): tags, coalescing, list (given). */
static struct block *release(struct block *b)
{
    block_set(b, block_size(b), 0);
    return coalesce(b);
}

/* ---- policy ------------------------------------------------------------ */

/* First fit: the first listed chunk of at least `size` bytes, or NULL. */
static struct block *find_fit(size_t size)
{
    /* TODO */
    (void)size;
    return NULL;
}

/*
 * Grows the heap by max(size, GROWTH_MIN) bytes with mem_sbrk (NULL when
 * memlib refuses) and frees the new chunk, so that it merges with a free
 * last chunk; returns the chunk that now ends the heap, on the list.
 */
static struct block *heap_grow(size_t size)
{
    /* TODO */
    (void)size;
    return NULL;
}

/*
 * b is a listed free chunk of at least `size` bytes.  Returns the
 * allocated chunk: split off `size` bytes when the rest can stay a free
 * chunk (at least MIN_CHUNK), else all of b, off the list.
 */
static struct block *place(struct block *b, size_t size)
{
    /* TODO: split.  This takes all of b. */
    (void)size;
    list_remove(b);
    block_set(b, block_size(b), 1);
    return b;
}

/* ---- vtable methods ---------------------------------------------------- */

static int dlist_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty.  One word
     * of padding puts the first payload on a 16-byte boundary. */
    dlist.head = NULL;
    return mem_sbrk(HEAP_PAD) == (void *)-1 ? -1 : 0;
}

/*
 * malloc, step by step (given; the steps call your functions):
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL.
 *   STEP 2  the chunk size: size + header + footer, rounded up to 16.
 *   STEP 3  first fit over the list.
 *   STEP 4  none fits: grow the heap.  NULL if memlib refuses.
 *   STEP 5  place: split or unlink; return the payload.
 */
static void *dlist_malloc(size_t size)
{
    if (size == 0 || size > MAX_REQUEST)
        return NULL;
    size_t chunk = chunk_size_for(size);
    struct block *b = find_fit(chunk);
    if (b == NULL && (b = heap_grow(chunk)) == NULL)
        return NULL;
    return block_payload(place(b, chunk));
}

/* O(1): tags, at most two neighbours, the list's head (given). */
static void dlist_free(void *ptr)
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
 * It must never crash or loop on a broken heap: check that a chunk lies
 * inside the heap before you read it, that a size is sane before you step
 * by it, and stop a list walk that goes on longer than the heap has free
 * chunks.  handout.md says how it is graded.
 */
static int dlist_check(void)
{
    /* TODO */
    return 0;
}

/* Every chunk in address order (given): heaplab's heap maps use it. */
static void dlist_walk(heaplab_visit_fn *visit, void *arg)
{
    struct block *end = heap_end();
    for (struct block *b = heap_first(); b < end; b = block_next(b)) {
        if (block_size(b) < MIN_CHUNK)
            return; /* corrupt: dlist_check says where */
        visit(b, block_size(b), block_used(b), arg);
    }
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator dlist_allocator = {
    .name = "dlist",
    .summary = "boundary tags, doubly linked free list, O(1) free",
    .init = dlist_init,
    .malloc = dlist_malloc,
    .free = dlist_free,
    .realloc = NULL, /* optional: in place when it can (the driver copies) */
    .check = dlist_check,
    .walk = dlist_walk,
};
