/* direct_scalar.c: the direct ("implicit GEMM") path's kernel packing and
 * its portable channels_last convolution (contracts in kernels.h).
 *
 * c1d_direct_pack__scalar is the only packing: every ISA reads its layout,
 * [g][nb][kw][c_in_g][NR] with the last block of each group zero-padded.
 * c1d_direct_nwc__scalar computes one output step at a time, NR filters at
 * once, summing over taps k then channels c in increasing order with one
 * running float per output, as the vector kernels do (they differ only by
 * FMA's single rounding). Taps in the padding add 0 * w, as an im2col row
 * of zeros would, so an Inf weight gives NaN there as in Keras. No tails:
 * the packed block is zero-padded and only the first f_g % NR filters of a
 * group's last block are stored.
 */
#include <string.h>

#include "scalar.h"

#define NR C1D_DIRECT_NR

void c1d_direct_pack__scalar(const float *w, size_t kw, size_t c_in_g, size_t f, size_t g, float *wp) {
    const size_t f_g = f / g, nb = (f_g + NR - 1) / NR;
    for (size_t gi = 0; gi < g; gi++)
        for (size_t jb = 0; jb < nb; jb++) {
            const size_t j0 = gi * f_g + jb * NR, n = f_g - jb * NR < NR ? f_g - jb * NR : NR;
            for (size_t kc = 0; kc < kw * c_in_g; kc++, wp += NR) {
                memcpy(wp, w + kc * f + j0, n * sizeof(float));
                memset(wp + n, 0, (NR - n) * sizeof(float));
            }
        }
}

void c1d_direct_nwc__scalar(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp, size_t f_g,
                            size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *y,
                            size_t ldy) {
    const size_t nb = (f_g + NR - 1) / NR, block = kw * c_in_g * NR; /* floats of one packed block */
    for (size_t r = 0; r < rows; r++) {
        const size_t base = (t0 + r) * s; /* padded position of tap 0 */
        for (size_t jb = 0; jb < nb; jb++) {
            const float *wb = wp + jb * block; /* [kw][c_in_g][NR] */
            float acc[NR] = {0};
            for (size_t k = 0; k < kw; k++) {
                const size_t p = base + k * d;
                const bool inside = p >= pad_l && p - pad_l < l_in;
                const float *xk = inside ? x + (p - pad_l) * ldx : NULL;
                for (size_t c = 0; c < c_in_g; c++, wb += NR) {
                    const float xv = inside ? xk[c] : 0.0f;
                    for (size_t i = 0; i < NR; i++) acc[i] += xv * wb[i];
                }
            }
            const size_t n = f_g - jb * NR < NR ? f_g - jb * NR : NR;
            memcpy(y + r * ldy + jb * NR, acc, n * sizeof(float));
        }
    }
}
