/*
 * broken_backends.c -- deliberately broken allocators, compiled only into
 * the tests: each has exactly one fault, and the driver must give each its
 * exact verdict and message.
 *
 * All are built on one bump allocator over memlib:
 *
 *     | size | pad | payload ...        | size | pad | payload ...
 *     ^ 16-byte header                  ^ next block
 *
 * so the first payload is at mem_heap_lo() + 16, and the block for n bytes
 * takes 16 + round_up(n, 16).
 */
#include "broken_backends.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/memlib.h"

enum { HEADER = 16 };

static struct {
    unsigned long mallocs; /* since init */
    char *last;            /* the last payload handed out */
} bump;

static size_t round16(size_t n)
{
    return (n + 15) / 16 * 16;
}

static int bump_init(void)
{
    bump.mallocs = 0;
    bump.last = NULL;
    return 0;
}

static void *bump_malloc(size_t size)
{
    char *block = mem_sbrk((intptr_t)(HEADER + round16(size)));
    if (block == (void *)-1)
        return NULL;
    *(size_t *)(void *)block = size;
    bump.mallocs++;
    bump.last = block + HEADER;
    return block + HEADER;
}

static void bump_free(void *ptr)
{
    (void)ptr;
}

static size_t bump_size(const void *ptr)
{
    return *(const size_t *)(const void *)((const char *)ptr - HEADER);
}

static void *bump_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return bump_malloc(size);
    if (size == 0)
        return NULL;
    void *fresh = bump_malloc(size);
    if (fresh != NULL) {
        size_t old = bump_size(ptr);
        memcpy(fresh, ptr, old < size ? old : size);
    }
    return fresh;
}

/* every block, from the headers: all are in use */
static void bump_walk(void (*visit)(const void *, size_t, int, void *),
                      void *arg)
{
    char *block = mem_heap_lo(), *end = (char *)mem_heap_hi() + 1;
    while (block + HEADER <= end) {
        size_t size = HEADER + round16(*(size_t *)(void *)block);
        visit(block, size, 1, arg);
        block += size;
    }
}

const struct allocator bump_allocator = {
    .name = "bump",
    .summary = "correct: bump pointer, never reuses",
    .init = bump_init,
    .malloc = bump_malloc,
    .free = bump_free,
    .realloc = bump_realloc,
};

/* returns NULL for every request */
static void *null_malloc(size_t size)
{
    (void)size;
    return NULL;
}

const struct allocator broken_null = {
    .name = "null", .summary = "returns NULL", .init = bump_init,
    .malloc = null_malloc, .free = bump_free};

/* payloads 8 bytes off alignment */
static void *misaligned_malloc(size_t size)
{
    char *p = bump_malloc(size + 8);
    return p != NULL ? p + 8 : NULL;
}

const struct allocator broken_misaligned = {
    .name = "misaligned", .summary = "payload + 8", .init = bump_init,
    .malloc = misaligned_malloc, .free = bump_free};

/* the second malloc returns the first block again */
static void *overlap_malloc(size_t size)
{
    char *previous = bump.last;
    char *p = bump_malloc(size);
    return bump.mallocs == 2 ? previous : p;
}

const struct allocator broken_overlap = {
    .name = "overlap", .summary = "hands out a live block", .init = bump_init,
    .malloc = overlap_malloc, .free = bump_free, .walk = bump_walk};

/* returns memory that is not the heap's */
static _Alignas(16) char outside_buffer[4096];

static void *outside_malloc(size_t size)
{
    (void)size;
    return outside_buffer;
}

const struct allocator broken_outside = {
    .name = "outside", .summary = "returns a static buffer",
    .init = bump_init, .malloc = outside_malloc, .free = bump_free};

/* the payload runs past the break: grows the heap by too little */
static void *short_malloc(size_t size)
{
    char *block = mem_sbrk((intptr_t)(HEADER + size / 2));
    return block == (void *)-1 ? NULL : block + HEADER;
}

const struct allocator broken_short = {
    .name = "short", .summary = "grows the heap by half the request",
    .init = bump_init, .malloc = short_malloc, .free = bump_free};

/* writes one page past the break on the second malloc */
static void *past_break_malloc(size_t size)
{
    char *p = bump_malloc(size);
    if (bump.mallocs == 2)
        ((char *)mem_heap_hi())[1 + mem_pagesize()] = 1;
    return p;
}

const struct allocator broken_past_break = {
    .name = "past-break", .summary = "writes past the break",
    .init = bump_init, .malloc = past_break_malloc, .free = bump_free,
    .walk = bump_walk};

/* each malloc writes a "link" into the start of the previous block, which
 * is still in use */
static void *corrupt_malloc(size_t size)
{
    char *previous = bump.last;
    char *p = bump_malloc(size);
    if (previous != NULL)
        memset(previous, 0, 8);
    return p;
}

const struct allocator broken_corrupt = {
    .name = "corrupt", .summary = "writes into a live block",
    .init = bump_init, .malloc = corrupt_malloc, .free = bump_free,
    .walk = bump_walk};

/* realloc moves the block but copies only half of it */
static void *lossy_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return bump_malloc(size);
    if (size == 0)
        return NULL;
    void *fresh = bump_malloc(size);
    if (fresh != NULL) {
        size_t old = bump_size(ptr);
        memcpy(fresh, ptr, (old < size ? old : size) / 2);
    }
    return fresh;
}

const struct allocator broken_lossy = {
    .name = "lossy", .summary = "realloc loses data", .init = bump_init,
    .malloc = bump_malloc, .free = bump_free, .realloc = lossy_realloc};

/* realloc(p, 0) returns a pointer instead of NULL */
static void *zero_realloc(void *ptr, size_t size)
{
    if (size == 0)
        return bump_malloc(16);
    return bump_realloc(ptr, size);
}

const struct allocator broken_zero_realloc = {
    .name = "zero-realloc", .summary = "realloc(p, 0) != NULL",
    .init = bump_init, .malloc = bump_malloc, .free = bump_free,
    .realloc = zero_realloc};

/* loops forever on the second malloc */
static void *hang_malloc(size_t size)
{
    void *p = bump_malloc(size);
    while (bump.mallocs == 2)
        ;
    return p;
}

const struct allocator broken_hang = {
    .name = "hang", .summary = "loops forever", .init = bump_init,
    .malloc = hang_malloc, .free = bump_free};

/* writes through a wild pointer near NULL on the second malloc (16, not
 * 0, so that the sanitized build faults too instead of stopping at its
 * null-pointer check) */
static void *segv_malloc(size_t size)
{
    void *p = bump_malloc(size);
    volatile uintptr_t wild = 16;
    if (bump.mallocs == 2)
        *(volatile int *)wild = 1;
    return p;
}

const struct allocator broken_segv = {
    .name = "segv", .summary = "writes to NULL", .init = bump_init,
    .malloc = segv_malloc, .free = bump_free};

/* free writes three pages past the break */
static void wild_free(void *ptr)
{
    (void)ptr;
    volatile char *wild = (char *)mem_heap_hi() + 1 + 3 * mem_pagesize();
    *wild = 1;
}

const struct allocator broken_wild_free = {
    .name = "wild-free", .summary = "free writes past the break",
    .init = bump_init, .malloc = bump_malloc, .free = wild_free};

/* calls exit(3) on the second malloc */
static void *exit_malloc(size_t size)
{
    void *p = bump_malloc(size);
    if (bump.mallocs == 2)
        exit(3);
    return p;
}

const struct allocator broken_exit = {
    .name = "exit", .summary = "calls exit", .init = bump_init,
    .malloc = exit_malloc, .free = bump_free};

/* the heap checker fails once two blocks exist */
static int failing_check(void)
{
    if (bump.mallocs < 2)
        return 0;
    fprintf(stderr, "block %p: header says 0 bytes\n", (void *)bump.last);
    return 1;
}

const struct allocator broken_check = {
    .name = "bad-check", .summary = "check() fails", .init = bump_init,
    .malloc = bump_malloc, .free = bump_free, .check = failing_check};

/* init fails */
static int failing_init(void)
{
    return -1;
}

const struct allocator broken_init = {
    .name = "bad-init", .summary = "init() fails", .init = failing_init,
    .malloc = bump_malloc, .free = bump_free};

/* aborts (an assertion) on the second malloc */
static void *abort_malloc(size_t size)
{
    void *p = bump_malloc(size);
    if (bump.mallocs == 2)
        abort();
    return p;
}

const struct allocator broken_abort = {
    .name = "abort", .summary = "an assertion fails", .init = bump_init,
    .malloc = abort_malloc, .free = bump_free};

/* one mapping per block, and the second malloc reads the first block after
 * it was unmapped: a use after free */
static struct {
    char *first;
} stale;

static int stale_init(void)
{
    stale.first = NULL;
    return bump_init();
}

static void *stale_malloc(size_t size)
{
    char seen = 0;
    if (stale.first != NULL) /* unmapped by now: faults */
        seen = *(volatile char *)stale.first;
    char *p = mem_mmap(size + HEADER);
    if (p == MEM_MAP_FAILED)
        return NULL;
    *(size_t *)(void *)p = size;
    if (stale.first == NULL)
        stale.first = p + HEADER;
    p[HEADER] = seen;
    return p + HEADER;
}

static void stale_free(void *ptr)
{
    if (ptr != NULL) {
        char *block = (char *)ptr - HEADER;
        mem_munmap(block, *(size_t *)(void *)block + HEADER);
    }
}

const struct allocator broken_stale = {
    .name = "stale", .summary = "reads a freed block", .init = stale_init,
    .malloc = stale_malloc, .free = stale_free};

/* init forgets to reset its cursor: fine once, wrong on a second run in the
 * same process */
static char *sticky_cursor;

static int sticky_init(void)
{
    if (sticky_cursor == NULL)
        sticky_cursor = mem_heap_lo();
    return 0;
}

static void *sticky_malloc(size_t size)
{
    if (mem_sbrk((intptr_t)round16(size)) == (void *)-1)
        return NULL;
    char *p = sticky_cursor;
    sticky_cursor += round16(size);
    return p;
}

const struct allocator broken_sticky = {
    .name = "sticky", .summary = "init does not reset state",
    .init = sticky_init, .malloc = sticky_malloc, .free = bump_free};
