/* avx2.h: the AVX2 kernels (AVX2 + FMA), one declaration
 * each; contracts and legend in kernels.h. Entries not listed keep the
 * scalar kernel (linear, sparsemax, im2col, the direct path's packing). */
#ifndef C1D_KERNELS_AVX2_H
#define C1D_KERNELS_AVX2_H

#include "kernels.h"

void c1d_direct_nwc__avx2(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp, size_t f_g,
                          size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *y,
                          size_t ldy);
void c1d_add_vector__avx2(float *y, const float *b, size_t n);
void c1d_add_scalar__avx2(float *y, float b, size_t n);
void c1d_glu__avx2(const float *a, const float *b, float *y, size_t n);
void c1d_act_celu__avx2(float *y, size_t n, float *scratch);
void c1d_act_elu__avx2(float *y, size_t n, float *scratch);
void c1d_act_exponential__avx2(float *y, size_t n, float *scratch);
void c1d_act_gelu__avx2(float *y, size_t n, float *scratch);
void c1d_act_hard_shrink__avx2(float *y, size_t n, float *scratch);
void c1d_act_hard_sigmoid__avx2(float *y, size_t n, float *scratch);
void c1d_act_hard_silu__avx2(float *y, size_t n, float *scratch);
void c1d_act_hard_tanh__avx2(float *y, size_t n, float *scratch);
void c1d_act_leaky_relu__avx2(float *y, size_t n, float *scratch);
void c1d_act_log_sigmoid__avx2(float *y, size_t n, float *scratch);
void c1d_act_log_softmax__avx2(float *y, size_t n, float *scratch);
void c1d_act_mish__avx2(float *y, size_t n, float *scratch);
void c1d_act_relu__avx2(float *y, size_t n, float *scratch);
void c1d_act_relu6__avx2(float *y, size_t n, float *scratch);
void c1d_act_selu__avx2(float *y, size_t n, float *scratch);
void c1d_act_sigmoid__avx2(float *y, size_t n, float *scratch);
void c1d_act_silu__avx2(float *y, size_t n, float *scratch);
void c1d_act_soft_shrink__avx2(float *y, size_t n, float *scratch);
void c1d_act_softmax__avx2(float *y, size_t n, float *scratch);
void c1d_act_softplus__avx2(float *y, size_t n, float *scratch);
void c1d_act_softsign__avx2(float *y, size_t n, float *scratch);
void c1d_act_sparse_plus__avx2(float *y, size_t n, float *scratch);
void c1d_act_sparse_sigmoid__avx2(float *y, size_t n, float *scratch);
void c1d_act_squareplus__avx2(float *y, size_t n, float *scratch);
void c1d_act_tanh__avx2(float *y, size_t n, float *scratch);
void c1d_act_tanh_shrink__avx2(float *y, size_t n, float *scratch);

#endif
