/* path.c: which engine computes a layer, chosen once at create time from
 * the layer's shape (never per call), and the API to read or force it. */
#include "internal.h"

static const char *const path_names[] = {"auto", "im2col_gemm", "depthwise", "gemm_view", "direct"};

const char *c1d_path_name(c1d_path path) { return (unsigned)path <= C1D_PATH_DIRECT ? path_names[path] : NULL; }

static bool depthwise_fits(const c1d_conv *conv) { return conv->c_in_g == 1; }

/* The im2col rows are already in the input, at a constant stride the BLAS
 * accepts: channels_last rows of kernel_size 1 (any groups), or, with
 * dilation 1 and one group, rows of kernel_size * channels consecutive
 * floats that do not overlap (kernel_size <= strides: the BLAS requires
 * lda >= the row length, so overlapping windows cannot be read in place);
 * channels_first columns of kernel_size 1 at stride 1. */
static bool gemm_view_fits(const c1d_conv *conv) {
    const c1d_config *cfg = &conv->cfg;
    size_t lda;
    if (cfg->data_format == C1D_CHANNELS_FIRST) return cfg->kernel_size == 1 && cfg->strides == 1;
    return (cfg->kernel_size == 1 ||
            (cfg->dilation_rate == 1 && cfg->groups == 1 && cfg->kernel_size <= cfg->strides)) &&
           c1d_mul(cfg->strides, conv->c_in, &lda) && c1d_fits_int(lda);
}

/* The direct kernels read channels_last input; any groups, any sizes. */
static bool direct_fits(const c1d_conv *conv) { return conv->cfg.data_format == C1D_CHANNELS_LAST; }

c1d_path c1d_path_choose(const c1d_conv *conv, const char **reason) {
    if (depthwise_fits(conv)) {
        *reason = "one input channel per group: direct loops beat GEMMs with a reduction of kernel_size";
        return C1D_PATH_DEPTHWISE;
    }
    if (gemm_view_fits(conv)) {
        *reason = "im2col rows are contiguous in the input: sgemm reads it in place, no copy";
        return C1D_PATH_GEMM_VIEW;
    }
    *reason = "general layer: im2col tiles and one sgemm per group";
    return C1D_PATH_IM2COL_GEMM;
}

c1d_status c1d_conv_set_path(c1d_conv *conv, c1d_path path) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    const char *reason = "forced by c1d_conv_set_path";
    switch (path) {
    case C1D_PATH_AUTO: path = c1d_path_choose(conv, &reason); break;
    case C1D_PATH_IM2COL_GEMM: break;
    case C1D_PATH_DEPTHWISE:
        if (!depthwise_fits(conv))
            return c1d_fail(C1D_UNSUPPORTED,
                            "path: depthwise needs one input channel per group, got in_channels / groups = %zu",
                            conv->c_in_g);
        break;
    case C1D_PATH_GEMM_VIEW:
        if (!gemm_view_fits(conv))
            return c1d_fail(C1D_UNSUPPORTED,
                            "path: gemm_view needs channels_last with kernel_size 1, or with dilation_rate 1, "
                            "groups 1 and kernel_size <= strides, or channels_first with kernel_size 1 and strides "
                            "1; got kernel_size=%zu, "
                            "strides=%zu, dilation_rate=%zu, groups=%zu, %s",
                            conv->cfg.kernel_size, conv->cfg.strides, conv->cfg.dilation_rate, conv->cfg.groups,
                            c1d_data_format_name(conv->cfg.data_format));
        break;
    case C1D_PATH_DIRECT:
        if (!direct_fits(conv))
            return c1d_fail(C1D_UNSUPPORTED, "path: direct needs channels_last, got %s",
                            c1d_data_format_name(conv->cfg.data_format));
        break;
    default: return c1d_fail(C1D_INVALID_ARG, "path: unknown value %u", (unsigned)path);
    }
    c1d_status st = c1d_pack_for_path(conv, path);
    if (st) return st;
    conv->path = path;
    conv->path_reason = reason;
    return C1D_OK;
}

c1d_status c1d_conv_path(const c1d_conv *conv, c1d_path *path, const char **reason) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (path) *path = conv->path;
    if (reason) *reason = conv->path_reason;
    return C1D_OK;
}
