/* direct_avx2.c: direct ("implicit GEMM") Conv1D of one group of one
 * channels_last item with AVX2 + FMA (contract in kernels.h; the kernel is
 * packed by c1d_direct_pack__scalar).
 *
 * Register blocking: 6 output steps x 16 filters, 12 ymm accumulators. Per
 * (tap, channel) the two packed kernel vectors are loaded once and each of
 * the 6 rows' input value is broadcast straight from the input (no im2col):
 * 12 FMAs for 8 loads. Every output keeps one running sum over k then c,
 * exactly as the scalar twin (which rounds the products separately).
 * Rows whose window lies inside the input go 6 at a time (1 to 5 for the
 * last ones, each count its own unrolled copy); rows whose window touches
 * the padding go one at a time, the padded taps adding 0 * w. Filter tails:
 * the packed block is zero-padded, the stores are masked (vmaskmov never
 * touches masked-off lanes), so nothing outside the input or the tile's
 * f_g columns is read or written.
 * Cache blocking: the rows of a call are cut into chunks of up to CHUNK
 * output steps; a chunk's input stays in L1/L2 while each 16-filter block
 * of the kernel (kw * c_in_g * 64 bytes) streams through it.
 * A group's channels are a short piece of every input row (ldx > c_in_g):
 * the broadcasts then wait on cache misses that neither the hardware
 * prefetchers nor the FMA loop's out-of-order window hide, so each chunk's
 * slice of the input is first copied into a contiguous buffer on the stack
 * (a plain copy keeps many misses in flight) and the chunk runs on it.
 * Measured on grouped (8 x 1024 steps, 256 -> 256, 8 groups, k 3), kernel
 * only: 40 GFLOP/s in place, 58 to 60 with the copy; the same group sizes
 * on a contiguous input run at 59 to 75. The copy holds the same values,
 * so the results are the same bits. Otherwise (one group, or a slice too
 * wide for the buffer) the next block's new input steps are prefetched.
 * The output rows the next block writes are prefetched too (pointwise and
 * grouped gained 5 to 10%).
 * Flags: -mavx2 -mfma.
 */
#include <immintrin.h>
#include <stdbool.h>
#include <string.h>

#include "avx2.h"

#define NR C1D_DIRECT_NR
#define MR 6
#define CHUNK 48
#define SLICE_FLOATS 4096 /* the stack buffer for a chunk's input slice: 16 KiB */

/* Lane mask for the first n (0..8) lanes. */
static inline __m256i first_lanes(size_t n) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), idx);
}

/* Stores one row's two accumulators: all 16 filters, or the first n. */
static inline void store_row(float *y, __m256 lo, __m256 hi, size_t n) {
    if (n == NR) {
        _mm256_storeu_ps(y, lo);
        _mm256_storeu_ps(y + 8, hi);
    } else {
        _mm256_maskstore_ps(y, first_lanes(n < 8 ? n : 8), lo);
        if (n > 8) _mm256_maskstore_ps(y + 8, first_lanes(n - 8), hi);
    }
}

/* nr (1..6, a constant after inlining) interior rows x one 16-filter block:
 * y[r][0..n) = sum_k sum_c x0[r*xrow + k*xtap + c] * wb[k][c][0..n).
 * x0: the first row's tap-0 step; wb: [kw][c_in_g][NR]. */
static inline __attribute__((always_inline)) void block_rows(const float *x0, size_t xrow, size_t xtap,
                                                             size_t c_in_g, size_t kw, const float *wb, float *y,
                                                             size_t ldy, size_t n, const size_t nr) {
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (size_t r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    const float *xr[MR];
#pragma GCC unroll 6
    for (size_t r = 0; r < MR; r++) xr[r] = x0 + (r < nr ? r : 0) * xrow;
    for (size_t k = 0; k < kw; k++) {
        for (size_t c = 0; c < c_in_g; c++, wb += NR) {
            const __m256 w_lo = _mm256_load_ps(wb), w_hi = _mm256_load_ps(wb + 8);
#pragma GCC unroll 6
            for (size_t r = 0; r < MR; r++)
                if (r < nr) {
                    const __m256 xv = _mm256_broadcast_ss(xr[r] + c);
                    acc[r][0] = _mm256_fmadd_ps(xv, w_lo, acc[r][0]);
                    acc[r][1] = _mm256_fmadd_ps(xv, w_hi, acc[r][1]);
                }
        }
#pragma GCC unroll 6
        for (size_t r = 0; r < MR; r++) xr[r] += xtap;
    }
#pragma GCC unroll 6
    for (size_t r = 0; r < MR; r++)
        if (r < nr) store_row(y + r * ldy, acc[r][0], acc[r][1], n);
}

/* One block of nr interior rows, nr dispatched to its unrolled copy. */
static void interior_rows(const float *x0, size_t xrow, size_t xtap, size_t c_in_g, size_t kw, const float *wb,
                          float *y, size_t ldy, size_t n, size_t nr) {
    switch (nr) {
    case 6: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 6); break;
    case 5: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 5); break;
    case 4: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 4); break;
    case 3: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 3); break;
    case 2: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 2); break;
    default: block_rows(x0, xrow, xtap, c_in_g, kw, wb, y, ldy, n, 1); break;
    }
}

/* One row whose window touches the padding (base: padded position of tap
 * 0): taps inside the input read it, the others add 0 * w. */
static void edge_row(const float *x, size_t l_in, size_t ldx, size_t c_in_g, size_t kw, size_t d, size_t pad_l,
                     size_t base, const float *wb, float *y, size_t n) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    const __m256 zero = _mm256_setzero_ps();
    for (size_t k = 0; k < kw; k++) {
        const size_t p = base + k * d;
        if (p >= pad_l && p - pad_l < l_in) {
            const float *xk = x + (p - pad_l) * ldx;
            for (size_t c = 0; c < c_in_g; c++, wb += NR) {
                const __m256 xv = _mm256_broadcast_ss(xk + c);
                lo = _mm256_fmadd_ps(xv, _mm256_load_ps(wb), lo);
                hi = _mm256_fmadd_ps(xv, _mm256_load_ps(wb + 8), hi);
            }
        } else {
            for (size_t c = 0; c < c_in_g; c++, wb += NR) {
                lo = _mm256_fmadd_ps(zero, _mm256_load_ps(wb), lo);
                hi = _mm256_fmadd_ps(zero, _mm256_load_ps(wb + 8), hi);
            }
        }
    }
    store_row(y, lo, hi, n);
}

/* Prefetches the cache lines of c_in_g floats from p. */
static inline void prefetch_channels(const float *p, size_t c_in_g) {
    const char *b = (const char *)p;
    const size_t bytes = c_in_g * sizeof(float);
    for (size_t o = 0; o < bytes; o += 64) _mm_prefetch(b + o, _MM_HINT_T0);
    _mm_prefetch(b + bytes - 1, _MM_HINT_T0);
}

/* Prefetches the input steps that interior rows [t, t + nr) read and that
 * no earlier row read: every step up to (t - 1)*s + span has been read,
 * since consecutive windows leave no gap unless s > span + 1, and then
 * each window is new anyway. */
static void prefetch_input(const float *x, size_t ldx, size_t c_in_g, size_t kw, size_t s, size_t d, size_t pad_l,
                           size_t t, size_t nr) {
    const size_t span = (kw - 1) * d;
    size_t seen = (t - 1) * s + span; /* t >= 1: a block precedes */
    for (size_t q = 0; q < nr; q++)
        for (size_t k = 0; k < kw; k++) {
            const size_t p = (t + q) * s + k * d;
            if (p <= seen) continue;
            prefetch_channels(x + (p - pad_l) * ldx, c_in_g);
            seen = p;
        }
}

/* Rows [c0, c1) of the call (output steps t0 + r) for every filter block. */
static void chunk_rows(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp, size_t f_g,
                       size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t c0, size_t c1, float *y,
                       size_t ldy, bool prefetch) {
    const size_t nb = (f_g + NR - 1) / NR, block = kw * c_in_g * NR; /* floats of one packed block */
    const size_t span = (kw - 1) * d;                                  /* offset of the last tap from the first */
    /* Interior steps [in_lo, in_hi): every tap inside the input. */
    size_t in_lo = (pad_l + s - 1) / s;
    size_t in_hi = l_in + pad_l > span ? (l_in + pad_l - span - 1) / s + 1 : 0;
    if (in_hi < in_lo) in_hi = in_lo;
    for (size_t jb = 0; jb < nb; jb++) {
        const float *wb = wp + jb * block;
        const size_t n = f_g - jb * NR < NR ? f_g - jb * NR : NR;
        float *yb = y + jb * NR;
        for (size_t r = c0; r < c1;) {
            const size_t t = t0 + r;
            if (t >= in_lo && t < in_hi) {
                size_t nr = in_hi - t < c1 - r ? in_hi - t : c1 - r;
                if (nr > MR) nr = MR;
                /* The next block: rows [r + nr, next_end) of this chunk. */
                const size_t next_end = c1 - (r + nr) < MR ? c1 : r + nr + MR;
                for (size_t q = r + nr; q < next_end; q++) {
                    _mm_prefetch((const char *)(yb + q * ldy), _MM_HINT_T0);
                    _mm_prefetch((const char *)(yb + q * ldy + n - 1), _MM_HINT_T0);
                }
                if (prefetch && jb == 0 && t + nr < in_hi) {
                    const size_t next_nr = next_end - (r + nr), interior_left = in_hi - (t + nr);
                    prefetch_input(x, ldx, c_in_g, kw, s, d, pad_l, t + nr,
                                   next_nr < interior_left ? next_nr : interior_left);
                }
                interior_rows(x + (t * s - pad_l) * ldx, s * ldx, d * ldx, c_in_g, kw, wb, yb + r * ldy, ldy, n,
                              nr);
                r += nr;
            } else {
                edge_row(x, l_in, ldx, c_in_g, kw, d, pad_l, t * s, wb, yb + r * ldy, n);
                r++;
            }
        }
    }
}

void c1d_direct_nwc__avx2(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp, size_t f_g,
                          size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *y,
                          size_t ldy) {
    _Alignas(64) float slice[SLICE_FLOATS]; /* [steps][c_in_g] */
    const size_t span = (kw - 1) * d;
    /* A strided slice is copied when the input of at least one row fits;
     * then a chunk takes as many rows as the buffer holds, up to CHUNK. */
    const bool copy = ldx > c_in_g && c_in_g * (span + 1) <= SLICE_FLOATS;
    size_t chunk = CHUNK;
    if (copy) {
        const size_t fit = (SLICE_FLOATS / c_in_g - span - 1) / s + 1;
        if (fit < chunk) chunk = fit;
    }
    for (size_t c0 = 0; c0 < rows; c0 += chunk) {
        const size_t c1 = rows - c0 < chunk ? rows : c0 + chunk;
        /* Input steps [lo, hi) the chunk reads (padded positions [first, last] minus pad_l, clipped). */
        const size_t first = (t0 + c0) * s, last = (t0 + c1 - 1) * s + span;
        const size_t lo = first > pad_l ? first - pad_l : 0;
        size_t hi = last + 1 > pad_l ? last + 1 - pad_l : 0;
        if (hi > l_in) hi = l_in;
        if (!copy || hi <= lo) { /* no copy, or every tap of the chunk in the padding */
            chunk_rows(x, l_in, ldx, c_in_g, wp, f_g, kw, s, d, pad_l, t0, c0, c1, y, ldy, !copy);
            continue;
        }
        /* The view: steps [lo, hi) of the group's channels, step lo first; a
         * tap outside it is outside the input, so it is padding there too. */
        for (size_t p = lo; p < hi; p++) memcpy(slice + (p - lo) * c_in_g, x + p * ldx, c_in_g * sizeof(float));
        chunk_rows(slice, hi - lo, c_in_g, c_in_g, wp, f_g, kw, s, d, pad_l + lo, t0, c0, c1, y, ldy, false);
    }
}
