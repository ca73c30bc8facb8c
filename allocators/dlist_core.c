/*
 * dlist_core.c -- the heap manager of the dlist backends: boundary tags and
 * a doubly linked free list, Princeton COS 217's "doubly-linked list
 * implementation" of the heap manager.
 *
 * Four backends share it and differ only in the fit policy they pass to
 * dlist_core_init (fit_policy.h): dlist.c (first fit, the lecture's), and
 * dlist_best.c, dlist_worst.c, dlist_next.c.  Each of those files is a
 * vtable and one init function; everything below is theirs in common (one
 * file each because the grader leaves allocators/dlist.o out of the
 * program when a student's submission defines dlist_allocator).
 *
 * What it adds over list.  list's free is O(free chunks): a singly linked
 * list cannot name a chunk's neighbours, so free walks to the chunk's place
 * in address order.  dlist makes free O(1) with two changes:
 *   - every chunk ends with a footer, a copy of its header (size | status):
 *     a chunk finds the chunk below it by reading the word just below its
 *     own header, and the chunk above it by adding its size, so free sees
 *     both heap neighbours and whether they are free at once (Knuth's
 *     boundary tags);
 *   - a free chunk links to the previous free chunk too, so it can leave
 *     the list without a walk, and the list needs no order: a freed chunk
 *     goes in front.
 *
 * Policy.
 *   fit        The backend's policy (fit_policy.h), over the list in its
 *              order, most recently freed first (LIFO).  First fit (dlist):
 *              the first chunk that is large enough.  Next fit
 *              (dlist-next): the first one at or after the chunk where the
 *              last search stopped (the rover), wrapping around once.  Best
 *              fit (dlist-best): the smallest that fits.  Worst fit
 *              (dlist-worst): the largest.  Ties go to the chunk met first.
 *   split      As in list: when the chunk leaves at least MIN_CHUNK bytes
 *              over, malloc hands out its TAIL end, and the head stays on
 *              the list with a new size and no link rewritten.  Otherwise
 *              the whole chunk leaves the list.
 *   coalesce   Immediately, on every free, in O(1) through the boundary
 *              tags.  CS:APP's four cases: 1 both neighbours allocated,
 *              2 only the next one free, 3 only the previous one free,
 *              4 both free.  In cases 3 and 4 the previous chunk grows and
 *              keeps its place on the list.
 *   growth     When no chunk fits, the heap grows with mem_sbrk by the
 *              bytes missing (a free last chunk counts) but at least
 *              GROWTH_MIN = 8 KiB, as in pad and list: one system call per
 *              8 KiB of small mallocs, at most 8 KiB of unused tail.  The
 *              new chunk is freed like any other, so it merges with a free
 *              last chunk (case 3).  The heap never shrinks.
 *   realloc    In place when shrinking (the tail becomes a free chunk when
 *              it is at least MIN_CHUNK), when the next chunk is free and
 *              large enough, or when the chunk is the last one, perhaps
 *              followed by a free chunk: then the heap grows (at least
 *              GROWTH_MIN; the excess becomes a free chunk behind it).
 *              Else malloc, copy, free.
 *
 * Costs.  16 bytes per allocated chunk (header + footer); chunks are
 * multiples of 16, MIN_CHUNK = 32 (header, next, prev, footer).  8 bytes
 * per heap to align the payloads.  malloc: O(free chunks), plus a system
 * call when the heap grows; first and next fit stop at the first chunk
 * that fits, best fit at an exact fit, worst fit walks the whole list.
 * free: O(1).  realloc: O(1) in place, else malloc + copy + free.  check:
 * O(chunks).
 *
 * Honest trade-offs.  Allocated chunks carry a footer they only need while
 * free (dlmalloc saves it with a "previous in use" bit), so MIN_CHUNK
 * doubles.  The unordered list gives up list's address-ordered first fit
 * for LIFO first fit.  malloc still searches one list of all free chunks;
 * bins splits it by size.  The heap has no sentinel chunks, so coalescing
 * asks whether a chunk is the first or last (bins adds a prologue and an
 * epilogue to save those two comparisons).
 *
 *   allocated:  | header: size|1 | payload ...               | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...  | footer: size|0 |
 *               ^ chunk start     ^ payload, 16-byte aligned
 *
 *   heap:  | pad | chunk | chunk | chunk | ... | chunk |
 *          ^ mem_heap_lo(), page aligned         break ^
 *   list:  head -> free <-> free <-> free -> NULL   (any address order)
 */
#include "dlist_core.h"

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

#include <stdarg.h>
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
    struct block *next; /* free chunks only: next on the free list */
    struct block *prev; /* free chunks only: previous on the free list */
};

enum {
    WORD = sizeof(size_t),
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    USED = 1,                  /* tag bit: the chunk is allocated */
    FLAG_BITS = ALIGNMENT - 1, /* sizes are multiples of 16: 4 flag bits */
    PAYLOAD_OFFSET = offsetof(struct block, next),
    HEAP_PAD = ALIGNMENT - PAYLOAD_OFFSET, /* before the first chunk */
    OVERHEAD = 2 * WORD,       /* header + footer */
    MIN_CHUNK = 32,            /* header, next, prev, footer */
    GROWTH_MIN = 8192,         /* the heap grows by at least this */
};

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

_Static_assert(PAYLOAD_OFFSET == WORD, "the payload follows the header");
_Static_assert(MIN_CHUNK >= sizeof(struct block) + WORD &&
               MIN_CHUNK % ALIGNMENT == 0,
               "a free chunk holds its links and its footer");
_Static_assert(GROWTH_MIN % ALIGNMENT == 0, "growth keeps chunks aligned");

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

/* The chunk just above b in the heap (the break when b is last). */
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
    size *= ALIGNMENT; /* rounded up to a multiple of 16 */
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
 * Invariants (dlist_core_check verifies each one):
 *
 *   HEAP_PAD + sum(chunk sizes) == break - mem_heap_lo()
 *   every chunk:  header == footer,  size % 16 == 0,  size >= MIN_CHUNK
 *   no two neighbouring chunks are both free
 *   head->prev == NULL  and  for a -> b on the list:  b->prev == a
 *   |list| == |{chunks whose tags say free}|,  every list member free
 *   rover == NULL  or  rover is on the list
 *
 * The prev links rule out a chunk listed twice, so equal counts mean the
 * list holds exactly the free chunks -- unless a list member is a fake
 * chunk forged inside a payload, which counting cannot tell.
 */
static struct {
    struct block *head; /* the most recently listed free chunk, or NULL */
    /* Next fit: the search starts here (at the head when NULL).  Kept up to
     * date under every policy, used only by next fit. */
    struct block *rover;
    enum fit_policy policy;
    const char *name;   /* the backend's, for the checker's messages */
} dlist;

/* Puts free chunk b in front of the list: O(1). */
static void list_push(struct block *b)
{
    b->prev = NULL;
    b->next = dlist.head;
    if (dlist.head != NULL)
        dlist.head->prev = b;
    dlist.head = b;
}

/* Takes free chunk b off the list: O(1), thanks to prev.  A rover on b
 * moves on to the chunk after it. */
static void list_remove(struct block *b)
{
    if (dlist.rover == b)
        dlist.rover = b->next;
    if (b->prev == NULL)
        dlist.head = b->next;
    else
        b->prev->next = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
}

/*
 * b is free, with its tags written, and not on the list.  Merges it with
 * its free heap neighbours, found through the boundary tags, and leaves the
 * merged chunk on the list; returns it.  The case numbers are those of
 * CS:APP's figure 9.40.
 */
static struct block *coalesce(struct block *b)
{
    int prev_free = b != heap_first() && !tag_used(block_prev_tag(b));
    struct block *next = block_next(b);
    int next_free = next != heap_end() && !block_used(next);
    size_t size = block_size(b);

    if (!prev_free && !next_free) {         /* case 1: nothing to merge */
        list_push(b);
    } else if (!prev_free && next_free) {   /* case 2: b absorbs next */
        list_remove(next);
        block_set(b, size + block_size(next), 0);
        list_push(b);
    } else if (prev_free && !next_free) {   /* case 3: prev absorbs b */
        b = block_prev(b);
        block_set(b, block_size(b) + size, 0); /* prev stays listed */
    } else {                                /* case 4: prev absorbs both */
        list_remove(next);
        b = block_prev(b);
        block_set(b, block_size(b) + size + block_size(next), 0);
    }
    return b;
}

/* Frees chunk b (not on the list): tags, coalescing, list. */
static struct block *release(struct block *b)
{
    block_set(b, block_size(b), 0);
    return coalesce(b);
}

/* ---- policy ------------------------------------------------------------ */

/*
 * Offers the listed chunks from `from` up to (not including) `stop` to the
 * search; returns the chosen one, or `chosen` when none is better.
 */
static struct block *walk_list(struct fit_search *search, struct block *from,
                               const struct block *stop, struct block *chosen)
{
    for (struct block *b = from; b != stop && !search->done; b = b->next)
        if (fit_offer(search, block_size(b)))
            chosen = b;
    return chosen;
}

/*
 * The search, under the backend's policy: the chosen free chunk of at
 * least `size` bytes, or NULL.  Next fit starts at the rover and wraps
 * around to it; every other policy starts at the head.
 */
static struct block *find_fit(size_t size)
{
    struct fit_search search = fit_search_start(dlist.policy, size);
    struct block *start = dlist.policy == FIT_NEXT ? dlist.rover : NULL;
    if (start == NULL)
        start = dlist.head;
    struct block *chosen = walk_list(&search, start, NULL, NULL);
    if (start != dlist.head && !search.done)
        chosen = walk_list(&search, dlist.head, start, chosen);
    return chosen;
}

/*
 * Grows the heap so that a free chunk of at least `size` bytes ends it,
 * counting a free last chunk, by at least GROWTH_MIN.  Returns that chunk,
 * on the list, or NULL (heap unchanged) when memlib refuses.
 */
static struct block *heap_grow(size_t size)
{
    struct block *end = heap_end();
    size_t free_tail = 0;
    if (end != heap_first() && !tag_used(block_prev_tag(end)))
        free_tail = tag_size(block_prev_tag(end));
    VERIFY(size > free_tail);
    size_t grow = size - free_tail;
    if (grow < GROWTH_MIN)
        grow = GROWTH_MIN;
    struct block *b = mem_sbrk((intptr_t)grow);
    if (b == (void *)-1)
        return NULL;
    VERIFY(b == end);
    block_set(b, grow, 0);
    return coalesce(b); /* case 1, or case 3 with a free last chunk */
}

/*
 * b is a listed free chunk of at least `size` bytes.  Returns the allocated
 * chunk: b's tail end when the rest can stay a free chunk, else all of b
 * (internal fragmentation < MIN_CHUNK).
 */
static struct block *place(struct block *b, size_t size)
{
    size_t total = block_size(b);
    VERIFY(total >= size);
    dlist.rover = b; /* the next search starts here (or after b, below) */
    if (total - size >= MIN_CHUNK) {
        block_set(b, total - size, 0); /* stays listed, links untouched */
        struct block *tail = block_at(b, total - size);
        block_set(tail, size, 1);
        return tail;
    }
    list_remove(b);
    block_set(b, total, 1);
    return b;
}

/*
 * Gives allocated chunk b's bytes beyond `size` back to the list, when they
 * can form a chunk of their own; else b stays as it is.
 */
static void shrink(struct block *b, size_t size)
{
    size_t total = block_size(b);
    if (total - size < MIN_CHUNK)
        return;
    block_set(b, size, 1);
    struct block *rest = block_at(b, size);
    block_set(rest, total - size, 1);
    release(rest); /* case 2 when the chunk above is free */
}

/*
 * realloc's way to grow allocated chunk b to at least `size` bytes where
 * it is: absorb the next chunk when it is free, and when b (with it) ends
 * at the break, grow the heap by what is missing, at least GROWTH_MIN.
 * Returns 0, or -1 with b unchanged.
 */
static int grow_in_place(struct block *b, size_t size)
{
    struct block *end = heap_end();
    struct block *next = block_next(b);
    size_t next_free = 0;
    if (next != end && !block_used(next))
        next_free = block_size(next);
    size_t total = block_size(b) + next_free;
    if (total < size) {
        if (block_at(b, total) != end)
            return -1; /* too small, and not at the end of the heap */
        size_t grow = size - total;
        if (grow < GROWTH_MIN)
            grow = GROWTH_MIN;
        if (mem_sbrk((intptr_t)grow) == (void *)-1)
            return -1;
        total += grow;
    }
    if (next_free != 0)
        list_remove(next);
    block_set(b, total, 1);
    return 0;
}

/* ---- vtable methods ---------------------------------------------------- */

int dlist_core_init(const char *name, enum fit_policy policy)
{
    /* The driver has just called mem_reset(): the heap is empty.  One word
     * of padding puts the first payload on a 16-byte boundary. */
    dlist.head = NULL;
    dlist.rover = NULL;
    dlist.policy = policy;
    dlist.name = name;
    if ((char *)mem_heap_hi() + 1 != (char *)mem_heap_lo())
        return -1;
    return mem_sbrk(HEAP_PAD) == (void *)-1 ? -1 : 0;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL.
 *   STEP 2  the chunk size: size + header + footer, rounded up to 16,
 *           >= MIN_CHUNK.
 *   STEP 3  the fit policy: walk the list from its head (next fit: from
 *           the rover) and choose a chunk that is large enough.
 *   STEP 4  none: grow the heap (by at least GROWTH_MIN, merging with a
 *           free last chunk); the grown chunk fits.  NULL if memlib
 *           refuses.
 *   STEP 5  place: split off the chunk's tail end, or unlink all of it.
 *   STEP 6  return the payload, just after the header.
 */
void *dlist_core_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0 || size > MAX_REQUEST)
        return NULL;

    /* STEP 2 */
    size_t chunk = chunk_size_for(size);

    /* STEP 3 */
    struct block *b = find_fit(chunk);

    /* STEP 4 */
    if (b == NULL && (b = heap_grow(chunk)) == NULL)
        return NULL;

    /* STEP 5 and STEP 6 */
    return block_payload(place(b, chunk));
}

/* O(1): tags, at most two neighbours, the list's head. */
void dlist_core_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b)); /* a double free stops here */
    VERIFY_EQ(*block_footer(b), b->header);
    release(b);
}

void *dlist_core_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return dlist_core_malloc(size);
    if (size == 0) {
        dlist_core_free(ptr);
        return NULL;
    }
    if (size > MAX_REQUEST)
        return NULL;
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b));
    size_t chunk = chunk_size_for(size);
    size_t total = block_size(b);

    /* In place: shrink, or grow into the next chunk or the heap's end. */
    if (chunk <= total || grow_in_place(b, chunk) == 0) {
        shrink(b, chunk);
        return ptr;
    }

    /* Elsewhere: the new payload is larger than the old one. */
    void *moved = dlist_core_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, total - OVERHEAD);
    release(b);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

/* One line on stderr about the chunk at `where`. */
__attribute__((format(printf, 2, 3)))
static void report(const void *where, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "%s: chunk %p: ", dlist.name, where);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

/* A chunk's tags can be read and its size trusted to walk on. */
static int chunk_sane(struct block *b, struct block *end)
{
    uintptr_t offset = (uintptr_t)b - (uintptr_t)heap_first();
    if (b < heap_first() || block_at(b, MIN_CHUNK) > end ||
        offset % ALIGNMENT != 0) {
        report(b, "lies outside the heap [%p, %p) or off the chunk grid",
               (void *)heap_first(), (void *)end);
        return 0;
    }
    size_t size = b->header & ~(size_t)USED; /* other flag bits are 0 */
    if (size % ALIGNMENT != 0 || size < MIN_CHUNK ||
        size > (size_t)((char *)end - (char *)b)) {
        report(b, "has size %zu: not a multiple of 16, below %d, or past "
               "the break %p", size, MIN_CHUNK, (void *)end);
        return 0;
    }
    return 1;
}

/*
 * Walks the heap by sizes, then the list from its head, and compares the
 * counts.  Stops following a walk or a list that cannot be trusted any
 * more, so a corrupt heap gets a report, not a crash or an endless loop.
 */
int dlist_core_check(void)
{
    struct block *end = heap_end();
    int problems = 0;

    /* The heap: sane sizes, matching tags, coalescing complete. */
    size_t free_chunks = 0;
    int prev_free = 0;
    struct block *b = heap_first();
    for (; b < end; b = block_next(b)) {
        if (!chunk_sane(b, end))
            return problems + 1;
        if (*block_footer(b) != b->header) {
            report(b, "header %#zx differs from footer %#zx", b->header,
                   *block_footer(b));
            problems++;
        }
        int is_free = !block_used(b);
        if (is_free && prev_free) {
            report(b, "is free and touches the free chunk below: not "
                   "coalesced");
            problems++;
        }
        free_chunks += (size_t)is_free;
        prev_free = is_free;
    }
    if (b != end) {
        report(b, "the heap walk ends here, not at the break %p", (void *)end);
        problems++;
    }

    /* The list: free members, consistent links, as many as free chunks. */
    size_t members = 0;
    struct block *before = NULL;
    struct block *c = dlist.head;
    for (; c != NULL; before = c, c = c->next) {
        if (members == free_chunks) {
            report(c, "is free-list member %zu, but the heap has only %zu "
                   "free chunks (a cycle?)", members + 1, free_chunks);
            problems++;
            break;
        }
        if (!chunk_sane(c, end)) {
            problems++;
            break;
        }
        if (c->prev != before) {
            report(c, "has prev link %p on the free list, not %p",
                   (void *)c->prev, (void *)before);
            problems++;
        }
        if (block_used(c)) {
            report(c, "is on the free list but marked allocated");
            problems++;
        }
        members++;
    }
    if (c == NULL && members != free_chunks) {
        report(dlist.head, "the free list starting here holds %zu chunks, "
               "the heap has %zu free ones", members, free_chunks);
        problems++;
    }

    /* The rover: a chunk on the list (only a list walked to its end can
     * tell). */
    if (c == NULL && dlist.rover != NULL) {
        struct block *member = dlist.head;
        while (member != NULL && member != dlist.rover)
            member = member->next;
        if (member == NULL) {
            report(dlist.rover, "is the next-fit rover but not on the free "
                   "list");
            problems++;
        }
    }
    return problems;
}

void dlist_core_walk(heaplab_visit_fn *visit, void *arg)
{
    struct block *end = heap_end();
    for (struct block *b = heap_first(); b < end; b = block_next(b)) {
        if (block_size(b) < MIN_CHUNK)
            return; /* corrupt: dlist_core_check says where */
        visit(b, block_size(b), block_used(b), arg);
    }
}
