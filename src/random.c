/* random.c: the random numbers of the initializers.
 *
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011) is a counter-based generator: block
 * `philox(counter, key)` is a keyed bijection of the counter, so element i
 * of a tensor is a pure function of (seed, i) and draws need no state.
 * The seed is the key; element i uses counter (i low, i high, attempt, 0).
 * Checked against the Random123 known-answer vectors in
 * tests/test_initializers.c.
 *
 * Seeds of unseeded initializers come from a process-wide source:
 * splitmix64 over the clock, a counter and an address, or over a fixed
 * seed once c1d_random_set_seed has been called (Keras's
 * keras.utils.set_random_seed). */
#include <math.h>
#include <stdatomic.h>
#include <time.h>

#include "layer.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo) {
    const uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void c1d_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, c0, &hi0, &lo0);
        mulhilo(PHILOX_M1, c2, &hi1, &lo1);
        const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

static void block(uint64_t seed, uint64_t index, uint32_t attempt, uint32_t out[4]) {
    const uint32_t ctr[4] = {(uint32_t)index, (uint32_t)(index >> 32), attempt, 0};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    c1d_philox4x32(ctr, key, out);
}

/* The top 53 bits of (hi, lo) as a double in [0, 1). */
static double unit53(uint32_t hi, uint32_t lo) {
    const uint64_t bits = ((uint64_t)hi << 32 | lo) >> 11;
    return (double)bits * 0x1.0p-53;
}

double c1d_random_uniform(uint64_t seed, uint64_t index) {
    uint32_t r[4];
    block(seed, index, 0, r);
    return unit53(r[0], r[1]);
}

/* Box-Muller: one block gives two uniforms and so two normals, the cosine
 * one for an even attempt and the sine one for the next odd attempt. */
double c1d_random_normal(uint64_t seed, uint64_t index, uint32_t attempt) {
    uint32_t r[4];
    block(seed, index, attempt / 2, r);
    const double u1 = 1.0 - unit53(r[0], r[1]); /* (0, 1]: log is finite */
    const double u2 = unit53(r[2], r[3]);
    const double radius = sqrt(-2.0 * log(u1));
    const double angle = 6.283185307179586476925 * u2;
    return (attempt % 2 == 0) ? radius * cos(angle) : radius * sin(angle);
}

static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

static atomic_uint_fast64_t draws;       /* seeds handed out since the last reseed */
static atomic_uint_fast64_t fixed_seed;  /* c1d_random_set_seed's seed */
static atomic_bool seeded;

void c1d_random_set_seed(unsigned long long seed) {
    atomic_store(&fixed_seed, (uint_fast64_t)seed);
    atomic_store(&draws, 0);
    atomic_store(&seeded, true);
}

uint64_t c1d_random_seed(void) {
    const uint64_t n = (uint64_t)atomic_fetch_add(&draws, 1);
    if (atomic_load(&seeded)) return splitmix64((uint64_t)atomic_load(&fixed_seed) ^ splitmix64(n));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    x = splitmix64(x ^ (uint64_t)(uintptr_t)&draws);
    return splitmix64(x ^ splitmix64(n));
}
