/* broken_backends.h -- the deliberately broken allocators of the tests. */
#ifndef HEAPLAB_TESTS_BROKEN_BACKENDS_H
#define HEAPLAB_TESTS_BROKEN_BACKENDS_H

#include "heaplab/allocator.h"

extern const struct allocator bump_allocator; /* correct, for reference */
extern const struct allocator broken_null, broken_misaligned, broken_overlap,
    broken_outside, broken_short, broken_past_break, broken_corrupt,
    broken_lossy, broken_zero_realloc, broken_hang, broken_segv,
    broken_wild_free, broken_exit, broken_check, broken_init, broken_abort,
    broken_stale, broken_sticky;

#endif
