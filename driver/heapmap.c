/*
 * heapmap.c -- the heap in the terminal (see heapmap.h):
 *
 *       0x7f3c00000010  used      128  id 0 (100 bytes, line 1)
 *     > 0x7f3c00000090  used       64  id 1 (50 bytes, line 2)  <-- here
 *       0x7f3c000000d0  free     4000
 *       -- break at 0x7f3c00001070 --
 *
 * It writes with dprintf to a file descriptor, not stdio, so that the
 * crash handler can use it too.
 */
#include "heapmap.h"

#include <stdio.h>
#include <string.h>

#include "heaplab/memlib.h"
#include "pages.h"

static void print_owner(int fd, const struct block_record *owner)
{
    if (owner != NULL)
        dprintf(fd, "  id %d (%llu bytes, line %u)", owner->id,
                (unsigned long long)owner->size, owner->line);
}

static void print_block(int fd, const struct walked_block *b, int marked,
                        const char *note)
{
    dprintf(fd, "  %s %14p  %-4s %9zu", marked ? ">" : " ", (void *)b->start,
            b->used ? "used" : "free", b->size);
    print_owner(fd, b->owner);
    if (marked && note != NULL && *note)
        dprintf(fd, "  <-- %s", note);
    dprintf(fd, "\n");
}

static void print_skipped(int fd, size_t count, const char *where)
{
    if (count > 0)
        dprintf(fd, "    ... %zu block%s %s ...\n", count,
                count == 1 ? "" : "s", where);
}

void heapmap_print(int fd, const struct heap_walk *walk,
                   const struct heapmap_mark *mark, size_t context,
                   size_t max_blocks)
{
    size_t n = walk->blocks.count;
    const char *at = mark != NULL ? mark->addr : NULL;
    size_t hit = at != NULL ? heap_walk_find(walk, at) : n;
    /* where a mark in no block goes: before the first block after it */
    size_t before = 0;
    while (at != NULL && hit == n && before < n &&
           heap_walk_at(walk, before)->start < at)
        before++;

    size_t first = 0, last = n; /* [first, last) is shown */
    if (at != NULL && context > 0) {
        size_t centre = hit < n ? hit : before;
        first = centre > context ? centre - context : 0;
        last = centre + context + 1 < n ? centre + context + 1 : n;
    }
    size_t cut_from = last, cut_to = last; /* elided middle */
    if (max_blocks > 0 && last - first > max_blocks) {
        cut_from = first + max_blocks / 2;
        cut_to = last - max_blocks / 2;
    }

    dprintf(fd, "  heap map (%s, %zu block%s%s):\n",
            walk->from_walk ? "from the backend's walk()"
                            : "the driver's view: live blocks only, "
                              "the backend has no walk()",
            n, n == 1 ? "" : "s", n ? "" : ": empty");
    print_skipped(fd, first, "before");
    for (size_t i = first; i < last; i++) {
        if (i == cut_from) {
            print_skipped(fd, cut_to - cut_from, "here");
            i = cut_to - 1;
            continue;
        }
        if (at != NULL && hit == n && i == before)
            dprintf(fd, "  > %14p  in no block  <-- %s\n", (const void *)at,
                    mark->note ? mark->note : "");
        print_block(fd, heap_walk_at(walk, i), i == hit,
                    mark != NULL ? mark->note : NULL);
    }
    if (at != NULL && hit == n && before >= last && before == n)
        dprintf(fd, "  > %14p  in no block  <-- %s\n", (const void *)at,
                mark->note ? mark->note : "");
    print_skipped(fd, n - last, "after");
    size_t offset = 0;
    enum mem_place place = n ? mem_locate(heap_walk_at(walk, n - 1)->start,
                                          &offset, NULL)
                             : MEM_OUTSIDE;
    if (walk->from_walk && place == MEM_IN_HEAP)
        dprintf(fd, "  -- break at %p (heap %zu bytes) --\n",
                (void *)((char *)mem_heap_hi() + 1),
                (size_t)((char *)mem_heap_hi() + 1 -
                         (char *)mem_heap_lo()));
}

/* --- free blocks by size ------------------------------------------------ */

void heapmap_print_free_sizes(int fd, const struct heap_walk *walk)
{
    /* Sizes are sorted with an insertion into a small table; a heap with
     * more distinct free sizes than the table is summed in its last row. */
    enum { ROWS = 24 };
    size_t sizes[ROWS], counts[ROWS], rows = 0, other = 0, other_bytes = 0;
    size_t total = 0, bytes = 0;
    for (size_t i = 0; i < walk->blocks.count; i++) {
        const struct walked_block *b = heap_walk_at(walk, i);
        if (b->used)
            continue;
        total++;
        bytes += b->size;
        size_t r = 0;
        while (r < rows && sizes[r] < b->size)
            r++;
        if (r < rows && sizes[r] == b->size) {
            counts[r]++;
        } else if (rows < ROWS) {
            memmove(&sizes[r + 1], &sizes[r], (rows - r) * sizeof *sizes);
            memmove(&counts[r + 1], &counts[r], (rows - r) * sizeof *counts);
            sizes[r] = b->size;
            counts[r] = 1;
            rows++;
        } else {
            other++;
            other_bytes += b->size;
        }
    }
    if (!walk->from_walk) {
        dprintf(fd, "  free blocks: unknown (the backend has no walk())\n");
        return;
    }
    dprintf(fd, "  free blocks by size: %zu block%s, %zu bytes\n", total,
            total == 1 ? "" : "s", bytes);
    for (size_t r = 0; r < rows; r++)
        dprintf(fd, "    %9zu bytes x %zu\n", sizes[r], counts[r]);
    if (other)
        dprintf(fd, "    other sizes: %zu blocks, %zu bytes\n", other,
                other_bytes);
}

/* --- what changed ------------------------------------------------------- */

static int same_block(const struct walked_block *a,
                      const struct walked_block *b)
{
    return a->start == b->start && a->size == b->size && a->used == b->used;
}

/* Marks in gone[i] the blocks of `from` that are not in `other`; both are
 * in address order, so one merge does it.  Returns how many. */
static size_t mark_changed(const struct heap_walk *from,
                           const struct heap_walk *other, unsigned char *gone)
{
    size_t count = 0, j = 0;
    for (size_t i = 0; i < from->blocks.count; i++) {
        const struct walked_block *b = heap_walk_at(from, i);
        while (j < other->blocks.count &&
               heap_walk_at(other, j)->start < b->start)
            j++;
        gone[i] = !(j < other->blocks.count &&
                    same_block(b, heap_walk_at(other, j)));
        count += gone[i];
    }
    return count;
}

/* For each changed block of `outer`, how many changed blocks of `inner`
 * start inside it; prints `what` for those that hold two or more. */
static void print_regroupings(int fd, const struct heap_walk *outer,
                              const unsigned char *outer_gone,
                              const struct heap_walk *inner,
                              const unsigned char *inner_gone, int split)
{
    size_t j = 0;
    for (size_t i = 0; i < outer->blocks.count; i++) {
        const struct walked_block *b = heap_walk_at(outer, i);
        if (!outer_gone[i])
            continue;
        while (j < inner->blocks.count &&
               heap_walk_at(inner, j)->start < b->start)
            j++;
        size_t k = j, parts = 0;
        for (; k < inner->blocks.count &&
               heap_walk_at(inner, k)->start < b->start + b->size;
             k++)
            parts += inner_gone[k];
        if (b->used || parts < 2)
            continue;
        if (split)
            dprintf(fd, "  split: free block %p (%zu bytes) into %zu blocks\n",
                    (void *)b->start, b->size, parts);
        else
            dprintf(fd, "  coalesced: %zu blocks into free block %p (%zu "
                        "bytes)\n",
                    parts, (void *)b->start, b->size);
    }
}

void heapmap_print_diff(int fd, const struct heap_walk *before,
                        const struct heap_walk *after)
{
    enum { MAX_LINES = 12 };
    size_t nb = before->blocks.count, na = after->blocks.count;
    unsigned char *gone = pages_alloc(nb + na);
    if (gone == NULL)
        return;
    unsigned char *came = gone + nb;
    mark_changed(before, after, gone);
    mark_changed(after, before, came);
    /* The lecture's events first: a free block split, blocks coalesced. */
    print_regroupings(fd, before, gone, after, came, 1);
    print_regroupings(fd, after, came, before, gone, 0);
    /* Then every block that went or came. */
    size_t lines = 0;
    for (int side = 0; side < 2 && lines <= MAX_LINES; side++) {
        const struct heap_walk *from = side ? after : before;
        const unsigned char *changed = side ? came : gone;
        for (size_t i = 0; i < from->blocks.count; i++) {
            if (!changed[i])
                continue;
            if (lines++ == MAX_LINES) {
                dprintf(fd, "  ... more changes: 'm' shows the map\n");
                break;
            }
            const struct walked_block *b = heap_walk_at(from, i);
            dprintf(fd, "  %c %14p  %-4s %9zu", side ? '+' : '-',
                    (void *)b->start, b->used ? "used" : "free", b->size);
            print_owner(fd, b->owner);
            dprintf(fd, "\n");
        }
    }
    pages_free(gone, nb + na);
}
