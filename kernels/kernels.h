/* kernels.h: the kernel table c1d's framework (src/) calls through.
 *
 * Kernels are leaves: pure functions over raw pointers, with no allocation,
 * no BLAS, no status codes and no src/ includes. The scalar table is filled
 * first; each ISA's init then overwrites only the entries it implements.
 *
 * Legend (used in every kernel and in src/):
 *   n batch, l_in / l_out input / output steps, c_in input channels,
 *   c_in_g = c_in / g, f filters, f_g = f / g, g groups, kw taps (kernel_size),
 *   s stride, d dilation, pad_l zeros before the first input step.
 *   Buffers: x input, w kernel [kw][c_in_g][f], b bias [f], y output,
 *   col the im2col tile, wp the direct path's packed kernel.
 */
#ifndef C1D_KERNELS_H
#define C1D_KERNELS_H

#include <stddef.h>

#include "c1d.h"

/* Unfolds rows [t0, t0 + rows) of one group of one channels_last item.
 * x: [l_in][ldx] (the group's first channel at x[0]), col: [rows][kw * c_in_g]
 * with row t holding x[t*s + k*d - pad_l][0 .. c_in_g) for k = 0 .. kw-1, or
 * zeros where that step falls in the padding. */
typedef void (*c1d_im2col_nwc_fn)(const float *x, size_t l_in, size_t ldx, size_t c_in_g, size_t kw,
                                  size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *col);

/* Unfolds columns [t0, t0 + cols) of one group of one channels_first item.
 * x: [c_in_g][l_in] (the group's first channel at x[0]), col: [kw * c_in_g][cols]
 * with col[k * c_in_g + c][j] = x[c][(t0 + j)*s + k*d - pad_l], or zero in the padding. */
typedef void (*c1d_im2col_ncw_fn)(const float *x, size_t l_in, size_t c_in_g, size_t kw, size_t s,
                                  size_t d, size_t pad_l, size_t t0, size_t cols, float *col);

/* Direct depthwise convolution (c_in_g = 1, m = f_g filters per channel),
 * pre-activation without bias, output steps [t0, t0 + rows) of one item.
 * Every output sums its taps inside the input in increasing k, whatever
 * t0, rows and the blocking (so its bits do not depend on the tile that
 * holds it); taps in the zero padding may be skipped (see
 * src/dwconv_padding.c for kernels with NaN or Inf).
 * channels_last: x [l_in][c], w [kw][c * m], y [rows][c * m]. */
typedef void (*c1d_dwconv_nwc_fn)(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw,
                                  size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *y);
/* channels_first: x [c][l_in], w [kw][c * m], y [c * m][ldy] (columns 0 .. cols). */
typedef void (*c1d_dwconv_ncw_fn)(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw,
                                  size_t s, size_t d, size_t pad_l, size_t t0, size_t cols, float *y, size_t ldy);

/* Filters per block of the direct path's packed kernel (one block is two
 * AVX2 vectors wide); every ISA packs and reads the same layout. */
#define C1D_DIRECT_NR 16

/* Packs the kernel for the direct path. w: [kw][c_in_g][f] (Keras);
 * wp: [g][nb][kw][c_in_g][C1D_DIRECT_NR] with nb = ceil(f_g / C1D_DIRECT_NR):
 * wp[g][j][k][c][i] = w[k][c][g*f_g + j*C1D_DIRECT_NR + i], zero for the
 * filters past f_g of a group's last block. */
typedef void (*c1d_direct_pack_fn)(const float *w, size_t kw, size_t c_in_g, size_t f, size_t g, float *wp);

/* Direct convolution of one group of one channels_last item, pre-activation
 * without bias, output steps [t0, t0 + rows):
 *   y[r][j] = sum over k in [0, kw), then c in [0, c_in_g) (in that order,
 *             one running float sum per output) of
 *             x[(t0 + r)*s + k*d - pad_l][c] * wp[j / NR][k][c][j % NR],
 * where a step outside [0, l_in) reads as 0 (the padding: its products are
 * still added, so 0 * Inf gives NaN as Keras's padded input does).
 * x: [l_in][ldx] (the group's first channel at x[0]); wp: the group's
 * packed kernel [nb][kw][c_in_g][NR], 32-byte aligned; y: [rows][ldy] (the
 * group's first filter at y[0]), columns [0, f_g) written, nothing else.
 * Every output is summed in the same order whatever its position in the
 * tile, so the result does not depend on t0, rows or the blocking. */
typedef void (*c1d_direct_nwc_fn)(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp,
                                  size_t f_g, size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows,
                                  float *y, size_t ldy);

/* y[i] += b[i] for i < n. */
typedef void (*c1d_add_vector_fn)(float *y, const float *b, size_t n);

/* y[i] += b for i < n. */
typedef void (*c1d_add_scalar_fn)(float *y, float b, size_t n);

/* Applies an activation in place to the vector y[0 .. n). Elementwise
 * activations treat each element alone; softmax, log_softmax and sparsemax
 * treat y as the whole axis. scratch holds n floats (only sparsemax uses it). */
typedef void (*c1d_activation_fn)(float *y, size_t n, float *scratch);

/* Gated linear unit: y[i] = a[i] * sigmoid(b[i]) for i < n. y may equal a. */
typedef void (*c1d_glu_fn)(const float *a, const float *b, float *y, size_t n);

typedef struct c1d_kernels {
    const char *isa;
    c1d_im2col_nwc_fn im2col_nwc;
    c1d_im2col_ncw_fn im2col_ncw;
    c1d_dwconv_nwc_fn dwconv_nwc;
    c1d_dwconv_ncw_fn dwconv_ncw;
    c1d_direct_pack_fn direct_pack;
    c1d_direct_nwc_fn direct_nwc;
    c1d_add_vector_fn add_vector;
    c1d_add_scalar_fn add_scalar;
    c1d_activation_fn activation[C1D_ACTIVATION_COUNT_];
    c1d_glu_fn glu;
} c1d_kernels;

/* Fills every entry with the portable C kernels. */
void c1d_kernels_init__scalar(c1d_kernels *table);

/* Overwrite the entries their ISA implements, on a table filled by the
 * previous ISA's init (scalar, then avx2, then avx512). x86 only; call only
 * when the CPU and the OS support the ISA (see src/dispatch.c). */
void c1d_kernels_init__avx2(c1d_kernels *table);
void c1d_kernels_init__avx512(c1d_kernels *table);

#endif
