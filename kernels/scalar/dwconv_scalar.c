/* dwconv_scalar.c: direct depthwise Conv1D (one input channel per group,
 * m = filters / channels outputs per channel), both layouts, no bias.
 *
 * Written as plain loops over contiguous runs (channels for channels_last,
 * output steps at stride 1 for channels_first) so that the compiler
 * vectorises them; the same source is compiled for each ISA (the vector
 * ISA files include it with C1D_ISA_SUFFIX set, and C1D_DWCONV_NCW_ONLY when
 * they have their own channels_last kernel), so names carry the suffix.
 * Taps are summed in increasing k for every output, whatever the ISA; only
 * FMA contraction (enabled for the vector builds) changes rounding.
 * Taps outside the input are skipped (zero padding). No tail handling needed.
 */
#include <string.h>

#include "kernels.h"

#ifndef C1D_ISA_SUFFIX
#define C1D_ISA_SUFFIX scalar
#endif
#define C1D_GLUE2(a, b) a##__##b
#define C1D_GLUE(a, b) C1D_GLUE2(a, b)
#define C1D_KERNEL(name) C1D_GLUE(name, C1D_ISA_SUFFIX)

/* Taps k in [*k_lo, *k_hi) read inside the input for the padded position base. */
static inline void valid_taps(size_t base, size_t kw, size_t d, size_t pad_l, size_t l_in, size_t *k_lo,
                              size_t *k_hi) {
    size_t lo = base >= pad_l ? 0 : (pad_l - base + d - 1) / d;
    size_t end = pad_l + l_in; /* first padded position past the input */
    size_t hi = base >= end ? 0 : (end - base + d - 1) / d;
    *k_lo = lo < kw ? lo : kw;
    *k_hi = hi < kw ? hi : kw;
    if (*k_hi < *k_lo) *k_hi = *k_lo;
}

#ifndef C1D_DWCONV_NCW_ONLY
/* channels_last. x: [l_in][c]; w: [kw][c * m]; y: [rows][c * m] for output
 * steps [t0, t0 + rows). y[r][ch * m + j] = sum_k x[t*s + k*d - pad_l][ch] * w[k][ch * m + j]. */
void C1D_KERNEL(c1d_dwconv_nwc)(const float *restrict x, size_t l_in, size_t c, size_t m, const float *restrict w,
                                size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows,
                                float *restrict y) {
    const size_t f = c * m;
    for (size_t r = 0; r < rows; r++, y += f) {
        const size_t base = (t0 + r) * s;
        size_t k_lo, k_hi;
        valid_taps(base, kw, d, pad_l, l_in, &k_lo, &k_hi);
        memset(y, 0, f * sizeof(float));
        for (size_t k = k_lo; k < k_hi; k++) {
            const float *restrict xr = x + (base + k * d - pad_l) * c;
            const float *restrict wk = w + k * f;
            if (m == 1) {
                for (size_t i = 0; i < c; i++) y[i] += xr[i] * wk[i];
            } else {
                for (size_t ch = 0; ch < c; ch++) {
                    const float xv = xr[ch];
                    for (size_t j = 0; j < m; j++) y[ch * m + j] += xv * wk[ch * m + j];
                }
            }
        }
    }
}

#endif

/* channels_first. x: [c][l_in]; w: [kw][c * m]; y: [c * m][ldy], columns
 * [0, cols) hold output steps [t0, t0 + cols). */
void C1D_KERNEL(c1d_dwconv_ncw)(const float *restrict x, size_t l_in, size_t c, size_t m, const float *restrict w,
                                size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t cols,
                                float *restrict y, size_t ldy) {
    const size_t f = c * m;
    for (size_t fi = 0; fi < f; fi++) {
        const float *restrict xc = x + (fi / m) * l_in;
        float *restrict yf = y + fi * ldy;
        memset(yf, 0, cols * sizeof(float));
        for (size_t k = 0; k < kw; k++) {
            const float wk = w[k * f + fi];
            /* Output j reads padded position (t0 + j)*s + k*d: inside the input for j in [j_lo, j_hi). */
            const size_t start = t0 * s + k * d;
            size_t j_lo = start >= pad_l ? 0 : (pad_l - start + s - 1) / s;
            size_t j_hi = start >= pad_l + l_in ? 0 : (pad_l + l_in - start + s - 1) / s;
            if (j_lo > cols) j_lo = cols;
            if (j_hi > cols) j_hi = cols;
            if (j_hi <= j_lo) continue;
            const float *restrict xk = xc + (start + j_lo * s - pad_l);
            float *restrict yk = yf + j_lo;
            const size_t n = j_hi - j_lo;
            if (s == 1) {
                for (size_t j = 0; j < n; j++) yk[j] += wk * xk[j];
            } else {
                for (size_t j = 0; j < n; j++) yk[j] += wk * xk[j * s];
            }
        }
    }
}
