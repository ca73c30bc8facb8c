/*
 * stats.c -- the order statistics of stats.h.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

int stats_compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double stats_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, stats_compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stats_spread(double *v, size_t n)
{
    double median = stats_median(v, n);
    return median > 0 ? (v[n - 1] - v[0]) / median : NAN;
}
