/*
 * memlib.c -- the simulated operating system: a heap with a break, and
 * mmap'ed regions, over real virtual memory.
 *
 *   region:  lo                      break       page_end              lo + reserve
 *            | heap: read/write ...  | slack of  | PROT_NONE ...        |
 *            |                       | its page  |                      |
 *
 * The whole region is reserved once per process with PROT_NONE and
 * MAP_NORESERVE: it costs address space, not memory.  Growing the break
 * makes the new pages readable and writable (mprotect); shrinking it, or
 * mem_reset, replaces the pages past the new break by fresh inaccessible
 * ones (mmap MAP_FIXED over them), which returns their memory at once.  A
 * write past the page that holds the break faults with SIGSEGV, which the
 * driver turns into a verdict naming the address.
 *
 * mem_rewind, for the timed passes that follow a checked one, keeps the
 * heap's pages resident and accessible (open_end): growing the break over
 * them again costs no system call, only the zeroing the kernel would do
 * for fresh pages, and shrinking it costs nothing.  The guard is for the
 * checked pass (mem_reset), which has already caught any write past the
 * break; in a timed pass the mprotect calls cost more than the backend's
 * own work (each one flushes the TLB of every CPU the process ran on).
 *
 * mem_mmap is a real mmap of fresh pages (so the mmap backend pays a real
 * system call per malloc); memlib keeps every live mapping in a red-black
 * tree keyed by address (libbsd's <sys/tree.h>), so "which mapping holds
 * this address" is O(log n).  The tree's nodes come from a pool that memlib
 * maps itself: memlib never calls the C library's malloc, so it can serve a
 * backend inside a program whose malloc it is.
 *
 * Invariants:
 *   lo <= brk <= page_end <= lo + reserve,  page_end == round_up(brk, page)
 *   lo <= kept_end <= lo + reserve: pages in [page_end, kept_end) are
 *   resident, kept by mem_rewind, zeroed when reused
 *   page_end <= open_end <= max(page_end, kept_end): pages below open_end
 *   are accessible; open_end == page_end until mem_rewind
 *   mapped_bytes == sum of the page-rounded lengths in the tree
 *   footprint == (brk - lo) + mapped_bytes   (unless a probe is set)
 *   peak_footprint >= footprint
 */
#include "heaplab/memlib.h"

#include <bsd/sys/tree.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heaplab/verify.h"

struct mapping {
    RB_ENTRY(mapping) link;
    char *start;
    size_t length; /* page-rounded */
};

static int mapping_compare(const struct mapping *a, const struct mapping *b)
{
    return (a->start > b->start) - (a->start < b->start);
}

RB_HEAD(mapping_tree, mapping);
/* RB_GENERATE_STATIC needs BSD's __unused, which libbsd leaves undefined. */
RB_GENERATE_INTERNAL(mapping_tree, mapping, link, mapping_compare,
                     static __attribute__((unused)))

/* Mapping nodes: a reserved array touched as it is used, plus a free list
 * threaded through the `start` field of unused nodes. */
enum { MAPPING_POOL_MAX = 1 << 20 }; /* above vm.max_map_count */

static struct {
    char *lo;         /* start of the reserved region, page aligned */
    size_t reserve;   /* its length */
    char *brk;        /* the break */
    char *page_end;   /* end of the break's page */
    char *open_end;   /* end of the accessible pages */
    char *kept_end;   /* end of resident pages kept by mem_rewind */
    size_t page;      /* page size */
    size_t limit;     /* footprint cap, 0 for none */
    size_t (*probe)(void);
    const char *static_start; /* mem_set_static_region's, NULL: none */
    size_t static_size;

    struct mapping_tree mappings;
    struct mapping *pool;     /* MAPPING_POOL_MAX nodes, reserved */
    size_t pool_used;         /* nodes ever handed out */
    struct mapping *pool_free;

    struct mem_stats stats;
} mem;

/* --- helpers ------------------------------------------------------------ */

/* Every failing call ends here: count it and set errno. */
static void failed(int error)
{
    mem.stats.failed_calls++;
    errno = error;
}

static inline size_t round_up(size_t n, size_t unit)
{
    return (n + unit - 1) / unit * unit;
}

static inline size_t heap_bytes(void)
{
    return (size_t)(mem.brk - mem.lo);
}

static void note_footprint(void)
{
    mem.stats.heap_bytes = heap_bytes();
    mem.stats.footprint = mem.stats.heap_bytes + mem.stats.mapped_bytes;
    if (mem.stats.footprint > mem.stats.peak_footprint)
        mem.stats.peak_footprint = mem.stats.footprint;
}

/* Would the footprint grow past the cap with `more` bytes? */
static bool over_limit(size_t more)
{
    size_t now = heap_bytes() + mem.stats.mapped_bytes;
    return mem.limit != 0 && (more > mem.limit || now > mem.limit - more);
}

/* Replaces [from, to) by fresh inaccessible pages, freeing their memory. */
static void discard_pages(char *from, char *to)
{
    if (to <= from)
        return;
    void *p = mmap(from, (size_t)(to - from), PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
                   0);
    VERIFY(p == from);
}

static struct mapping *node_alloc(void)
{
    struct mapping *node = mem.pool_free;
    if (node != NULL) {
        mem.pool_free = (struct mapping *)(void *)node->start;
        return node;
    }
    if (mem.pool_used == MAPPING_POOL_MAX)
        return NULL;
    return &mem.pool[mem.pool_used++];
}

static void node_free(struct mapping *node)
{
    node->start = (char *)mem.pool_free;
    mem.pool_free = node;
}

/* The live mapping that holds addr, or NULL. */
static struct mapping *mapping_holding(const void *addr)
{
    struct mapping key = {.start = (char *)addr};
    struct mapping *node = RB_NFIND(mapping_tree, &mem.mappings, &key);
    if (node == NULL || node->start != addr)
        node = node != NULL ? RB_PREV(mapping_tree, &mem.mappings, node)
                            : RB_MAX(mapping_tree, &mem.mappings);
    if (node == NULL || (const char *)addr >= node->start + node->length)
        return NULL;
    return node;
}

/* --- set-up ------------------------------------------------------------- */

/* The heap's region starts on a boundary this large, so that a backend's
 * offsets from mem_heap_lo() are the same in every process, whatever
 * alignment (up to this) it keeps for its own blocks: the grader compares
 * them between runs (driver/evidence.h). */
static const size_t REGION_ALIGN = (size_t)1 << 30;

/* reserve bytes of PROT_NONE address space on a REGION_ALIGN boundary. */
static void *reserve_region(size_t reserve, int flags)
{
    char *raw = mmap(NULL, reserve + REGION_ALIGN, PROT_NONE, flags, -1, 0);
    if (raw == MAP_FAILED)
        return MAP_FAILED;
    size_t head = round_up((size_t)(uintptr_t)raw, REGION_ALIGN) -
                  (size_t)(uintptr_t)raw;
    if (head > 0)
        munmap(raw, head);
    if (REGION_ALIGN - head > 0)
        munmap(raw + head + reserve, REGION_ALIGN - head);
    return raw + head;
}

int mem_init(size_t reserve)
{
    if (mem.lo != NULL)
        return 0;
    mem.page = (size_t)sysconf(_SC_PAGESIZE);
    bool by_default = reserve == 0;
    if (by_default)
        reserve = (size_t)MEM_DEFAULT_RESERVE_GIB << 30;
    reserve = round_up(reserve, mem.page);
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    void *region = reserve_region(reserve, flags);
    /* Where the default is refused (a limit on address space, valgrind's
     * own), half of it, down to 1 GiB. */
    while (region == MAP_FAILED && by_default && reserve > ((size_t)1 << 30)) {
        reserve /= 2;
        region = reserve_region(reserve, flags);
    }
    if (region == MAP_FAILED)
        return -1;
    size_t pool_bytes = sizeof(struct mapping) * MAPPING_POOL_MAX;
    void *pool = mmap(NULL, pool_bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (pool == MAP_FAILED) {
        munmap(region, reserve);
        return -1;
    }
    mem.lo = region;
    mem.reserve = reserve;
    mem.brk = mem.page_end = mem.open_end = mem.kept_end = mem.lo;
    mem.pool = pool;
    RB_INIT(&mem.mappings);
    return 0;
}

/* Both resets: keep_pages says whether the heap's pages stay resident. */
static void reset(bool keep_pages)
{
    if (mem.lo == NULL)
        VERIFY(mem_init(0) == 0);
    if (mem.kept_end < mem.page_end)
        mem.kept_end = mem.page_end;
    if (!keep_pages) {
        discard_pages(mem.lo, mem.kept_end);
        mem.kept_end = mem.open_end = mem.lo;
    }
    mem.brk = mem.page_end = mem.lo; /* rewind: open_end stays */

    struct mapping *node, *next;
    RB_FOREACH_SAFE(node, mapping_tree, &mem.mappings, next)
    {
        RB_REMOVE(mapping_tree, &mem.mappings, node);
        munmap(node->start, node->length);
    }
    mem.pool_used = 0;
    mem.pool_free = NULL;

    mem.limit = 0;
    mem.probe = NULL;
    mem.static_start = NULL;
    mem.static_size = 0;
    mem.stats = (struct mem_stats){0};
}

void mem_reset(void)
{
    reset(false);
}

void mem_rewind(void)
{
    reset(true);
}

void mem_set_limit(size_t max_bytes)
{
    mem.limit = max_bytes;
}

void mem_set_footprint_probe(size_t (*probe)(void))
{
    mem.probe = probe;
}

/* Around the work that stands for the kernel's (mem_set_kernel_hooks). */
static struct {
    void (*enter)(void);
    void (*leave)(void);
} kernel;

void mem_set_kernel_hooks(void (*enter)(void), void (*leave)(void))
{
    kernel.enter = enter;
    kernel.leave = leave;
}

static inline void kernel_enter(void)
{
    if (kernel.enter != NULL)
        kernel.enter();
}

static inline void kernel_leave(void)
{
    if (kernel.leave != NULL)
        kernel.leave();
}

void mem_set_static_region(const void *start, size_t size)
{
    mem.static_start = start;
    mem.static_size = start != NULL ? size : 0;
}

const void *mem_static_region(size_t *size)
{
    if (size != NULL)
        *size = mem.static_size;
    return mem.static_start;
}

/* --- the system calls --------------------------------------------------- */

/* Moves the break to new_brk, which set_break has checked.  False when
 * the kernel refuses to make the new pages accessible (mprotect fails with
 * ENOMEM: out of memory or of mappings, as in a real process): the break
 * stays where it was. */
static bool move_break(char *new_brk)
{
    char *new_end = mem.lo + round_up((size_t)(new_brk - mem.lo), mem.page);
    if (new_end > mem.page_end) {
        if (new_end > mem.open_end) {
            if (mprotect(mem.open_end, (size_t)(new_end - mem.open_end),
                         PROT_READ | PROT_WRITE) != 0)
                return false;
            mem.open_end = new_end;
        }
        /* Pages kept by mem_rewind hold old bytes: zero them, as the
         * kernel zeroes fresh pages. */
        char *kept = new_end < mem.kept_end ? new_end : mem.kept_end;
        if (kept > mem.page_end)
            memset(mem.page_end, 0, (size_t)(kept - mem.page_end));
    } else if (mem.open_end == mem.page_end) { /* guarded: return them */
        discard_pages(new_end, mem.page_end);
        mem.open_end = new_end;
    } else if (mem.kept_end < mem.page_end) { /* rewound: keep them */
        mem.kept_end = mem.page_end;
    }
    mem.brk = new_brk;
    mem.page_end = new_end;
    note_footprint();
    return true;
}

/* move_break, as the kernel's work. */
static bool kernel_move_break(char *new_brk)
{
    kernel_enter();
    bool moved = move_break(new_brk);
    kernel_leave();
    return moved;
}

/* Reserves the region on first use.  False (and ENOMEM) if it cannot. */
static bool ready(void)
{
    if (mem.lo == NULL && mem_init(0) != 0) {
        failed(ENOMEM);
        return false;
    }
    return true;
}

/*
 * Moves the break to `target`, given as an integer because a bad request
 * may point outside any object.  Returns false (counted, errno = ENOMEM)
 * when the target is outside the region or over the cap.
 */
static bool set_break(uintptr_t target)
{
    uintptr_t lo = (uintptr_t)mem.lo, now = (uintptr_t)mem.brk;
    if (target < lo || target - lo > mem.reserve ||
        (target > now && over_limit(target - now)) ||
        !kernel_move_break((char *)target)) {
        failed(ENOMEM);
        return false;
    }
    return true;
}

void *mem_sbrk(intptr_t incr)
{
    mem.stats.sbrk_calls++;
    if (!ready())
        return (void *)-1;
    char *old = mem.brk;
    /* Unsigned arithmetic wraps, and set_break rejects any wrapped value. */
    if (!set_break((uintptr_t)old + (uintptr_t)incr))
        return (void *)-1;
    return old;
}

int mem_brk(void *addr)
{
    mem.stats.brk_calls++;
    if (!ready() || !set_break((uintptr_t)addr))
        return -1;
    return 0;
}

void *mem_mmap(size_t length)
{
    mem.stats.mmap_calls++;
    if (!ready())
        return MEM_MAP_FAILED;
    if (length == 0 || length > SIZE_MAX - mem.page) {
        failed(length == 0 ? EINVAL : ENOMEM);
        return MEM_MAP_FAILED;
    }
    size_t rounded = round_up(length, mem.page);
    if (over_limit(rounded)) {
        failed(ENOMEM);
        return MEM_MAP_FAILED;
    }
    struct mapping *node = node_alloc();
    if (node == NULL) {
        failed(ENOMEM);
        return MEM_MAP_FAILED;
    }
    kernel_enter();
    void *p = mmap(NULL, rounded, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    kernel_leave();
    if (p == MAP_FAILED) {
        node_free(node);
        failed(ENOMEM);
        return MEM_MAP_FAILED;
    }
    node->start = p;
    node->length = rounded;
    RB_INSERT(mapping_tree, &mem.mappings, node);
    mem.stats.mapped_bytes += rounded;
    mem.stats.live_mappings++;
    note_footprint();
    return p;
}

/*
 * Unmaps a mapping.  Unmapping one of several adjacent mappings splits the
 * kernel's area in two, and past vm.max_map_count areas (65530 by default)
 * munmap fails with ENOMEM: a real process running the mmap backend can
 * get there.  A backend's free cannot fail, so memlib then gives the pages
 * back with madvise and leaves the range mapped: the memory returns, only
 * the address space is lost.  errno is left as it was.
 */
static void release_mapping(char *start, size_t length)
{
    int saved_errno = errno;
    if (munmap(start, length) != 0)
        VERIFY(errno == ENOMEM && madvise(start, length, MADV_DONTNEED) == 0);
    errno = saved_errno;
}

int mem_munmap(void *addr, size_t length)
{
    mem.stats.munmap_calls++;
    struct mapping key = {.start = addr};
    struct mapping *node =
        mem.lo != NULL ? RB_FIND(mapping_tree, &mem.mappings, &key) : NULL;
    if (node == NULL || length == 0 ||
        round_up(length, mem.page) != node->length) {
        failed(EINVAL);
        return -1;
    }
    RB_REMOVE(mapping_tree, &mem.mappings, node);
    kernel_enter();
    release_mapping(node->start, node->length);
    kernel_leave();
    mem.stats.mapped_bytes -= node->length;
    mem.stats.live_mappings--;
    node_free(node);
    note_footprint();
    return 0;
}

void *mem_heap_lo(void)
{
    if (mem.lo == NULL)
        VERIFY(mem_init(0) == 0);
    return mem.lo;
}

void *mem_heap_hi(void)
{
    if (mem.lo == NULL)
        VERIFY(mem_init(0) == 0);
    return mem.brk - 1;
}

size_t mem_heap_reserved(void)
{
    if (mem.lo == NULL)
        VERIFY(mem_init(0) == 0);
    return mem.reserve;
}

size_t mem_pagesize(void)
{
    return mem.page != 0 ? mem.page : (size_t)sysconf(_SC_PAGESIZE);
}

/* --- statistics and queries --------------------------------------------- */

void mem_get_stats(struct mem_stats *stats)
{
    if (mem.probe != NULL) {
        mem.stats.footprint = mem.probe();
        if (mem.stats.footprint > mem.stats.peak_footprint)
            mem.stats.peak_footprint = mem.stats.footprint;
    }
    *stats = mem.stats;
}

unsigned long mem_syscalls(const struct mem_stats *stats)
{
    return stats->sbrk_calls + stats->brk_calls + stats->mmap_calls +
           stats->munmap_calls;
}

enum mem_place mem_locate(const void *addr, size_t *offset, size_t *extent)
{
    size_t off = 0, ext = 0;
    enum mem_place place = MEM_OUTSIDE;
    uintptr_t at = (uintptr_t)addr, lo = (uintptr_t)mem.lo;
    const struct mapping *node;
    uintptr_t region = (uintptr_t)mem.static_start;
    if (mem.static_start != NULL && at >= region &&
        at - region < mem.static_size) {
        place = MEM_IN_STATIC;
        off = at - region;
        ext = mem.static_size;
    } else if (mem.lo != NULL && at >= lo && at - lo < mem.reserve) {
        place = at < (uintptr_t)mem.brk ? MEM_IN_HEAP : MEM_PAST_BREAK;
        off = place == MEM_IN_HEAP ? at - lo : at - (uintptr_t)mem.brk;
        ext = heap_bytes();
    } else if (mem.lo != NULL && (node = mapping_holding(addr)) != NULL) {
        place = MEM_IN_MAPPING;
        off = at - (uintptr_t)node->start;
        ext = node->length;
    }
    if (offset != NULL)
        *offset = off;
    if (extent != NULL)
        *extent = ext;
    return place;
}

int mem_contains(const void *addr, size_t size)
{
    size_t offset, extent;
    enum mem_place place = mem_locate(addr, &offset, &extent);
    if (place != MEM_IN_HEAP && place != MEM_IN_MAPPING &&
        place != MEM_IN_STATIC)
        return 0;
    return size <= extent - offset;
}
