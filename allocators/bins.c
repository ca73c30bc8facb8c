/*
 * bins.c -- segregated free lists ("bins"): Princeton COS 217's heapmgr
 * with bins, engineered as heaplab's fast reference backend.
 *
 * What it adds over dlist.  dlist keeps every free chunk on one doubly
 * linked list, so malloc is a first-fit scan over all free chunks.  bins
 * splits that list by size into an array of lists.  Small bin i holds only
 * free chunks of one exact size, 32 + 16*i bytes; the last bin holds every
 * free chunk of MAX_BIN bytes and up.  A bitmap says which bins are
 * non-empty, so malloc finds the smallest bin that can serve a request with
 * one AND and one count-trailing-zeros, never walking empty bins.
 *
 * Policy.
 *   fit        Small sizes: best fit.  The request's own bin holds exactly
 *              its size; otherwise the smallest non-empty bigger bin holds
 *              the smallest free chunk that fits.  Large sizes: first fit
 *              in the last bin.  Bins are LIFO: a freed chunk goes in front.
 *   split      When the chosen chunk leaves at least MIN_CHUNK bytes over,
 *              the rest becomes a free chunk in its own bin.
 *   coalesce   Immediately, on every free, with both neighbours, in O(1)
 *              thanks to the boundary tags (CS:APP 9.9.11, cases 1-4).
 *   growth     When no bin can serve a request, the heap grows with
 *              mem_sbrk: a free last chunk is used first, and the heap
 *              grows by the missing bytes but at least GROWTH_MIN (4 KiB,
 *              a page, CS:APP's CHUNKSIZE): a run of small mallocs costs one
 *              system call per 4 KiB, at the price of up to 4 KiB of unused
 *              tail in the footprint.  The heap never shrinks.
 *   realloc    In place when shrinking, when the next chunk is free and big
 *              enough, or when the chunk is last in the heap (then the heap
 *              grows by just the missing bytes); else malloc, copy, free.
 *
 * Why MAX_BIN = 1 KiB.  62 exact bins (32, 48, ..., 1008) plus the last
 * bin make 63 bins: the bitmap is one 64-bit word, so the search is one
 * instruction.  Most requests in the course's traces, and in C programs at
 * large, are below 1 KiB; they all get O(1) best fit.  The table costs
 * 63 sentinels of 24 bytes.  (COS 217 counts bins in units, 1024 of them;
 * with 16-byte steps 1 KiB needs far fewer.)
 *
 * Costs.  16 bytes per allocated chunk (header + footer), chunks are
 * multiples of 16, minimum chunk 32 bytes (a 16-byte payload).  16 bytes
 * per heap (prologue footer + epilogue header).  malloc: O(1) below
 * MAX_BIN (plus a system call when the heap grows); O(length of the last
 * bin) at and above it.  free: O(1).  realloc: O(1) in place, else
 * malloc + O(size) copy.  check: O(chunks).
 *
 * Honest trade-offs.  Allocated chunks keep a footer they only need while
 * free (dlmalloc saves it with a "previous in use" bit).  The last bin is
 * one unsorted list, so large requests get first fit, not best fit
 * (dlmalloc sorts large chunks into trees).  realloc does not grow
 * backwards into a free previous chunk.
 *
 *   allocated:  | header: size|1 | payload ...                | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...   | footer: size|0 |
 *               ^ chunk start     ^ payload, 16-byte aligned
 *
 *   heap:  | prologue footer: 0|1 | chunk | chunk | ... | epilogue header: 0|1 |
 *          ^ mem_heap_lo(), page aligned                            break ^
 *
 *   bins:  [0]  size 32    <-> chunk <-> chunk <->   (circular, sentinel)
 *          [1]  size 48    (empty: bit 1 of nonempty is 0)
 *          ...
 *          [61] size 1008
 *          [62] size >= 1024, any order, first fit
 */
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- block helpers ------------------------------------------------------ */

/*
 * A chunk.  Only free chunks use next and prev: in an allocated chunk the
 * payload begins where they are.  The footer, a copy of the header, is the
 * last word of the chunk.
 */
struct block {
    size_t header;      /* size | USED */
    struct block *next; /* free chunks only: next in the bin */
    struct block *prev; /* free chunks only: previous in the bin */
};

enum {
    WORD = sizeof(size_t),
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    USED = 1,                   /* header bit: the chunk is allocated */
    FLAG_BITS = ALIGNMENT - 1,  /* sizes are multiples of 16: 4 flag bits */
    PAYLOAD_OFFSET = offsetof(struct block, next),
    OVERHEAD = 2 * WORD,        /* header + footer */
    MIN_CHUNK = 32,             /* header, next, prev, footer, rounded */
    MAX_BIN = 1024,             /* chunks this size and up: the last bin */
    LARGE_BIN = (MAX_BIN - MIN_CHUNK) / ALIGNMENT, /* 62, the last bin */
    BIN_COUNT = LARGE_BIN + 1,
    GROWTH_MIN = 4096,          /* the heap grows by at least this */
};

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

_Static_assert(PAYLOAD_OFFSET == WORD, "the payload follows the header");
_Static_assert(MIN_CHUNK >= sizeof(struct block) + WORD,
               "a free chunk holds its links and its footer");
_Static_assert(MIN_CHUNK % ALIGNMENT == 0 && MAX_BIN % ALIGNMENT == 0,
               "chunk sizes are multiples of the alignment");
_Static_assert(BIN_COUNT <= 64, "the non-empty bitmap is one 64-bit word");

static inline size_t round_up(size_t n, size_t multiple)
{
    return (n + multiple - 1) / multiple * multiple;
}

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

static inline struct block *block_next(struct block *b)
{
    return (struct block *)((char *)b + block_size(b));
}

/* The footer of the chunk just below b (the prologue's for the first). */
static inline size_t block_prev_tag(struct block *b)
{
    return *(size_t *)((char *)b - WORD);
}

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
    size_t size = round_up(request + OVERHEAD, ALIGNMENT);
    return size < MIN_CHUNK ? MIN_CHUNK : size;
}

static inline struct block *heap_first(void)
{
    return (struct block *)((char *)mem_heap_lo() + WORD);
}

/* The epilogue header's address: the break minus one word. */
static inline struct block *heap_epilogue(void)
{
    return (struct block *)((char *)mem_heap_hi() + 1 - WORD);
}

/* ---- free-list operations ---------------------------------------------- */

/*
 * Invariants (bins_check verifies each one):
 *
 *   prologue footer == 0|USED  and  epilogue header == 0|USED at break - WORD
 *   WORD + sum(chunk sizes) + WORD == break - mem_heap_lo()
 *   every chunk:       header == footer,  size % 16 == 0,  size >= MIN_CHUNK
 *   no two neighbouring chunks are both free
 *   {free chunks}  ==  bins[0] + bins[1] + ... + bins[LARGE_BIN]  (disjoint)
 *   chunk in bins[i]  =>  bin_index(size) == i
 *   bit i of nonempty == 1  <=>  bins[i].next != &bins[i]
 *   in every bin:  c->next->prev == c  and  c->prev->next == c
 */
static struct {
    struct block bins[BIN_COUNT]; /* sentinels of circular doubly linked lists */
    uint64_t nonempty;            /* bit i set <=> bins[i] holds a chunk */
} heap;

/* The bin for a free chunk of this size. */
static inline size_t bin_index(size_t size)
{
    return size < MAX_BIN ? (size - MIN_CHUNK) / ALIGNMENT : LARGE_BIN;
}

static inline uint64_t bin_bit(size_t index) { return (uint64_t)1 << index; }

/* Puts free chunk b in front of its bin. */
static inline void bin_insert(struct block *b)
{
    size_t index = bin_index(block_size(b));
    struct block *head = &heap.bins[index];
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
    heap.nonempty |= bin_bit(index);
}

/* Takes free chunk b out of its bin; b's size must be the one it went in
 * with. */
static inline void bin_remove(struct block *b)
{
    size_t index = bin_index(block_size(b));
    b->prev->next = b->next;
    b->next->prev = b->prev;
    if (heap.bins[index].next == &heap.bins[index])
        heap.nonempty &= ~bin_bit(index);
}

/*
 * b is free, with its tags written, and in no bin.  Merges it with the free
 * neighbours, which leave their bins, and returns the merged chunk, in no
 * bin.  The case numbers are those of CS:APP's figure 9.40.
 */
static struct block *coalesce(struct block *b)
{
    int prev_used = tag_used(block_prev_tag(b));
    struct block *next = block_next(b);
    int next_used = block_used(next);
    size_t size = block_size(b);

    if (prev_used && next_used) {           /* case 1: nothing to merge */
        return b;
    } else if (prev_used && !next_used) {   /* case 2: merge with next */
        bin_remove(next);
        size += block_size(next);
    } else if (!prev_used && next_used) {   /* case 3: merge with prev */
        struct block *prev = block_prev(b);
        bin_remove(prev);
        size += block_size(prev);
        b = prev;
    } else {                                /* case 4: merge with both */
        struct block *prev = block_prev(b);
        bin_remove(prev);
        bin_remove(next);
        size += block_size(prev) + block_size(next);
        b = prev;
    }
    block_set(b, size, 0);
    return b;
}

/* Frees chunk b (in no bin): tags, coalescing, bin. */
static void release(struct block *b)
{
    block_set(b, block_size(b), 0);
    bin_insert(coalesce(b));
}

/* ---- policy ------------------------------------------------------------ */

/*
 * The free chunk to carve `size` bytes from, still in its bin, or NULL.
 * One bit scan finds the smallest non-empty bin at or above size's bin; a
 * small bin's first chunk always fits, only the last bin needs a search.
 */
static struct block *find_fit(size_t size)
{
    size_t index = bin_index(size);
    uint64_t candidates = heap.nonempty & ~(bin_bit(index) - 1);
    if (candidates == 0)
        return NULL;
    index = (size_t)__builtin_ctzll(candidates); /* GCC: lowest set bit */
    struct block *head = &heap.bins[index];
    if (index < LARGE_BIN)
        return head->next;
    for (struct block *b = head->next; b != head; b = b->next)
        if (block_size(b) >= size)
            return b;
    return NULL;
}

/*
 * b is in no bin and at least `size` bytes.  Makes it an allocated chunk of
 * `size` bytes and frees the rest when that can be a chunk of its own; else
 * the whole of b is allocated (internal fragmentation < MIN_CHUNK).
 */
static void place(struct block *b, size_t size)
{
    size_t total = block_size(b);
    VERIFY(total >= size);
    if (total - size < MIN_CHUNK) {
        block_set(b, total, 1);
        return;
    }
    block_set(b, size, 1);
    struct block *rest = block_next(b);
    block_set(rest, total - size, 0);
    release(rest);
}

/*
 * Grows the heap so that a free chunk of at least `size` bytes ends it,
 * counting a free last chunk, by at least `minimum` bytes.  Returns that
 * chunk, in no bin, or NULL (heap unchanged) when memlib refuses.
 */
static struct block *heap_grow(size_t size, size_t minimum)
{
    struct block *epilogue = heap_epilogue();
    size_t last_tag = block_prev_tag(epilogue);
    size_t free_tail = tag_used(last_tag) ? 0 : tag_size(last_tag);
    VERIFY(size > free_tail);
    size_t grow = size - free_tail;
    if (grow < minimum)
        grow = minimum;
    char *old_break = mem_sbrk((intptr_t)grow);
    if (old_break == (void *)-1)
        return NULL;
    VERIFY(old_break == (char *)epilogue + WORD);
    struct block *fresh = epilogue; /* the old epilogue becomes its header */
    block_set(fresh, grow, 0);
    block_next(fresh)->header = USED; /* the new epilogue */
    return coalesce(fresh);
}

/* ---- vtable methods ---------------------------------------------------- */

static int bins_init(void)
{
    for (size_t i = 0; i < BIN_COUNT; i++) {
        heap.bins[i].header = USED; /* a sentinel is never a free chunk */
        heap.bins[i].next = heap.bins[i].prev = &heap.bins[i];
    }
    heap.nonempty = 0;

    char *start = mem_sbrk(2 * WORD);
    if (start == (void *)-1)
        return -1;
    VERIFY(start == (char *)mem_heap_lo());
    VERIFY_EQ((uintptr_t)start % ALIGNMENT, 0);
    *(size_t *)start = USED;     /* prologue footer: "below is allocated" */
    heap_first()->header = USED; /* epilogue header: "above is allocated" */
    return 0;
}

/*
 * malloc, step by step:
 *   1. A request of 0 gets NULL (the contract allows it), and so does one
 *      too large for mem_sbrk.
 *   2. Round the request up to a chunk size: payload + header + footer, a
 *      multiple of 16, at least MIN_CHUNK.
 *   3. Find a chunk: the smallest non-empty bin at or above the size's own
 *      bin, by one bit scan of the non-empty bitmap.  A small bin's first
 *      chunk fits (best fit); in the last bin, the first chunk that fits.
 *      Take it out of its bin.
 *   4. None fits: grow the heap (a free last chunk counts; at least
 *      GROWTH_MIN) and take the free chunk that now ends the heap.
 *   5. Place: allocate `size` bytes of the chunk; a rest of MIN_CHUNK or
 *      more becomes a free chunk in its own bin.
 */
static void *bins_malloc(size_t request)
{
    if (request == 0 || request > MAX_REQUEST)                  /* step 1 */
        return NULL;
    size_t size = chunk_size_for(request);                      /* step 2 */
    struct block *b = find_fit(size);                           /* step 3 */
    if (b != NULL)
        bin_remove(b);
    else if ((b = heap_grow(size, GROWTH_MIN)) == NULL)         /* step 4 */
        return NULL;
    place(b, size);                                             /* step 5 */
    return block_payload(b);
}

/* The chunk of a pointer from malloc/realloc, with its tags checked. */
static struct block *live_block(void *ptr)
{
    VERIFY_EQ((uintptr_t)ptr % ALIGNMENT, 0);
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b)); /* else: a double free, or not our pointer */
    VERIFY_EQ(b->header, *block_footer(b));
    return b;
}

static void bins_free(void *ptr)
{
    if (ptr == NULL)
        return;
    release(live_block(ptr));
}

/*
 * realloc, step by step (NULL and 0 are the contract's edge cases):
 *   1. Shrinking, or the same chunk size: place in b itself.
 *   2. The next chunk is free and the two are big enough: absorb it, place.
 *   3. b ends the heap, perhaps followed by a free last chunk: grow the
 *      heap by just the missing bytes and absorb them.
 *   4. Else malloc a new chunk, copy the old payload, free the old chunk.
 */
static void *bins_realloc(void *ptr, size_t request)
{
    if (ptr == NULL)
        return bins_malloc(request);
    if (request == 0) {
        bins_free(ptr);
        return NULL;
    }
    struct block *b = live_block(ptr);
    if (request > MAX_REQUEST)
        return NULL;
    size_t size = chunk_size_for(request);
    size_t have = block_size(b);
    struct block *next = block_next(b);

    if (size <= have) {                                         /* step 1 */
        place(b, size);
        return ptr;
    }
    if (!block_used(next) && have + block_size(next) >= size) { /* step 2 */
        bin_remove(next);
        block_set(b, have + block_size(next), 1);
        place(b, size);
        return ptr;
    }
    struct block *after = block_used(next) ? next : block_next(next);
    if (block_size(after) == 0) {                               /* step 3 */
        struct block *tail = heap_grow(size - have, 0);
        if (tail == NULL)
            return NULL;
        VERIFY(tail == next);
        block_set(b, have + block_size(tail), 1);
        return ptr;
    }
    void *moved = bins_malloc(request);                         /* step 4 */
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, have - OVERHEAD);
    release(b);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

/* Prints one problem; returns 1 to count it. */
static int problem(const void *where, const char *what, size_t value)
{
    fprintf(stderr, "bins: %p: %s (%zu)\n", where, what, value);
    return 1;
}

static int is_sentinel(const struct block *b)
{
    uintptr_t at = (uintptr_t)b, first = (uintptr_t)&heap.bins[0];
    return at >= first && at < (uintptr_t)&heap.bins[BIN_COUNT] &&
           (at - first) % sizeof(struct block) == 0;
}

/* Could b be a chunk: inside the heap, a payload aligned?  Or a sentinel. */
static int is_node(const struct block *b)
{
    uintptr_t at = (uintptr_t)b;
    return is_sentinel(b) ||
           (at >= (uintptr_t)heap_first() &&
            at + MIN_CHUNK <= (uintptr_t)heap_epilogue() &&
            (at + PAYLOAD_OFFSET) % ALIGNMENT == 0);
}

/* Walks the heap; returns problems found, counts the free chunks. */
static int check_chunks(size_t *free_chunks)
{
    int problems = 0, prev_free = 0;
    struct block *b = heap_first(), *end = heap_epilogue();
    while (b < end) {
        size_t size = block_size(b);
        if (size < MIN_CHUNK || size % ALIGNMENT != 0 ||
            size > (size_t)((char *)end - (char *)b))
            return problems + problem(b, "chunk size out of range, walk stops",
                                      size);
        if (b->header != *block_footer(b))
            problems += problem(b, "header != footer, footer is",
                                *block_footer(b));
        if (!block_used(b)) {
            ++*free_chunks;
            if (prev_free)
                problems += problem(b, "free chunk follows a free chunk", size);
            if (!is_node(b->next) || !is_node(b->prev))
                problems += problem(b, "free chunk's links leave the heap", size);
            else if (b->next->prev != b || b->prev->next != b)
                problems += problem(b, "free chunk's links disagree", size);
        }
        prev_free = !block_used(b);
        b = block_next(b);
    }
    if (b != end)
        problems += problem(b, "heap walk overshoots the break by",
                            (size_t)((char *)b - (char *)end));
    else if (end->header != USED)
        problems += problem(end, "epilogue header is not 0|1", end->header);
    return problems;
}

/* Walks every bin; returns problems found, counts the members. */
static int check_bins(size_t free_chunks, size_t *members)
{
    int problems = 0;
    for (size_t i = 0; i < BIN_COUNT; i++) {
        struct block *head = &heap.bins[i], *prev = head;
        for (struct block *c = head->next; c != head; prev = c, c = c->next) {
            if (!is_node(c) || is_sentinel(c)) {
                problems += problem(head, "bin links leave the bin at", i);
                break;
            }
            if (c->prev != prev)
                problems += problem(c, "prev link disagrees, in bin", i);
            if (block_used(c))
                problems += problem(c, "allocated chunk in bin", i);
            if (bin_index(block_size(c)) != i)
                problems += problem(c, "chunk in the wrong bin", i);
            if (++*members > free_chunks) {
                problems += problem(c, "bins hold more than the free chunks,"
                                       " a cycle? in bin", i);
                return problems;
            }
        }
        if (((heap.nonempty & bin_bit(i)) != 0) != (head->next != head))
            problems += problem(head, "non-empty bit wrong for bin", i);
    }
    return problems;
}

static int bins_check(void)
{
    char *start = mem_heap_lo(), *end = (char *)mem_heap_hi() + 1;
    if (end - start < 2 * WORD)
        return problem(start, "heap too small for prologue and epilogue",
                       (size_t)(end - start));
    int problems = 0;
    if (*(size_t *)start != USED)
        problems += problem(start, "prologue footer is not 0|1",
                            *(size_t *)start);
    size_t free_chunks = 0, members = 0;
    problems += check_chunks(&free_chunks);
    problems += check_bins(free_chunks, &members);
    if (members != free_chunks)
        problems += problem(start, "bins hold a different count than the"
                                   " free chunks in the heap", members);
    if (heap.nonempty >> BIN_COUNT != 0)
        problems += problem(&heap.nonempty, "bits set past the last bin",
                            (size_t)(heap.nonempty >> BIN_COUNT));
    return problems != 0;
}

static void bins_walk(void (*visit)(const void *block, size_t size, int used,
                                    void *arg),
                      void *arg)
{
    struct block *end = heap_epilogue();
    for (struct block *b = heap_first(); b < end && block_size(b) != 0;
         b = block_next(b))
        visit(b, block_size(b), block_used(b), arg);
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "bins of doubly linked free lists, exact sizes below 1 KiB, O(1) free",
    .init = bins_init,
    .malloc = bins_malloc,
    .free = bins_free,
    .realloc = bins_realloc,
    .check = bins_check,
    .walk = bins_walk,
};
