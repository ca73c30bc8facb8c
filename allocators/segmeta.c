/*
 * segmeta.c -- "segregated metadata" (the lecture's appendix): size
 * classes with no header at all; what the allocator knows about a block
 * lives in pages of its own, apart from the data.
 *
 * Where it stands.  segdata ("segregated data", segdata.c) already gives
 * up splitting, coalescing and the per-block header: each page holds
 * blocks of one size class and starts with a header that names the class,
 * so free finds the class from the page.  segmeta moves that header out of
 * the data too.  A
 * page table, one 32-bit entry per heap page, lives in a mapping of its
 * own; free finds a block's class with one shift and one load:
 *
 *     class = table[(ptr - heap start) / PAGE]
 *
 * So every byte of a data page is payload: 2 blocks of 2048 fill a page
 * exactly, and a large block is whole pages with nothing in front.  The
 * free lists are threaded through the free blocks themselves (a free
 * block's first word), which is payload space, not a header.
 *
 * Policy.
 *   fit        None: a table maps the request, in 16-byte units, to its
 *              class; the class's free list gives the block, else the
 *              class's current page hands out its next untouched block
 *              (bump), else the class takes a fresh page.  Large requests
 *              (over 2048 bytes) take a run of whole pages: a freed run of
 *              exactly that many pages, else the smallest bigger one up to
 *              63 pages (a bitmap says which run lists are non-empty), else
 *              the first long enough run of 64 pages or more, else fresh
 *              pages.  A freed run that ends at the frontier goes back to
 *              it, so the next run can take its pages and more.
 *   split      Never: a block holds its class size, a run keeps all its
 *              pages whatever is asked of it later.
 *   coalesce   Never: a freed block goes back to its class, a freed run to
 *              the list of its length; a page never changes class.
 *   growth     Fresh pages come from the frontier, the first page no class
 *              or run has taken; when the frontier reaches the break, the
 *              heap grows by the pages needed but at least GROWTH_MIN
 *              (64 KiB) or an eighth of the heap: few system calls, at the
 *              price of unused heap at the peak.  The page table grows by
 *              doubling (a new mapping, a copy, the old one unmapped).
 *   realloc    In place when the new size fits the block (its class size,
 *              or its run's pages), or when a run ends at the frontier and
 *              can take the pages after it; else malloc, copy, free.
 *
 * Costs.  No bytes per block; 4 bytes of table per 4 KiB page (0.1%, in
 * its own mapping, counted in the footprint).  A block wastes its class's
 * rounding (up to a third above 512 bytes: 1361 bytes take 2048), and
 * every class in use holds a partly used page.  malloc and free: O(1), a
 * few instructions, no search at all below 2048 bytes; a system call per
 * growth.  Large: O(1) up to 63 pages, O(long runs) above.
 *
 * Honest trade-offs: there's no one best memory allocator.  segmeta buys
 * its speed (no search, no splitting, no header to read or write, free
 * without even touching the block's page) with memory: space freed in one
 * class never serves another, a 1361-byte block holds 2048 bytes, and a
 * run freed by a long block waits for one at least as long.  bins spends
 * instructions on splitting and coalescing and keeps a header per block,
 * and gets most of that memory back; which one is better depends on the
 * program: many small blocks of few sizes favour segmeta, sizes that come
 * and go favour bins.  And the metadata apart costs a cache miss of its
 * own on free, where segdata's header shares the page the program just
 * used.
 *
 *   data page of class 64:  | block | block | ... | block |   (64 x 64)
 *   large run of 3 pages:   | payload ...                             |
 *   page table (mapping):   | 5 | 5 | 1 | L3 | C | C | 12 | ...      one
 *                             entry per heap page: class, Large run of
 *                             3 pages (F: free), Continuation
 *   free block:             | next free block | (the rest unused) |
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
    PAGE = 4096,               /* a data page; the heap starts on one */
    PAGE_SHIFT = 12,
    UNIT = HEAPLAB_ALIGNMENT,  /* class sizes are multiples of 16 */
    MAX_SMALL = 2048,          /* above: a run of whole pages */
    CLASS_COUNT = 21,
    RUN_LISTS = 64,            /* free runs of 1..63 pages, one list each;
                                  list 0: runs of 64 pages and more */
    GROWTH_MIN = 64 * 1024,    /* the heap grows by at least this */
    GROWTH_FRACTION = 8,       /* ... and at least heap / this */
    TABLE_MIN = 4096,          /* entries in the first page table */
};

/* Page table entries.  0: the page is past the frontier; 1..CLASS_COUNT:
 * a page of that class (its index + 1). */
static const uint32_t ENTRY_LARGE = 1u << 31; /* a run's first page; low
                                                 bits: its pages */
static const uint32_t ENTRY_FREE = 1u << 30;  /* ... and the run is free */
static const uint32_t ENTRY_CONTINUED = 1u << 29; /* a later page of a run */
static const uint32_t ENTRY_PAGES = (1u << 29) - 1;

static const uint32_t class_size[CLASS_COUNT] = {
    16,  32,  48,  64,  80,  96,  112, 128, /* every 16 bytes */
    160, 192, 224, 256, 320, 384, 448, 512, /* 4 per power of two */
    672, 816, 1024, 1360, 2048,             /* 6, 5, 4, 3, 2 per page */
};

/* A free block, or a free run's first page: the link lives in it. */
struct free_block {
    struct free_block *next;
};

/* The state of one class: its free list and its current page. */
struct size_class {
    struct free_block *free; /* freed blocks, LIFO */
    char *bump;              /* the current page's next untouched block */
    char *page_end;
};

/* ---- the state ---------------------------------------------------------- */

/*
 * Invariants (segmeta_check verifies each one):
 *
 *   heap start <= frontier <= break, both multiples of PAGE from the start
 *   pages below the frontier == class pages + run pages
 *   table[i] == 0  <=>  page i is at or past the frontier
 *   every block on classes[c].free lies in a page with table entry c + 1,
 *   at a multiple of class_size[c] from the page's start
 *   |classes[c].free| + live blocks of class c + untouched blocks of
 *   classes[c]'s current page == pages of class c * blocks per page
 *   a run of n pages:  table[first] == LARGE | n  (| FREE when free),
 *   table[first + 1 .. first + n - 1] == CONTINUED
 *   runs[k] (k >= 1) holds exactly the free runs of k pages; runs[0] the
 *   free runs of RUN_LISTS pages or more;  bit k of run_map <=> runs[k]
 *   is non-empty
 *   table_pages >= pages of the heap (break - start) / PAGE
 */
static struct {
    struct size_class classes[CLASS_COUNT];
    uint8_t class_of[MAX_SMALL / UNIT + 1]; /* request units -> class */
    char *start;                      /* mem_heap_lo() */
    char *frontier;                   /* first page not yet given out */
    uint32_t *table;                  /* one entry per heap page */
    size_t table_pages;               /* entries the table holds */
    struct free_block *runs[RUN_LISTS];
    uint64_t run_map;
} heap;

static inline size_t page_index(const void *p)
{
    return (size_t)((const char *)p - heap.start) >> PAGE_SHIFT;
}

static inline char *page_at(size_t index)
{
    return heap.start + (index << PAGE_SHIFT);
}

static inline char *heap_break(void)
{
    return (char *)mem_heap_hi() + 1;
}

static inline size_t pages_for(size_t bytes)
{
    return (bytes + PAGE - 1) / PAGE;
}

/* ---- metadata: the page table and the run lists ------------------------ */

/* Makes the table hold at least `pages` entries; 0, or -1 (no memory). */
static int table_reserve(size_t pages)
{
    if (pages <= heap.table_pages)
        return 0;
    size_t capacity = heap.table_pages ? heap.table_pages : TABLE_MIN;
    while (capacity < pages)
        capacity *= 2;
    uint32_t *table = mem_mmap(capacity * sizeof *table);
    if (table == MEM_MAP_FAILED)
        return -1;
    if (heap.table != NULL) {
        memcpy(table, heap.table, heap.table_pages * sizeof *table);
        VERIFY(mem_munmap(heap.table, heap.table_pages * sizeof *table) == 0);
    }
    heap.table = table; /* fresh pages: zero, "past the frontier" */
    heap.table_pages = capacity;
    return 0;
}

static inline size_t run_list(size_t pages)
{
    return pages < RUN_LISTS ? pages : 0;
}

static void run_push(size_t first, size_t pages)
{
    size_t list = run_list(pages);
    struct free_block *run = (struct free_block *)(void *)page_at(first);
    heap.table[first] = ENTRY_LARGE | ENTRY_FREE | (uint32_t)pages;
    run->next = heap.runs[list];
    heap.runs[list] = run;
    heap.run_map |= (uint64_t)1 << list;
}

/* Frees a run: back to the frontier when it ends there (so that a later
 * run can take those pages and more), else onto its list. */
static void run_release(size_t first, size_t pages)
{
    if (page_at(first + pages) != heap.frontier) {
        run_push(first, pages);
        return;
    }
    memset(&heap.table[first], 0, pages * sizeof *heap.table);
    heap.frontier = page_at(first);
}

/* Takes a free run of at least `pages` pages off its list; its first
 * page's index, or SIZE_MAX. */
static size_t run_take(size_t pages)
{
    struct free_block **link = NULL;
    size_t list = run_list(pages);
    if (list != 0) {
        uint64_t candidates = heap.run_map & (~(uint64_t)0 << list);
        if (candidates & ~(uint64_t)1) { /* a short list: its head fits */
            list = (size_t)__builtin_ctzll(candidates & ~(uint64_t)1);
            link = &heap.runs[list];
        }
    }
    for (struct free_block **l = &heap.runs[0]; link == NULL && *l != NULL;
         l = &(*l)->next)
        if ((heap.table[page_index(*l)] & ENTRY_PAGES) >= pages) {
            link = l;
            list = 0;
        }
    if (link == NULL)
        return SIZE_MAX;
    struct free_block *run = *link;
    *link = run->next;
    if (heap.runs[list] == NULL)
        heap.run_map &= ~((uint64_t)1 << list);
    size_t first = page_index(run);
    heap.table[first] &= ~(uint32_t)ENTRY_FREE;
    return first;
}

/* ---- policy ------------------------------------------------------------ */

/*
 * `pages` fresh pages from the frontier, growing the heap (and the table)
 * when it must; the first page's index, or SIZE_MAX.
 */
static size_t fresh_pages(size_t pages)
{
    size_t need = pages * PAGE;
    size_t have = (size_t)(heap_break() - heap.frontier);
    if (have < need) {
        size_t heap_bytes = (size_t)(heap_break() - heap.start);
        size_t grow = need - have;
        if (grow < GROWTH_MIN)
            grow = GROWTH_MIN;
        if (grow < heap_bytes / GROWTH_FRACTION)
            grow = (heap_bytes / GROWTH_FRACTION + PAGE - 1) / PAGE * PAGE;
        if (table_reserve((heap_bytes + grow) / PAGE) != 0 ||
            mem_sbrk((intptr_t)grow) == (void *)-1)
            return SIZE_MAX;
    }
    size_t first = page_index(heap.frontier);
    heap.frontier += need;
    return first;
}

/* A block of class c from a fresh page; NULL when the heap cannot grow. */
static void *class_refill(size_t c)
{
    size_t page = fresh_pages(1);
    if (page == SIZE_MAX)
        return NULL;
    struct size_class *k = &heap.classes[c];
    char *start = page_at(page);
    heap.table[page] = (uint32_t)c + 1;
    k->page_end = start + PAGE / class_size[c] * class_size[c];
    k->bump = start + class_size[c];
    return start;
}

/* A run of `pages` pages for a large request; NULL when none can be had. */
static void *run_alloc(size_t pages)
{
    if (pages >= ENTRY_CONTINUED)
        return NULL;
    size_t first = run_take(pages);
    if (first != SIZE_MAX)
        return page_at(first);
    first = fresh_pages(pages);
    if (first == SIZE_MAX)
        return NULL;
    heap.table[first] = ENTRY_LARGE | (uint32_t)pages;
    for (size_t i = 1; i < pages; i++)
        heap.table[first + i] = ENTRY_CONTINUED;
    return page_at(first);
}

/* ---- vtable methods ---------------------------------------------------- */

static int segmeta_init(void)
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
    return table_reserve(TABLE_MIN);
}

/*
 * malloc, step by step:
 *   1. A request of 0 gets NULL (the contract allows it).
 *   2. Small (up to 2048 bytes): the class from the table; pop its free
 *      list, else bump its current page, else give it a fresh page.
 *   3. Large: a run of whole pages (run_alloc).
 */
static void *segmeta_malloc(size_t size)
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
    if (size > SIZE_MAX - PAGE)                                 /* step 3 */
        return NULL;
    return run_alloc(pages_for(size));
}

/* The table entry of a pointer from malloc/realloc, checked. */
static uint32_t live_entry(void *ptr)
{
    VERIFY((char *)ptr >= heap.start && (char *)ptr < heap.frontier);
    uint32_t entry = heap.table[page_index(ptr)];
    VERIFY(entry != 0 && (entry & (ENTRY_FREE | ENTRY_CONTINUED)) == 0);
    return entry;
}

static void segmeta_free(void *ptr)
{
    if (ptr == NULL)
        return;
    uint32_t entry = live_entry(ptr);
    if (entry & ENTRY_LARGE) {
        VERIFY_EQ((uintptr_t)((char *)ptr - heap.start) % PAGE, 0);
        run_release(page_index(ptr), entry & ENTRY_PAGES);
        return;
    }
    struct free_block *b = ptr;
    struct size_class *k = &heap.classes[entry - 1];
    b->next = k->free;
    k->free = b;
}

/* Bytes the block at ptr holds. */
static size_t capacity(uint32_t entry)
{
    return entry & ENTRY_LARGE ? (size_t)(entry & ENTRY_PAGES) * PAGE
                               : class_size[entry - 1];
}

/*
 * realloc, step by step (NULL and 0 are the contract's edge cases):
 *   1. The new size fits the block: the same pointer.
 *   2. A run that ends at the frontier: take the pages after it.
 *   3. Else malloc, copy, free.
 */
static void *segmeta_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return segmeta_malloc(size);
    if (size == 0) {
        segmeta_free(ptr);
        return NULL;
    }
    uint32_t entry = live_entry(ptr);
    size_t have = capacity(entry);
    if (size <= have)                                           /* step 1 */
        return ptr;
    if ((entry & ENTRY_LARGE) && (char *)ptr + have == heap.frontier &&
        size <= SIZE_MAX - PAGE) {                              /* step 2 */
        size_t first = page_index(ptr), pages = pages_for(size);
        size_t old_pages = entry & ENTRY_PAGES;
        if (pages >= ENTRY_CONTINUED)
            return NULL;
        size_t more = fresh_pages(pages - old_pages);
        if (more == SIZE_MAX)
            return NULL; /* the heap cannot grow, so malloc could not */
        VERIFY_EQ(more, first + old_pages);
        heap.table[first] = ENTRY_LARGE | (uint32_t)pages;
        for (size_t i = old_pages; i < pages; i++)
            heap.table[first + i] = ENTRY_CONTINUED;
        return ptr;
    }
    void *moved = segmeta_malloc(size);                         /* step 3 */
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, have);
    segmeta_free(ptr);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

static int problem(const void *where, const char *what, size_t value)
{
    fprintf(stderr, "segmeta: %p: %s (%zu)\n", where, what, value);
    return 1;
}

/* Walks the table; counts the pages of each class. */
static int check_table(size_t class_pages[CLASS_COUNT])
{
    int problems = 0;
    size_t used = page_index(heap.frontier), pages = page_index(heap_break());
    if (heap.table_pages < pages)
        problems += problem(heap.table, "table shorter than the heap",
                            heap.table_pages);
    for (size_t i = 0; i < used && i < heap.table_pages;) {
        uint32_t entry = heap.table[i];
        if (entry == 0 || (entry & ENTRY_CONTINUED) ||
            (!(entry & ENTRY_LARGE) && entry > CLASS_COUNT))
            return problems + problem(page_at(i), "bad table entry, stop",
                                      entry);
        if (!(entry & ENTRY_LARGE)) {
            class_pages[entry - 1]++;
            i++;
            continue;
        }
        size_t n = entry & ENTRY_PAGES;
        if (n == 0 || i + n > used)
            return problems + problem(page_at(i), "run length out of the "
                                                  "heap, stop", n);
        for (size_t j = i + 1; j < i + n; j++)
            if (heap.table[j] != ENTRY_CONTINUED)
                problems += problem(page_at(j), "run page not marked "
                                                "continued", heap.table[j]);
        i += n;
    }
    for (size_t i = used; i < pages && i < heap.table_pages; i++)
        if (heap.table[i] != 0)
            problems += problem(page_at(i), "page past the frontier has an "
                                            "entry", heap.table[i]);
    return problems;
}

/* Walks every class's free list. */
static int check_classes(const size_t class_pages[CLASS_COUNT])
{
    int problems = 0;
    for (size_t c = 0; c < CLASS_COUNT; c++) {
        size_t per_page = PAGE / class_size[c], count = 0;
        for (struct free_block *b = heap.classes[c].free; b != NULL;
             b = b->next) {
            char *at = (char *)b;
            if (at < heap.start || at >= heap.frontier ||
                heap.table[page_index(at)] != c + 1 ||
                (size_t)(at - heap.start) % PAGE % class_size[c] != 0)
                return problems + problem(b, "free block not in a page of "
                                             "its class, class",
                                          class_size[c]);
            if (++count > class_pages[c] * per_page)
                return problems + problem(b, "free list longer than its "
                                             "pages hold, class",
                                          class_size[c]);
        }
    }
    return problems;
}

/* Walks the run lists. */
static int check_runs(void)
{
    int problems = 0;
    for (size_t list = 0; list < RUN_LISTS; list++) {
        size_t count = 0;
        for (struct free_block *r = heap.runs[list]; r != NULL; r = r->next) {
            char *at = (char *)r;
            uint32_t entry = at >= heap.start && at < heap.frontier &&
                                     (size_t)(at - heap.start) % PAGE == 0
                                 ? heap.table[page_index(at)]
                                 : 0;
            if ((entry & (ENTRY_LARGE | ENTRY_FREE)) !=
                    (ENTRY_LARGE | ENTRY_FREE) ||
                run_list(entry & ENTRY_PAGES) != list)
                return problems + problem(r, "run list holds a page that is "
                                             "not a free run of its length",
                                          list);
            if (++count > page_index(heap.frontier))
                return problems + problem(r, "run list cycles", list);
        }
        if (((heap.run_map >> list) & 1) != (heap.runs[list] != NULL))
            problems += problem(&heap.runs[list], "run bitmap wrong", list);
    }
    return problems;
}

static int segmeta_check(void)
{
    if (heap.frontier < heap.start || heap.frontier > heap_break() ||
        (size_t)(heap.frontier - heap.start) % PAGE != 0)
        return problem(heap.frontier, "frontier out of the heap",
                       (size_t)(heap_break() - heap.start));
    size_t class_pages[CLASS_COUNT] = {0};
    int problems = check_table(class_pages);
    if (problems == 0)
        problems += check_classes(class_pages) + check_runs();
    return problems != 0;
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator segmeta_allocator = {
    .name = "segmeta",
    .summary = "segregated metadata: size classes, no header, a page table "
               "in pages of its own",
    .init = segmeta_init,
    .malloc = segmeta_malloc,
    .free = segmeta_free,
    .realloc = segmeta_realloc,
    .check = segmeta_check,
    .walk = NULL, /* blocks keep no used/free mark the walk could read */
};
