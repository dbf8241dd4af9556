/* init_scalar.c: fills the kernel table with the portable C kernels; every
 * ISA's init starts from this table and overwrites what it implements. */
#include <string.h>

#include "scalar.h"

void c1d_kernels_init__scalar(c1d_kernels *t) {
    static const c1d_activation_fn acts[C1D_ACTIVATION_COUNT_] = {
        [C1D_ACTIVATION_LINEAR] = c1d_act_linear__scalar,
        [C1D_ACTIVATION_RELU] = c1d_act_relu__scalar,
        [C1D_ACTIVATION_RELU6] = c1d_act_relu6__scalar,
        [C1D_ACTIVATION_LEAKY_RELU] = c1d_act_leaky_relu__scalar,
        [C1D_ACTIVATION_ELU] = c1d_act_elu__scalar,
        [C1D_ACTIVATION_SELU] = c1d_act_selu__scalar,
        [C1D_ACTIVATION_CELU] = c1d_act_celu__scalar,
        [C1D_ACTIVATION_SIGMOID] = c1d_act_sigmoid__scalar,
        [C1D_ACTIVATION_HARD_SIGMOID] = c1d_act_hard_sigmoid__scalar,
        [C1D_ACTIVATION_SPARSE_SIGMOID] = c1d_act_sparse_sigmoid__scalar,
        [C1D_ACTIVATION_LOG_SIGMOID] = c1d_act_log_sigmoid__scalar,
        [C1D_ACTIVATION_SILU] = c1d_act_silu__scalar,
        [C1D_ACTIVATION_HARD_SILU] = c1d_act_hard_silu__scalar,
        [C1D_ACTIVATION_GELU] = c1d_act_gelu__scalar,
        [C1D_ACTIVATION_TANH] = c1d_act_tanh__scalar,
        [C1D_ACTIVATION_TANH_SHRINK] = c1d_act_tanh_shrink__scalar,
        [C1D_ACTIVATION_HARD_TANH] = c1d_act_hard_tanh__scalar,
        [C1D_ACTIVATION_SOFTPLUS] = c1d_act_softplus__scalar,
        [C1D_ACTIVATION_SOFTSIGN] = c1d_act_softsign__scalar,
        [C1D_ACTIVATION_SQUAREPLUS] = c1d_act_squareplus__scalar,
        [C1D_ACTIVATION_SPARSE_PLUS] = c1d_act_sparse_plus__scalar,
        [C1D_ACTIVATION_SOFT_SHRINK] = c1d_act_soft_shrink__scalar,
        [C1D_ACTIVATION_HARD_SHRINK] = c1d_act_hard_shrink__scalar,
        [C1D_ACTIVATION_EXPONENTIAL] = c1d_act_exponential__scalar,
        [C1D_ACTIVATION_MISH] = c1d_act_mish__scalar,
        [C1D_ACTIVATION_SOFTMAX] = c1d_act_softmax__scalar,
        [C1D_ACTIVATION_LOG_SOFTMAX] = c1d_act_log_softmax__scalar,
        [C1D_ACTIVATION_SPARSEMAX] = c1d_act_sparsemax__scalar,
        /* GLU is not in place: it goes through t->glu. */
        [C1D_ACTIVATION_GLU] = c1d_act_linear__scalar,
    };
    t->isa = "scalar";
    t->im2col_nwc = c1d_im2col_nwc__scalar;
    t->im2col_ncw = c1d_im2col_ncw__scalar;
    t->dwconv_nwc = c1d_dwconv_nwc__scalar;
    t->dwconv_ncw = c1d_dwconv_ncw__scalar;
    t->direct_pack = c1d_direct_pack__scalar;
    t->direct_nwc = c1d_direct_nwc__scalar;
    t->add_vector = c1d_add_vector__scalar;
    t->add_scalar = c1d_add_scalar__scalar;
    memcpy(t->activation, acts, sizeof acts);
    t->glu = c1d_glu__scalar;
}
