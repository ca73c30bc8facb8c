/*
 * bins.c -- segregated free lists ("bins"): Princeton COS 217's heapmgr
 * with bins, engineered as heaplab's fast reference backend.
 *
 * What it adds over dlist.  dlist keeps every free chunk on one doubly
 * linked list, so malloc is a first-fit scan over all free chunks.  bins
 * splits that list by size into an array of lists.  Small bin i holds only
 * free chunks of one exact size, 32 + 16*i bytes (62 of them, up to 1008);
 * from 1 KiB up, every power of two is cut into 8 bins of equal width
 * (1024-1151, 1152-1279, ..., 1792-2047, 2048-2303, ...).  A bitmap says
 * which bins are non-empty, so malloc finds the smallest bin that can
 * serve a request with a count-trailing-zeros per 64 bins (4 words), never
 * walking empty bins.
 *
 * Policy.
 *   fit        Small sizes: best fit.  The request's own bin holds exactly
 *              its size; otherwise the smallest non-empty bigger bin holds
 *              the smallest free chunk that fits.  Large sizes: first fit
 *              in the request's own bin (its chunks differ by at most
 *              1/8), else the first chunk of the smallest non-empty bigger
 *              bin, which always fits.  Bins are LIFO.
 *   split      When the chosen chunk leaves at least MIN_CHUNK bytes over,
 *              the rest becomes a free chunk in its own bin.  Small
 *              requests (up to SMALL_REQUEST, 64 bytes: a cache line) are
 *              cut from the high end of the chunk, the others from the low
 *              end: small and large blocks gather at opposite ends of free
 *              space, so when the large ones are freed their space
 *              coalesces into big chunks instead of being pinned between
 *              small live blocks (the fragmentation the classic "binary"
 *              traces provoke: 54% utilization without it, 93% with it).
 *   coalesce   Immediately, on every free, with both neighbours, in O(1)
 *              thanks to the boundary tags (CS:APP 9.9.11, cases 1-4).
 *   growth     When no bin can serve a request, the heap grows with
 *              mem_sbrk: a free last chunk is used first, and the heap
 *              grows by the missing bytes but at least GROWTH_MIN (4 KiB,
 *              a page, CS:APP's CHUNKSIZE) or 1/32 of the heap, whichever is
 *              more (see the trade-offs).  The heap never shrinks.
 *   realloc    In place when shrinking, when the next chunk is free and big
 *              enough, or when the chunk is last in the heap (then the heap
 *              grows by just the missing bytes); else malloc, copy, free.
 *
 * Using payload space for management (the lecture's appendix).  Only a
 * free chunk needs its footer: coalescing reads the footer of the chunk
 * below to find its start, and only when that chunk is free.  So an
 * allocated chunk has a header only, and its payload runs to the end of
 * the chunk; each header keeps one more bit, PREV_USED, saying whether the
 * chunk below is allocated (dlmalloc's PREV_INUSE).  The links of a free
 * chunk live in its old payload too.
 *
 * Costs.  8 bytes per allocated chunk (the header), chunks are multiples
 * of 16, minimum chunk 32 bytes (header, next, prev, footer), so a request
 * of n bytes takes max(32, n + 8 rounded up to 16).  16 bytes per heap
 * (padding word + epilogue header).  malloc: O(1) below 1 KiB, plus a
 * system call when the heap grows; above, O(length of one bin).  free:
 * O(1).  realloc: O(1) in place, else malloc + O(size) copy.  check:
 * O(chunks + bins).
 *
 * Honest trade-offs.  A large bin is an unsorted list, so a large request
 * scans its own bin (dlmalloc sorts large chunks into trees).  realloc
 * does not grow backwards into a free previous chunk.  Growing by a 32nd
 * of the heap, not a page, costs utilization (up to 3% of unused heap at
 * the peak: 1 point on the shipped and the classic traces) to save system
 * calls, each dearer than a whole malloc (a third fewer on the shipped
 * traces, 2716 against 3963; the rest are realloc's growths at the end of
 * the heap), which made bins about 20% faster there.
 *
 *   allocated:  | header: size|PU|1 | payload ...                          |
 *   free:       | header: size|PU|0 | next | prev | ... | footer: size |
 *               ^ chunk start        ^ payload, 16-byte aligned
 *   (PU: PREV_USED, the chunk below is allocated)
 *
 *   heap:  | padding | chunk | chunk | ... | epilogue header: 0|PU|1 |
 *          ^ mem_heap_lo(), page aligned                       break ^
 *
 *   bins:  [0] size 32 <-> chunk <-> chunk <->   (circular, a sentinel)
 *          [1] size 48      (empty: its bit in nonempty is 0)
 *          ... [61] size 1008, [62] 1024..1151 (first fit), ...,
 *          [253] 2^34 - 2^31 .. 2^34 - 1, [254] 2^34 and up
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
 * payload begins where they are.  A free chunk's footer, its size, is the
 * last word of the chunk.
 */
struct block {
    size_t header;      /* size | PREV_USED | USED */
    struct block *next; /* free chunks only: next in the bin */
    struct block *prev; /* free chunks only: previous in the bin */
};

enum {
    WORD = sizeof(size_t),
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    USED = 1,                   /* header bit: the chunk is allocated */
    PREV_USED = 2,              /* header bit: the chunk below is allocated */
    FLAG_BITS = ALIGNMENT - 1,  /* sizes are multiples of 16: 4 flag bits */
    PAYLOAD_OFFSET = offsetof(struct block, next),
    OVERHEAD = WORD,            /* the header */
    MIN_CHUNK = 32,             /* header, next, prev, footer */
    SMALL_BINS = 62,            /* exact sizes 32, 48, ..., 1008 */
    LARGE_MIN = MIN_CHUNK + SMALL_BINS * ALIGNMENT, /* 1024 */
    LARGE_SHIFT = 10,           /* log2(LARGE_MIN) */
    SPLITS = 8,                 /* bins per power of two above LARGE_MIN */
    SPLIT_BITS = 3,             /* log2(SPLITS) */
    LARGE_POWERS = 24,          /* 2^10 .. 2^33 */
    HUGE_BIN = SMALL_BINS + LARGE_POWERS * SPLITS, /* 254: 2^34 and up */
    BIN_COUNT = HUGE_BIN + 1,
    MAP_WORDS = (BIN_COUNT + 63) / 64,
    SMALL_REQUEST = 64,         /* up to this, cut from a chunk's high end */
    GROWTH_MIN = 4096,          /* the heap grows by at least this */
    GROWTH_FRACTION = 32,       /* ... and at least heap / this */
};

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

_Static_assert(PAYLOAD_OFFSET == WORD, "the payload follows the header");
_Static_assert(MIN_CHUNK >= sizeof(struct block) + WORD,
               "a free chunk holds its links and its footer");
_Static_assert(LARGE_MIN == 1 << LARGE_SHIFT, "large bins start at 1 KiB");
_Static_assert(SPLITS == 1 << SPLIT_BITS, "SPLIT_BITS is log2(SPLITS)");

static inline size_t round_up(size_t n, size_t multiple)
{
    return (n + multiple - 1) / multiple * multiple;
}

static inline size_t tag_size(size_t tag) { return tag & ~(size_t)FLAG_BITS; }

static inline size_t block_size(const struct block *b)
{
    return tag_size(b->header);
}

static inline int block_used(const struct block *b)
{
    return (b->header & USED) != 0;
}

static inline int block_prev_used(const struct block *b)
{
    return (b->header & PREV_USED) != 0;
}

static inline size_t *block_footer(struct block *b)
{
    return (size_t *)((char *)b + block_size(b) - WORD);
}

static inline struct block *block_next(struct block *b)
{
    return (struct block *)((char *)b + block_size(b));
}

/* The chunk below b; only when it is free (its footer holds its size). */
static inline struct block *block_prev(struct block *b)
{
    return (struct block *)((char *)b - *(size_t *)((char *)b - WORD));
}

/* Marks b allocated, `size` bytes; b's PREV_USED bit stays.  Tells the
 * chunk above. */
static inline void block_set_used(struct block *b, size_t size)
{
    b->header = size | (b->header & PREV_USED) | USED;
    block_next(b)->header |= PREV_USED;
}

/* Marks b free, `size` bytes, with its footer; b's PREV_USED bit stays.
 * Tells the chunk above. */
static inline void block_set_free(struct block *b, size_t size)
{
    b->header = size | (b->header & PREV_USED);
    *block_footer(b) = size;
    block_next(b)->header &= ~(size_t)PREV_USED;
}

static inline void *block_payload(struct block *b)
{
    return (char *)b + PAYLOAD_OFFSET;
}

static inline struct block *payload_block(void *payload)
{
    return (struct block *)((char *)payload - PAYLOAD_OFFSET);
}

/* The chunk size that serves a request: payload + header, rounded. */
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
 *   padding word == 0  and  epilogue header == 0|USED at break - WORD
 *   WORD + sum(chunk sizes) + WORD == break - mem_heap_lo()
 *   every chunk:       size % 16 == 0,  size >= MIN_CHUNK
 *   every free chunk:  footer == size
 *   PREV_USED of a chunk (and of the epilogue) == USED of the chunk below;
 *   the first chunk's PREV_USED is 1
 *   no two neighbouring chunks are both free
 *   {free chunks}  ==  bins[0] + bins[1] + ... + bins[HUGE_BIN]  (disjoint)
 *   chunk in bins[i]  =>  bin_index(size) == i
 *   bit i of nonempty == 1  <=>  bins[i].next != &bins[i]
 *   in every bin:  c->next->prev == c  and  c->prev->next == c
 */
static struct {
    struct block bins[BIN_COUNT]; /* sentinels of circular doubly linked lists */
    uint64_t nonempty[MAP_WORDS]; /* bit i set <=> bins[i] holds a chunk */
} heap;

/* The bin for a free chunk of this size: O(1), one count-leading-zeros. */
static inline size_t bin_index(size_t size)
{
    if (size < LARGE_MIN)
        return (size - MIN_CHUNK) / ALIGNMENT;
    unsigned power = 63 - (unsigned)__builtin_clzll(size); /* GCC */
    if (power >= LARGE_SHIFT + LARGE_POWERS)
        return HUGE_BIN;
    size_t split = (size >> (power - SPLIT_BITS)) & (SPLITS - 1);
    return SMALL_BINS + (power - LARGE_SHIFT) * SPLITS + split;
}

static inline void map_set(size_t index)
{
    heap.nonempty[index / 64] |= (uint64_t)1 << (index % 64);
}

static inline void map_clear(size_t index)
{
    heap.nonempty[index / 64] &= ~((uint64_t)1 << (index % 64));
}

static inline int map_has(size_t index)
{
    return (heap.nonempty[index / 64] >> (index % 64)) & 1;
}

/* The smallest non-empty bin at or above index, or BIN_COUNT. */
static inline size_t map_next(size_t index)
{
    size_t word = index / 64;
    uint64_t bits = heap.nonempty[word] & (~(uint64_t)0 << (index % 64));
    while (bits == 0) {
        if (++word == MAP_WORDS)
            return BIN_COUNT;
        bits = heap.nonempty[word];
    }
    return word * 64 + (size_t)__builtin_ctzll(bits); /* lowest set bit */
}

/* Puts free chunk b in front of its bin. */
static inline void bin_insert(struct block *b)
{
    size_t index = bin_index(block_size(b));
    struct block *head = &heap.bins[index];
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
    map_set(index);
}

/* Takes free chunk b out of its bin; b's size must be the one it went in
 * with. */
static inline void bin_remove(struct block *b)
{
    b->prev->next = b->next;
    b->next->prev = b->prev;
    if (b->next == b->prev) /* both the sentinel: the bin is empty now */
        map_clear(bin_index(block_size(b)));
}

/*
 * b is free, with its tags written, and in no bin.  Merges it with the free
 * neighbours, which leave their bins, and returns the merged chunk, in no
 * bin.  The case numbers are those of CS:APP's figure 9.40.
 */
static struct block *coalesce(struct block *b)
{
    int prev_used = block_prev_used(b);
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
    block_set_free(b, size);
    return b;
}

/* Frees chunk b (in no bin): tags, coalescing, bin. */
static void release(struct block *b)
{
    block_set_free(b, block_size(b));
    bin_insert(coalesce(b));
}

/* ---- policy ------------------------------------------------------------ */

/*
 * The free chunk to carve `size` bytes from, still in its bin, or NULL.
 * A small bin's first chunk always fits, and so does the first chunk of
 * any bin above the request's own; only the request's own large bin needs
 * a search.
 */
static struct block *find_fit(size_t size)
{
    size_t index = bin_index(size);
    if (index >= SMALL_BINS && map_has(index)) {
        struct block *head = &heap.bins[index];
        for (struct block *b = head->next; b != head; b = b->next)
            if (block_size(b) >= size)
                return b;
        index++;
    }
    index = map_next(index);
    return index < BIN_COUNT ? heap.bins[index].next : NULL;
}

/*
 * b is in no bin, free or just grown, and at least `size` bytes.  Makes
 * `size` bytes of it an allocated chunk and frees the rest when that can
 * be a chunk of its own (else the whole of b is allocated: internal
 * fragmentation < MIN_CHUNK).  Returns the allocated chunk: b itself, or
 * for a small request its high end.
 */
static struct block *place(struct block *b, size_t size, int small)
{
    size_t total = block_size(b);
    VERIFY(total >= size);
    if (total - size < MIN_CHUNK) {
        block_set_used(b, total);
        return b;
    }
    if (small) { /* the rest stays below, free; the chunk is on top */
        struct block *top = (struct block *)((char *)b + total - size);
        block_set_free(b, total - size);
        top->header = 0; /* PREV_USED: the rest below is free */
        block_set_used(top, size);
        bin_insert(b); /* its neighbours are used: nothing to merge */
        return top;
    }
    block_set_used(b, size);
    struct block *rest = block_next(b);
    rest->header = (total - size) | PREV_USED;
    release(rest); /* may merge with a free chunk above */
    return b;
}

/* What a malloc grows the heap by at least: GROWTH_MIN, or a
 * 1/GROWTH_FRACTION of the heap when that is more. */
static inline size_t growth_minimum(void)
{
    size_t heap_bytes = (size_t)((char *)mem_heap_hi() + 1 -
                                 (char *)mem_heap_lo());
    size_t share = round_up(heap_bytes / GROWTH_FRACTION, ALIGNMENT);
    return share > GROWTH_MIN ? share : GROWTH_MIN;
}

/*
 * Grows the heap so that a free chunk of at least `size` bytes ends it,
 * counting a free last chunk, by at least `minimum` bytes.  Returns that
 * chunk, in no bin, or NULL (heap unchanged) when memlib refuses.
 */
static struct block *heap_grow(size_t size, size_t minimum)
{
    struct block *epilogue = heap_epilogue();
    size_t free_tail = block_prev_used(epilogue)
                           ? 0
                           : *(size_t *)((char *)epilogue - WORD);
    VERIFY(size > free_tail);
    size_t grow = size - free_tail;
    if (grow < minimum)
        grow = minimum;
    char *old_break = mem_sbrk((intptr_t)grow);
    if (old_break == (void *)-1)
        return NULL;
    VERIFY(old_break == (char *)epilogue + WORD);
    struct block *fresh = epilogue; /* the old epilogue becomes its header */
    fresh->header = grow | (epilogue->header & PREV_USED);
    *block_footer(fresh) = grow;
    block_next(fresh)->header = USED; /* the new epilogue: PREV_USED 0 */
    return coalesce(fresh);
}

/* ---- vtable methods ---------------------------------------------------- */

static int bins_init(void)
{
    for (size_t i = 0; i < BIN_COUNT; i++) {
        heap.bins[i].header = USED; /* a sentinel is never a free chunk */
        heap.bins[i].next = heap.bins[i].prev = &heap.bins[i];
    }
    memset(heap.nonempty, 0, sizeof heap.nonempty);

    char *start = mem_sbrk(2 * WORD);
    if (start == (void *)-1)
        return -1;
    VERIFY(start == (char *)mem_heap_lo());
    VERIFY_EQ((uintptr_t)start % ALIGNMENT, 0);
    *(size_t *)start = 0;                    /* padding: payloads align */
    heap_first()->header = PREV_USED | USED; /* the epilogue header */
    return 0;
}

/*
 * malloc, step by step:
 *   1. A request of 0 gets NULL (the contract allows it), and so does one
 *      too large for mem_sbrk.
 *   2. Round the request up to a chunk size: payload + header, a multiple
 *      of 16, at least MIN_CHUNK.
 *   3. Find a chunk: its own small bin, its own large bin's first fit, or
 *      the first chunk of the smallest non-empty bigger bin, found by a
 *      bit scan of the non-empty bitmap.  Take it out of its bin.
 *   4. None fits: grow the heap (a free last chunk counts; at least
 *      growth_minimum()) and take the free chunk that now ends the heap.
 *   5. Place: allocate `size` bytes of the chunk, at its high end for a
 *      small request; a rest of MIN_CHUNK or more becomes a free chunk in
 *      its own bin.
 */
static void *bins_malloc(size_t request)
{
    if (request == 0 || request > MAX_REQUEST)                  /* step 1 */
        return NULL;
    size_t size = chunk_size_for(request);                      /* step 2 */
    struct block *b = find_fit(size);                           /* step 3 */
    if (b != NULL)
        bin_remove(b);
    else if ((b = heap_grow(size, growth_minimum())) == NULL)   /* step 4 */
        return NULL;
    return block_payload(place(b, size, request <= SMALL_REQUEST)); /* 5 */
}

/* The chunk of a pointer from malloc/realloc, with its tags checked. */
static struct block *live_block(void *ptr)
{
    VERIFY_EQ((uintptr_t)ptr % ALIGNMENT, 0);
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b)); /* else: a double free, or not our pointer */
    VERIFY(block_prev_used(block_next(b)));
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
 *      heap by just the missing bytes and absorb them (growing by more
 *      would leave a free tail that small mallocs take, boxing b in: 6
 *      points of utilization on the classic traces).
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
        place(b, size, 0);
        return ptr;
    }
    if (!block_used(next) && have + block_size(next) >= size) { /* step 2 */
        bin_remove(next);
        block_set_used(b, have + block_size(next));
        place(b, size, 0);
        return ptr;
    }
    struct block *after = block_used(next) ? next : block_next(next);
    if (block_size(after) == 0) {                               /* step 3 */
        struct block *tail = heap_grow(size - have, 0);
        if (tail == NULL)
            return NULL;
        VERIFY(tail == next);
        block_set_used(b, have + block_size(tail));
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
    int problems = 0, below_used = 1;
    struct block *b = heap_first(), *end = heap_epilogue();
    while (b < end) {
        size_t size = block_size(b);
        if (size < MIN_CHUNK || size % ALIGNMENT != 0 ||
            size > (size_t)((char *)end - (char *)b))
            return problems + problem(b, "chunk size out of range, walk stops",
                                      size);
        if (block_prev_used(b) != below_used)
            problems += problem(b, "PREV_USED bit disagrees with the chunk"
                                   " below, bit is",
                                (size_t)block_prev_used(b));
        if (!block_used(b)) {
            ++*free_chunks;
            if (*block_footer(b) != size)
                problems += problem(b, "free chunk's footer != its size, "
                                       "footer is",
                                    *block_footer(b));
            if (!below_used)
                problems += problem(b, "free chunk follows a free chunk", size);
            if (!is_node(b->next) || !is_node(b->prev))
                problems += problem(b, "free chunk's links leave the heap", size);
            else if (b->next->prev != b || b->prev->next != b)
                problems += problem(b, "free chunk's links disagree", size);
        }
        below_used = block_used(b);
        b = block_next(b);
    }
    if (b != end)
        problems += problem(b, "heap walk overshoots the break by",
                            (size_t)((char *)b - (char *)end));
    else if ((end->header & ~(size_t)PREV_USED) != USED)
        problems += problem(end, "epilogue header is not 0|1", end->header);
    else if (block_prev_used(end) != below_used)
        problems += problem(end, "epilogue's PREV_USED bit disagrees with the "
                                 "last chunk, bit is",
                            (size_t)block_prev_used(end));
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
        if (map_has(i) != (head->next != head))
            problems += problem(head, "non-empty bit wrong for bin", i);
    }
    return problems;
}

static int bins_check(void)
{
    char *start = mem_heap_lo(), *end = (char *)mem_heap_hi() + 1;
    if (end - start < 2 * WORD)
        return problem(start, "heap too small for padding and epilogue",
                       (size_t)(end - start));
    int problems = 0;
    if (*(size_t *)start != 0)
        problems += problem(start, "padding word is not 0", *(size_t *)start);
    size_t free_chunks = 0, members = 0;
    problems += check_chunks(&free_chunks);
    problems += check_bins(free_chunks, &members);
    if (members != free_chunks)
        problems += problem(start, "bins hold a different count than the"
                                   " free chunks in the heap", members);
    uint64_t past = heap.nonempty[MAP_WORDS - 1] >> (BIN_COUNT % 64);
    if (BIN_COUNT % 64 != 0 && past != 0)
        problems += problem(heap.nonempty, "bits set past the last bin",
                            (size_t)past);
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
    .summary = "bins of doubly linked free lists, exact below 1 KiB, "
               "bitmap search, O(1) free",
    .init = bins_init,
    .malloc = bins_malloc,
    .free = bins_free,
    .realloc = bins_realloc,
    .check = bins_check,
    .walk = bins_walk,
};
