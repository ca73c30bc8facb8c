/*
 * quiet.h -- is the core quiet right now?  A probe of its speed that the
 * timed windows ask before and after every sample (timed.c, step 4).
 *
 * On a virtual machine the CPU this program runs on may share its caches
 * with another guest's (a sibling hardware thread of the same core): while
 * that neighbour runs, every replay whose data lives in the L1 and L2
 * caches runs up to twice as slow, steadily, for a fraction of a second
 * to many seconds, and the thread's CPU clock counts it all.  A pointer
 * chase over QUIET_PROBE_BYTES (larger than the L1 cache, well inside the
 * L2) sees the same neighbour: measured on the project's machines, the
 * probe takes 4.00 to 4.04 ns per load while the core is quiet and 4.1 to
 * 10 ns while it is shared, and `bins` replayed `sqlite-library` at 89 to
 * 97 Mops/s in the windows with a quiet probe, at about 60 in those with
 * a shared one (docs/performance.md, "Why a quiet probe").
 *
 * The probe's time on a quiet core, the floor, is a property of the
 * machine; each window starts from the lowest probe any earlier window of
 * the run saw (replay_options.quiet_floor_ns, passed on by the parent) and
 * lowers it with its own.  A probe within QUIET_MARGIN of the floor is
 * quiet.
 */
#ifndef HEAPLAB_QUIET_H
#define HEAPLAB_QUIET_H

#include <stddef.h>

/* The chase: twice the usual L1 data cache, a quarter of a small L2. */
#define QUIET_PROBE_BYTES ((size_t)128 << 10)

/* Quiet: at most this much slower than the floor (the probe's own jitter
 * on a quiet core is about 0.5%; a shared core is 2 to 150% slower). */
#define QUIET_MARGIN 0.02

/* How long a window waits, at most, for the core to be quiet (probing,
 * on the thread's CPU clock); after that it takes its samples as they
 * come, and keeps all of them unless enough were quiet. */
#define QUIET_WAIT_SECONDS 0.25

/* One probe: the best of a few passes of the chase, in ns per load; the
 * chase is built on the first call in a process.  NAN when it could not
 * be built (no memory): then nothing is ever judged disturbed. */
double quiet_probe(void);

/* Is a probe of probe_ns quiet against floor_ns?  Every probe is quiet
 * when the floor is not known (0 or NAN) or the probe failed (NAN). */
int quiet_is(double probe_ns, double floor_ns);

/* Lowers *floor_ns to probe_ns when that is lower (or *floor_ns unknown). */
void quiet_note(double *floor_ns, double probe_ns);

/* The floor as far as this process knows it: the lowest that any run it
 * started reported (runner.c hands it to the next run and learns from
 * each result); 0 before the first. */
double quiet_known_floor(void);
void quiet_learn(double floor_ns);

/*
 * Probes until a probe is quiet against *floor_ns (lowered by every probe
 * on the way) or `budget` seconds of probing are spent; returns the last
 * probe, and adds the seconds spent to *spent.
 */
double quiet_wait(double *floor_ns, double budget, double *spent);

/*
 * The samples a window keeps: when at least `least` of the n were taken
 * while the core was quiet (quiet[i]), those, moved to the front in the
 * order taken; else all n.  Returns how many.
 */
unsigned quiet_select(double *samples, const unsigned char *quiet, unsigned n,
                      unsigned least);

#endif /* HEAPLAB_QUIET_H */
