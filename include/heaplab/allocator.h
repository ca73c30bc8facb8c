/*
 * allocator.h -- the contract between heaplab and an allocator backend.
 *
 * A backend is one C file that defines exactly one symbol with external
 * linkage, its vtable:
 *
 *     const struct allocator bins_allocator = {
 *         .name = "bins", .summary = "...", .init = bins_init, ...
 *     };
 *
 * and lists it in allocators/registry.c.  A backend gets memory only from
 * the simulated OS in <heaplab/memlib.h> (mem_sbrk, mem_brk, mem_mmap,
 * mem_munmap), never from the real brk/sbrk/mmap or from the C library's
 * malloc, so that heaplab can measure its footprint exactly and give every
 * run a fresh heap.  (The `libc` backend is the one deliberate exception:
 * it is the reference everybody knows.)
 *
 * Edge cases, the same for every backend:
 *
 *   malloc(0)           may return NULL or a unique pointer that may be
 *                       passed to free and realloc; the driver accepts both.
 *   free(NULL)          does nothing.
 *   realloc(NULL, n)    is malloc(n).
 *   realloc(p, 0)       with p != NULL frees p and returns NULL (the
 *                       CMU 15-213 rule; C17 leaves it implementation-
 *                       defined, heaplab defines it).
 *   realloc failure     returns NULL and leaves p allocated and unchanged.
 *
 * Every non-NULL pointer returned by malloc or realloc is aligned to
 * HEAPLAB_ALIGNMENT (16) bytes, points to at least the requested number of
 * bytes that overlap no other live block, and lies inside the heap
 * [mem_heap_lo(), mem_heap_hi()] or inside a live mem_mmap mapping.
 */
#ifndef HEAPLAB_ALLOCATOR_H
#define HEAPLAB_ALLOCATOR_H

#include <stddef.h>

/* Every payload address is a multiple of this. */
enum { HEAPLAB_ALIGNMENT = 16 };

/* Called by walk() once per block, in address order. */
typedef void heaplab_visit_fn(const void *block, size_t size, int used,
                              void *arg);

struct allocator {
    /*
     * The backend's id on the command line ("bins"): lower case letters,
     * digits and '-', unique among the registered backends.
     */
    const char *name;

    /* One line for `heaplab list`, no trailing period or newline. */
    const char *summary;

    /*
     * Reset all of the backend's state.  Called before the first malloc of
     * every run, after the driver has given the process a fresh, empty heap
     * with mem_reset() (mem_heap_lo() == mem_heap_hi() + 1, no mappings).
     * A backend must keep no state across init calls: heaplab runs every
     * trace twice in one process to catch that.
     * Returns 0 on success, non-zero on failure (the run's verdict is then
     * `error: init failed`).
     */
    int (*init)(void);

    /*
     * Pre:  init() succeeded; size >= 0.
     * Post: NULL when the request cannot be met (memlib refused to grow;
     *       errno is not required), else a HEAPLAB_ALIGNMENT-aligned pointer
     *       to at least `size` usable bytes that overlap no live block.
     *       The contents of the new block are unspecified.
     */
    void *(*malloc)(size_t size);

    /*
     * Pre:  ptr is NULL, or was returned by this backend's malloc/realloc
     *       since the last init() and not freed since.
     * Post: the block may be reused by a later malloc/realloc.
     */
    void (*free)(void *ptr);

    /*
     * Pre:  as for free(), for ptr.
     * Post: see the edge cases above; otherwise a pointer to a block of at
     *       least `size` bytes whose first min(old size, size) bytes equal
     *       the old block's, the old block freed unless the same pointer is
     *       returned.  In place when the design allows (shrinking, or
     *       growing into a free neighbour or the end of the heap).
     * May be NULL: the driver then does malloc + copy + free itself.
     */
    void *(*realloc)(void *ptr, size_t size);

    /*
     * The heap checker.  Verifies every invariant the backend's header
     * comment states.  Returns 0 when the heap is consistent; otherwise
     * prints one line per problem on stderr, naming the block address, and
     * returns non-zero.  Must not change the heap.  NULL if the design has
     * no heap to check.
     */
    int (*check)(void);

    /*
     * Calls visit(block, size, used, arg) for every block of the heap in
     * address order: `block` is the start of the block (its header, not
     * the payload), `size` its total size in bytes, `used` 1 when
     * allocated and 0 when free.  Must not change the heap.  NULL if the
     * design keeps no walkable heap.
     */
    void (*walk)(void (*visit)(const void *block, size_t size, int used,
                               void *arg),
                 void *arg);
};

#endif /* HEAPLAB_ALLOCATOR_H */
