/* verify.c -- the failure half of <heaplab/verify.h>. */
#include "heaplab/verify.h"

#include <stdio.h>
#include <stdlib.h>

void verify_failed(const char *file, int line, const char *expr)
{
    fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
    abort();
}

void verify_eq_failed(const char *file, int line, const char *lhs,
                      uintmax_t lhs_value, const char *rhs,
                      uintmax_t rhs_value)
{
    fprintf(stderr,
            "%s:%d: assertion failed: %s == %s (%ju == %ju, 0x%jx != 0x%jx)\n",
            file, line, lhs, rhs, lhs_value, rhs_value, lhs_value, rhs_value);
    abort();
}
