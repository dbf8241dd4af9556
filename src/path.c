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

/* Where the direct path beats sgemm, measured on AMD EPYC Zen 3 (AVX2,
 * OpenBLAS 0.3.21 Zen kernels), 1 thread, whole forward calls with their
 * epilogue, medians of 11 interleaved runs, as (GEMM path time) / (direct
 * time):
 * - against im2col_gemm, every channels_last layer with kernel_size >= 2
 *   and c_in_g >= 2 tried: 1.06 (w2v2-fe1, 512 -> 512, k 3, s 2) to 2.1
 *   (grouped, 8 groups of 32 -> 32, k 3), and 1.15 to 3.0 over f_g 4 to
 *   256, c_in_g 2 to 1024, k 3 to 9, strides 2, dilation 4 and 8;
 * - against gemm_view (pointwise, or non-overlapping windows): 1.03 to 1.8
 *   for f_g >= 16 (the suite's pointwise, 256 -> 512: 1.02 to 1.05; k 2,
 *   s 2, 256 -> 256: 1.10), but 0.70 to 0.98 for f_g <= 8, whose 16-wide
 *   filter block is half empty, and 0.87 to 1.06 (1024 -> 1024) and 0.92
 *   to 0.96 (2048 -> 2048) once a group's kernel holds 2^20 floats or more:
 *   a 16-filter panel of such a reduction no longer stays in L1/L2, while
 *   sgemm blocks the reduction.
 * Depthwise stays first: w2v2-fe0 (1 -> 512, k 10, s 5) runs 1.18x faster
 * there than on the direct path. */
static bool direct_beats_gemm_view(const c1d_conv *conv) {
    size_t kernel_floats;
    return conv->f_g >= C1D_DIRECT_NR && c1d_mul(conv->kwc, conv->f_g, &kernel_floats) &&
           kernel_floats < ((size_t)1 << 20);
}

c1d_path c1d_path_choose(const c1d_conv *conv, const char **reason) {
    size_t packed;
    if (depthwise_fits(conv)) {
        *reason = "one input channel per group: direct loops beat GEMMs with a reduction of kernel_size";
        return C1D_PATH_DEPTHWISE;
    }
    const bool view = gemm_view_fits(conv);
    if (direct_fits(conv) && c1d_pack_floats(conv, &packed) && (!view || direct_beats_gemm_view(conv))) {
        *reason = view ? "channels_last with 16 or more filters per group and a kernel under 2^20 floats per "
                         "group: register-blocked direct loops beat sgemm on the input in place"
                       : "channels_last: register-blocked direct loops on the input beat im2col + sgemm";
        return C1D_PATH_DIRECT;
    }
    if (view) {
        *reason = direct_fits(conv) ? "im2col rows are contiguous in the input and the layer has under 16 filters "
                                      "per group or 2^20 kernel floats or more per group: sgemm reads it in place"
                                    : "im2col rows are contiguous in the input: sgemm reads it in place, no copy";
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
