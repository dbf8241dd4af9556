/* dwconv_padding.c: the zero padding's share of a depthwise output when
 * the kernel holds a NaN or an Inf.
 *
 * Keras pads the input with zeros and multiplies them by the weights, so a
 * non-finite weight on a tap that lands in the padding makes the output NaN
 * (0 * Inf = NaN). The depthwise kernels may skip those taps (the kernel
 * contract in kernels.h allows it; some vector kernels multiply the zeros
 * of partly padded blocks anyway), so when w_nonfinite is set, forward.c
 * calls these after the kernel, before bias and activation, to add 0 * w
 * for every tap in the padding: a NaN added twice is still NaN, and finite
 * weights add nothing. The cost is paid only by layers that need it. */
#include "internal.h"

/* True when padded position pos (input step pos - pad_l) is in the padding. */
static bool in_padding(size_t pos, size_t pad_l, size_t l_in) { return pos < pad_l || pos - pad_l >= l_in; }

void c1d_dwconv_padding_nwc(const c1d_conv *conv, size_t l_in, size_t pad_l, size_t t0, size_t rows, float *y) {
    const c1d_config *cfg = &conv->cfg;
    const size_t f = cfg->filters; /* y: [rows][f]; w: [kernel_size][f] (c_in_g = 1) */
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cfg->kernel_size; k++) {
            if (!in_padding((t0 + r) * cfg->strides + k * cfg->dilation_rate, pad_l, l_in)) continue;
            for (size_t i = 0; i < f; i++) y[r * f + i] += 0.0f * conv->w[k * f + i];
        }
}

void c1d_dwconv_padding_ncw(const c1d_conv *conv, size_t l_in, size_t pad_l, size_t t0, size_t cols, float *y,
                            size_t ldy) {
    const c1d_config *cfg = &conv->cfg;
    const size_t f = cfg->filters; /* y: [f][ldy], columns [0, cols) */
    for (size_t j = 0; j < cols; j++)
        for (size_t k = 0; k < cfg->kernel_size; k++) {
            if (!in_padding((t0 + j) * cfg->strides + k * cfg->dilation_rate, pad_l, l_in)) continue;
            for (size_t i = 0; i < f; i++) y[i * ldy + j] += 0.0f * conv->w[k * f + i];
        }
}
