/* scalar.h: the portable kernels, one declaration each (see kernels.h for
 * the contracts and the legend). */
#ifndef C1D_KERNELS_SCALAR_H
#define C1D_KERNELS_SCALAR_H

#include "kernels.h"

void c1d_im2col_nwc__scalar(const float *x, size_t l_in, size_t ldx, size_t c_in_g, size_t kw, size_t s,
                            size_t d, size_t pad_l, size_t t0, size_t rows, float *col);
void c1d_im2col_ncw__scalar(const float *x, size_t l_in, size_t c_in_g, size_t kw, size_t s, size_t d,
                            size_t pad_l, size_t t0, size_t cols, float *col);
void c1d_dwconv_nwc__scalar(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                            size_t d, size_t pad_l, size_t t0, size_t rows, float *y);
void c1d_dwconv_ncw__scalar(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                            size_t d, size_t pad_l, size_t t0, size_t cols, float *y, size_t ldy);
void c1d_direct_pack__scalar(const float *w, size_t kw, size_t c_in_g, size_t f, size_t g, float *wp);
void c1d_direct_nwc__scalar(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *wp, size_t f_g,
                            size_t kw, size_t s, size_t d, size_t pad_l, size_t t0, size_t rows, float *y,
                            size_t ldy);
void c1d_add_vector__scalar(float *y, const float *b, size_t n);
void c1d_add_scalar__scalar(float *y, float b, size_t n);
void c1d_glu__scalar(const float *a, const float *b, float *y, size_t n);
void c1d_act_celu__scalar(float *y, size_t n, float *scratch);
void c1d_act_elu__scalar(float *y, size_t n, float *scratch);
void c1d_act_exponential__scalar(float *y, size_t n, float *scratch);
void c1d_act_gelu__scalar(float *y, size_t n, float *scratch);
void c1d_act_hard_shrink__scalar(float *y, size_t n, float *scratch);
void c1d_act_hard_sigmoid__scalar(float *y, size_t n, float *scratch);
void c1d_act_hard_silu__scalar(float *y, size_t n, float *scratch);
void c1d_act_hard_tanh__scalar(float *y, size_t n, float *scratch);
void c1d_act_leaky_relu__scalar(float *y, size_t n, float *scratch);
void c1d_act_linear__scalar(float *y, size_t n, float *scratch);
void c1d_act_log_sigmoid__scalar(float *y, size_t n, float *scratch);
void c1d_act_log_softmax__scalar(float *y, size_t n, float *scratch);
void c1d_act_mish__scalar(float *y, size_t n, float *scratch);
void c1d_act_relu__scalar(float *y, size_t n, float *scratch);
void c1d_act_relu6__scalar(float *y, size_t n, float *scratch);
void c1d_act_selu__scalar(float *y, size_t n, float *scratch);
void c1d_act_sigmoid__scalar(float *y, size_t n, float *scratch);
void c1d_act_silu__scalar(float *y, size_t n, float *scratch);
void c1d_act_soft_shrink__scalar(float *y, size_t n, float *scratch);
void c1d_act_softmax__scalar(float *y, size_t n, float *scratch);
void c1d_act_softplus__scalar(float *y, size_t n, float *scratch);
void c1d_act_softsign__scalar(float *y, size_t n, float *scratch);
void c1d_act_sparse_plus__scalar(float *y, size_t n, float *scratch);
void c1d_act_sparse_sigmoid__scalar(float *y, size_t n, float *scratch);
void c1d_act_sparsemax__scalar(float *y, size_t n, float *scratch);
void c1d_act_squareplus__scalar(float *y, size_t n, float *scratch);
void c1d_act_tanh__scalar(float *y, size_t n, float *scratch);
void c1d_act_tanh_shrink__scalar(float *y, size_t n, float *scratch);

#endif
