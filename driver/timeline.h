/*
 * timeline.h -- what the heap looked like during one checked replay, for
 * the plots (docs/plots.md):
 *
 *   samples   the footprint and the live payload as the ops go by, thinned
 *             to at most TIMELINE_MAX_POINTS points: each point is the
 *             largest value of its window of ops, so the peaks survive and
 *             the largest sample is the run's peak exactly;
 *   heap map  the backend's blocks, from its walk(), at the moment the
 *             footprint peaked (or after a chosen op), each used block
 *             with the payload the driver put in it.
 *
 * It runs in the replay's child process and writes its data files itself
 * when the replay ends: tab separated, '#' lines that describe the run
 * ("# key<TAB>value"), then a line of column names, then the numbers.
 * Its memory comes from pages.h, as the driver's does during a replay.
 *
 * The replay calls timeline_begin once the backend's init() has run,
 * timeline_sample after every op, and timeline_end when it is over; with
 * no request they do nothing.
 */
#ifndef HEAPLAB_TIMELINE_H
#define HEAPLAB_TIMELINE_H

#include <stdint.h>

#include "heaplab/allocator.h"

struct blocks;

enum { TIMELINE_MAX_POINTS = 4000 };

struct timeline_request {
    const char *samples_path; /* footprint and payload; NULL: none */
    const char *heapmap_path; /* the blocks; NULL: none (needs a walk) */
    uint64_t heapmap_op;      /* after this many ops; 0: at peak footprint */
    const char *trace_name;   /* for the files' '#' lines */
};

/* The files' first lines, which say what they are. */
#define TIMELINE_SAMPLES_MAGIC "# heaplab timeline"
#define TIMELINE_HEAPMAP_MAGIC "# heaplab heap map"

/* Starts recording a replay of num_ops ops of backend a (request may be
 * NULL: nothing is recorded). */
void timeline_begin(const struct timeline_request *request,
                    const struct allocator *a, uint64_t num_ops);

/* After op `index` (0-based); blocks is the driver's view of the heap. */
void timeline_sample(uint64_t index, struct blocks *blocks);

/* Writes the files asked for; a file that cannot be written is named on
 * stderr (the backend's output in a child). */
void timeline_end(void);

#endif /* HEAPLAB_TIMELINE_H */
