/* avx512.h: the AVX-512 kernels (AVX-512F/DQ/VL/BW + FMA), one declaration
 * each; contracts and legend in kernels.h. Entries not listed keep the
 * scalar kernel (linear, sparsemax, im2col). */
#ifndef C1D_KERNELS_AVX512_H
#define C1D_KERNELS_AVX512_H

#include "kernels.h"

void c1d_add_vector__avx512(float *y, const float *b, size_t n);
void c1d_add_scalar__avx512(float *y, float b, size_t n);
void c1d_glu__avx512(const float *a, const float *b, float *y, size_t n);
void c1d_act_celu__avx512(float *y, size_t n, float *scratch);
void c1d_act_elu__avx512(float *y, size_t n, float *scratch);
void c1d_act_exponential__avx512(float *y, size_t n, float *scratch);
void c1d_act_gelu__avx512(float *y, size_t n, float *scratch);
void c1d_act_hard_shrink__avx512(float *y, size_t n, float *scratch);
void c1d_act_hard_sigmoid__avx512(float *y, size_t n, float *scratch);
void c1d_act_hard_silu__avx512(float *y, size_t n, float *scratch);
void c1d_act_hard_tanh__avx512(float *y, size_t n, float *scratch);
void c1d_act_leaky_relu__avx512(float *y, size_t n, float *scratch);
void c1d_act_log_sigmoid__avx512(float *y, size_t n, float *scratch);
void c1d_act_log_softmax__avx512(float *y, size_t n, float *scratch);
void c1d_act_mish__avx512(float *y, size_t n, float *scratch);
void c1d_act_relu__avx512(float *y, size_t n, float *scratch);
void c1d_act_relu6__avx512(float *y, size_t n, float *scratch);
void c1d_act_selu__avx512(float *y, size_t n, float *scratch);
void c1d_act_sigmoid__avx512(float *y, size_t n, float *scratch);
void c1d_act_silu__avx512(float *y, size_t n, float *scratch);
void c1d_act_soft_shrink__avx512(float *y, size_t n, float *scratch);
void c1d_act_softmax__avx512(float *y, size_t n, float *scratch);
void c1d_act_softplus__avx512(float *y, size_t n, float *scratch);
void c1d_act_softsign__avx512(float *y, size_t n, float *scratch);
void c1d_act_sparse_plus__avx512(float *y, size_t n, float *scratch);
void c1d_act_sparse_sigmoid__avx512(float *y, size_t n, float *scratch);
void c1d_act_squareplus__avx512(float *y, size_t n, float *scratch);
void c1d_act_tanh__avx512(float *y, size_t n, float *scratch);
void c1d_act_tanh_shrink__avx512(float *y, size_t n, float *scratch);

#endif
