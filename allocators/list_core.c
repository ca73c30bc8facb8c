/*
 * list_core.c -- the heap manager of the list backends: an address-ordered
 * free list, Princeton COS 217's "List implementation" of the heap manager.
 *
 * Four backends share it and differ only in the fit policy they pass to
 * list_core_init (fit_policy.h): list.c (first fit, the lecture's), and
 * list_best.c, list_worst.c, list_next.c.  Each of those files is a vtable
 * and one init function; everything below is theirs in common.  Why not
 * one file: the grader leaves allocators/list.o out of the program when a
 * student's submission defines list_allocator, so list.o must hold the
 * `list` backend and nothing the variants need.
 *
 * What it adds over pad.  pad never reuses a freed block.  list keeps every
 * free chunk on one singly linked list, sorted by address, and serves a
 * malloc from the first free chunk that is large enough before it asks the
 * OS for more.  To know what it frees, every chunk starts with a header
 * that holds its size; the low bit of the size says whether the chunk is in
 * use (sizes are multiples of 16, so the bit is otherwise zero).  A free
 * chunk also holds the address of the next free chunk, where an allocated
 * chunk's payload begins.
 *
 * Policy.
 *   fit        The backend's policy (fit_policy.h), over the list in
 *              address order.  First fit (list): the lowest free chunk that
 *              is large enough.  Next fit (list-next): the first one at or
 *              after the chunk where the last search stopped (the rover),
 *              wrapping around once.  Best fit (list-best): the smallest
 *              that fits, the lowest of equals.  Worst fit (list-worst):
 *              the largest, the lowest of equals.
 *   split      When the chunk leaves at least MIN_CHUNK bytes over, malloc
 *              hands out its TAIL end: the head keeps its address and so
 *              its place in the list, and only its size changes; no links
 *              are rewritten.  Otherwise the whole chunk leaves the list.
 *   coalesce   Immediately, on every free.  free walks the list to the
 *              chunk's place in address order; the list neighbours there
 *              are the only chunks it can touch.  CS:APP's four cases:
 *              1 both neighbours allocated, 2 only the next one free,
 *              3 only the previous one free, 4 both free.
 *   growth     When no chunk fits, the heap grows with mem_sbrk by the
 *              bytes missing (a free chunk that ends at the break counts)
 *              but at least GROWTH_MIN = 8 KiB, pad's step: a run of small
 *              mallocs costs one system call per 8 KiB, at the price of at
 *              most 8 KiB of unused tail, and the comparison pad -> list
 *              changes nothing but reuse.  The new chunk is freed into the
 *              list like any other, so it merges with the last free chunk
 *              when that ends at the old break (case 3).  The heap never
 *              shrinks.
 *   realloc    In place when shrinking (the tail becomes a free chunk when
 *              it is at least MIN_CHUNK) or when the next chunk is free and
 *              large enough; else malloc, copy, free.
 *
 * Costs.  8 bytes per allocated chunk (the header); chunks are multiples
 * of 16, MIN_CHUNK = 16 (header + next).  8 bytes per heap: the word that
 * makes payloads 16-byte aligned.  malloc: O(free chunks), plus a system
 * call when the heap grows; first and next fit stop at the first chunk
 * that fits, best fit at an exact fit, worst fit walks the whole list.
 * free: O(free chunks), the walk to its place.  realloc: O(free chunks) in
 * place, else malloc + copy + free.
 *
 * Honest trade-offs.  free is linear only because a singly linked list
 * cannot tell a chunk's neighbours any other way; dlist fixes that with
 * footers and a second link.  In exchange the list stays in address order,
 * which makes first fit fragment little (Johnstone and Wilson, "The Memory
 * Fragmentation Problem: Solved?", 1998), and the checker can compare the
 * list with the heap in one pass.  Handing out tail ends means consecutive
 * mallocs get decreasing addresses.
 *
 *   allocated:  | header: size|1 | payload ...                     |
 *   free:       | header: size|0 | next | unused ...               |
 *               ^ chunk start     ^ payload, 16-byte aligned
 *
 *   heap:  | pad | free | used | used | free | used | ... | free |
 *          ^ mem_heap_lo(), page aligned                   break ^
 *   list:  head -> free ------------> free ------------> free -> NULL
 */
#include "list_core.h"

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
 * A chunk.  Only a free chunk uses next: in an allocated chunk the payload
 * begins where next is.
 */
struct block {
    size_t header;      /* size | USED */
    struct block *next; /* free chunks only: the next free chunk, higher up */
};

enum {
    WORD = sizeof(size_t),
    ALIGNMENT = HEAPLAB_ALIGNMENT,
    USED = 1,                  /* header bit: the chunk is allocated */
    FLAG_BITS = ALIGNMENT - 1, /* sizes are multiples of 16: 4 flag bits */
    PAYLOAD_OFFSET = offsetof(struct block, next),
    HEAP_PAD = ALIGNMENT - PAYLOAD_OFFSET, /* before the first chunk */
    MIN_CHUNK = 16,            /* header + next */
    GROWTH_MIN = 8192,         /* the heap grows by at least this */
};

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

_Static_assert(PAYLOAD_OFFSET == WORD, "the payload follows the header");
_Static_assert(MIN_CHUNK >= sizeof(struct block) && MIN_CHUNK % ALIGNMENT == 0,
               "a free chunk holds its header and link");
_Static_assert(GROWTH_MIN % ALIGNMENT == 0, "growth keeps chunks aligned");

static inline size_t block_size(const struct block *b)
{
    return b->header & ~(size_t)FLAG_BITS;
}

static inline int block_used(const struct block *b)
{
    return (b->header & USED) != 0;
}

static inline void block_set(struct block *b, size_t size, int used)
{
    b->header = size | (used ? (size_t)USED : 0);
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
    size_t size = (request + PAYLOAD_OFFSET + ALIGNMENT - 1) / ALIGNMENT;
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
 * Invariants (list_core_check verifies each one):
 *
 *   HEAP_PAD + sum(chunk sizes) == break - mem_heap_lo()
 *   every chunk:  size % 16 == 0  and  size >= MIN_CHUNK
 *   for a -> b in the list:  a < b  and  block_next(a) < b
 *                            (address order; no two free chunks touch)
 *   {chunks on the list}  ==  {chunks whose header says free}
 *   rover_before == NULL  or  rover_before is on the list
 */
static struct {
    struct block *head; /* the lowest free chunk; NULL when none is free */
    /* Next fit: the search starts just after this chunk (at the head when
     * NULL).  Kept up to date under every policy, used only by next fit. */
    struct block *rover_before;
    enum fit_policy policy;
    const char *name;   /* the backend's, for the checker's messages */
} list;

/* Makes b follow `before` on the list (b is the head when before is NULL). */
static inline void list_link(struct block *before, struct block *b)
{
    if (before == NULL)
        list.head = b;
    else
        before->next = b;
}

/*
 * Free chunk `gone` leaves the list (allocated whole, or merged into a
 * neighbour); `instead` is the chunk that now stands where it stood, as
 * the rover sees it.  Keeps the rover on the list.
 */
static inline void list_forget(const struct block *gone, struct block *instead)
{
    if (list.rover_before == gone)
        list.rover_before = instead;
}

/* The last free chunk below b, or NULL: a walk of O(free chunks). */
static struct block *list_before(const struct block *b)
{
    struct block *before = NULL;
    for (struct block *c = list.head; c != NULL && c < b; c = c->next)
        before = c;
    return before;
}

/*
 * b is free, with its header written, and not on the list; `before` is the
 * last free chunk below it (NULL if none).  Links b in after `before` and
 * merges it with the list neighbours it touches.  Because the list holds
 * every free chunk in address order, the chunk just below b in the heap is
 * free exactly when it is `before` and ends where b starts, and likewise
 * above.  The case numbers are those of CS:APP's figure 9.40.
 */
static void list_insert(struct block *before, struct block *b)
{
    struct block *after = before == NULL ? list.head : before->next;
    int prev_free = before != NULL && block_next(before) == b;
    int next_free = after != NULL && block_next(b) == after;
    size_t size = block_size(b);

    if (!prev_free && !next_free) {         /* case 1: nothing to merge */
        b->next = after;
        list_link(before, b);
    } else if (!prev_free && next_free) {   /* case 2: b absorbs after */
        block_set(b, size + block_size(after), 0);
        b->next = after->next;
        list_link(before, b);
        list_forget(after, b);
    } else if (prev_free && !next_free) {   /* case 3: before absorbs b */
        block_set(before, block_size(before) + size, 0);
    } else {                                /* case 4: before absorbs both */
        block_set(before, block_size(before) + size + block_size(after), 0);
        before->next = after->next;
        list_forget(after, before);
    }
}

/* Frees chunk b (not on the list): header, then its place on the list. */
static void release(struct block *b)
{
    block_set(b, block_size(b), 0);
    list_insert(list_before(b), b);
}

/* ---- policy ------------------------------------------------------------ */

/* What a walk of the list found. */
struct fit {
    struct block *chosen;        /* NULL: nothing fits */
    struct block *chosen_before; /* the chunk before it on the list */
    struct block *last;          /* the last free chunk, when walked to */
};

/*
 * Offers the list's chunks after `before` (from the head when NULL) to the
 * search, up to and including `stop` (to the end when NULL).
 */
static void walk_list(struct fit_search *search, struct block *before,
                      const struct block *stop, struct fit *fit)
{
    struct block *c = before == NULL ? list.head : before->next;
    for (; c != NULL && !search->done; before = c, c = c->next) {
        if (fit_offer(search, block_size(c))) {
            fit->chosen = c;
            fit->chosen_before = before;
        }
        if (c->next == NULL)
            fit->last = c;
        if (c == stop)
            break;
    }
}

/*
 * The search, under the backend's policy: the chosen free chunk of at
 * least `size` bytes, or NULL.  *before gets the chunk preceding the
 * result on the list (NULL for the head).  When nothing fits, every chunk
 * has been offered and *before is the last free chunk: heap_grow needs it.
 * Next fit starts after the rover and wraps around to it; every other
 * policy walks from the head.
 */
static struct block *find_fit(size_t size, struct block **before)
{
    struct fit_search search = fit_search_start(list.policy, size);
    struct fit fit = {NULL, NULL, NULL};
    struct block *start = list.policy == FIT_NEXT ? list.rover_before : NULL;
    walk_list(&search, start, NULL, &fit);
    if (start != NULL && !search.done)
        walk_list(&search, NULL, start, &fit); /* wrap around */
    *before = fit.chosen != NULL ? fit.chosen_before : fit.last;
    return fit.chosen;
}

/*
 * Grows the heap so that a free chunk of at least `size` bytes ends it;
 * `last` is the last free chunk (NULL if none), which counts when it ends
 * at the break.  Grows by at least GROWTH_MIN.  Returns 0, or -1 with the
 * heap unchanged when memlib refuses.
 */
static int heap_grow(size_t size, struct block *last)
{
    size_t free_tail = 0;
    if (last != NULL && block_next(last) == heap_end())
        free_tail = block_size(last);
    VERIFY(size > free_tail);
    size_t grow = size - free_tail;
    if (grow < GROWTH_MIN)
        grow = GROWTH_MIN;
    struct block *b = mem_sbrk((intptr_t)grow);
    if (b == (void *)-1)
        return -1;
    block_set(b, grow, 0);
    list_insert(last, b); /* case 1, or case 3 when last ends at b */
    return 0;
}

/*
 * b is a free chunk of at least `size` bytes, after `before` on the list.
 * Returns the allocated chunk: b's tail end when the rest can stay a free
 * chunk, else all of b (internal fragmentation < MIN_CHUNK).
 */
static struct block *place(struct block *before, struct block *b, size_t size)
{
    size_t total = block_size(b);
    VERIFY(total >= size);
    list.rover_before = before; /* the next search starts at b */
    if (total - size >= MIN_CHUNK) {
        block_set(b, total - size, 0); /* the head stays where it is */
        struct block *tail = block_at(b, total - size);
        block_set(tail, size, 1);
        return tail;
    }
    list_link(before, b->next);
    list_forget(b, before);
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

/* ---- vtable methods ---------------------------------------------------- */

int list_core_init(const char *name, enum fit_policy policy)
{
    /* The driver has just called mem_reset(): the heap is empty.  One word
     * of padding puts the first payload on a 16-byte boundary. */
    list.head = NULL;
    list.rover_before = NULL;
    list.policy = policy;
    list.name = name;
    if ((char *)mem_heap_hi() + 1 != (char *)mem_heap_lo())
        return -1;
    return mem_sbrk(HEAP_PAD) == (void *)-1 ? -1 : 0;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL.
 *   STEP 2  the chunk size: size + header, rounded up to 16, >= MIN_CHUNK.
 *   STEP 3  the fit policy: walk the list in address order (next fit:
 *           from the rover) and choose a chunk that is large enough.
 *   STEP 4  none: grow the heap (by at least GROWTH_MIN, merging with a
 *           free chunk at the break) and search again; the chunk at the
 *           end of the list now fits.  NULL if memlib refuses.
 *   STEP 5  place: split off the chunk's tail end, or unlink all of it.
 *   STEP 6  return the payload, just after the header.
 */
void *list_core_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0 || size > MAX_REQUEST)
        return NULL;

    /* STEP 2 */
    size_t chunk = chunk_size_for(size);

    /* STEP 3 */
    struct block *before;
    struct block *b = find_fit(chunk, &before);

    /* STEP 4 -- growth is rare, so a second walk is cheaper to read than
     * bookkeeping about which chunk precedes the grown one. */
    if (b == NULL) {
        if (heap_grow(chunk, before) != 0)
            return NULL;
        b = find_fit(chunk, &before);
        VERIFY(b != NULL);
    }

    /* STEP 5 and STEP 6 */
    return block_payload(place(before, b, chunk));
}

void list_core_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b)); /* a double free stops here */
    release(b);
}

void *list_core_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return list_core_malloc(size);
    if (size == 0) {
        list_core_free(ptr);
        return NULL;
    }
    if (size > MAX_REQUEST)
        return NULL;
    struct block *b = payload_block(ptr);
    VERIFY(block_used(b));
    size_t chunk = chunk_size_for(size);
    size_t total = block_size(b);

    /* Growing: absorb the next chunk when it is free and large enough. */
    struct block *next = block_next(b);
    if (chunk > total && next != heap_end() && !block_used(next) &&
        total + block_size(next) >= chunk) {
        struct block *before = list_before(next);
        list_link(before, next->next);
        list_forget(next, before);
        total += block_size(next);
        block_set(b, total, 1);
    }

    /* In place: give back what is left over. */
    if (chunk <= total) {
        shrink(b, chunk);
        return ptr;
    }

    /* Elsewhere: the new payload is larger than the old one. */
    void *moved = list_core_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, total - PAYLOAD_OFFSET);
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
    fprintf(stderr, "%s: chunk %p: ", list.name, where);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

/* A chunk's header can be read and its size trusted to walk on. */
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
 * Walks the list, then the heap, and compares them in one pass (both are in
 * address order).  Stops following a list or a walk that cannot be trusted
 * any more, so a corrupt heap gets a report, not a crash or a loop.
 */
int list_core_check(void)
{
    struct block *end = heap_end();
    int problems = 0;

    /* The list: in the heap, free, strictly increasing. */
    int list_sane = 1;
    struct block *before = NULL;
    for (struct block *c = list.head; c != NULL; before = c, c = c->next) {
        if (before != NULL && c <= before) {
            report(c, "follows %p on the free list: not in address order",
                   (void *)before);
            list_sane = 0;
        } else if (!chunk_sane(c, end)) {
            list_sane = 0;
        }
        if (!list_sane) {
            problems++;
            break;
        }
        if (block_used(c)) {
            report(c, "is on the free list but marked allocated");
            problems++;
        }
    }

    /* The heap, chunk by chunk, with `expected` the next list chunk: every
     * free chunk must be the one the list names next, and no two free
     * chunks may touch (which also keeps list neighbours apart). */
    struct block *expected = list_sane ? list.head : NULL;
    struct block *b = heap_first();
    int prev_free = 0;
    for (; b < end; b = block_next(b)) {
        if (!chunk_sane(b, end))
            return problems + 1;
        int is_free = !block_used(b);
        if (is_free && prev_free) {
            report(b, "is free and touches the free chunk below: not "
                   "coalesced");
            problems++;
        }
        prev_free = is_free;
        for (; expected != NULL && expected < b; expected = expected->next) {
            report(expected, "is on the free list but is not a chunk");
            problems++;
        }
        if (expected == b) {
            expected = expected->next; /* if allocated, reported above */
        } else if (is_free && list_sane) {
            report(b, "is free but not on the free list");
            problems++;
        }
    }
    if (b != end) {
        report(b, "the heap walk ends here, not at the break %p", (void *)end);
        problems++;
    }
    for (; expected != NULL; expected = expected->next) {
        report(expected, "is on the free list but is not a chunk");
        problems++;
    }

    /* The rover: a chunk on the list (only a sane list can tell). */
    if (list_sane && list.rover_before != NULL) {
        struct block *c = list.head;
        while (c != NULL && c != list.rover_before)
            c = c->next;
        if (c == NULL) {
            report(list.rover_before, "is the next-fit rover but not on the "
                   "free list");
            problems++;
        }
    }
    return problems;
}

void list_core_walk(heaplab_visit_fn *visit, void *arg)
{
    struct block *end = heap_end();
    for (struct block *b = heap_first(); b < end; b = block_next(b)) {
        if (block_size(b) < MIN_CHUNK)
            return; /* corrupt: list_core_check says where */
        visit(b, block_size(b), block_used(b), arg);
    }
}
