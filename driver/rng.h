/*
 * rng.h -- the random numbers of the trace generators (gen.c): a seed
 * gives the same numbers on every machine, compiler and C library, which
 * rand() does not promise.
 */
#ifndef HEAPLAB_RNG_H
#define HEAPLAB_RNG_H

#include <stdint.h>

/*
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2021): 256 bits of state, period 2^256 - 1, passes BigCrush.
 * The seed goes through splitmix64, as the authors advise, so that seeds
 * 0, 1, 2 ... give unrelated, never all-zero states.  Only 64-bit integer
 * operations: the same numbers on every machine.
 */
struct rng {
    uint64_t state[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&seed);
}

static inline uint64_t rng_rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rng_rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotate_left(s[3], 45);
    return result;
}

/* Uniform in [0, n), n > 0: draws below 2^64 mod n are thrown away, so
 * every value is equally likely (plain `% n` favours the small ones). */
static inline uint64_t rng_below(struct rng *rng, uint64_t n)
{
    uint64_t threshold = -n % n; /* 2^64 mod n */
    for (;;) {
        uint64_t r = rng_next(rng);
        if (r >= threshold)
            return r % n;
    }
}

/* Uniform in [low, high]. */
static inline uint64_t rng_between(struct rng *rng, uint64_t low,
                                   uint64_t high)
{
    return low + rng_below(rng, high - low + 1);
}

#endif /* HEAPLAB_RNG_H */
