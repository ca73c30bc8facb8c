/*
 * checker_cases.c -- the heaps lab 2's heap checker is graded on
 * (grading/checker.h): two correct heaps it must accept and eight broken
 * ones it must reject, each broken in one invariant of the handout's list
 * (labs/lab2-dlist/handout.md, "The heap checker").  The grader runs them
 * with the rubric's [checker] section; tests/test_lab2_dlist.c runs them
 * as public tests.
 *
 * Every heap is built with the submission's own malloc and free, then
 * read and written through the layout the handout prescribes:
 *
 *   allocated:  | header: size|1 | payload ...               | footer: size|1 |
 *   free:       | header: size|0 | next | prev | unused ...  | footer: size|0 |
 *               ^ chunk start     ^ payload: the chunk start + 8
 *
 * next and prev point to chunk starts.  "blocks" is ten mallocs of 40
 * bytes (chunks of 64), b[0] < ... < b[9] in address order, neighbours in
 * the heap, then b[3] and b[7] freed:
 *
 *   ... | b0 | b1 | b2 | b3 free | b4 | b5 | b6 | b7 free | b8 | b9 | ...
 *
 * Each broken case changes one thing of that heap by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "checker.h"
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"

enum {
    WORD = sizeof(size_t),
    USED = 1,
    FLAGS = 15,      /* sizes are multiples of 16 */
    BLOCKS = 10,
    REQUEST = 40,    /* + header + footer = a chunk of 64 */
    WALK_MAX = 100000,
};

/* What prepare_blocks built, for the corruptions. */
static struct {
    unsigned char *chunk[BLOCKS]; /* chunk starts, in address order */
} blocks;

/* --- the layout --------------------------------------------------------- */

static size_t *header_at(unsigned char *chunk)
{
    return (size_t *)(void *)chunk;
}

static size_t size_at(unsigned char *chunk)
{
    return *header_at(chunk) & ~(size_t)FLAGS;
}

static size_t *footer_at(unsigned char *chunk)
{
    return (size_t *)(void *)(chunk + size_at(chunk) - WORD);
}

static unsigned char **next_at(unsigned char *chunk)
{
    return (unsigned char **)(void *)(chunk + WORD);
}

static unsigned char **prev_at(unsigned char *chunk)
{
    return (unsigned char **)(void *)(chunk + 2 * WORD);
}

/* Both tags: size | used. */
static void set_tags(unsigned char *chunk, size_t size, int used)
{
    *header_at(chunk) = size | (used ? (size_t)USED : 0);
    *footer_at(chunk) = *header_at(chunk);
}

static unsigned char *heap_end(void)
{
    return (unsigned char *)mem_heap_hi() + 1;
}

/* A chunk start a checker may read: inside the heap, 16-byte grid. */
static int in_heap(const unsigned char *chunk)
{
    return chunk >= (unsigned char *)mem_heap_lo() &&
           chunk + 4 * WORD <= heap_end() && (uintptr_t)chunk % 16 == 8;
}

/* Says why the case cannot go on; -1. */
__attribute__((format(printf, 2, 3)))
static int fail(char *why, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(why, CHECKER_WHY_MAX, format, args);
    va_end(args);
    return -1;
}

/* --- the heaps ---------------------------------------------------------- */

static int by_address(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t) * (unsigned char *const *)x;
    uintptr_t b = (uintptr_t) * (unsigned char *const *)y;
    return (a > b) - (a < b);
}

/* An allocated or free chunk whose tags follow the layout. */
static int tags_sane(unsigned char *chunk, int used, char *why)
{
    size_t header = *header_at(chunk), size = size_at(chunk);
    if ((header & USED) != (size_t)used)
        return fail(why, "chunk %p %s its header %#zx says %s",
                    (void *)chunk, used ? "is allocated but" : "was freed but",
                    header, used ? "free" : "allocated");
    if (size < REQUEST + 2 * WORD || size > 4096 ||
        chunk + size > heap_end())
        return fail(why,
                    "chunk %p has size %zu: not what malloc(40) should give "
                    "(64) in the handout's layout",
                    (void *)chunk, size);
    if (*footer_at(chunk) != header)
        return fail(why, "chunk %p: its footer %#zx differs from its header "
                    "%#zx", (void *)chunk, *footer_at(chunk), header);
    return 0;
}

/* "blocks": ten chunks side by side, b[3] and b[7] free. */
static int prepare_blocks(const struct allocator *a, char *why)
{
    for (int i = 0; i < BLOCKS; i++) {
        unsigned char *p = a->malloc(REQUEST);
        if (p == NULL)
            return fail(why, "malloc(40) returned NULL");
        if ((uintptr_t)p % 16 != 0)
            return fail(why, "malloc(40) returned %p, not 16-byte aligned",
                        (void *)p);
        blocks.chunk[i] = p - WORD;
    }
    qsort(blocks.chunk, BLOCKS, sizeof blocks.chunk[0], by_address);
    for (int i = 0; i < BLOCKS; i++) {
        if (tags_sane(blocks.chunk[i], 1, why) != 0)
            return -1;
        if (i > 0 && blocks.chunk[i - 1] + size_at(blocks.chunk[i - 1]) !=
                         blocks.chunk[i])
            return fail(why,
                        "ten mallocs of 40 bytes on a fresh heap did not lie "
                        "side by side: nothing ends where chunk %p starts",
                        (void *)blocks.chunk[i]);
    }
    a->free(blocks.chunk[3] + WORD);
    a->free(blocks.chunk[7] + WORD);
    if (tags_sane(blocks.chunk[3], 0, why) != 0 ||
        tags_sane(blocks.chunk[7], 0, why) != 0)
        return -1;
    return 0;
}

/* A heap after 3000 random mallocs, reallocs and frees. */
static int prepare_busy(const struct allocator *a, char *why)
{
    enum { SLOTS = 64, OPS = 3000 };
    void *slot[SLOTS] = {NULL};
    uint64_t state = 0x2545f4914f6cdd1dULL;
    for (int op = 0; op < OPS; op++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned s = (unsigned)(state >> 33) % SLOTS;
        size_t size = 1 + (size_t)(state >> 45) % 600;
        if (slot[s] == NULL) {
            if ((slot[s] = a->malloc(size)) == NULL)
                return fail(why, "malloc(%zu) returned NULL", size);
        } else if (a->realloc != NULL && (state >> 20) % 4 == 0) {
            void *p = a->realloc(slot[s], size);
            if (p == NULL)
                return fail(why, "realloc(p, %zu) returned NULL", size);
            slot[s] = p;
        } else {
            a->free(slot[s]);
            slot[s] = NULL;
        }
    }
    return 0;
}

/* --- the corruptions ---------------------------------------------------- */

/* b5's footer says 16 bytes more than its header. */
static int break_footer(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    *footer_at(blocks.chunk[5]) += 16;
    return 0;
}

/* b4 marked free and linked in after b3: two free neighbours. */
static int break_coalescing(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    unsigned char *free_chunk = blocks.chunk[3], *added = blocks.chunk[4];
    set_tags(added, size_at(added), 0);
    *next_at(added) = *next_at(free_chunk);
    *prev_at(added) = free_chunk;
    if (*next_at(free_chunk) != NULL && in_heap(*next_at(free_chunk)))
        *prev_at(*next_at(free_chunk)) = added;
    *next_at(free_chunk) = added;
    return 0;
}

/* b5 (between allocated b4 and b6) marked free, on no list. */
static int break_unlisted(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    set_tags(blocks.chunk[5], size_at(blocks.chunk[5]), 0);
    return 0;
}

/* b3, on the free list, marked allocated. */
static int break_listed_used(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    set_tags(blocks.chunk[3], size_at(blocks.chunk[3]), 1);
    return 0;
}

/* b3's prev link points to b3 itself. */
static int break_prev(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    *prev_at(blocks.chunk[3]) = blocks.chunk[3];
    return 0;
}

/* b3's next link points 64 KiB past the break. */
static int break_next(const struct allocator *a, char *why)
{
    (void)a;
    (void)why;
    uintptr_t past = (uintptr_t)heap_end() + 65536;
    *next_at(blocks.chunk[3]) = (unsigned char *)(past - past % 16 + WORD);
    return 0;
}

/* The list's last chunk links back to its first: a loop, every link
 * pair consistent. */
static int break_cycle(const struct allocator *a, char *why)
{
    (void)a;
    unsigned char *head = blocks.chunk[3], *tail = blocks.chunk[3];
    int steps = 0;
    while (*prev_at(head) != NULL && steps++ < WALK_MAX)
        if (!in_heap(head = *prev_at(head)))
            return fail(why, "the free list's prev links leave the heap at "
                             "%p", (void *)head);
    while (*next_at(tail) != NULL && steps++ < WALK_MAX)
        if (!in_heap(tail = *next_at(tail)))
            return fail(why, "the free list's next links leave the heap at "
                             "%p", (void *)tail);
    if (steps >= WALK_MAX || head == tail)
        return fail(why, "the free list from chunk %p does not have two "
                         "ends (%d steps)", (void *)blocks.chunk[3], steps);
    *next_at(tail) = head;
    *prev_at(head) = tail;
    return 0;
}

/* The last chunk of the heap says it runs 64 KiB past the break. */
static int break_size(const struct allocator *a, char *why)
{
    (void)a;
    unsigned char *chunk = blocks.chunk[BLOCKS - 1];
    for (int steps = 0; chunk + size_at(chunk) < heap_end(); steps++) {
        if (steps == WALK_MAX || size_at(chunk) == 0)
            return fail(why, "the heap walk from %p does not reach the "
                             "break (%d steps)",
                        (void *)blocks.chunk[BLOCKS - 1], steps);
        chunk += size_at(chunk);
    }
    if (chunk + size_at(chunk) != heap_end())
        return fail(why, "chunk %p runs past the break already (size %zu)",
                    (void *)chunk, size_at(chunk));
    *header_at(chunk) += 65536;
    return 0;
}

/* --- the table ---------------------------------------------------------- */

const struct checker_case heaplab_checker_cases[] = {
    {"correct-blocks", "ten chunks of 64 bytes, two of them free",
     prepare_blocks, NULL},
    {"correct-busy", "the heap after 3000 random mallocs, reallocs and frees",
     prepare_busy, NULL},
    {"footer-mismatch", "an allocated chunk's footer differs from its header",
     prepare_blocks, break_footer},
    {"not-coalesced", "two free chunks side by side, both on the free list",
     prepare_blocks, break_coalescing},
    {"free-unlisted", "a chunk marked free that is not on the free list",
     prepare_blocks, break_unlisted},
    {"allocated-listed", "a chunk on the free list marked allocated",
     prepare_blocks, break_listed_used},
    {"prev-wrong", "a free chunk whose prev link points to itself",
     prepare_blocks, break_prev},
    {"next-outside", "a free chunk whose next link points past the break",
     prepare_blocks, break_next},
    {"list-cycle", "the free list loops: its last chunk links to its first",
     prepare_blocks, break_cycle},
    {"size-past-break", "the last chunk's size runs 64 KiB past the break",
     prepare_blocks, break_size},
    {NULL, NULL, NULL, NULL},
};
