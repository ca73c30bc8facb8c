/*
 * child_main.c -- main() of the program heaplab grade builds from a
 * submission (see grading/build.h).  The submission's vtable comes from a
 * two-line shim the grader writes:
 *
 *     const struct allocator *const heaplab_submission = &bins_allocator;
 *
 * and the program does one thing: the worker (grading/worker.h), one run
 * of one trace, its result as JSON on fd 3.  When the rubric grades the
 * heap checker, the shim also points heaplab_checker_table at the lab's
 * fixture (grading/checker.h), and `--checker-case NAME` runs one of its
 * cases instead.
 */
#include <string.h>

#include "checker.h"
#include "heaplab/allocator.h"
#include "worker.h"

extern const struct allocator *const heaplab_submission;
extern const struct checker_case *const heaplab_checker_table;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--checker-case") == 0)
        return checker_worker(argc, argv, heaplab_submission,
                              heaplab_checker_table);
    return grade_worker(argc, argv, heaplab_submission);
}
