/*
 * verify.h -- assertions that stay on in every build (musl's mallocng and
 * libuv do the same: a broken invariant in an allocator must stop the
 * program where it broke, not three thousand operations later).
 *
 *     VERIFY(block_size(b) >= MIN_BLOCK);
 *     VERIFY_EQ(header, footer);    prints both values when they differ
 *
 * A failure prints the file, line and expression on stderr and aborts.
 */
#ifndef HEAPLAB_VERIFY_H
#define HEAPLAB_VERIFY_H

#include <stdint.h>

_Noreturn void verify_failed(const char *file, int line, const char *expr);
_Noreturn void verify_eq_failed(const char *file, int line, const char *lhs,
                                uintmax_t lhs_value, const char *rhs,
                                uintmax_t rhs_value);

#define VERIFY(expr) \
    ((expr) ? (void)0 : verify_failed(__FILE__, __LINE__, #expr))

#define VERIFY_EQ(lhs, rhs)                                                  \
    ((uintmax_t)(lhs) == (uintmax_t)(rhs)                                    \
         ? (void)0                                                           \
         : verify_eq_failed(__FILE__, __LINE__, #lhs, (uintmax_t)(lhs), #rhs, \
                            (uintmax_t)(rhs)))

#endif /* HEAPLAB_VERIFY_H */
