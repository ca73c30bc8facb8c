/*
 * batch.h -- a whole class: `heaplab grade --batch DIR`.
 *
 * DIR holds one folder per student.  Up to `jobs` of them are graded at
 * once, each in a process of its own; each student's report.txt and
 * results.json are written (atomically) as soon as that student is done,
 * and the gradebook CSV is rewritten after every student, so an
 * interrupted batch loses nothing it finished.  A re-run skips students
 * whose results.json is there, unless `force`.
 */
#ifndef HEAPLAB_GRADING_BATCH_H
#define HEAPLAB_GRADING_BATCH_H

#include "grade.h"
#include "rubric.h"

struct batch_options {
    const char *dir;        /* one folder per student */
    const char *out;        /* OUT/STUDENT/{report.txt,results.json} */
    const char *csv;        /* the gradebook */
    unsigned jobs;          /* at once; >= 1 */
    int force;              /* regrade finished students */
    int quiet;              /* no progress lines */
};

/* Returns the exit status: 0, or 2 when something could not be graded or
 * written (every other student still is). */
int grade_batch(const struct rubric *rubric,
                const struct grade_options *grading,
                const struct batch_options *batch);

/* Writes one student's report.txt and results.json into folder; 0 or -1
 * with errno. */
int batch_write_student(const struct grade *g, const char *folder);

#endif /* HEAPLAB_GRADING_BATCH_H */
