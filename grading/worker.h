/*
 * worker.h -- one run of one trace for the grader, in a program of its
 * own: the submission's program (grading/child/child_main.c) for the
 * submission, `heaplab grade --worker` for the reference backend.
 *
 * The worker replays the trace with runner_run (a child process of its
 * own, with the limits it is given), then writes what happened as one
 * JSON object on fd 3 (SPAWN_RESULT_FD):
 *
 *   {"status": "ok", "message": "", "util": 0.87, "ops": 6000,
 *    "ops_per_sec": 2.1e7, "samples": 3, "peak_payload": ..,
 *    "peak_footprint": .., "output": "what the backend printed",
 *    "output_dropped": 0}
 *
 * Options (all but the trace optional):
 *   --trace FILE, or --trace-fd N (the grader's packed trace, trace_pack.h;
 *   then --name is needed)  --name NAME (the trace's name in messages)
 *   --evidence-fd N  --clock-fd N (the record and the timing markers for
 *   the grader, evidence.h)
 *   --backend NAME (a registered backend, when there is no submission)
 *   --twice  --check-heap N  --require-checker  --no-timing  --repeat K
 *   --memory BYTES  --timeout S  --cpu S  --file-size BYTES
 *   --output-keep BYTES  --workdir DIR
 */
#ifndef HEAPLAB_GRADING_WORKER_H
#define HEAPLAB_GRADING_WORKER_H

#include "heaplab/allocator.h"

/*
 * The worker's main: submission is the vtable to run, or NULL to take
 * --backend from the registry.  Returns the exit status: 0 when a result
 * was written, 2 for bad arguments.
 */
int grade_worker(int argc, char **argv, const struct allocator *submission);

#endif /* HEAPLAB_GRADING_WORKER_H */
