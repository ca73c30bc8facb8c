/*
 * placement.h -- where a timed window keeps its own memory and runs its
 * stack: at page offsets drawn anew for every window.
 *
 * How fast a backend replays a trace depends on where, in virtual memory,
 * the driver's arrays and stack lie relative to the heap (the heap itself
 * starts on a 1 GiB boundary in every process, memlib.c): at some relative
 * positions hot lines of the two collide in the CPU's address-indexed
 * structures, and the replay runs up to twice as slow (`segdata` on
 * make-dryrun: 72 Mops/s instead of 150, steadily, with the arrays put on
 * a 1 GiB boundary like the heap).  A process is born with one layout and
 * the rounds of a run are forked from one process, so a bad layout used
 * to slow all five rounds of a pair in one run in twenty, which no
 * choice among the rounds could undo.  Drawn afresh per window, the
 * layouts of the five rounds are independent, and the fastest round is
 * one of a good layout (timed.c, step 1).  The same is done by
 * Curtsinger and Berger's Stabilizer ("STABILIZER: statistically sound
 * performance evaluation", ASPLOS 2013) for the whole program;
 * Mytkowicz et al. ("Producing wrong data without doing anything
 * obviously wrong!", ASPLOS 2009) measured how much layout alone moves a
 * figure.
 */
#ifndef HEAPLAB_PLACEMENT_H
#define HEAPLAB_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* The offsets are drawn from 0 to this many bytes, in whole pages. */
#define PLACEMENT_SPAN ((size_t)16 << 20)

/* The stack placement_call() runs on: as large as the main thread's
 * usual 8 MiB, only the pages used are ever backed. */
#define PLACEMENT_STACK ((size_t)8 << 20)

/* Where the offsets come from: rng.h's generator. */
struct placement {
    struct rng rng;
};

/* A seed of 0 takes one from getrandom() (the clock where that fails). */
void placement_seed(struct placement *pl, uint64_t seed);

/* The next offset, a whole number of pages below PLACEMENT_SPAN. */
size_t placement_offset(struct placement *pl);

/* A block of zeroed pages at a drawn offset. */
struct placed {
    void *p;       /* size bytes, page-aligned; NULL when mmap failed */
    size_t length; /* size rounded up to pages (at least one) */
};

/* size bytes at a drawn page offset; NULL when mmap fails. */
void *placed_alloc(struct placement *pl, struct placed *block, size_t size);
void placed_free(struct placed *block);

/*
 * Calls fn(arg) on a stack of PLACEMENT_STACK bytes, with an inaccessible
 * guard page below it, at a drawn offset; back on the caller's stack when
 * fn returns.  fn runs in the caller's thread (placement.c says why).
 * Where no stack can be mapped, and in the AddressSanitizer build (which
 * does not follow such switches), fn runs on the caller's stack.  Returns
 * whether fn ran on a placed stack.
 */
int placement_call(struct placement *pl, void (*fn)(void *), void *arg);

/*
 * Runs fn(arg) in a new thread and waits for it.  The thread's stack, and
 * with it the thread's own variables (glibc keeps a thread's TLS at the
 * top of its stack: the C library's malloc reaches its per-thread cache
 * through it on every call), lies at a drawn offset, with a guard page
 * below.  Returns 0, or -1 when no thread could be started (fn has not
 * run).
 */
int placement_thread(struct placement *pl, void *(*fn)(void *), void *arg);

#endif /* HEAPLAB_PLACEMENT_H */
