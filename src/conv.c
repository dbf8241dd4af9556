/* conv.c: the layer object: create/destroy, weights, and the shape and
 * workspace queries. */
#include <string.h>

#include "internal.h"

c1d_status c1d_conv_create(const c1d_config *config, size_t in_channels, c1d_conv **out) {
    if (!out) return c1d_fail(C1D_INVALID_ARG, "conv: expected a pointer to receive the layer, got NULL");
    c1d_status st = c1d_config_validate(config);
    if (st) return st;
    if (in_channels == 0)
        return c1d_fail(C1D_INVALID_ARG, "in_channels: expected an integer >= 1, got 0");
    if (in_channels % config->groups != 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "in_channels: The number of input channels must be evenly divisible by the number of "
                        "groups. Received groups=%zu, but the input has %zu channels.",
                        config->groups, in_channels);
    const size_t c_in_g = in_channels / config->groups;
    size_t kwc, w_floats, w_bytes;
    if (!c1d_mul(config->kernel_size, c_in_g, &kwc) || !c1d_fits_int(kwc))
        return c1d_fail(C1D_TOO_LARGE,
                        "kernel_size: kernel_size * in_channels / groups (%zu * %zu) does not fit the BLAS int",
                        config->kernel_size, c_in_g);
    if (!c1d_mul(kwc, config->filters, &w_floats) || !c1d_mul(w_floats, sizeof(float), &w_bytes) ||
        w_bytes > C1D_MAX_ALLOC_BYTES)
        return c1d_fail(C1D_TOO_LARGE, "kernel: (%zu, %zu, %zu) floats exceed the %zu-byte allocation cap",
                        config->kernel_size, c_in_g, config->filters, C1D_MAX_ALLOC_BYTES);

    c1d_conv *conv = c1d_alloc(sizeof *conv);
    if (!conv) return c1d_fail(C1D_NOMEM, "conv: out of memory allocating the layer");
    memset(conv, 0, sizeof *conv);
    conv->cfg = *config;
    conv->c_in = in_channels;
    conv->c_in_g = c_in_g;
    conv->f_g = config->filters / config->groups;
    conv->kwc = kwc;
    conv->k_eff = config->dilation_rate * (config->kernel_size - 1) + 1;
    conv->kernels = c1d_kernels_get();
    conv->path = c1d_path_choose(conv, &conv->path_reason);
    conv->threads = 1;
    conv->w = c1d_alloc(w_bytes);
    if (config->use_bias) conv->b = c1d_alloc(config->filters * sizeof(float));
    if (!conv->w || (config->use_bias && !conv->b)) {
        c1d_conv_destroy(conv);
        return c1d_fail(C1D_NOMEM, "conv: out of memory allocating a %zu-byte kernel", w_bytes);
    }
    if ((st = c1d_pack_for_path(conv, conv->path))) {
        c1d_conv_destroy(conv);
        return st;
    }
    if (conv->b) memset(conv->b, 0, config->filters * sizeof(float));
    *out = conv;
    return C1D_OK;
}

void c1d_conv_destroy(c1d_conv *conv) {
    if (!conv) return;
    c1d_layer_release(conv);
    c1d_free(conv->w);
    c1d_free(conv->wp);
    c1d_free(conv->b);
    c1d_free(conv);
}

c1d_status c1d_conv_get_config(const c1d_conv *conv, c1d_config *config, size_t *in_channels) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (config) *config = conv->cfg;
    if (in_channels) *in_channels = conv->c_in;
    return C1D_OK;
}

c1d_status c1d_conv_set_kernel(c1d_conv *conv, const float *kernel, size_t kernel_size,
                               size_t in_channels_per_group, size_t filters) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!kernel) return c1d_fail(C1D_INVALID_ARG, "kernel: expected a pointer, got NULL");
    if ((uintptr_t)kernel % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "kernel: pointer %p is not aligned for float", (const void *)kernel);
    if (kernel_size != conv->cfg.kernel_size || in_channels_per_group != conv->c_in_g ||
        filters != conv->cfg.filters)
        return c1d_fail(C1D_SHAPE_MISMATCH, "kernel: expected shape (%zu, %zu, %zu), got (%zu, %zu, %zu)",
                        conv->cfg.kernel_size, conv->c_in_g, conv->cfg.filters, kernel_size,
                        in_channels_per_group, filters);
    conv->kernel_set = true;
    c1d_lora_store_kernel(conv, kernel); /* also refreshes the direct path's packed kernel */
    return C1D_OK;
}

c1d_status c1d_conv_set_bias(c1d_conv *conv, const float *bias, size_t filters) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!conv->cfg.use_bias)
        return c1d_fail(C1D_INVALID_ARG, "bias: the layer was created with use_bias=false and has no bias");
    if (!bias) return c1d_fail(C1D_INVALID_ARG, "bias: expected a pointer, got NULL");
    if ((uintptr_t)bias % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "bias: pointer %p is not aligned for float", (const void *)bias);
    if (filters != conv->cfg.filters)
        return c1d_fail(C1D_SHAPE_MISMATCH, "bias: expected shape (%zu,), got (%zu,)", conv->cfg.filters,
                        filters);
    memcpy(conv->b, bias, filters * sizeof(float));
    return C1D_OK;
}

c1d_status c1d_conv_set_threads(c1d_conv *conv, size_t threads) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (threads == 0 || threads > C1D_MAX_THREADS)
        return c1d_fail(C1D_INVALID_ARG, "threads: expected 1 to %d, got %zu", C1D_MAX_THREADS, threads);
    conv->threads = threads;
    return C1D_OK;
}

c1d_status c1d_conv_output_shape(const c1d_conv *conv, size_t batch, size_t steps, size_t shape[3]) {
    if (!shape) return c1d_fail(C1D_INVALID_ARG, "shape: expected a pointer to 3 sizes, got NULL");
    c1d_plan plan;
    c1d_status st = c1d_plan_make(conv, batch, steps, &plan);
    if (st) return st;
    shape[0] = batch;
    if (conv->cfg.data_format == C1D_CHANNELS_LAST) {
        shape[1] = plan.out_steps;
        shape[2] = plan.out_f;
    } else {
        shape[1] = plan.out_f;
        shape[2] = plan.out_steps;
    }
    return C1D_OK;
}

c1d_status c1d_conv_workspace_size(const c1d_conv *conv, size_t batch, size_t steps, size_t *bytes) {
    if (!bytes) return c1d_fail(C1D_INVALID_ARG, "bytes: expected a pointer, got NULL");
    c1d_plan plan;
    c1d_status st = c1d_plan_make(conv, batch, steps, &plan);
    if (st) return st;
    *bytes = plan.workspace_bytes;
    return C1D_OK;
}
