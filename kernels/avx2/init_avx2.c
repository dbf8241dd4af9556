/* init_avx2.c: overwrites the kernel table entries that have an AVX2
 * kernel (everything but linear, sparsemax, im2col and the direct path's
 * packing). The caller has checked that the CPU and the OS support AVX2
 * and FMA. */
#include "avx2.h"
#include "avx2_dwconv.h"

void c1d_kernels_init__avx2(c1d_kernels *t) {
    t->isa = "avx2";
    t->dwconv_nwc = c1d_dwconv_nwc__avx2;
    t->dwconv_ncw = c1d_dwconv_ncw__avx2;
    t->direct_nwc = c1d_direct_nwc__avx2;
    t->add_vector = c1d_add_vector__avx2;
    t->add_scalar = c1d_add_scalar__avx2;
    t->glu = c1d_glu__avx2;
    t->activation[C1D_ACTIVATION_RELU] = c1d_act_relu__avx2;
    t->activation[C1D_ACTIVATION_RELU6] = c1d_act_relu6__avx2;
    t->activation[C1D_ACTIVATION_LEAKY_RELU] = c1d_act_leaky_relu__avx2;
    t->activation[C1D_ACTIVATION_ELU] = c1d_act_elu__avx2;
    t->activation[C1D_ACTIVATION_SELU] = c1d_act_selu__avx2;
    t->activation[C1D_ACTIVATION_CELU] = c1d_act_celu__avx2;
    t->activation[C1D_ACTIVATION_SIGMOID] = c1d_act_sigmoid__avx2;
    t->activation[C1D_ACTIVATION_HARD_SIGMOID] = c1d_act_hard_sigmoid__avx2;
    t->activation[C1D_ACTIVATION_SPARSE_SIGMOID] = c1d_act_sparse_sigmoid__avx2;
    t->activation[C1D_ACTIVATION_LOG_SIGMOID] = c1d_act_log_sigmoid__avx2;
    t->activation[C1D_ACTIVATION_SILU] = c1d_act_silu__avx2;
    t->activation[C1D_ACTIVATION_HARD_SILU] = c1d_act_hard_silu__avx2;
    t->activation[C1D_ACTIVATION_GELU] = c1d_act_gelu__avx2;
    t->activation[C1D_ACTIVATION_TANH] = c1d_act_tanh__avx2;
    t->activation[C1D_ACTIVATION_TANH_SHRINK] = c1d_act_tanh_shrink__avx2;
    t->activation[C1D_ACTIVATION_HARD_TANH] = c1d_act_hard_tanh__avx2;
    t->activation[C1D_ACTIVATION_SOFTPLUS] = c1d_act_softplus__avx2;
    t->activation[C1D_ACTIVATION_SOFTSIGN] = c1d_act_softsign__avx2;
    t->activation[C1D_ACTIVATION_SQUAREPLUS] = c1d_act_squareplus__avx2;
    t->activation[C1D_ACTIVATION_SPARSE_PLUS] = c1d_act_sparse_plus__avx2;
    t->activation[C1D_ACTIVATION_SOFT_SHRINK] = c1d_act_soft_shrink__avx2;
    t->activation[C1D_ACTIVATION_HARD_SHRINK] = c1d_act_hard_shrink__avx2;
    t->activation[C1D_ACTIVATION_EXPONENTIAL] = c1d_act_exponential__avx2;
    t->activation[C1D_ACTIVATION_MISH] = c1d_act_mish__avx2;
    t->activation[C1D_ACTIVATION_SOFTMAX] = c1d_act_softmax__avx2;
    t->activation[C1D_ACTIVATION_LOG_SOFTMAX] = c1d_act_log_softmax__avx2;
}
