/*
 * segdata.c -- "segregated data" (the lecture's appendix): size classes,
 * each class's blocks in pages of their own, no splitting, no coalescing;
 * free finds the class from a header at the start of the block's page.
 *
 * Where it stands.  pool is the textbook's simple segregated storage: a
 * slab of one class per page, a used bit per block, a system call per
 * slab and a mapping per large block.  segdata keeps the idea (a page
 * belongs to one class for good; rounding a pointer down to its page
 * finds the class, so a block needs no header) and engineers it for
 * speed: no per-block bit, a heap that grows many pages at a time, large
 * blocks as runs of whole pages in the same heap.  free reads the class
 * with one mask and one load; segmeta.c moves that header into a table:
 *
 *     class = ((struct page_header *)(ptr & ~(PAGE - 1)))->kind
 *
 * Policy.
 *   fit        None: a table maps the request, in 16-byte units, to its
 *              class; the class's free list gives the block, else its
 *              current page's next untouched block (bump), else a fresh
 *              page.  Large requests (over 2032 bytes) take a run of whole
 *              pages, the header in the first, the payload right after it:
 *              a freed run of that many pages, else the smallest bigger
 *              one up to 63 pages (a bitmap of non-empty run lists), else
 *              the first long enough run of 64 pages or more, else fresh
 *              pages.  A freed run that ends at the frontier goes back to
 *              it, so the next run can take its pages and more.
 *   split      Never: a block holds its class size, a run all its pages.
 *   coalesce   Never: a freed block goes back to its class, a freed run to
 *              the list of its length; a page never changes class.
 *   growth     Fresh pages come from the frontier, the first page no class
 *              or run has taken; at the break the heap grows by the pages
 *              needed but at least 64 KiB or an eighth of the heap (just
 *              the pages needed when memlib refuses more): few system
 *              calls, for unused heap at the peak.  No mapping at all.
 *   realloc    In place when the new size fits the block (its class size,
 *              or its run's pages less the header), or when a run ends at
 *              the frontier and can take the pages after it; else malloc,
 *              copy, free.
 *
 * Size classes.  A page holds a 16-byte header and 4080 bytes of blocks.
 * Each class is the largest multiple of 16 of which its count fits in
 * those 4080 bytes, so no class wastes more than 112 bytes of a page:
 *
 *     class   16  32  48  64  80  96 112 128 160 192 224
 *     blocks 255 127  85  63  51  42  36  31  25  21  18
 *     unused   0  16   0  48   0  48  48 112  80  48  48
 *
 *     class  272 336 400 448 496 576 672 816 1008 1360 2032
 *     blocks  15  12  10   9   8   7   6   5    4    3    2
 *     unused   0  48  80  48 112  48  48   0   48    0   16
 *
 * Costs.  No bytes per block; 16 bytes per page (0.4%) for the header,
 * and a class's unused tail.  A block wastes its class's rounding (up to
 * a third above 512 bytes: 1361 bytes take 2032), and every class in use
 * holds a partly used page.  malloc and free: O(1), a few instructions,
 * no search at all below 2032 bytes; a system call per growth.  Large:
 * O(1) up to 63 pages, O(long runs) above.  check: O(heap + free blocks).
 * walk: O(heap + free blocks x heap / 1 MiB): it marks the free blocks of
 * 256 pages at a time in a bitmap on its stack.
 *
 * Honest trade-offs: there's no one best memory allocator.  The header
 * is what segmeta's table saves: powers of two lose the most (1024 bytes
 * take a third of a page here, a quarter in segmeta; 2048 bytes a whole
 * page, not half), and a run holds 16 bytes less than its pages.
 * In return free reads a header in the page the program has just used,
 * where segmeta loads an entry from a mapping of its own, and there is no
 * table to grow, copy or check.  Against bins the trade is segmeta's:
 * memory freed in one class never serves another, a run freed by a long
 * block waits for one at least as long.  A header carries a seal (a word
 * derived from the page's address): the checker finds a corrupted one,
 * and a free of a pointer into a run's middle or of a freed run stops at
 * once; a small block freed twice is caught only twice in a row.
 *
 *   class page of 64:   | header: 3, 1, seal | block | block | ... | tail |
 *                       ^ PAGE-aligned       ^ 16       63 x 64    48 bytes
 *   run of 3 pages:     | header: RUN, 3, seal | payload ...              |
 *   free run:           | header: FREE, 3, seal | next free run | ...     |
 *   free block:         | next free block | (the rest unused) |
 *   the heap:   | page | run ......... | page | page | ...  | frontier ... |
 *               ^ start: headers chain page by page, run by run   ^ break
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

/* ---- block helpers ------------------------------------------------------ */

enum {
    PAGE = 4096,               /* a page; the heap starts on one */
    UNIT = HEAPLAB_ALIGNMENT,  /* class sizes are multiples of 16 */
    HEADER = 16,               /* a page's header, in front of its blocks */
    PAGE_DATA = PAGE - HEADER, /* the bytes of blocks a class page holds */
    MAX_SMALL = 2032,          /* above: a run of whole pages */
    CLASS_COUNT = 22,
    MAX_PER_PAGE = PAGE_DATA / UNIT, /* 255 blocks of 16 bytes */
    RUN_LISTS = 64,            /* free runs of 1..63 pages, one list each;
                                  list 0: runs of 64 pages and more */
    GROWTH_MIN = 64 * 1024,    /* the heap grows by at least this */
    GROWTH_FRACTION = 8,       /* ... and at least heap / this */
    WALK_WINDOW = 256,         /* pages walk marks the free blocks of */
    MARK_WORDS = (MAX_PER_PAGE + 63) / 64,
    KIND_RUN = 0x100,          /* a header's kind: a run's first page ... */
    KIND_FREE_RUN = 0x101,     /* ... of a free run; below CLASS_COUNT: a
                                  class page */
};

static const size_t MAX_RUN_PAGES = (size_t)1 << 31; /* fits `pages` */
static const uint64_t SEAL = 0x5e6da7a5ea15e6d1u;

/* The first 16 bytes of every class page and of every run. */
struct page_header {
    uint32_t kind;  /* a class, KIND_RUN or KIND_FREE_RUN */
    uint32_t pages; /* a run's length in pages; 1 for a class page */
    uint64_t seal;  /* page_seal(): heaplab wrote this header, here */
};

_Static_assert(sizeof(struct page_header) == HEADER, "a 16-byte header");

static const uint16_t class_size[CLASS_COUNT] = {
    16,  32,  48,  64,  80,  96,  112, 128,      /* every 16 bytes */
    160, 192, 224, 272, 336, 400, 448, 496, 576, /* fitted to 4080 */
    672, 816, 1008, 1360, 2032,                  /* 6, 5, 4, 3, 2 a page */
};

/* A free block: the link lives in it. */
struct free_block {
    struct free_block *next;
};

/* A free run: the link lives in its first payload word. */
struct free_run {
    struct page_header header;
    struct free_run *next;
};

/* The state of one class: its free list and its current page. */
struct size_class {
    struct free_block *free; /* freed blocks, LIFO */
    char *bump;              /* the current page's next untouched block */
    char *page_end;          /* just past the current page's last block */
};

static inline uint64_t page_seal(const struct page_header *h, uint32_t kind,
                                 uint32_t pages)
{
    return SEAL ^ (uintptr_t)h ^ ((uint64_t)pages << 32 | kind);
}

static inline void page_set(struct page_header *h, uint32_t kind,
                            uint32_t pages)
{
    h->kind = kind;
    h->pages = pages;
    h->seal = page_seal(h, kind, pages);
}

static inline int page_sealed(const struct page_header *h)
{
    return h->seal == page_seal(h, h->kind, h->pages);
}

/* The page p lies in (the heap starts on a page). */
static inline struct page_header *page_of(const void *p)
{
    return (struct page_header *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1));
}

/* A class page's first block; a run's payload. */
static inline char *page_data(struct page_header *h)
{
    return (char *)(h + 1);
}

static inline size_t blocks_per_page(size_t c)
{
    return PAGE_DATA / class_size[c];
}

static inline size_t pages_for(size_t bytes)
{
    return (bytes + PAGE - 1) / PAGE;
}

/* ---- the state ---------------------------------------------------------- */

/*
 * Invariants (segdata_check verifies each one):
 *
 *   heap start <= frontier <= break, both multiples of PAGE from the start
 *   from the start, sealed headers chain to the frontier: a class page is
 *   1 page long, a run `pages` pages
 *   every block on classes[c].free is a block of a page of kind c (HEADER
 *   + a multiple of class_size[c] in), below the bump in c's current page
 *   |classes[c].free| + live + untouched blocks of class c == pages of
 *   class c * blocks_per_page(c)  (a bound: live blocks are not counted)
 *   page_end == current page + HEADER + blocks_per_page(c) * class_size[c],
 *   current page + HEADER <= bump <= page_end  (or both NULL)
 *   runs[k] (k >= 1) holds exactly the free runs of k pages; runs[0] those
 *   of RUN_LISTS pages or more;  bit k of run_map <=> runs[k] non-empty
 */
static struct {
    struct size_class classes[CLASS_COUNT];
    uint8_t class_of[MAX_SMALL / UNIT + 1]; /* request units -> class */
    char *start;                      /* mem_heap_lo() */
    char *frontier;                   /* first page not yet given out */
    struct free_run *runs[RUN_LISTS];
    uint64_t run_map;
} heap;

static inline char *heap_break(void)
{
    return (char *)mem_heap_hi() + 1;
}

static inline char *run_end(const struct page_header *h)
{
    return (char *)h + (size_t)h->pages * PAGE;
}

/* Class c's current page, or NULL before its first. */
static inline struct page_header *current_page(size_t c)
{
    char *end = heap.classes[c].page_end;
    return end != NULL ? page_of(end - 1) : NULL;
}

/* ---- free-list operations: the run lists ------------------------------- */

static inline size_t run_list(size_t pages)
{
    return pages < RUN_LISTS ? pages : 0;
}

/* Frees a run: back to the frontier when it ends there (so that a later
 * run can take those pages and more), else onto its list. */
static void run_release(struct page_header *h)
{
    if (run_end(h) == heap.frontier) {
        heap.frontier = (char *)h;
        return;
    }
    size_t list = run_list(h->pages);
    struct free_run *run = (struct free_run *)(void *)h;
    page_set(h, KIND_FREE_RUN, h->pages);
    run->next = heap.runs[list];
    heap.runs[list] = run;
    heap.run_map |= (uint64_t)1 << list;
}

/* Takes a free run of at least `pages` pages off its list; NULL if none. */
static struct page_header *run_take(size_t pages)
{
    struct free_run **link = NULL;
    size_t list = run_list(pages);
    if (list != 0) {
        uint64_t candidates = heap.run_map & (~(uint64_t)0 << list);
        if (candidates & ~(uint64_t)1) { /* a short list: its head fits */
            list = (size_t)__builtin_ctzll(candidates & ~(uint64_t)1);
            link = &heap.runs[list];
        }
    }
    for (struct free_run **l = &heap.runs[0]; link == NULL && *l != NULL;
         l = &(*l)->next)
        if ((*l)->header.pages >= pages) {
            link = l;
            list = 0;
        }
    if (link == NULL)
        return NULL;
    struct free_run *run = *link;
    *link = run->next;
    if (heap.runs[list] == NULL)
        heap.run_map &= ~((uint64_t)1 << list);
    page_set(&run->header, KIND_RUN, run->header.pages);
    return &run->header;
}

/* ---- policy ------------------------------------------------------------ */

/*
 * `pages` fresh pages from the frontier, growing the heap when it must;
 * the first one, or NULL when memlib refuses.
 */
static char *fresh_pages(size_t pages)
{
    size_t need = pages * PAGE;
    size_t have = (size_t)(heap_break() - heap.frontier);
    if (have < need) {
        size_t heap_bytes = (size_t)(heap_break() - heap.start);
        size_t grow = need - have, ample = GROWTH_MIN;
        if (ample < heap_bytes / GROWTH_FRACTION)
            ample = pages_for(heap_bytes / GROWTH_FRACTION) * PAGE;
        if ((grow >= ample || mem_sbrk((intptr_t)ample) == (void *)-1) &&
            mem_sbrk((intptr_t)grow) == (void *)-1) /* just what is needed */
            return NULL;
    }
    char *first = heap.frontier;
    heap.frontier += need;
    return first;
}

/* A block of class c from a fresh page; NULL when the heap cannot grow. */
static void *class_refill(size_t c)
{
    struct page_header *h = (struct page_header *)(void *)fresh_pages(1);
    if (h == NULL)
        return NULL;
    page_set(h, (uint32_t)c, 1);
    struct size_class *k = &heap.classes[c];
    char *first = page_data(h);
    k->page_end = first + blocks_per_page(c) * class_size[c];
    k->bump = first + class_size[c];
    return first;
}

/* A run of `pages` pages for a large request: its payload, or NULL. */
static void *run_alloc(size_t pages)
{
    if (pages >= MAX_RUN_PAGES)
        return NULL;
    struct page_header *h = run_take(pages);
    if (h == NULL) {
        h = (struct page_header *)(void *)fresh_pages(pages);
        if (h == NULL)
            return NULL;
        page_set(h, KIND_RUN, (uint32_t)pages);
    }
    return page_data(h);
}

/* ---- vtable methods ---------------------------------------------------- */

static int segdata_init(void)
{
    memset(&heap, 0, sizeof heap);
    for (size_t units = 0, c = 0; units <= MAX_SMALL / UNIT; units++) {
        while (class_size[c] < units * UNIT)
            c++;
        heap.class_of[units] = (uint8_t)c;
    }
    heap.start = heap.frontier = mem_heap_lo();
    VERIFY_EQ((uintptr_t)heap.start % PAGE, 0);
    VERIFY(heap_break() == heap.start); /* a fresh heap */
    return 0;
}

/*
 * malloc, step by step:
 *   1. A request of 0 gets NULL (the contract allows it).
 *   2. Small (up to 2032 bytes): the class from the table; pop its free
 *      list, else bump its current page, else give it a fresh page.
 *   3. Large: a run of whole pages, header included (run_alloc).
 */
static void *segdata_malloc(size_t size)
{
    if (size == 0)                                              /* step 1 */
        return NULL;
    if (size <= MAX_SMALL) {                                    /* step 2 */
        size_t c = heap.class_of[(size + UNIT - 1) / UNIT];
        struct size_class *k = &heap.classes[c];
        struct free_block *b = k->free;
        if (b != NULL) {
            k->free = b->next;
            return b;
        }
        if (k->bump < k->page_end) {
            void *p = k->bump;
            k->bump += class_size[c];
            return p;
        }
        return class_refill(c);
    }
    if (size > SIZE_MAX - HEADER - PAGE)                        /* step 3 */
        return NULL;
    return run_alloc(pages_for(size + HEADER));
}

/* The page header of a pointer from malloc/realloc, checked: a free of
 * anything else stops here. */
static inline struct page_header *live_page(void *ptr)
{
    char *p = ptr;
    VERIFY(p >= heap.start && p < heap.frontier);
    struct page_header *h = page_of(p);
    VERIFY(page_sealed(h));
    if (h->kind < CLASS_COUNT) {
        VERIFY(p >= page_data(h));
    } else {
        VERIFY_EQ(h->kind, KIND_RUN);
        VERIFY(p == page_data(h));
    }
    return h;
}

static void segdata_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct page_header *h = live_page(ptr);
    if (h->kind >= CLASS_COUNT) {
        run_release(h);
        return;
    }
    struct free_block *b = ptr;
    struct size_class *k = &heap.classes[h->kind];
    VERIFY(b != k->free); /* freed twice in a row */
    b->next = k->free;
    k->free = b;
}

/*
 * realloc, step by step (NULL and 0 are the contract's edge cases):
 *   1. The new size fits the block: the same pointer.
 *   2. A run that ends at the frontier: take the pages after it.
 *   3. Else malloc, copy, free.
 */
static void *segdata_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return segdata_malloc(size);
    if (size == 0) {
        segdata_free(ptr);
        return NULL;
    }
    struct page_header *h = live_page(ptr);
    size_t have = h->kind < CLASS_COUNT ? class_size[h->kind]
                                        : (size_t)h->pages * PAGE - HEADER;
    if (size <= have)                                           /* step 1 */
        return ptr;
    if (h->kind == KIND_RUN && run_end(h) == heap.frontier &&
        size <= SIZE_MAX - HEADER - PAGE) {                     /* step 2 */
        size_t pages = pages_for(size + HEADER);
        if (pages < MAX_RUN_PAGES && fresh_pages(pages - h->pages) != NULL) {
            page_set(h, KIND_RUN, (uint32_t)pages);
            return ptr;
        }
    }
    void *moved = segdata_malloc(size);                         /* step 3 */
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, have);
    segdata_free(ptr);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

static int problem(const void *where, const char *what, size_t value)
{
    fprintf(stderr, "segdata: %p: %s (%zu)\n", where, what, value);
    return 1;
}

/* Is p a page below the frontier? */
static int in_pages(const void *p)
{
    const char *at = p;
    return at >= heap.start && at < heap.frontier &&
           (size_t)(at - heap.start) % PAGE == 0;
}

/* What is wrong with the header of a page below the frontier, or NULL.
 * The next header is found through this one: the walk stops at a fault. */
static const char *header_fault(const struct page_header *h)
{
    if (!page_sealed(h))
        return "page header broken (its seal)";
    if (h->kind < CLASS_COUNT)
        return h->pages == 1 ? NULL : "class page not of 1 page";
    if (h->kind != KIND_RUN && h->kind != KIND_FREE_RUN)
        return "page of no known kind";
    if (h->pages == 0 ||
        h->pages > (size_t)(heap.frontier - (const char *)h) / PAGE)
        return "run length out of the heap";
    return NULL;
}

/* Follows the headers from the start to the frontier; counts the pages
 * of each class and the free runs of each list. */
static int check_pages(size_t class_pages[CLASS_COUNT],
                       size_t free_runs[RUN_LISTS])
{
    for (char *at = heap.start; at < heap.frontier;) {
        struct page_header *h = (struct page_header *)(void *)at;
        const char *fault = header_fault(h);
        if (fault != NULL) {
            fprintf(stderr, "segdata: %p: %s (kind %u, %u pages), stop\n",
                    (void *)h, fault, h->kind, h->pages);
            return 1;
        }
        if (h->kind < CLASS_COUNT)
            class_pages[h->kind]++;
        else if (h->kind == KIND_FREE_RUN)
            free_runs[run_list(h->pages)]++;
        at += (size_t)h->pages * PAGE;
    }
    return 0;
}

/* Is b a block of class c, handed out at least once?  (Only an address
 * below the frontier is read.) */
static int is_block_of(const char *b, size_t c)
{
    if (b < heap.start || b >= heap.frontier)
        return 0;
    struct page_header *h = page_of(b);
    size_t offset = (size_t)(b - page_data(h));
    if (!page_sealed(h) || h->kind != c || b < page_data(h) ||
        offset % class_size[c] != 0 || offset / class_size[c] >=
                                           blocks_per_page(c))
        return 0;
    return current_page(c) != h || b < heap.classes[c].bump;
}

/* Each class's current page, then its free list. */
static int check_classes(const size_t class_pages[CLASS_COUNT])
{
    int problems = 0;
    for (size_t c = 0; c < CLASS_COUNT; c++) {
        const struct size_class *k = &heap.classes[c];
        struct page_header *h = current_page(c);
        if (h != NULL) {
            size_t used = (size_t)(k->bump - page_data(h));
            if (!in_pages(h) || !page_sealed(h) || h->kind != c ||
                k->page_end != page_data(h) + blocks_per_page(c) *
                                                  class_size[c] ||
                k->bump < page_data(h) || k->bump > k->page_end ||
                used % class_size[c] != 0)
                problems += problem(k->bump, "bad current page or bump, "
                                             "class", class_size[c]);
        } else if (k->bump != NULL) {
            problems += problem(k->bump, "bump without a page, class",
                                class_size[c]);
        }
        size_t count = 0;
        for (struct free_block *b = k->free; b != NULL; b = b->next) {
            if (!is_block_of((char *)b, c))
                return problems + problem(b, "listed free but no handed-out "
                                             "block of class", class_size[c]);
            if (++count > class_pages[c] * blocks_per_page(c))
                return problems + problem(b, "free list cycles, class",
                                          class_size[c]);
        }
    }
    return problems;
}

/* Walks the run lists against the free runs the pages hold. */
static int check_runs(const size_t free_runs[RUN_LISTS])
{
    int problems = 0;
    for (size_t list = 0; list < RUN_LISTS; list++) {
        size_t count = 0;
        for (struct free_run *r = heap.runs[list]; r != NULL; r = r->next) {
            if (!in_pages(r) || !page_sealed(&r->header) ||
                r->header.kind != KIND_FREE_RUN ||
                run_list(r->header.pages) != list)
                return problems + problem(r, "not a free run of its list's "
                                             "length, list", list);
            if (++count > free_runs[list])
                return problems + problem(r, "run list cycles", list);
        }
        if (count != free_runs[list])
            problems += problem(&heap.runs[list], "free runs missing from "
                                                  "their list", list);
        if (((heap.run_map >> list) & 1) != (heap.runs[list] != NULL))
            problems += problem(&heap.runs[list], "run bitmap wrong", list);
    }
    return problems;
}

static int segdata_check(void)
{
    if (heap.frontier < heap.start || heap.frontier > heap_break() ||
        (size_t)(heap.frontier - heap.start) % PAGE != 0)
        return problem(heap.frontier, "frontier out of the heap",
                       (size_t)(heap_break() - heap.start));
    size_t class_pages[CLASS_COUNT] = {0}, free_runs[RUN_LISTS] = {0};
    int problems = check_pages(class_pages, free_runs);
    if (problems == 0)
        problems += check_classes(class_pages) + check_runs(free_runs);
    return problems != 0;
}

/* ---- the walk ---------------------------------------------------------- */

/* Sets the bit of every free-listed block of the pages [from, to) in
 * marks (a row of MARK_WORDS words per page).  A list that leaves its
 * class, or runs longer than the pages could hold (a cycle), stops. */
static void mark_free(const char *from, const char *to,
                      uint64_t marks[][MARK_WORDS])
{
    size_t limit = (size_t)(heap.frontier - heap.start) / PAGE * MAX_PER_PAGE;
    for (size_t c = 0; c < CLASS_COUNT; c++) {
        size_t steps = 0;
        for (struct free_block *b = heap.classes[c].free;
             b != NULL && steps++ < limit && is_block_of((char *)b, c);
             b = b->next) {
            const char *page = (const char *)page_of(b);
            if (page < from || page >= to)
                continue;
            size_t i = (size_t)((char *)b - page - HEADER) / class_size[c];
            marks[(page - from) / PAGE][i / 64] |= (uint64_t)1 << (i % 64);
        }
    }
}

/* Every block of class page h: used unless listed free or untouched. */
static void walk_class_page(struct page_header *h, const uint64_t *marks,
                            heaplab_visit_fn *visit, void *arg)
{
    size_t c = h->kind, size = class_size[c];
    const char *untouched = current_page(c) == h ? heap.classes[c].bump
                                                  : (const char *)h + PAGE;
    for (size_t i = 0; i < blocks_per_page(c); i++) {
        const char *b = page_data(h) + i * size;
        int free = ((marks[i / 64] >> (i % 64)) & 1) || b >= untouched;
        visit(b, size, !free, arg);
    }
}

/* Runs whole (header included), class pages block by block (their
 * headers and tails are not blocks), then the heap past the frontier as
 * one free block.  Stops at a broken header: segdata_check says where. */
static void segdata_walk(heaplab_visit_fn *visit, void *arg)
{
    uint64_t marks[WALK_WINDOW][MARK_WORDS];
    char *at = heap.start;
    if (heap.frontier < heap.start || heap.frontier > heap_break())
        return; /* a crash report's walk must not fault on a broken state */
    while (at < heap.frontier) {
        char *from = at, *to = heap.frontier;
        if ((size_t)(to - from) / PAGE > WALK_WINDOW)
            to = from + (size_t)WALK_WINDOW * PAGE;
        memset(marks, 0, sizeof marks);
        mark_free(from, to, marks);
        while (at < to) {
            struct page_header *h = (struct page_header *)(void *)at;
            if (header_fault(h) != NULL)
                return;
            if (h->kind < CLASS_COUNT)
                walk_class_page(h, marks[(at - from) / PAGE], visit, arg);
            else
                visit(h, (size_t)h->pages * PAGE, h->kind == KIND_RUN, arg);
            at += (size_t)h->pages * PAGE;
        }
    }
    if (heap.frontier < heap_break())
        visit(heap.frontier, (size_t)(heap_break() - heap.frontier), 0, arg);
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator segdata_allocator = {
    .name = "segdata",
    .summary = "segregated data: size classes in pages of their own, the "
               "class in each page's header",
    .init = segdata_init,
    .malloc = segdata_malloc,
    .free = segdata_free,
    .realloc = segdata_realloc,
    .check = segdata_check,
    .walk = segdata_walk,
};
