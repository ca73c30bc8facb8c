/*
 * stats.h -- the order statistics the measurements share: the median of
 * samples, rounds or suite totals, and the spread beside each figure,
 * (max - min) / median.
 */
#ifndef HEAPLAB_STATS_H
#define HEAPLAB_STATS_H

#include <stddef.h>

/* qsort's comparison for doubles, ascending. */
int stats_compare_doubles(const void *x, const void *y);

/* Sorts v[0..n) ascending and returns its median (the mean of the middle
 * two when n is even); NAN when n is 0. */
double stats_median(double *v, size_t n);

/* Sorts v[0..n) ascending and returns (max - min) / median; NAN when n is
 * 0 or the median is not above 0. */
double stats_spread(double *v, size_t n);

#endif /* HEAPLAB_STATS_H */
