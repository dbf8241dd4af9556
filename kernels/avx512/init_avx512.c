/* init_avx512.c: overwrites the kernel table entries that have an AVX-512
 * kernel (everything but linear, sparsemax and im2col). The caller has
 * checked that the CPU and the OS support AVX-512F/DQ/VL/BW and FMA. */
#include "avx512.h"

void c1d_kernels_init__avx512(c1d_kernels *t) {
    t->isa = "avx512";
    t->add_vector = c1d_add_vector__avx512;
    t->add_scalar = c1d_add_scalar__avx512;
    t->glu = c1d_glu__avx512;
    t->activation[C1D_ACTIVATION_RELU] = c1d_act_relu__avx512;
    t->activation[C1D_ACTIVATION_RELU6] = c1d_act_relu6__avx512;
    t->activation[C1D_ACTIVATION_LEAKY_RELU] = c1d_act_leaky_relu__avx512;
    t->activation[C1D_ACTIVATION_ELU] = c1d_act_elu__avx512;
    t->activation[C1D_ACTIVATION_SELU] = c1d_act_selu__avx512;
    t->activation[C1D_ACTIVATION_CELU] = c1d_act_celu__avx512;
    t->activation[C1D_ACTIVATION_SIGMOID] = c1d_act_sigmoid__avx512;
    t->activation[C1D_ACTIVATION_HARD_SIGMOID] = c1d_act_hard_sigmoid__avx512;
    t->activation[C1D_ACTIVATION_SPARSE_SIGMOID] = c1d_act_sparse_sigmoid__avx512;
    t->activation[C1D_ACTIVATION_LOG_SIGMOID] = c1d_act_log_sigmoid__avx512;
    t->activation[C1D_ACTIVATION_SILU] = c1d_act_silu__avx512;
    t->activation[C1D_ACTIVATION_HARD_SILU] = c1d_act_hard_silu__avx512;
    t->activation[C1D_ACTIVATION_GELU] = c1d_act_gelu__avx512;
    t->activation[C1D_ACTIVATION_TANH] = c1d_act_tanh__avx512;
    t->activation[C1D_ACTIVATION_TANH_SHRINK] = c1d_act_tanh_shrink__avx512;
    t->activation[C1D_ACTIVATION_HARD_TANH] = c1d_act_hard_tanh__avx512;
    t->activation[C1D_ACTIVATION_SOFTPLUS] = c1d_act_softplus__avx512;
    t->activation[C1D_ACTIVATION_SOFTSIGN] = c1d_act_softsign__avx512;
    t->activation[C1D_ACTIVATION_SQUAREPLUS] = c1d_act_squareplus__avx512;
    t->activation[C1D_ACTIVATION_SPARSE_PLUS] = c1d_act_sparse_plus__avx512;
    t->activation[C1D_ACTIVATION_SOFT_SHRINK] = c1d_act_soft_shrink__avx512;
    t->activation[C1D_ACTIVATION_HARD_SHRINK] = c1d_act_hard_shrink__avx512;
    t->activation[C1D_ACTIVATION_EXPONENTIAL] = c1d_act_exponential__avx512;
    t->activation[C1D_ACTIVATION_MISH] = c1d_act_mish__avx512;
    t->activation[C1D_ACTIVATION_SOFTMAX] = c1d_act_softmax__avx512;
    t->activation[C1D_ACTIVATION_LOG_SOFTMAX] = c1d_act_log_softmax__avx512;
}
