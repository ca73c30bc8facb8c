/*
 * explain.h -- `heaplab run --explain`: for each kind of failure, one
 * short line on its usual cause, written for students.
 */
#ifndef HEAPLAB_EXPLAIN_H
#define HEAPLAB_EXPLAIN_H

/* The usual cause of a failure of kind `fault` (enum fault), or NULL. */
const char *explain_fault(int fault);

#endif /* HEAPLAB_EXPLAIN_H */
