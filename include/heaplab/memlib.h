/*
 * memlib.h -- the simulated operating system that every backend gets its
 * memory from: the lecture's system calls, with their semantics.
 *
 *   heap:   mem_heap_lo()                      break
 *           v                                  v
 *           | bytes the backend asked for ...  | inaccessible pages ... |
 *           \______ grows with mem_sbrk / mem_brk ______/
 *
 * The heap lives in a large reserved region of address space (64 GiB by
 * default).  Pages below the break are readable and writable; pages past it
 * are inaccessible, so a write past the break faults at once (to the page:
 * the bytes between the break and the end of its page are accessible, as
 * with the real brk).  Shrinking the break returns the pages.
 *
 * mem_mmap maps real, fresh, zeroed pages with the mmap system call (the
 * mmap backend pays the real price of one system call per malloc), and
 * memlib remembers every live mapping.
 *
 * memlib counts every call of each kind and keeps the current and peak
 * footprint: the heap's extent plus all mapped bytes.
 *
 * Failure returns what the real calls return: mem_sbrk gives (void *)-1,
 * mem_brk -1, mem_mmap MEM_MAP_FAILED ((void *)-1, like MAP_FAILED),
 * mem_munmap -1; errno is ENOMEM (EINVAL for a bad mem_munmap).
 */
#ifndef HEAPLAB_MEMLIB_H
#define HEAPLAB_MEMLIB_H

#include <stddef.h>
#include <stdint.h>

/* What mem_mmap returns on failure, as mmap returns MAP_FAILED. */
#define MEM_MAP_FAILED ((void *)-1)

/* --- for backends: the system calls ------------------------------------ */

/*
 * Moves the break by incr bytes (may be negative) and returns the old
 * break; (void *)-1 with errno = ENOMEM when the heap cannot grow (or would
 * shrink below its start).
 */
void *mem_sbrk(intptr_t incr);

/* Sets the break to addr.  0 on success, -1 with errno = ENOMEM. */
int mem_brk(void *addr);

/*
 * Maps length bytes (rounded up to whole pages) of fresh zeroed memory.
 * Returns the page-aligned start, or MEM_MAP_FAILED with errno = ENOMEM.
 */
void *mem_mmap(size_t length);

/*
 * Unmaps a mapping made by mem_mmap: addr must be its start and length its
 * length as passed to mem_mmap (or that rounded to pages).  0 on success,
 * -1 with errno = EINVAL when addr/length name no live mapping.
 */
int mem_munmap(void *addr, size_t length);

/* First byte of the heap. */
void *mem_heap_lo(void);

/* Last byte of the heap: the break minus one (mem_heap_lo() - 1 if empty). */
void *mem_heap_hi(void);

/* The page size of the machine. */
size_t mem_pagesize(void);

/* --- for the driver and tests ------------------------------------------ */

enum { MEM_DEFAULT_RESERVE_GIB = 64 };

/*
 * Reserves the heap region of `reserve` bytes (0: MEM_DEFAULT_RESERVE_GIB,
 * or half of it, down to 1 GiB, where that much address space is refused)
 * once per process, starting on a 1 GiB boundary.  Called by mem_reset
 * when needed.  0 on success.
 */
int mem_init(size_t reserve);

/*
 * Gives the process a fresh heap: the break back at the start (all heap
 * pages returned and made inaccessible), every live mapping unmapped,
 * counters, peak, limit and footprint probe cleared.
 */
void mem_reset(void);

/*
 * Like mem_reset, but the heap's pages stay resident and accessible (their
 * old contents kept; zeroed when the break grows over them again): for
 * the timed replays after a checked one, which pay for the zeroing the
 * kernel does for fresh pages but neither for page faults a long-running
 * process would not take nor for the guard past the break (mprotect calls
 * that flush every CPU's TLB).  Until the next mem_reset, a write past the
 * break into those pages does not fault: the checked replay, on a reset
 * heap, is the one that catches it.
 */
void mem_rewind(void);

/*
 * Caps the footprint: a call that would take it above max_bytes fails with
 * ENOMEM, as the real calls do at RLIMIT_DATA.  0 means no cap (beyond
 * the reserved region).
 */
void mem_set_limit(size_t max_bytes);

/*
 * For a backend that does not get its memory from memlib (libc): a function
 * that returns the bytes it currently holds from the system.  memlib then
 * reports that as the footprint, sampled whenever mem_get_stats is called.
 */
void mem_set_footprint_probe(size_t (*probe)(void));

/*
 * For instruction counting (driver/measure.c): enter() and leave() are
 * called around the work memlib does in the kernel's place (the real
 * system calls, and zeroing the pages the break grows over), so that a
 * count of a backend's instructions leaves it out, as it leaves out the
 * kernel's own work for the C library.  NULL, NULL: none (the default;
 * mem_reset keeps the hooks).
 */
void mem_set_kernel_hooks(void (*enter)(void), void (*leave)(void));

/*
 * For a backend that keeps its heap in storage of its own rather than in
 * memlib's (simple's static array): tells memlib where that storage is, so
 * that mem_locate and mem_contains know it (MEM_IN_STATIC) and the driver
 * can check that payloads lie inside it.  memlib neither grows nor counts
 * it; the footprint still comes from the backend's probe.  mem_reset
 * forgets it.
 */
void mem_set_static_region(const void *start, size_t size);

/* The region set by mem_set_static_region since the last mem_reset: its
 * start, with its size in *size (may be NULL); NULL if none is set. */
const void *mem_static_region(size_t *size);

struct mem_stats {
    unsigned long sbrk_calls;
    unsigned long brk_calls;
    unsigned long mmap_calls;
    unsigned long munmap_calls;
    unsigned long failed_calls; /* calls of any kind that failed */
    size_t heap_bytes;     /* break - heap start */
    size_t mapped_bytes;   /* sum of live mappings, in whole pages */
    size_t live_mappings;
    size_t footprint;      /* heap_bytes + mapped_bytes, or the probe's */
    size_t peak_footprint; /* the largest footprint seen since mem_reset */
};

/* The length of the reserved region the heap lives in, from
 * mem_heap_lo(): every heap address is below mem_heap_lo() + this. */
size_t mem_heap_reserved(void);

/* The counters since the last mem_reset. */
void mem_get_stats(struct mem_stats *stats);

/* The total of the four call counters: the lecture's "system calls". */
unsigned long mem_syscalls(const struct mem_stats *stats);

/* Where an address lies, for the driver's checks and crash reports. */
enum mem_place {
    MEM_IN_HEAP,       /* heap start <= addr < break */
    MEM_PAST_BREAK,    /* inside the reserved region, at or past the break */
    MEM_IN_MAPPING,    /* inside a live mem_mmap mapping */
    MEM_OUTSIDE,       /* anywhere else */
    MEM_IN_STATIC      /* inside the region of mem_set_static_region */
};

/*
 * Classifies addr.  For MEM_PAST_BREAK, *offset is addr - break; for
 * MEM_IN_HEAP, addr - heap start; for MEM_IN_MAPPING, addr - mapping start
 * and *extent the mapping's length; for MEM_IN_STATIC, addr - region start
 * and *extent the region's size.  Either pointer may be NULL.
 * Async-signal-safe (it only reads).
 */
enum mem_place mem_locate(const void *addr, size_t *offset, size_t *extent);

/* True when [addr, addr + size) lies wholly in the heap, in one live
 * mapping, or in the static region. */
int mem_contains(const void *addr, size_t size);

#endif /* HEAPLAB_MEMLIB_H */
