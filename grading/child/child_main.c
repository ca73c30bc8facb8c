/*
 * child_main.c -- main() of the program heaplab grade builds from a
 * submission (see grading/build.h).  The submission's vtable comes from a
 * two-line shim the grader writes:
 *
 *     const struct allocator *const heaplab_submission = &bins_allocator;
 *
 * and the program does one thing: the worker (grading/worker.h), one run
 * of one trace, its result as JSON on fd 3.
 */
#include "heaplab/allocator.h"
#include "worker.h"

extern const struct allocator *const heaplab_submission;

int main(int argc, char **argv)
{
    return grade_worker(argc, argv, heaplab_submission);
}
