/*
 * bitmap.c -- a bitmap allocator: the heap is cut into 16-byte units, and
 * one bit per unit says whether the unit is in use.
 *
 * Where it stands.  Not a step of the lecture but the other classic way to
 * know what is free (Knuth vol. 1, 2.5; Wilson et al., "Dynamic Storage
 * Allocation: A Survey and Critical Review", 1995, 3.6): instead of chunks
 * that carry headers and lists threaded through the free ones (list,
 * dlist), a side table of bits.  A block has no header at all, a free unit
 * costs nothing but its bit, and coalescing is free: two neighbouring free
 * runs are just one longer run of zeros.  The price is the search, a scan
 * of the bits, and the question every bitmap design must answer: where is
 * a block's size kept, so that free knows how many bits to clear?
 *
 * Where the size is kept: in a second bitmap of block starts, not in a
 * header.  A header would cost a whole unit per block (payloads must stay
 * 16-byte aligned), 16 bytes, as much as dlist's header and footer; the
 * start bit costs one bit per unit.  A block runs from its start unit to
 * the first unit above it that is free or starts another block, which free
 * finds by scanning the bits 64 at a time.  Both bitmaps sit interleaved,
 * a `used` word and a `start` word for every 64 units, in one mem_mmap
 * mapping beside the heap; it is mapped anew at twice the size (and the
 * bits copied) when the heap outgrows it, and its pages count in the
 * footprint like the heap's.
 *
 * Policy.
 *   fit        First fit in address order: the lowest run of free units
 *              long enough, found a 64-bit word at a time -- a word of
 *              zeros adds 64 free units to the run, a word of ones ends
 *              it, a mixed word is settled with count-trailing-zeros,
 *              count-leading-zeros, and for runs shorter than a word with
 *              log2(n) shift-and-AND steps (bit i survives when units
 *              i .. i+n-1 are all free).  The scan starts at first_free:
 *              no unit below it is free.
 *   split      Implicit: a block takes exactly its units; the rest of the
 *              run stays zeros.
 *   coalesce   Implicit and immediate: free clears the block's bits.
 *   growth     When no run is long enough, the heap grows with mem_sbrk by
 *              the units missing (a free run at the break counts) but at
 *              least GROWTH_MIN = 8 KiB, as list and dlist do.  The heap
 *              never shrinks.
 *   realloc    In place when shrinking (the tail's bits are cleared), when
 *              the units after the block are free and enough, or when they
 *              reach the break (the heap grows); else malloc, copy, free.
 *
 * Costs.  No header: a block is its payload rounded up to 16 bytes, so
 * malloc(1) costs 16 bytes and malloc(16) 16 bytes (list: 32, dlist: 32).
 * Two bits per 16-byte unit (1/64 of the heap) plus the mapping's page
 * rounding: at least one 4 KiB page, which small heaps feel.  malloc:
 * O(heap / 1 KiB) words scanned from first_free, plus a system call when
 * the heap grows.  free: O(1 + block size / 1 KiB) words, to find the
 * block's end and clear its bits (dlist: O(1)).  realloc: as free, plus a
 * copy when it moves.
 *
 * Honest trade-offs.  First fit over bits keeps no list of free runs, so
 * malloc rescans the same full words every time; first_free skips only
 * the full prefix of the heap.  A heap with many small holes near its
 * start is a slow heap.  The bitmaps double by copying, so a growing heap
 * pays O(heap / 64) bytes of copying now and then.
 *
 *   heap:   | unit | unit | unit | unit | unit | unit | unit | unit | ... |
 *   used:      1      1      1      0      0      1      1      0
 *   start:     1      0      1      0      0      1      0      0
 *              \_ block __/\_ blk /\_ free run _/\_ block __/\_ free ...
 *           ^ mem_heap_lo(), page aligned: unit 0                 break ^
 *
 *   a block:  | payload ... (its units, no header, 16-byte aligned) |
 */
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- block helpers ------------------------------------------------------ */

/* The bits of 64 units: which are in use, which start a block. */
struct bit_word {
    uint64_t used;
    uint64_t start;
};

enum {
    UNIT = HEAPLAB_ALIGNMENT,  /* bytes per unit, the payload alignment */
    WORD_UNITS = 64,           /* units per bit word */
    GROWTH_MIN = 8192,         /* the heap grows by at least this */
};

/* What find_run returns when no run is long enough. */
static const size_t NO_RUN = SIZE_MAX;

/* Larger requests get NULL: their sizes would overflow mem_sbrk's. */
static const size_t MAX_REQUEST = (size_t)INTPTR_MAX / 2;

_Static_assert(GROWTH_MIN % UNIT == 0, "growth adds whole units");

/* The bits below bit k of a word: k ones. */
static inline uint64_t low_bits(size_t k)
{
    return k >= WORD_UNITS ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;
}

static inline size_t trailing_zeros(uint64_t word) /* word != 0 */
{
    return (size_t)__builtin_ctzll(word);
}

static inline size_t leading_zeros(uint64_t word) /* word != 0 */
{
    return (size_t)__builtin_clzll(word);
}

/* Units that hold `bytes` bytes. */
static inline size_t units_for(size_t bytes)
{
    return (bytes + UNIT - 1) / UNIT;
}

/* ---- the bitmaps -------------------------------------------------------- */

/*
 * Invariants (bitmap_check verifies each one):
 *
 *   units * UNIT == break - base,  base == mem_heap_lo()
 *   map_words * 64 >= units  (a bit for every unit)
 *   start  is a subset of  used;  no bit is set at or past unit `units`
 *   a used unit whose unit below is free (or that is unit 0) starts a block
 *   every unit below first_free is used;  first_free <= units
 */
static struct {
    unsigned char *base;  /* unit 0: the start of the heap */
    size_t units;         /* units in the heap */
    struct bit_word *map; /* the bitmaps, in a mem_mmap mapping; NULL: none */
    size_t map_words;     /* bit words the mapping holds */
    size_t map_bytes;     /* the mapping's length, whole pages */
    size_t first_free;    /* no free unit below it */
} bitmap;

static inline size_t unit_of(const void *p)
{
    return (size_t)((const unsigned char *)p - bitmap.base) / UNIT;
}

static inline void *unit_address(size_t unit)
{
    return bitmap.base + unit * UNIT;
}

/* Bit words in use: those that cover the heap's units. */
static inline size_t heap_words(void)
{
    return (bitmap.units + WORD_UNITS - 1) / WORD_UNITS;
}

static inline bool unit_used(size_t unit)
{
    return (bitmap.map[unit / WORD_UNITS].used >> (unit % WORD_UNITS)) & 1;
}

static inline bool unit_starts(size_t unit)
{
    return (bitmap.map[unit / WORD_UNITS].start >> (unit % WORD_UNITS)) & 1;
}

/* Word w's used bits, with the bits past the heap's end set: a run of
 * zeros must not reach beyond the break. */
static inline uint64_t used_in_heap(size_t w)
{
    uint64_t used = bitmap.map[w].used;
    size_t past = (w + 1) * WORD_UNITS;
    if (past > bitmap.units)
        used |= ~low_bits(WORD_UNITS - (past - bitmap.units));
    return used;
}

/* Sets (on) or clears the used bits of units [from, to). */
static void mark_used(size_t from, size_t to, bool on)
{
    while (from < to) {
        size_t w = from / WORD_UNITS, bit = from % WORD_UNITS;
        size_t count = WORD_UNITS - bit;
        if (count > to - from)
            count = to - from;
        uint64_t mask = low_bits(count) << bit;
        if (on)
            bitmap.map[w].used |= mask;
        else
            bitmap.map[w].used &= ~mask;
        from += count;
    }
}

static inline void mark_start(size_t unit, bool on)
{
    uint64_t bit = (uint64_t)1 << (unit % WORD_UNITS);
    if (on)
        bitmap.map[unit / WORD_UNITS].start |= bit;
    else
        bitmap.map[unit / WORD_UNITS].start &= ~bit;
}

/* The unit just past the block that starts at `unit`: the first unit above
 * it that is free or starts a block, or the heap's end.  O(block / 64). */
static size_t block_end(size_t unit)
{
    size_t from = unit + 1, words = heap_words();
    for (size_t w = from / WORD_UNITS; w < words; w++) {
        uint64_t boundary = bitmap.map[w].start | ~bitmap.map[w].used;
        if (w == from / WORD_UNITS)
            boundary &= ~low_bits(from % WORD_UNITS);
        if (boundary != 0) {
            size_t end = w * WORD_UNITS + trailing_zeros(boundary);
            return end < bitmap.units ? end : bitmap.units;
        }
    }
    return bitmap.units;
}

/* Free units from `unit` up, counted until a used unit, the heap's end, or
 * at least `want` of them. */
static size_t free_run_from(size_t unit, size_t want)
{
    size_t count = 0;
    while (unit < bitmap.units && count < want) {
        size_t bit = unit % WORD_UNITS;
        uint64_t used = used_in_heap(unit / WORD_UNITS) >> bit;
        size_t run = used == 0 ? WORD_UNITS - bit : trailing_zeros(used);
        count += run;
        unit += run;
        if (used != 0)
            break; /* a used unit (or the heap's end) */
    }
    return count;
}

/* Free units just below the break: the run that a growth extends. */
static size_t free_tail(void)
{
    size_t count = 0, unit = bitmap.units;
    while (unit > 0) {
        size_t bits = (unit - 1) % WORD_UNITS + 1; /* of word (unit-1)/64 */
        uint64_t used = bitmap.map[(unit - 1) / WORD_UNITS].used &
                        low_bits(bits);
        if (used != 0)
            return count + bits - 1 - (WORD_UNITS - 1 - leading_zeros(used));
        count += bits;
        unit -= bits;
    }
    return count;
}

/* Units [from, to), all free, become a block. */
static void take(size_t from, size_t to)
{
    mark_used(from, to, true);
    mark_start(from, true);
    if (bitmap.first_free == from)
        bitmap.first_free = to; /* all below from was used already */
}

/* ---- policy ------------------------------------------------------------ */

/*
 * The lowest bit position where n (1 <= n < 64) consecutive bits of `free`
 * are set, or NO_RUN.  After the loop bit i is set exactly when bits
 * i .. i+n-1 were: each step doubles the length checked (at most log2 n
 * steps), and bits shifted in from above are zeros, so a run that would
 * leave the word does not count here.
 */
static size_t run_inside(uint64_t free, size_t n)
{
    for (size_t checked = 1; checked < n && free != 0;) {
        size_t shift = checked < n - checked ? checked : n - checked;
        free &= free >> shift;
        checked += shift;
    }
    return free != 0 ? trailing_zeros(free) : NO_RUN;
}

/*
 * First fit: the lowest unit that starts n free units, or NO_RUN.  Scans a
 * word at a time from first_free, keeping the run of free units that
 * reaches the top of the words scanned so far.
 */
static size_t find_run(size_t n)
{
    size_t run = 0, run_start = 0, words = heap_words();
    for (size_t w = bitmap.first_free / WORD_UNITS; w < words; w++) {
        uint64_t used = used_in_heap(w);
        if (run == 0)
            run_start = w * WORD_UNITS;
        if (used == 0) { /* 64 more free units */
            run += WORD_UNITS;
            if (run >= n)
                return run_start;
            continue;
        }
        if (run + trailing_zeros(used) >= n) /* the run ends in this word */
            return run_start;
        if (n < WORD_UNITS) { /* a run wholly inside this word */
            size_t at = run_inside(~used, n);
            if (at != NO_RUN)
                return w * WORD_UNITS + at;
        }
        run = leading_zeros(used); /* a run starts at the word's top */
        run_start = (w + 1) * WORD_UNITS - run;
    }
    return NO_RUN;
}

/*
 * Makes the bitmaps cover `units` units: a new mapping of twice the size
 * (or more), the bits copied, the old one unmapped.  0, or -1 with nothing
 * changed when memlib refuses.
 */
static int map_cover(size_t units)
{
    size_t words = (units + WORD_UNITS - 1) / WORD_UNITS;
    if (words <= bitmap.map_words)
        return 0;
    if (words < 2 * bitmap.map_words)
        words = 2 * bitmap.map_words;
    size_t page = mem_pagesize();
    size_t bytes = (words * sizeof(struct bit_word) + page - 1) / page * page;
    struct bit_word *map = mem_mmap(bytes);
    if (map == MEM_MAP_FAILED)
        return -1;
    if (bitmap.map != NULL) {
        memcpy(map, bitmap.map, bitmap.map_words * sizeof *map);
        VERIFY(mem_munmap(bitmap.map, bitmap.map_bytes) == 0);
    }
    bitmap.map = map; /* fresh pages are zeros: the new units are free */
    bitmap.map_words = bytes / sizeof *map;
    bitmap.map_bytes = bytes;
    return 0;
}

/* Grows the heap by at least `more` units (and GROWTH_MIN bytes).  0, or
 * -1 with the heap unchanged when memlib refuses. */
static int heap_grow(size_t more)
{
    size_t grow = more * UNIT < GROWTH_MIN ? GROWTH_MIN : more * UNIT;
    size_t units = bitmap.units + grow / UNIT;
    if (map_cover(units) != 0 || mem_sbrk((intptr_t)grow) == (void *)-1)
        return -1;
    bitmap.units = units;
    return 0;
}

/* ---- vtable methods ---------------------------------------------------- */

static int bitmap_init(void)
{
    /* The driver has just called mem_reset(): the heap is empty, and the
     * old mapping is gone with every other. */
    bitmap.base = mem_heap_lo();
    bitmap.units = 0;
    bitmap.map = NULL;
    bitmap.map_words = 0;
    bitmap.map_bytes = 0;
    bitmap.first_free = 0;
    if ((char *)mem_heap_hi() + 1 != (char *)mem_heap_lo())
        return -1;
    return (uintptr_t)bitmap.base % UNIT == 0 ? 0 : -1;
}

/*
 * malloc, step by step:
 *
 *   STEP 1  size 0, or a size too large to pass to mem_sbrk, gets NULL.
 *   STEP 2  the units: size / 16, rounded up.  No header.
 *   STEP 3  first fit: scan the used bits, a word at a time from
 *           first_free, for the lowest run of that many free units.
 *   STEP 4  none: the free run at the break (perhaps empty) counts; grow
 *           the heap by the units missing, at least GROWTH_MIN.  NULL if
 *           memlib refuses.
 *   STEP 5  set the block's used bits and its start bit.
 *   STEP 6  return the first unit's address: the payload.
 */
static void *bitmap_malloc(size_t size)
{
    /* STEP 1 */
    if (size == 0 || size > MAX_REQUEST)
        return NULL;

    /* STEP 2 */
    size_t n = units_for(size);

    /* STEP 3 */
    size_t unit = find_run(n);

    /* STEP 4 */
    if (unit == NO_RUN) {
        size_t tail = bitmap.units > 0 ? free_tail() : 0;
        unit = bitmap.units - tail;
        if (heap_grow(n - tail) != 0)
            return NULL;
    }

    /* STEP 5 and STEP 6 */
    take(unit, unit + n);
    return unit_address(unit);
}

/* Clears the block's bits: O(1 + block / 1 KiB) to find its end. */
static void bitmap_free(void *ptr)
{
    if (ptr == NULL)
        return;
    size_t unit = unit_of(ptr);
    VERIFY(unit < bitmap.units && unit_starts(unit)); /* double free */
    mark_used(unit, block_end(unit), false);
    mark_start(unit, false);
    if (unit < bitmap.first_free)
        bitmap.first_free = unit;
}

static void *bitmap_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return bitmap_malloc(size);
    if (size == 0) {
        bitmap_free(ptr);
        return NULL;
    }
    if (size > MAX_REQUEST)
        return NULL;
    size_t unit = unit_of(ptr);
    VERIFY(unit < bitmap.units && unit_starts(unit));
    size_t end = block_end(unit), n = units_for(size);

    /* Shrinking: the tail's units become free. */
    if (unit + n <= end) {
        mark_used(unit + n, end, false);
        if (unit + n < end && unit + n < bitmap.first_free)
            bitmap.first_free = unit + n;
        return ptr;
    }

    /* Growing in place: the units above are free, or free up to the break
     * and the heap can grow. */
    size_t missing = unit + n - end;
    size_t above = free_run_from(end, missing);
    if (above >= missing ||
        (end + above == bitmap.units && heap_grow(missing - above) == 0)) {
        mark_used(end, unit + n, true);
        if (bitmap.first_free == end)
            bitmap.first_free = unit + n;
        return ptr;
    }

    /* Elsewhere. */
    void *moved = bitmap_malloc(size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, ptr, (end - unit) * UNIT);
    bitmap_free(ptr);
    return moved;
}

/* ---- heap checker ------------------------------------------------------ */

/* One line on stderr about the unit at `unit`. */
__attribute__((format(printf, 2, 3)))
static void report(size_t unit, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "bitmap: unit %zu (%p): ", unit, unit_address(unit));
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
}

/* The lowest unit of word w whose bit is set in `bits` (bits != 0). */
static inline size_t first_unit(size_t w, uint64_t bits)
{
    return w * WORD_UNITS + trailing_zeros(bits);
}

static int bitmap_check(void)
{
    int problems = 0;
    size_t heap = (size_t)((char *)mem_heap_hi() + 1 - (char *)bitmap.base);
    if (bitmap.base != mem_heap_lo() || heap != bitmap.units * UNIT) {
        report(bitmap.units, "is where the heap ends by the bitmaps, but "
               "the heap is %zu bytes from %p", heap, mem_heap_lo());
        return 1;
    }
    if (bitmap.map_words * WORD_UNITS < bitmap.units ||
        (bitmap.units > 0 && bitmap.map == NULL)) {
        report(bitmap.units, "is the heap's end, past the %zu units the "
               "bitmaps cover", bitmap.map_words * WORD_UNITS);
        return 1;
    }
    uint64_t below_used = 1; /* unit 0's "unit below" counts as free... */
    for (size_t w = 0; w < bitmap.map_words; w++) {
        struct bit_word word = bitmap.map[w];
        uint64_t stray = word.start & ~word.used;
        if (stray != 0) {
            report(first_unit(w, stray), "starts a block but is not used");
            problems++;
        }
        size_t from = w * WORD_UNITS;
        uint64_t past = from >= bitmap.units ? ~(uint64_t)0
                        : ~low_bits(bitmap.units - from);
        if ((word.used | word.start) & past) {
            report(first_unit(w, (word.used | word.start) & past),
                   "is past the heap's end (%zu units) but has bits set",
                   bitmap.units);
            problems++;
        }
        /* Used units whose unit below is free must start a block. */
        uint64_t below = (word.used << 1) | (w == 0 ? 0 : below_used);
        uint64_t orphan = word.used & ~below & ~word.start;
        if (orphan != 0) {
            report(first_unit(w, orphan), "is used, follows a free unit, "
                   "but starts no block");
            problems++;
        }
        below_used = word.used >> (WORD_UNITS - 1);
    }
    if (bitmap.first_free > bitmap.units) {
        report(bitmap.first_free, "is first_free, past the heap's end");
        problems++;
    } else {
        for (size_t unit = 0; unit < bitmap.first_free; unit += WORD_UNITS) {
            size_t count = bitmap.first_free - unit;
            uint64_t free = ~bitmap.map[unit / WORD_UNITS].used &
                            low_bits(count);
            if (free != 0) {
                report(first_unit(unit / WORD_UNITS, free), "is free, below "
                       "first_free %zu", bitmap.first_free);
                problems++;
                break;
            }
        }
    }
    return problems;
}

/* Blocks and free runs, in address order. */
static void bitmap_walk(heaplab_visit_fn *visit, void *arg)
{
    size_t unit = 0;
    while (unit < bitmap.units) {
        size_t end = unit_used(unit)
                         ? block_end(unit)
                         : unit + free_run_from(unit, SIZE_MAX);
        visit(unit_address(unit), (end - unit) * UNIT, unit_used(unit), arg);
        unit = end;
    }
}

/* ---- the vtable -------------------------------------------------------- */

const struct allocator bitmap_allocator = {
    .name = "bitmap",
    .summary = "16-byte units, a used bit and a start bit each, first fit",
    .init = bitmap_init,
    .malloc = bitmap_malloc,
    .free = bitmap_free,
    .realloc = bitmap_realloc,
    .check = bitmap_check,
    .walk = bitmap_walk,
};
