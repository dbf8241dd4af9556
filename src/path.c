/* path.c: which engine computes a layer, chosen once at create time from
 * the layer's shape (never per call), and the API to read or force it. */
#include "internal.h"

static const char *const path_names[] = {"auto", "im2col_gemm", "depthwise"};

const char *c1d_path_name(c1d_path path) { return (unsigned)path <= C1D_PATH_DEPTHWISE ? path_names[path] : NULL; }

static bool depthwise_fits(const c1d_conv *conv) { return conv->c_in_g == 1; }

c1d_path c1d_path_choose(const c1d_conv *conv, const char **reason) {
    if (depthwise_fits(conv)) {
        *reason = "one input channel per group: direct loops beat GEMMs with a reduction of kernel_size";
        return C1D_PATH_DEPTHWISE;
    }
    *reason = "general layer: im2col tiles and one sgemm per group";
    return C1D_PATH_IM2COL_GEMM;
}

c1d_status c1d_conv_set_path(c1d_conv *conv, c1d_path path) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    switch (path) {
    case C1D_PATH_AUTO: conv->path = c1d_path_choose(conv, &conv->path_reason); return C1D_OK;
    case C1D_PATH_IM2COL_GEMM: break;
    case C1D_PATH_DEPTHWISE:
        if (!depthwise_fits(conv))
            return c1d_fail(C1D_UNSUPPORTED,
                            "path: depthwise needs one input channel per group, got in_channels / groups = %zu",
                            conv->c_in_g);
        break;
    default: return c1d_fail(C1D_INVALID_ARG, "path: unknown value %u", (unsigned)path);
    }
    conv->path = path;
    conv->path_reason = "forced by c1d_conv_set_path";
    return C1D_OK;
}

c1d_status c1d_conv_path(const c1d_conv *conv, c1d_path *path, const char **reason) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (path) *path = conv->path;
    if (reason) *reason = conv->path_reason;
    return C1D_OK;
}
