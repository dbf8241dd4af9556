/* dwconv_avx2.c: direct depthwise Conv1D with AVX2 + FMA (see kernels.h for
 * the contract; no bias).
 *
 * channels_last, one filter per channel (m = 1), stride 1, dilation 1 and
 * 2 to 8 taps: blocks of 6 output steps x 8 channels that load each input
 * vector once for every tap that reads it (block8_s1). Otherwise (m = 1):
 * blocks of 4 output steps x 16 channels keep 8 accumulators in ymm
 * registers while the taps stream by (4 input loads and 2 kernel loads per
 * 8 FMAs); the last c % 16 channels go 8 at a time with masks. Either way
 * taps are summed in increasing k. Rows whose taps all fall inside the
 * input go in blocks; rows that touch the padding go one at a time over
 * their valid taps. Channel tails use masked loads and stores (vmaskmov
 * never touches masked-off lanes), so nothing past c is read or written.
 * channels_first at stride 1: 8 output steps per vector, the tap's weight
 * broadcast, lanes in the padding masked off.
 * channels_last with a multiplier m > 1 (including one input channel and
 * many filters): 4 output steps x 16 filters of one channel, the input value
 * of each tap broadcast.
 * channels_first with a stride runs the portable loops compiled with these
 * flags (dwconv_portable_avx2.c).
 * Flags: -mavx2 -mfma.
 */
#include <immintrin.h>
#include <stdint.h>

#include "avx2_dwconv.h"

/* Lane mask for the first n (0..8) lanes. */
static inline __m256i first_lanes(size_t n) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), idx);
}

/* nr (1..4) rows x 16 channels over taps [0, kw):
 * y[r][0..16) = sum_k x0[r*xrow + k*xtap + 0..16) * w0[k*c + 0..16).
 * Constant trip counts with guards, so that the accumulators stay in registers. */
static inline void block16(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t c, size_t kw,
                           float *y0, size_t nr) {
    __m256 acc[4][2];
#pragma GCC unroll 4
    for (size_t r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (size_t k = 0; k < kw; k++) {
        const float *wk = w0 + k * c, *xk = x0 + k * xtap;
        const __m256 w_lo = _mm256_loadu_ps(wk), w_hi = _mm256_loadu_ps(wk + 8);
#pragma GCC unroll 4
        for (size_t r = 0; r < 4; r++)
            if (r < nr) {
                acc[r][0] = _mm256_fmadd_ps(_mm256_loadu_ps(xk + r * xrow), w_lo, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(_mm256_loadu_ps(xk + r * xrow + 8), w_hi, acc[r][1]);
            }
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < 4; r++)
        if (r < nr) {
            _mm256_storeu_ps(y0 + r * c, acc[r][0]);
            _mm256_storeu_ps(y0 + r * c + 8, acc[r][1]);
        }
}

/* The last, partial block: n (1..15) channels, 8 at a time, masked. */
static void block_tail(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t c, size_t kw, float *y0,
                       size_t nr, size_t n) {
    for (size_t v = 0; v < n; v += 8) {
        const __m256i mask = first_lanes(n - v < 8 ? n - v : 8);
        for (size_t r = 0; r < nr; r++) {
            __m256 acc = _mm256_setzero_ps();
            for (size_t k = 0; k < kw; k++)
                acc = _mm256_fmadd_ps(_mm256_maskload_ps(x0 + r * xrow + k * xtap + v, mask),
                                      _mm256_maskload_ps(w0 + k * c + v, mask), acc);
            _mm256_maskstore_ps(y0 + r * c + v, mask, acc);
        }
    }
}

/* Depthwise multiplier m > 1: nr (1..4) rows x 16 filters ch*m + j0 .. +16
 * of one input channel ch, each tap's input value broadcast:
 * y[r][j] = sum_k x0[r*xrow + k*xtap] * w0[k*f + j] (x0 at channel ch,
 * w0 and y0 at filter ch*m + j0). */
static inline void block16_bcast(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t f, size_t kw,
                                 float *y0, size_t ldy, size_t nr) {
    __m256 acc[4][2];
#pragma GCC unroll 4
    for (size_t r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (size_t k = 0; k < kw; k++) {
        const float *wk = w0 + k * f, *xk = x0 + k * xtap;
        const __m256 w_lo = _mm256_loadu_ps(wk), w_hi = _mm256_loadu_ps(wk + 8);
#pragma GCC unroll 4
        for (size_t r = 0; r < 4; r++)
            if (r < nr) {
                const __m256 xv = _mm256_broadcast_ss(xk + r * xrow);
                acc[r][0] = _mm256_fmadd_ps(xv, w_lo, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(xv, w_hi, acc[r][1]);
            }
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < 4; r++)
        if (r < nr) {
            _mm256_storeu_ps(y0 + r * ldy, acc[r][0]);
            _mm256_storeu_ps(y0 + r * ldy + 8, acc[r][1]);
        }
}

/* The filters past the last multiple of 16 of one channel, masked, 8 at a time. */
static void tail_bcast(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t f, size_t kw, float *y0,
                       size_t ldy, size_t nr, size_t n) {
    for (size_t v = 0; v < n; v += 8) {
        const __m256i mask = first_lanes(n - v < 8 ? n - v : 8);
        for (size_t r = 0; r < nr; r++) {
            __m256 acc = _mm256_setzero_ps();
            for (size_t k = 0; k < kw; k++)
                acc = _mm256_fmadd_ps(_mm256_broadcast_ss(x0 + r * xrow + k * xtap),
                                      _mm256_maskload_ps(w0 + k * f + v, mask), acc);
            _mm256_maskstore_ps(y0 + r * ldy + v, mask, acc);
        }
    }
}

/* All channels' m filters for nr rows over `taps` taps (m > 1). */
static void rows_bcast(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t c, size_t m, size_t taps,
                       float *y0, size_t nr) {
    const size_t f = c * m;
    for (size_t ch = 0; ch < c; ch++) {
        size_t j = 0;
        for (; j + 16 <= m; j += 16)
            block16_bcast(x0 + ch, xrow, xtap, w0 + ch * m + j, f, taps, y0 + ch * m + j, f, nr);
        if (j < m) tail_bcast(x0 + ch, xrow, xtap, w0 + ch * m + j, f, taps, y0 + ch * m + j, f, nr, m - j);
    }
}

/* Stride 1, dilation 1, one filter per channel, KW (2..8) taps: 6 rows x 8
 * channels. Input row i of the block feeds output row i - k through tap k,
 * so each of the 6 + KW - 1 input vectors is loaded once and the KW weight
 * vectors stay in registers: 5 + 2 KW loads for 6 KW FMAs, where block16
 * loads 2.5 per FMA (the measured limit of the depthwise pass: mamba-dw's
 * 4 taps ran at about 6 cycles per output vector in L1). Each output still
 * sums its taps in increasing k, so the bits are block16's. */
static inline __attribute__((always_inline)) void block8_s1(const float *x0, size_t c, const float *w0, float *y0,
                                                            const size_t kw) {
    __m256 acc[6], wk[8];
#pragma GCC unroll 6
    for (size_t r = 0; r < 6; r++) acc[r] = _mm256_setzero_ps();
#pragma GCC unroll 8
    for (size_t k = 0; k < 8; k++)
        if (k < kw) wk[k] = _mm256_loadu_ps(w0 + k * c);
#pragma GCC unroll 13
    for (size_t i = 0; i < 13; i++) {
        if (i >= 6 + kw - 1) break;
        const __m256 xv = _mm256_loadu_ps(x0 + i * c);
#pragma GCC unroll 8
        for (size_t k = 0; k < 8; k++)
            if (k < kw && i >= k && i - k < 6) acc[i - k] = _mm256_fmadd_ps(xv, wk[k], acc[i - k]);
    }
#pragma GCC unroll 6
    for (size_t r = 0; r < 6; r++) _mm256_storeu_ps(y0 + r * c, acc[r]);
}

/* Six interior rows at stride 1, dilation 1, m = 1 and KW taps: block8_s1
 * over the channels in eights, the last c % 8 through block_tail. */
static inline __attribute__((always_inline)) void rows6_s1(const float *x0, const float *w, size_t c, float *y0,
                                                           const size_t kw) {
    size_t cb = 0;
    for (; cb + 8 <= c; cb += 8) block8_s1(x0 + cb, c, w + cb, y0 + cb, kw);
    if (cb < c) block_tail(x0 + cb, c, c, w + cb, c, kw, y0 + cb, 6, c - cb);
}

/* rows6_s1 with kw (2..8) a constant in each copy. */
static void rows6_s1_any(const float *x0, const float *w, size_t c, float *y0, size_t kw) {
    switch (kw) {
    case 2: rows6_s1(x0, w, c, y0, 2); break;
    case 3: rows6_s1(x0, w, c, y0, 3); break;
    case 4: rows6_s1(x0, w, c, y0, 4); break;
    case 5: rows6_s1(x0, w, c, y0, 5); break;
    case 6: rows6_s1(x0, w, c, y0, 6); break;
    case 7: rows6_s1(x0, w, c, y0, 7); break;
    default: rows6_s1(x0, w, c, y0, 8); break;
    }
}

/* All channel blocks of nr rows over `taps` taps; x0 points at the input
 * step of the first row's first tap, channel 0. */
static void rows(const float *x0, size_t xrow, size_t xtap, const float *w0, size_t c, size_t taps, float *y0,
                 size_t nr) {
    size_t cb = 0;
    for (; cb + 16 <= c; cb += 16) block16(x0 + cb, xrow, xtap, w0 + cb, c, taps, y0 + cb, nr);
    if (cb < c) block_tail(x0 + cb, xrow, xtap, w0 + cb, c, taps, y0 + cb, nr, c - cb);
}

void c1d_dwconv_nwc__avx2(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                          size_t d, size_t pad_l, size_t t0, size_t n_rows, float *y) {
    const size_t f = c * m;
    const size_t span = (kw - 1) * d; /* offset of the last tap from the first */
    for (size_t r = 0; r < n_rows;) {
        const size_t base = (t0 + r) * s; /* padded position of tap 0 */
        if (base >= pad_l && base - pad_l + span < l_in) {
            /* Interior: this row and the next ones while every tap is inside the input. */
            const size_t last_t = (l_in - 1 + pad_l - span) / s;
            size_t run = last_t - (t0 + r) + 1;
            if (run > n_rows - r) run = n_rows - r;
            size_t i = 0;
            if (m == 1 && s == 1 && d == 1 && kw >= 2 && kw <= 8)
                for (; i + 6 <= run; i += 6) rows6_s1_any(x + (base + i - pad_l) * c, w, c, y + (r + i) * f, kw);
            for (; i < run; i += 4) {
                const float *x0 = x + (base + i * s - pad_l) * c;
                const size_t nr = run - i < 4 ? run - i : 4;
                if (m == 1)
                    rows(x0, s * c, d * c, w, c, kw, y + (r + i) * f, nr);
                else
                    rows_bcast(x0, s * c, d * c, w, c, m, kw, y + (r + i) * f, nr);
            }
            r += run;
            continue;
        }
        /* Edge row: only the taps inside the input. */
        size_t k_lo = base >= pad_l ? 0 : (pad_l - base + d - 1) / d;
        size_t end = pad_l + l_in, k_hi = base >= end ? 0 : (end - base + d - 1) / d;
        if (k_lo > kw) k_lo = kw;
        if (k_hi > kw) k_hi = kw;
        if (k_hi <= k_lo) {
            for (size_t i = 0; i < f; i++) y[r * f + i] = 0.0f;
        } else {
            /* Formed only when a tap is inside the input, so it never points before x. */
            const float *x0 = x + (base + k_lo * d - pad_l) * c;
            if (m == 1)
                rows(x0, s * c, d * c, w + k_lo * f, c, k_hi - k_lo, y + r * f, 1);
            else
                rows_bcast(x0, s * c, d * c, w + k_lo * f, c, m, k_hi - k_lo, y + r * f, 1);
        }
        r++;
    }
}

void c1d_dwconv_ncw__avx2(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                          size_t d, size_t pad_l, size_t t0, size_t cols, float *y, size_t ldy) {
    if (s != 1) {
        c1d_dwconv_ncw_portable__avx2(x, l_in, c, m, w, kw, s, d, pad_l, t0, cols, y, ldy);
        return;
    }
    const size_t f = c * m;
    for (size_t fi = 0; fi < f; fi++) {
        const float *xc = x + (fi / m) * l_in;
        float *yf = y + fi * ldy;
        for (size_t j0 = 0; j0 < cols; j0 += 8) {
            const size_t n = cols - j0 < 8 ? cols - j0 : 8;
            __m256 acc = _mm256_setzero_ps();
            for (size_t k = 0; k < kw; k++) {
                /* Lane j reads padded position p0 + j, inside the input for [pad_l, pad_l + l_in). */
                const size_t p0 = t0 + j0 + k * d;
                if (p0 + n <= pad_l || p0 >= pad_l + l_in) continue;
                const size_t lo = p0 < pad_l ? pad_l - p0 : 0;
                const size_t hi = p0 + n > pad_l + l_in ? pad_l + l_in - p0 : n;
                const __m256 wk = _mm256_set1_ps(w[k * f + fi]);
                __m256 xv;
                if (lo == 0 && hi == 8) {
                    xv = _mm256_loadu_ps(xc + (p0 - pad_l));
                } else {
                    /* Part of the block is padding: gather the lanes inside through a
                     * small buffer, so no address outside the input is formed. */
                    float lanes[8] = {0};
                    for (size_t j = lo; j < hi; j++) lanes[j] = xc[p0 + j - pad_l];
                    xv = _mm256_loadu_ps(lanes);
                }
                acc = _mm256_fmadd_ps(xv, wk, acc);
            }
            _mm256_maskstore_ps(yf + j0, first_lanes(n), acc);
        }
    }
}
