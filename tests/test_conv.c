/* test_conv.c: the layer object: create/destroy, weights, output shape and
 * workspace queries, and their failures (nothing changed on failure). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "reference.h"
#include "test_util.h"

START_TEST(create_and_destroy) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.groups = 2;
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 6, &conv), C1D_OK);
    ck_assert_ptr_nonnull(conv);
    c1d_config got;
    size_t c_in = 0;
    ck_assert_int_eq(c1d_conv_get_config(conv, &got, &c_in), C1D_OK);
    ck_assert_uint_eq(c_in, 6);
    /* Field by field: memcmp would read the struct's padding, which valgrind reports as uninitialised. */
    ck_assert(got.filters == cfg.filters && got.kernel_size == cfg.kernel_size && got.strides == cfg.strides &&
              got.padding == cfg.padding && got.data_format == cfg.data_format &&
              got.dilation_rate == cfg.dilation_rate && got.groups == cfg.groups &&
              got.activation == cfg.activation && got.use_bias == cfg.use_bias);
    ck_assert_int_eq(c1d_conv_get_config(conv, NULL, NULL), C1D_OK);
    c1d_conv_destroy(conv);
    c1d_conv_destroy(NULL);
}
END_TEST

START_TEST(create_rejects) {
    c1d_config cfg = c1d_config_default(8, 3);
    c1d_conv *conv = (c1d_conv *)&cfg; /* a sentinel: must stay unchanged */
    c1d_conv *const sentinel = conv;
    ASSERT_FAILS(c1d_conv_create(&cfg, 0, &conv), C1D_INVALID_ARG, "in_channels");
    cfg.groups = 4;
    ASSERT_FAILS(c1d_conv_create(&cfg, 6, &conv), C1D_INVALID_ARG, "the input has 6 channels");
    ASSERT_FAILS(c1d_conv_create(NULL, 6, &conv), C1D_INVALID_ARG, "config");
    ASSERT_FAILS(c1d_conv_create(&cfg, 8, NULL), C1D_INVALID_ARG, "conv");
    ck_assert_ptr_eq(conv, sentinel);
    /* The GEMM reduction length must fit the BLAS int (C9), the kernel the allocation cap. */
    cfg = c1d_config_default(1, (size_t)1 << 20);
    ASSERT_FAILS(c1d_conv_create(&cfg, (size_t)1 << 12, &conv), C1D_TOO_LARGE, "BLAS int");
    cfg = c1d_config_default(1 << 16, 1 << 10);
    ASSERT_FAILS(c1d_conv_create(&cfg, 8, &conv), C1D_TOO_LARGE, "cap");
    cfg = c1d_config_default(1, SIZE_MAX / 4);
    ASSERT_FAILS(c1d_conv_create(&cfg, SIZE_MAX / 4, &conv), C1D_TOO_LARGE, "kernel_size");
    ck_assert_ptr_eq(conv, sentinel);
}
END_TEST

START_TEST(weights_are_shape_checked) {
    c1d_config cfg = c1d_config_default(4, 3);
    cfg.groups = 2;
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, 6, &conv), C1D_OK);
    float w[3 * 3 * 4], b[4] = {1, 2, 3, 4};
    memset(w, 0, sizeof w);
    ASSERT_FAILS(c1d_conv_set_kernel(conv, w, 3, 6, 4), C1D_SHAPE_MISMATCH, "expected shape (3, 3, 4), got (3, 6, 4)");
    ASSERT_FAILS(c1d_conv_set_kernel(conv, w, 4, 3, 3), C1D_SHAPE_MISMATCH, "kernel");
    ASSERT_FAILS(c1d_conv_set_kernel(conv, NULL, 3, 3, 4), C1D_INVALID_ARG, "kernel");
    ASSERT_FAILS(c1d_conv_set_kernel(NULL, w, 3, 3, 4), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_set_kernel(conv, (const float *)((const char *)w + 2), 3, 3, 4), C1D_INVALID_ARG, "aligned");
    ASSERT_FAILS(c1d_conv_set_bias(conv, b, 5), C1D_SHAPE_MISMATCH, "expected shape (4,), got (5,)");
    ASSERT_FAILS(c1d_conv_set_bias(conv, NULL, 4), C1D_INVALID_ARG, "bias");
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, 3, 3, 4), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, b, 4), C1D_OK);
    c1d_conv_destroy(conv);
    cfg.use_bias = false;
    ck_assert_int_eq(c1d_conv_create(&cfg, 6, &conv), C1D_OK);
    ASSERT_FAILS(c1d_conv_set_bias(conv, b, 4), C1D_INVALID_ARG, "use_bias=false");
    c1d_conv_destroy(conv);
}
END_TEST

/* Setting weights copies them: later changes to the caller's arrays do not
 * reach the layer, and the bias starts at Keras's default (zeros). */
START_TEST(weights_are_copied) {
    c1d_config cfg = c1d_config_default(2, 1);
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, 1, &conv), C1D_OK);
    float w[2] = {2, -3}, x[3] = {1, 2, 3}, y[6];
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, 1, 1, 2), C1D_OK);
    w[0] = 100;
    ck_assert_int_eq(c1d_conv_forward(conv, 1, 3, x, y, NULL, 0), C1D_OK);
    const float want[6] = {2, -3, 4, -6, 6, -9};
    for (int i = 0; i < 6; i++) ck_assert_float_eq(y[i], want[i]);
    c1d_conv_destroy(conv);
}
END_TEST

/* Output shape in both layouts, with glu halving the last axis. */
START_TEST(output_shapes) {
    c1d_config cfg = c1d_config_default(6, 3);
    cfg.strides = 2;
    cfg.padding = C1D_PADDING_SAME;
    c1d_conv *conv;
    size_t shape[3];
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_output_shape(conv, 5, 11, shape), C1D_OK);
    ck_assert_uint_eq(shape[0], 5);
    ck_assert_uint_eq(shape[1], 6);
    ck_assert_uint_eq(shape[2], 6);
    ASSERT_FAILS(c1d_conv_output_shape(conv, 5, 11, NULL), C1D_INVALID_ARG, "shape");
    ASSERT_FAILS(c1d_conv_output_shape(NULL, 5, 11, shape), C1D_INVALID_ARG, "conv");
    c1d_conv_destroy(conv);
    cfg.data_format = C1D_CHANNELS_FIRST;
    cfg.activation = C1D_ACTIVATION_GLU;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_output_shape(conv, 5, 12, shape), C1D_OK);
    ck_assert_uint_eq(shape[1], 6);
    ck_assert_uint_eq(shape[2], 3);
    shape[2] = 99;
    ASSERT_FAILS(c1d_conv_output_shape(conv, 5, 9, shape), C1D_INVALID_ARG, "must be even");
    ck_assert_uint_eq(shape[2], 99);
    c1d_conv_destroy(conv);
    cfg.data_format = C1D_CHANNELS_LAST;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_output_shape(conv, 5, 11, shape), C1D_OK);
    ck_assert_uint_eq(shape[1], 6);
    ck_assert_uint_eq(shape[2], 3);
    c1d_conv_destroy(conv);
}
END_TEST

/* The workspace is bounded whatever the sequence length (documented bound),
 * and a caller buffer of exactly that size at any alignment works. The
 * exact size checked is the im2col path's (forced). */
START_TEST(workspace_is_bounded) {
    c1d_config cfg = c1d_config_default(64, 5);
    cfg.padding = C1D_PADDING_SAME;
    cfg.data_format = (c1d_data_format)_i;
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, 32, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(conv, C1D_PATH_IM2COL_GEMM), C1D_OK);
    const size_t kwc = 5 * 32, wide = kwc > 64 ? kwc : 64;
    const size_t bound = 3 * (C1D_TILE_BYTES > 4 * wide ? C1D_TILE_BYTES : 4 * wide) + 64;
    size_t prev = 0;
    for (size_t L = 1; L <= ((size_t)1 << 24); L *= 8) {
        size_t bytes;
        ck_assert_int_eq(c1d_conv_workspace_size(conv, 3, L, &bytes), C1D_OK);
        ck_assert_uint_le(bytes, bound);
        ck_assert_uint_ge(bytes, prev);
        prev = bytes;
    }
    ck_assert_uint_eq(prev, (C1D_TILE_BYTES / (4 * kwc)) * kwc * 4 + 64);
    size_t bytes;
    ASSERT_FAILS(c1d_conv_workspace_size(conv, 3, 10, NULL), C1D_INVALID_ARG, "bytes");
    ck_assert_int_eq(c1d_conv_workspace_size(conv, 2, 301, &bytes), C1D_OK);
    float *w = malloc(5 * 32 * 64 * sizeof(float)), *x = malloc(2 * 301 * 32 * sizeof(float));
    uint64_t seed = 3;
    tu_fill_uniform(w, 5 * 32 * 64, &seed, -1, 1);
    tu_fill_uniform(x, 2 * 301 * 32, &seed, -1, 1);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, 5, 32, 64), C1D_OK);
    float *y1 = malloc(2 * 301 * 64 * sizeof(float)), *y2 = malloc(2 * 301 * 64 * sizeof(float));
    char *ws = malloc(bytes + 3);
    ck_assert_int_eq(c1d_conv_forward(conv, 2, 301, x, y1, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(conv, 2, 301, x, y2, ws + 3, bytes), C1D_OK);
    ck_assert_mem_eq(y1, y2, 2 * 301 * 64 * sizeof(float));
    free(ws);
    free(y1);
    free(y2);
    free(w);
    free(x);
    c1d_conv_destroy(conv);
}
END_TEST

/* The path is chosen at create, visible with its reason, and can be forced. */
START_TEST(paths) {
    c1d_config cfg = c1d_config_default(16, 3);
    cfg.groups = 8;
    c1d_conv *dw, *dense;
    ck_assert_int_eq(c1d_conv_create(&cfg, 8, &dw), C1D_OK);
    ck_assert_int_eq(c1d_conv_create(&cfg, 16, &dense), C1D_OK);
    c1d_path p = C1D_PATH_AUTO;
    const char *why = NULL;
    ck_assert_int_eq(c1d_conv_path(dw, &p, &why), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DEPTHWISE);
    ck_assert_ptr_nonnull(strstr(why, "one input channel per group"));
    ck_assert_int_eq(c1d_conv_path(dense, &p, &why), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DIRECT);
    ck_assert_ptr_nonnull(strstr(why, "direct loops on the input beat im2col"));
    ck_assert_int_eq(c1d_conv_set_path(dw, C1D_PATH_IM2COL_GEMM), C1D_OK);
    ck_assert_int_eq(c1d_conv_path(dw, &p, &why), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_IM2COL_GEMM);
    ck_assert_str_eq(why, "forced by c1d_conv_set_path");
    ck_assert_int_eq(c1d_conv_set_path(dw, C1D_PATH_AUTO), C1D_OK);
    ck_assert_int_eq(c1d_conv_path(dw, &p, NULL), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DEPTHWISE);
    ASSERT_FAILS(c1d_conv_set_path(dense, C1D_PATH_DEPTHWISE), C1D_UNSUPPORTED, "in_channels / groups = 2");
    ASSERT_FAILS(c1d_conv_set_path(dense, (c1d_path)9), C1D_INVALID_ARG, "path");
    ck_assert_int_eq(c1d_conv_path(dense, &p, NULL), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DIRECT);
    ASSERT_FAILS(c1d_conv_path(NULL, &p, NULL), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_set_path(NULL, C1D_PATH_AUTO), C1D_INVALID_ARG, "conv");
    ck_assert_str_eq(c1d_path_name(C1D_PATH_DEPTHWISE), "depthwise");
    ck_assert_str_eq(c1d_path_name(C1D_PATH_GEMM_VIEW), "gemm_view");
    /* gemm_view: pointwise (any groups), or windows that do not overlap
     * (4 filters: too few for the direct path to be chosen instead). */
    static const struct {
        size_t k, s, d, g;
        c1d_data_format fmt;
        bool fits;
    } view[] = {
        {1, 1, 1, 2, C1D_CHANNELS_LAST, true},  {1, 3, 1, 1, C1D_CHANNELS_LAST, true},
        {2, 2, 1, 1, C1D_CHANNELS_LAST, true},  {3, 2, 1, 1, C1D_CHANNELS_LAST, false},
        {2, 2, 1, 2, C1D_CHANNELS_LAST, false}, {1, 1, 1, 1, C1D_CHANNELS_FIRST, true},
        {1, 2, 1, 1, C1D_CHANNELS_FIRST, false}, {3, 1, 1, 1, C1D_CHANNELS_FIRST, false},
    };
    for (size_t i = 0; i < sizeof view / sizeof *view; i++) {
        c1d_config vc = c1d_config_default(4, view[i].k);
        vc.strides = view[i].s;
        vc.dilation_rate = view[i].d;
        vc.groups = view[i].g;
        vc.data_format = view[i].fmt;
        c1d_conv *v;
        ck_assert_int_eq(c1d_conv_create(&vc, 4, &v), C1D_OK);
        ck_assert_int_eq(c1d_conv_path(v, &p, NULL), C1D_OK);
        ck_assert_msg((p == C1D_PATH_GEMM_VIEW) == view[i].fits, "case %zu: auto chose %s", i, c1d_path_name(p));
        ck_assert_int_eq(c1d_conv_set_path(v, C1D_PATH_GEMM_VIEW), view[i].fits ? C1D_OK : C1D_UNSUPPORTED);
        c1d_conv_destroy(v);
    }
    /* c1d's choice between direct and gemm_view (src/path.c): direct from
     * 16 filters per group while a group's kernel holds under 2^20 floats. */
    static const struct {
        size_t filters, k, s, g, c_in;
        c1d_data_format fmt;
        c1d_path want;
    } choice[] = {
        {16, 1, 1, 1, 64, C1D_CHANNELS_LAST, C1D_PATH_DIRECT},
        {15, 1, 1, 1, 64, C1D_CHANNELS_LAST, C1D_PATH_GEMM_VIEW},
        {32, 1, 1, 2, 64, C1D_CHANNELS_LAST, C1D_PATH_DIRECT},
        {30, 1, 1, 2, 64, C1D_CHANNELS_LAST, C1D_PATH_GEMM_VIEW},
        {1024, 1, 1, 1, 1023, C1D_CHANNELS_LAST, C1D_PATH_DIRECT},
        {1024, 1, 1, 1, 1024, C1D_CHANNELS_LAST, C1D_PATH_GEMM_VIEW},
        {256, 2, 2, 1, 64, C1D_CHANNELS_LAST, C1D_PATH_DIRECT},
        {4, 3, 1, 1, 2, C1D_CHANNELS_LAST, C1D_PATH_DIRECT},
        {64, 3, 1, 1, 64, C1D_CHANNELS_FIRST, C1D_PATH_IM2COL_GEMM},
        {64, 1, 1, 1, 64, C1D_CHANNELS_FIRST, C1D_PATH_GEMM_VIEW},
        {64, 3, 1, 64, 64, C1D_CHANNELS_LAST, C1D_PATH_DEPTHWISE},
    };
    for (size_t i = 0; i < sizeof choice / sizeof *choice; i++) {
        c1d_config cc = c1d_config_default(choice[i].filters, choice[i].k);
        cc.strides = choice[i].s;
        cc.groups = choice[i].g;
        cc.data_format = choice[i].fmt;
        c1d_conv *v;
        ck_assert_int_eq(c1d_conv_create(&cc, choice[i].c_in, &v), C1D_OK);
        ck_assert_int_eq(c1d_conv_path(v, &p, &why), C1D_OK);
        ck_assert_msg(p == choice[i].want, "choice %zu: auto chose %s (%s), want %s", i, c1d_path_name(p), why,
                      c1d_path_name(choice[i].want));
        c1d_conv_destroy(v);
    }
    ck_assert_ptr_null(c1d_path_name((c1d_path)9));
    ck_assert_ptr_null(c1d_path_name((c1d_path)5));
    ck_assert_str_eq(c1d_path_name(C1D_PATH_DIRECT), "direct");
    /* direct: any channels_last layer (dense, grouped, depthwise), no
     * im2col tile in its workspace; not channels_first. */
    size_t ws_gemm, ws_direct;
    ck_assert_int_eq(c1d_conv_set_path(dense, C1D_PATH_IM2COL_GEMM), C1D_OK);
    ck_assert_int_eq(c1d_conv_workspace_size(dense, 2, 100, &ws_gemm), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(dense, C1D_PATH_DIRECT), C1D_OK);
    ck_assert_int_eq(c1d_conv_path(dense, &p, &why), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DIRECT);
    ck_assert_str_eq(why, "forced by c1d_conv_set_path");
    ck_assert_int_eq(c1d_conv_workspace_size(dense, 2, 100, &ws_direct), C1D_OK);
    ck_assert_uint_eq(ws_direct, 64);
    ck_assert_uint_ge(ws_gemm, 98 * 3 * 2 * sizeof(float) + 64); /* valid: 98 rows of kw * c_in_g = 6 */
    ck_assert_int_eq(c1d_conv_set_path(dw, C1D_PATH_DIRECT), C1D_OK);
    c1d_config ncw = cfg;
    ncw.data_format = C1D_CHANNELS_FIRST;
    c1d_conv *cf;
    ck_assert_int_eq(c1d_conv_create(&ncw, 16, &cf), C1D_OK);
    ASSERT_FAILS(c1d_conv_set_path(cf, C1D_PATH_DIRECT), C1D_UNSUPPORTED, "channels_last, got channels_first");
    ck_assert_int_eq(c1d_conv_path(cf, &p, NULL), C1D_OK);
    ck_assert_int_ne(p, C1D_PATH_DIRECT);
    c1d_conv_destroy(cf);
    /* The packed kernel pads every group to 16 filters: 2^21 groups of one
     * filter and 16 taps (an 128 MiB kernel) would pack into 2 GiB. */
    c1d_config huge = c1d_config_default((size_t)1 << 21, 16);
    huge.groups = (size_t)1 << 21;
    c1d_conv *big;
    ck_assert_int_eq(c1d_conv_create(&huge, (size_t)1 << 21, &big), C1D_OK);
    ASSERT_FAILS(c1d_conv_set_path(big, C1D_PATH_DIRECT), C1D_TOO_LARGE, "allocation cap");
    ck_assert_int_eq(c1d_conv_path(big, &p, NULL), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DEPTHWISE);
    c1d_conv_destroy(big);
    c1d_conv_destroy(dw);
    c1d_conv_destroy(dense);
}
END_TEST

int main(void) {
    Suite *s = suite_create("conv");
    TCase *tc = tcase_create("conv");
    tcase_add_test(tc, create_and_destroy);
    tcase_add_test(tc, create_rejects);
    tcase_add_test(tc, weights_are_shape_checked);
    tcase_add_test(tc, weights_are_copied);
    tcase_add_test(tc, output_shapes);
    tcase_add_loop_test(tc, workspace_is_bounded, 0, 2);
    tcase_add_test(tc, paths);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
