/* im2col_scalar.c: portable im2col for both data formats.
 *
 * c1d_im2col_nwc__scalar: channels_last, one row of col per output step,
 *   each row kw runs of c_in_g contiguous channels (memcpy) or zeros.
 * c1d_im2col_ncw__scalar: channels_first, one row of col per (tap, channel),
 *   each row `cols` output steps; stride 1 rows are memcpy plus zero edges.
 * Padding is never materialised in the input: a tap whose input step falls
 * before pad_l or past l_in is written as zero. Preconditions (checked by the
 * caller): every index t*s + k*d fits size_t; no size is zero.
 */
#include <string.h>

#include "scalar.h"

void c1d_im2col_nwc__scalar(const float *x, size_t l_in, size_t ldx, size_t c_in_g, size_t kw, size_t s,
                            size_t d, size_t pad_l, size_t t0, size_t rows, float *col) {
    for (size_t r = 0; r < rows; r++) {
        size_t base = (t0 + r) * s; /* padded position of tap 0 */
        for (size_t k = 0; k < kw; k++, col += c_in_g) {
            size_t p = base + k * d;
            if (p < pad_l || p - pad_l >= l_in)
                memset(col, 0, c_in_g * sizeof(float));
            else
                memcpy(col, x + (p - pad_l) * ldx, c_in_g * sizeof(float));
        }
    }
}

/* Number of j in [0, cols) with lo <= (t0 + j)*s + off - pad_l < hi is a
 * contiguous range [j_lo, j_hi): the padded position grows with j. */
static size_t first_col_at_or_after(size_t start, size_t s, size_t target, size_t cols) {
    if (start >= target) return 0;
    size_t j = (target - start + s - 1) / s;
    return j < cols ? j : cols;
}

void c1d_im2col_ncw__scalar(const float *x, size_t l_in, size_t c_in_g, size_t kw, size_t s, size_t d,
                            size_t pad_l, size_t t0, size_t cols, float *col) {
    for (size_t k = 0; k < kw; k++) {
        size_t start = t0 * s + k * d; /* padded position of column 0 */
        size_t j_lo = first_col_at_or_after(start, s, pad_l, cols);
        size_t j_hi = first_col_at_or_after(start, s, pad_l + l_in, cols);
        for (size_t c = 0; c < c_in_g; c++, col += cols) {
            const float *xc = x + c * l_in;
            memset(col, 0, j_lo * sizeof(float));
            if (s == 1) {
                if (j_hi > j_lo) memcpy(col + j_lo, xc + (start + j_lo - pad_l), (j_hi - j_lo) * sizeof(float));
            } else {
                for (size_t j = j_lo; j < j_hi; j++) col[j] = xc[start + j * s - pad_l];
            }
            memset(col + j_hi, 0, (cols - j_hi) * sizeof(float));
        }
    }
}
