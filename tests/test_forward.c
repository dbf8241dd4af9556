/* test_forward.c: c1d_conv_forward against the naive reference.
 *
 * - exact tier: integer data, bitwise equality with the reference;
 * - random tier: the RELIABILITY.md tolerance over a grid of padding x
 *   strides x dilation_rate x kernel_size x groups x data_format x
 *   activation x use_bias x batch, with odd lengths and lengths shorter than
 *   the kernel, plus named shapes that cross tile and item boundaries;
 * - metamorphic checks (layouts, groups, causal vs valid, batch vs items);
 * - every status path, with the output left untouched.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "test_util.h"

static float *new_floats(size_t n) { return malloc((n ? n : 1) * sizeof(float)); }

/* One random-tier case; returns the worst error as a fraction of the tolerance. */
static double check_case(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, uint64_t seed) {
    const size_t wn = cfg->kernel_size * (c_in / cfg->groups) * cfg->filters;
    float *x = new_floats(batch * steps * c_in), *w = new_floats(wn), *b = new_floats(cfg->filters);
    tu_fill_uniform(x, batch * steps * c_in, &seed, -1.0f, 1.0f);
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    tu_fill_uniform(b, cfg->filters, &seed, -1.0f, 1.0f);
    tu_report rep;
    bool ran = tu_check_forward(cfg, c_in, batch, steps, x, w, cfg->use_bias ? b : NULL, &rep);
    ck_assert_msg(ran, "k=%zu s=%zu d=%zu g=%zu pad=%s fmt=%s act=%s c_in=%zu f=%zu n=%zu L=%zu: %s",
                  cfg->kernel_size, cfg->strides, cfg->dilation_rate, cfg->groups, c1d_padding_name(cfg->padding),
                  c1d_data_format_name(cfg->data_format), c1d_activation_name(cfg->activation), c_in, cfg->filters,
                  batch, steps, rep.first_failure);
    ck_assert_msg(rep.failures == 0, "k=%zu s=%zu d=%zu g=%zu pad=%s fmt=%s act=%s c_in=%zu f=%zu n=%zu L=%zu: %zu of %zu off; %s",
                  cfg->kernel_size, cfg->strides, cfg->dilation_rate, cfg->groups, c1d_padding_name(cfg->padding),
                  c1d_data_format_name(cfg->data_format), c1d_activation_name(cfg->activation), c_in, cfg->filters,
                  batch, steps, rep.failures, rep.checked, rep.first_failure);
    free(x);
    free(w);
    free(b);
    return rep.worst_ratio;
}

/* Output length of a config, or 0 when Keras rejects it (valid, too short). */
static size_t expected_steps(const c1d_config *cfg, size_t steps) {
    size_t l_out, pad_l;
    return ref_output_length(cfg, steps, &l_out, &pad_l) ? l_out : 0;
}

static const size_t stride_dilation[][2] = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {1, 4}};
static const size_t kernel_sizes[] = {1, 2, 3, 5, 8};
static const size_t channel_counts[] = {1, 3, 4, 8, 17};
static const size_t filter_counts[] = {1, 2, 16, 33};

/* The paths the grids force in turn (a layer a path cannot compute runs on
 * c1d's choice, see tu_run). */
static const c1d_path forced_paths[] = {C1D_PATH_AUTO, C1D_PATH_IM2COL_GEMM, C1D_PATH_DIRECT};
#define N_FORCED (sizeof forced_paths / sizeof *forced_paths)

/* The grid: every padding x (strides, dilation_rate) x kernel_size x
 * data_format x groups mode, over the boundary lengths of RELIABILITY.md
 * test plan 5. Channels, filters, activation, bias and batch rotate with a
 * counter so that every value meets every other axis many times. */
START_TEST(random_grid) {
    size_t cases = 0, rejected = 0, counter = (size_t)(_i % 3) * 7919u;
    double worst = 0;
    const c1d_padding padding = (c1d_padding)(_i % 3);
    tu_forced_path = forced_paths[_i / 3];
    for (size_t sd = 0; sd < 5; sd++)
        for (size_t ki = 0; ki < 5; ki++)
            for (int fmt = 0; fmt < 2; fmt++)
                for (int gmode = 0; gmode < 3; gmode++) {
                    c1d_config cfg = c1d_config_default(1, kernel_sizes[ki]);
                    cfg.padding = padding;
                    cfg.strides = stride_dilation[sd][0];
                    cfg.dilation_rate = stride_dilation[sd][1];
                    cfg.data_format = (c1d_data_format)fmt;
                    const size_t k = cfg.kernel_size, keff = cfg.dilation_rate * (k - 1) + 1;
                    const size_t lengths[] = {1, 2, k > 1 ? k - 1 : 1, k, k + 1, keff > 1 ? keff - 1 : 1, keff, keff + 1, 7, 64};
                    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++, counter++) {
                        size_t c_in = channel_counts[counter % 5], f = filter_counts[(counter / 5) % 4];
                        if (gmode == 1) { /* two groups */
                            c_in = 2 * ((c_in + 1) / 2);
                            f = 2 * ((f + 1) / 2);
                            cfg.groups = 2;
                        } else if (gmode == 2) { /* depthwise, multiplier 1 or 2 */
                            cfg.groups = c_in;
                            f = c_in * (1 + counter % 2);
                        } else {
                            cfg.groups = 1;
                        }
                        cfg.filters = f;
                        cfg.activation = (c1d_activation)(counter % C1D_ACTIVATION_COUNT_);
                        cfg.use_bias = counter % 3 != 0;
                        const size_t batch = 1 + 2 * (counter % 2), steps = lengths[li];
                        const size_t l_out = expected_steps(&cfg, steps);
                        const bool glu = cfg.activation == C1D_ACTIVATION_GLU;
                        if (glu && cfg.data_format == C1D_CHANNELS_LAST && f % 2) cfg.activation = C1D_ACTIVATION_SILU;
                        if (l_out == 0 || (glu && cfg.data_format == C1D_CHANNELS_FIRST && l_out % 2)) {
                            /* Keras rejects this shape: so must c1d. */
                            c1d_conv *conv = NULL;
                            size_t shape[3];
                            if (c1d_conv_create(&cfg, c_in, &conv) == C1D_OK) {
                                ck_assert_int_eq(c1d_conv_output_shape(conv, batch, steps, shape), C1D_INVALID_ARG);
                                c1d_conv_destroy(conv);
                            }
                            rejected++;
                            continue;
                        }
                        double r = check_case(&cfg, c_in, batch, steps, 1000 + counter);
                        if (r > worst) worst = r;
                        cases++;
                    }
                }
    printf("random grid, padding=%s, path=%s: %zu cases checked, %zu rejected as Keras does, worst error %.3f of "
           "tolerance\n",
           c1d_padding_name(padding), c1d_path_name(tu_forced_path), cases, rejected, worst);
}
END_TEST

/* Shapes that cross tile boundaries, item boundaries inside a tile,
 * multi-tile glu under channels_first, and RELIABILITY.md's named cases. */
typedef struct named_case {
    const char *name;
    size_t filters, kernel_size, strides, dilation_rate, groups;
    c1d_padding padding;
    c1d_data_format fmt;
    c1d_activation act;
    size_t c_in, batch, steps;
} named_case;

static const named_case named_cases[] = {
    {"many tiles nwc", 7, 5, 1, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU, 300, 3, 301},
    {"many tiles ncw", 7, 5, 1, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_TANH, 300, 2, 301},
    {"glu ncw tiles", 6, 5, 1, 1, 1, C1D_PADDING_CAUSAL, C1D_CHANNELS_FIRST, C1D_ACTIVATION_GLU, 300, 2, 400},
    {"glu nwc tiles", 6, 5, 1, 1, 1, C1D_PADDING_CAUSAL, C1D_CHANNELS_LAST, C1D_ACTIVATION_GLU, 300, 2, 400},
    {"softmax ncw tiles", 5, 5, 2, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_SOFTMAX, 300, 2, 601},
    {"sparsemax ncw tiles", 5, 5, 1, 1, 1, C1D_PADDING_VALID, C1D_CHANNELS_FIRST, C1D_ACTIVATION_SPARSEMAX, 300, 1, 500},
    {"L=80 k=31 same", 4, 31, 1, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 3, 2, 80},
    {"large right pad", 3, 9, 4, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 2, 1, 5},
    {"L < s", 3, 2, 5, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_LINEAR, 2, 2, 3},
    {"L <= d, causal", 2, 3, 1, 4, 1, C1D_PADDING_CAUSAL, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 2, 2, 3},
    {"dilated kernel wider than input", 2, 3, 1, 6, 1, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_LINEAR, 3, 1, 4},
    {"channel tails", 33, 3, 1, 1, 1, C1D_PADDING_VALID, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU, 17, 2, 19},
    {"long accumulation", 4, 100, 1, 1, 1, C1D_PADDING_VALID, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 32, 1, 150},
    {"very wide stride", 2, 500, 500, 1, 1, C1D_PADDING_VALID, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 1, 1, 1048576},
    {"depthwise x3 causal", 48, 4, 1, 1, 16, C1D_PADDING_CAUSAL, C1D_CHANNELS_LAST, C1D_ACTIVATION_SILU, 16, 2, 37},
    {"strided causal", 5, 3, 3, 1, 1, C1D_PADDING_CAUSAL, C1D_CHANNELS_FIRST, C1D_ACTIVATION_LINEAR, 4, 2, 17},
    {"grouped tiles", 64, 3, 2, 1, 8, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_GELU, 256, 2, 257},
    {"conformer-like depthwise", 256, 31, 1, 1, 256, C1D_PADDING_SAME, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, 256, 2, 300},
    {"mamba-like depthwise", 1536, 4, 1, 1, 1536, C1D_PADDING_CAUSAL, C1D_CHANNELS_LAST, C1D_ACTIVATION_SILU, 1536, 1, 200},
    {"depthwise ncw strided", 24, 5, 2, 1, 12, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_RELU, 12, 2, 101},
    {"depthwise ncw dilated", 12, 3, 1, 3, 12, C1D_PADDING_CAUSAL, C1D_CHANNELS_FIRST, C1D_ACTIVATION_TANH, 12, 2, 64},
    {"one channel, many filters", 512, 10, 5, 1, 1, C1D_PADDING_VALID, C1D_CHANNELS_LAST, C1D_ACTIVATION_GELU, 1, 1, 1000},
    {"one channel ncw", 40, 10, 5, 1, 1, C1D_PADDING_SAME, C1D_CHANNELS_FIRST, C1D_ACTIVATION_GELU, 1, 2, 333},
};

START_TEST(named_shapes) {
    const size_t n_named = sizeof named_cases / sizeof *named_cases;
    const named_case *nc = &named_cases[(size_t)_i % n_named];
    tu_forced_path = forced_paths[(size_t)_i / n_named];
    c1d_config cfg = c1d_config_default(nc->filters, nc->kernel_size);
    cfg.strides = nc->strides;
    cfg.dilation_rate = nc->dilation_rate;
    cfg.groups = nc->groups;
    cfg.padding = nc->padding;
    cfg.data_format = nc->fmt;
    cfg.activation = nc->act;
    double r = check_case(&cfg, nc->c_in, nc->batch, nc->steps, 77 + (uint64_t)_i);
    printf("named case '%s', path=%s: worst error %.3f of tolerance\n", nc->name, c1d_path_name(tu_forced_path), r);
}
END_TEST

/* Exact tier: integer data keep every partial sum exact in float32, so c1d
 * must equal the reference bit for bit, whatever the summation order. */
START_TEST(exact_tier) {
    uint64_t seed = 4242 + (uint64_t)(_i % 4);
    tu_forced_path = _i < 4 ? C1D_PATH_AUTO : C1D_PATH_DIRECT;
    size_t nonzero = 0, total_out = 0, cases = 0;
    for (int fmt = 0; fmt < 2; fmt++)
        for (int pad = 0; pad < 3; pad++)
            for (size_t sd = 0; sd < 5; sd++) {
                c1d_config cfg = c1d_config_default(6, 1 + (size_t)((_i % 4) * 2 + pad) % 6);
                cfg.padding = (c1d_padding)pad;
                cfg.data_format = (c1d_data_format)fmt;
                cfg.strides = stride_dilation[sd][0];
                cfg.dilation_rate = stride_dilation[sd][1];
                cfg.groups = _i % 2 ? 3 : 1;
                cfg.activation = sd % 2 ? C1D_ACTIVATION_RELU : C1D_ACTIVATION_LINEAR;
                const size_t c_in = 9, batch = 2, steps = 23 + (size_t)(_i % 4);
                const size_t wn = cfg.kernel_size * (c_in / cfg.groups) * cfg.filters;
                float *x = new_floats(batch * steps * c_in), *w = new_floats(wn), b[6];
                tu_fill_int(x, batch * steps * c_in, &seed, -4, 4);
                tu_fill_int(w, wn, &seed, -4, 4);
                tu_fill_int(b, 6, &seed, -8, 8);
                size_t l_out = expected_steps(&cfg, steps), n_out;
                ck_assert_uint_gt(l_out, 0);
                float *y = tu_run(&cfg, c_in, batch, steps, x, w, b, &n_out);
                ck_assert_msg(y != NULL, "%s", c1d_last_error());
                double *z = malloc(n_out * sizeof *z);
                ref_conv1d(&cfg, c_in, batch, steps, x, w, b, z, NULL);
                for (size_t i = 0; i < n_out; i++) {
                    float want = (float)ref_activation(cfg.activation, z[i]);
                    ck_assert_msg(memcmp(&y[i], &want, sizeof want) == 0 || (y[i] == 0 && want == 0),
                                  "element %zu: got %.9g, want %.9g (fmt %d pad %d k %zu s %zu d %zu g %zu)", i, y[i],
                                  want, fmt, pad, cfg.kernel_size, cfg.strides, cfg.dilation_rate, cfg.groups);
                    nonzero += y[i] != 0;
                }
                total_out += n_out;
                cases++;
                free(z);
                free(y);
                free(x);
                free(w);
            }
    /* benchdnn's "mistrusted" rule: a test whose outputs are mostly zero proves little. */
    ck_assert_msg(nonzero * 10 >= total_out * 3, "only %zu of %zu outputs are non-zero", nonzero, total_out);
    printf("exact tier %d, path=%s: %zu cases, %zu outputs bitwise equal to the reference\n", _i % 4,
           c1d_path_name(tu_forced_path), cases, total_out);
}
END_TEST

/* A layer with integer data for the metamorphic checks. */
typedef struct layer_data {
    c1d_config cfg;
    size_t c_in, batch, steps;
    float *x, *w, *b;
} layer_data;

static layer_data make_layer(c1d_config cfg, size_t c_in, size_t batch, size_t steps, uint64_t seed, bool integers) {
    layer_data d = {cfg, c_in, batch, steps, NULL, NULL, NULL};
    size_t xn = batch * steps * c_in, wn = cfg.kernel_size * (c_in / cfg.groups) * cfg.filters;
    d.x = new_floats(xn);
    d.w = new_floats(wn);
    d.b = new_floats(cfg.filters);
    if (integers) {
        tu_fill_int(d.x, xn, &seed, -4, 4);
        tu_fill_int(d.w, wn, &seed, -4, 4);
        tu_fill_int(d.b, cfg.filters, &seed, -8, 8);
    } else {
        tu_fill_uniform(d.x, xn, &seed, -1, 1);
        tu_fill_uniform(d.w, wn, &seed, -1, 1);
        tu_fill_uniform(d.b, cfg.filters, &seed, -1, 1);
    }
    return d;
}

static void free_layer(layer_data *d) {
    free(d->x);
    free(d->w);
    free(d->b);
}

static float *run_layer(const layer_data *d, size_t *n_out) {
    float *y = tu_run(&d->cfg, d->c_in, d->batch, d->steps, d->x, d->w, d->cfg.use_bias ? d->b : NULL, n_out);
    ck_assert_msg(y != NULL, "%s", c1d_last_error());
    return y;
}

/* channels_first on the transposed input equals channels_last, transposed. */
START_TEST(layouts_agree) {
    c1d_config cfg = c1d_config_default(5, 3);
    cfg.padding = (c1d_padding)(_i % 3);
    cfg.strides = 1 + (size_t)_i % 2;
    cfg.groups = _i >= 3 ? 1 : 2;
    cfg.activation = C1D_ACTIVATION_RELU;
    cfg.filters = 6;
    layer_data cl = make_layer(cfg, 4, 3, 29, 9 + (uint64_t)_i, true);
    layer_data cf = cl;
    cf.cfg.data_format = C1D_CHANNELS_FIRST;
    cf.x = new_floats(3 * 29 * 4);
    for (size_t n = 0; n < 3; n++)
        for (size_t t = 0; t < 29; t++)
            for (size_t c = 0; c < 4; c++) cf.x[(n * 4 + c) * 29 + t] = cl.x[(n * 29 + t) * 4 + c];
    size_t n1, n2;
    float *y1 = run_layer(&cl, &n1), *y2 = run_layer(&cf, &n2);
    ck_assert_uint_eq(n1, n2);
    const size_t l_out = n1 / (3 * 6);
    for (size_t n = 0; n < 3; n++)
        for (size_t t = 0; t < l_out; t++)
            for (size_t f = 0; f < 6; f++)
                ck_assert_float_eq(y1[(n * l_out + t) * 6 + f], y2[(n * 6 + f) * l_out + t]);
    free(cf.x);
    free(y1);
    free(y2);
    free_layer(&cl);
}
END_TEST

/* groups = g equals g separate convolutions on the channel blocks, concatenated. */
START_TEST(groups_are_separate_convolutions) {
    const size_t G = 3, cg = 2, fg = 4, K = 3;
    c1d_config cfg = c1d_config_default(G * fg, K);
    cfg.groups = G;
    cfg.padding = C1D_PADDING_SAME;
    cfg.data_format = (c1d_data_format)_i;
    layer_data whole = make_layer(cfg, G * cg, 2, 17, 31, true);
    size_t n_whole;
    float *y = run_layer(&whole, &n_whole);
    const size_t l_out = 17;
    for (size_t g = 0; g < G; g++) {
        c1d_config part_cfg = cfg;
        part_cfg.groups = 1;
        part_cfg.filters = fg;
        layer_data part = make_layer(part_cfg, cg, 2, 17, 1, true);
        for (size_t n = 0; n < 2; n++)
            for (size_t t = 0; t < 17; t++)
                for (size_t c = 0; c < cg; c++) {
                    size_t src = _i == 0 ? (n * 17 + t) * (G * cg) + g * cg + c : (n * G * cg + g * cg + c) * 17 + t;
                    size_t dst = _i == 0 ? (n * 17 + t) * cg + c : (n * cg + c) * 17 + t;
                    part.x[dst] = whole.x[src];
                }
        for (size_t k = 0; k < K; k++)
            for (size_t c = 0; c < cg; c++)
                for (size_t f = 0; f < fg; f++) part.w[(k * cg + c) * fg + f] = whole.w[(k * cg + c) * (G * fg) + g * fg + f];
        for (size_t f = 0; f < fg; f++) part.b[f] = whole.b[g * fg + f];
        size_t n_part;
        float *yp = run_layer(&part, &n_part);
        for (size_t n = 0; n < 2; n++)
            for (size_t t = 0; t < l_out; t++)
                for (size_t f = 0; f < fg; f++) {
                    size_t a = _i == 0 ? (n * l_out + t) * (G * fg) + g * fg + f : (n * G * fg + g * fg + f) * l_out + t;
                    size_t p = _i == 0 ? (n * l_out + t) * fg + f : (n * fg + f) * l_out + t;
                    ck_assert_float_eq(y[a], yp[p]);
                }
        free(yp);
        free_layer(&part);
    }
    free(y);
    free_layer(&whole);
}
END_TEST

/* causal equals valid on an input with d*(k-1) zeros in front, bit for bit
 * (the same products in the same GEMM), at stride 1 and 2. */
START_TEST(causal_is_left_padded_valid) {
    c1d_config cfg = c1d_config_default(5, 3);
    cfg.padding = C1D_PADDING_CAUSAL;
    cfg.strides = _i == 1 ? 2 : 1;
    cfg.dilation_rate = _i == 2 ? 3 : 1;
    cfg.activation = C1D_ACTIVATION_TANH;
    const size_t c_in = 4, L = 31, pad = cfg.dilation_rate * 2;
    layer_data causal = make_layer(cfg, c_in, 2, L, 5, false);
    layer_data valid = causal;
    valid.cfg.padding = C1D_PADDING_VALID;
    valid.steps = L + pad;
    valid.x = calloc(2 * (L + pad) * c_in, sizeof(float));
    for (size_t n = 0; n < 2; n++) memcpy(valid.x + (n * (L + pad) + pad) * c_in, causal.x + n * L * c_in, L * c_in * sizeof(float));
    size_t n1, n2;
    float *y1 = run_layer(&causal, &n1), *y2 = run_layer(&valid, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_msg(memcmp(y1, y2, n1 * sizeof(float)) == 0, "causal and padded valid differ");
    free(valid.x);
    free(y1);
    free(y2);
    free_layer(&causal);
}
END_TEST

/* A batch of N equals N calls of batch 1, bitwise (RELIABILITY tolerance
 * item 6); the last two cases force the direct path (channels_last), one
 * of them grouped with filter tails (f_g = 20). */
START_TEST(batch_equals_items) {
    c1d_config cfg = c1d_config_default(_i == 5 ? 40 : 33, 5);
    cfg.padding = C1D_PADDING_SAME;
    cfg.data_format = _i < 4 ? (c1d_data_format)(_i % 2) : C1D_CHANNELS_LAST;
    cfg.activation = C1D_ACTIVATION_GELU;
    cfg.groups = _i == 5 ? 2 : 1;
    tu_forced_path = _i < 4 ? C1D_PATH_AUTO : C1D_PATH_DIRECT;
    const bool small = _i == 4 || _i < 2;
    const size_t c_in = small ? 7 : 300, N = 4, L = small ? 45 : 130;
    layer_data all = make_layer(cfg, c_in, N, L, 17, false);
    size_t n_all;
    float *y = run_layer(&all, &n_all);
    const size_t per_in = L * c_in, per_out = n_all / N;
    for (size_t n = 0; n < N; n++) {
        layer_data one = all;
        one.batch = 1;
        one.x = all.x + n * per_in;
        size_t n_one;
        float *y1 = run_layer(&one, &n_one);
        ck_assert_uint_eq(n_one, per_out);
        ck_assert_msg(memcmp(y1, y + n * per_out, per_out * sizeof(float)) == 0, "item %zu differs from the batch", n);
        free(y1);
    }
    free(y);
    free_layer(&all);
}
END_TEST

/* A NaN planted at one input step changes exactly the outputs whose window covers it. */
START_TEST(nan_reaches_its_receptive_field) {
    c1d_config cfg = c1d_config_default(3, 3);
    cfg.padding = (c1d_padding)_i;
    cfg.dilation_rate = 2;
    cfg.data_format = C1D_CHANNELS_LAST;
    const size_t c_in = 2, L = 20, p = 9;
    layer_data d = make_layer(cfg, c_in, 1, L, 3, false);
    d.x[p * c_in + 1] = NAN;
    size_t n_out, l_out, pad_l;
    ck_assert(ref_output_length(&cfg, L, &l_out, &pad_l));
    float *y = run_layer(&d, &n_out);
    for (size_t t = 0; t < l_out; t++) {
        bool covers = false;
        for (size_t k = 0; k < 3; k++) covers |= t + k * 2 == p + pad_l;
        for (size_t f = 0; f < 3; f++) ck_assert_msg(isnan(y[t * 3 + f]) == covers, "t=%zu f=%zu", t, f);
    }
    free(y);
    free_layer(&d);
}
END_TEST

/* Results do not depend on the thread count: the same bits for 1, 2, 3 and
 * 7 threads, on every path and on the whole-item units (softmax, glu under
 * channels_first), with shapes big enough that every thread gets work.
 * The cases with a path force it (direct: dense, grouped with filter tails,
 * glu, strided). */
START_TEST(threads_do_not_change_bits) {
    static const struct {
        size_t filters, k, groups, c_in, batch, steps;
        c1d_data_format fmt;
        c1d_activation act;
        c1d_path path;
        size_t strides;
    } cases[] = {
        {64, 5, 1, 64, 3, 2000, C1D_CHANNELS_LAST, C1D_ACTIVATION_GELU, C1D_PATH_AUTO, 1},
        {64, 5, 1, 64, 3, 2000, C1D_CHANNELS_FIRST, C1D_ACTIVATION_TANH, C1D_PATH_AUTO, 1},
        {64, 5, 1, 64, 5, 600, C1D_CHANNELS_FIRST, C1D_ACTIVATION_SOFTMAX, C1D_PATH_AUTO, 1},
        {64, 5, 1, 64, 5, 600, C1D_CHANNELS_FIRST, C1D_ACTIVATION_GLU, C1D_PATH_AUTO, 1},
        {64, 5, 1, 64, 2, 2000, C1D_CHANNELS_LAST, C1D_ACTIVATION_GLU, C1D_PATH_AUTO, 1},
        {256, 31, 256, 256, 4, 700, C1D_CHANNELS_LAST, C1D_ACTIVATION_SILU, C1D_PATH_AUTO, 1},
        {256, 31, 256, 256, 4, 700, C1D_CHANNELS_FIRST, C1D_ACTIVATION_LINEAR, C1D_PATH_AUTO, 1},
        {64, 3, 8, 64, 3, 3000, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU, C1D_PATH_AUTO, 1},
        {64, 5, 1, 64, 3, 2000, C1D_CHANNELS_LAST, C1D_ACTIVATION_GELU, C1D_PATH_DIRECT, 1},
        {120, 3, 3, 48, 3, 3000, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU, C1D_PATH_DIRECT, 1},
        {64, 5, 1, 64, 2, 2000, C1D_CHANNELS_LAST, C1D_ACTIVATION_GLU, C1D_PATH_DIRECT, 1},
        {40, 7, 1, 24, 4, 4001, C1D_CHANNELS_LAST, C1D_ACTIVATION_TANH, C1D_PATH_DIRECT, 2},
        /* depthwise at stride 1 with 2 to 8 taps (the 6 x 8 register blocks)
         * and 13 channels (a tail of 5), one item: the tiles follow the
         * thread count, the bits must not */
        {13, 2, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_SILU, C1D_PATH_AUTO, 1},
        {13, 3, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_LINEAR, C1D_PATH_AUTO, 1},
        {13, 4, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_SIGMOID, C1D_PATH_AUTO, 1},
        {13, 5, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU, C1D_PATH_AUTO, 1},
        {13, 6, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_GELU, C1D_PATH_AUTO, 1},
        {13, 7, 13, 13, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_TANH, C1D_PATH_AUTO, 1},
        {16, 8, 16, 16, 1, 40000, C1D_CHANNELS_LAST, C1D_ACTIVATION_SILU, C1D_PATH_AUTO, 1},
        {16, 4, 16, 16, 1, 40000, C1D_CHANNELS_FIRST, C1D_ACTIVATION_SILU, C1D_PATH_AUTO, 1},
    };
    const size_t i = (size_t)_i;
    c1d_config cfg = c1d_config_default(cases[i].filters, cases[i].k);
    cfg.groups = cases[i].groups;
    cfg.strides = cases[i].strides;
    cfg.padding = C1D_PADDING_SAME;
    cfg.data_format = cases[i].fmt;
    cfg.activation = cases[i].act;
    layer_data d = make_layer(cfg, cases[i].c_in, cases[i].batch, cases[i].steps, 21 + i, false);
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, d.c_in, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(conv, cases[i].path), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, d.w, cfg.kernel_size, d.c_in / cfg.groups, cfg.filters), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, d.b, cfg.filters), C1D_OK);
    size_t shape[3], ws;
    ck_assert_int_eq(c1d_conv_output_shape(conv, d.batch, d.steps, shape), C1D_OK);
    const size_t n_out = shape[0] * shape[1] * shape[2];
    float *serial = malloc(n_out * sizeof(float)), *par = tu_canary_alloc(n_out);
    ck_assert_int_eq(c1d_conv_forward(conv, d.batch, d.steps, d.x, serial, NULL, 0), C1D_OK);
    if (cases[i].groups == cases[i].c_in) { /* depthwise: also against the reference */
        tu_report rep;
        ck_assert_msg(tu_check_forward(&cfg, d.c_in, d.batch, d.steps, d.x, d.w, d.b, &rep), "case %zu: %s", i,
                      rep.first_failure);
    }
    const size_t counts[] = {2, 3, 7};
    for (size_t c = 0; c < 3; c++) {
        ck_assert_int_eq(c1d_conv_set_threads(conv, counts[c]), C1D_OK);
        ck_assert_int_eq(c1d_conv_workspace_size(conv, d.batch, d.steps, &ws), C1D_OK);
        /* exactly the workspace reported for this thread count is enough */
        void *work = malloc(ws);
        ck_assert_ptr_nonnull(work);
        ck_assert_int_eq(c1d_conv_forward(conv, d.batch, d.steps, d.x, par, work, ws), C1D_OK);
        free(work);
        ck_assert_msg(memcmp(serial, par, n_out * sizeof(float)) == 0, "case %zu, %zu threads: bits differ", i,
                      counts[c]);
        ck_assert(tu_guard_intact(par, n_out));
    }
    free(serial);
    free(par);
    c1d_conv_destroy(conv);
    free_layer(&d);
}
END_TEST

/* The layer's forward output against the double reference on its current
 * kernel and bias (as c1d_conv_save_variables gives them: the merged kernel
 * under LoRA). A packed kernel that missed a change is off by O(1). */
static void expect_current_kernel(c1d_conv *conv, const char *step) {
    c1d_config cfg;
    size_t c_in, shape[3];
    ck_assert_int_eq(c1d_conv_get_config(conv, &cfg, &c_in), C1D_OK);
    const size_t batch = 2, steps = 37, wn = cfg.kernel_size * (c_in / cfg.groups) * cfg.filters;
    float *x = new_floats(batch * steps * c_in), *w = new_floats(wn), *b = new_floats(cfg.filters);
    uint64_t seed = 5;
    tu_fill_uniform(x, batch * steps * c_in, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_save_variables(conv, w, wn, cfg.use_bias ? b : NULL, cfg.use_bias ? cfg.filters : 0),
                     C1D_OK);
    ck_assert_int_eq(c1d_conv_output_shape(conv, batch, steps, shape), C1D_OK);
    const size_t n = shape[0] * shape[1] * shape[2];
    float *y = new_floats(n);
    double *z = malloc(n * sizeof *z), *mag = malloc(n * sizeof *mag);
    ck_assert_int_eq(c1d_conv_forward(conv, batch, steps, x, y, NULL, 0), C1D_OK);
    ref_conv1d(&cfg, c_in, batch, steps, x, w, cfg.use_bias ? b : NULL, z, mag);
    const double terms = (double)(cfg.kernel_size * (c_in / cfg.groups) + 1);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)y[i] - z[i]) <= 2.0 * terms * 0x1p-24 * mag[i],
                      "after %s: element %zu is %.9g, the current kernel gives %.9g", step, i, y[i], z[i]);
    free(x);
    free(w);
    free(b);
    free(y);
    free(z);
    free(mag);
}

/* The direct path computes with a copy of the kernel packed when it is
 * set: every call that changes the kernel must repack it. Each step below
 * changes the kernel one way and checks the output against it. */
START_TEST(direct_follows_every_kernel_change) {
    const size_t K = 3, C = 8, F = 24, wn = K * C * F;
    const size_t shape[3] = {K, C, F}, b_shape[2] = {2, F};
    c1d_config cfg = c1d_config_default(F, K);
    cfg.padding = C1D_PADDING_SAME;
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, C, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(conv, C1D_PATH_DIRECT), C1D_OK);
    float *w = new_floats(wn), bias[24], lora_b[2 * 24];
    uint64_t seed = 8;
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bias, F, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, K, C, F), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_set_kernel");
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_set_weight(conv, 0, w, 3, shape), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_set_weight (kernel)");
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_load_variables(conv, w, wn, bias, F), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_load_variables");
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 2, 3.0, NULL, "he_uniform"), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_enable_lora");
    tu_fill_uniform(lora_b, 2 * F, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_set_weight(conv, 3, lora_b, 2, b_shape), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_set_weight (lora_kernel_b)");
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_set_weight(conv, 0, w, 3, shape), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_set_weight (base kernel under LoRA)");
    tu_fill_uniform(w, wn, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_load_variables(conv, w, wn, bias, F), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_load_variables (LoRA on)");
    c1d_conv_destroy(conv);

    /* From a Keras config: the initializer fills the kernel at create (c1d
     * chooses the direct path for this shape), then a constraint projects
     * weights set too large. */
    static const char json[] = "{\"filters\": 24, \"kernel_size\": 3, \"padding\": \"same\", \"kernel_initializer\": "
                               "{\"class_name\": \"RandomNormal\", \"config\": {\"seed\": 4}}, "
                               "\"kernel_constraint\": \"max_norm\"}";
    c1d_keras_config *k = NULL;
    ck_assert_int_eq(c1d_keras_config_parse(json, strlen(json), &k), C1D_OK);
    ck_assert_int_eq(c1d_conv_create_from_keras(k, C, &conv), C1D_OK);
    c1d_keras_config_destroy(k);
    c1d_path p;
    ck_assert_int_eq(c1d_conv_path(conv, &p, NULL), C1D_OK);
    ck_assert_int_eq(p, C1D_PATH_DIRECT);
    expect_current_kernel(conv, "c1d_conv_create_from_keras (kernel_initializer)");
    for (size_t i = 0; i < wn; i++) w[i] = 40.0f * w[i];
    ck_assert_int_eq(c1d_conv_set_weight(conv, 0, w, 3, shape), C1D_OK);
    ck_assert_int_eq(c1d_conv_apply_constraints(conv), C1D_OK);
    expect_current_kernel(conv, "c1d_conv_apply_constraints (max_norm)");
    float *projected = new_floats(wn);
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, projected, wn), C1D_OK);
    ck_assert_msg(memcmp(projected, w, wn * sizeof(float)) != 0, "max_norm left the kernel as it was");
    free(projected);
    c1d_conv_destroy(conv);
    free(w);
}
END_TEST

START_TEST(threads_are_validated) {
    c1d_config cfg = c1d_config_default(4, 3);
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_threads(conv, 0), C1D_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(c1d_last_error(), "threads"));
    ck_assert_int_eq(c1d_conv_set_threads(conv, C1D_MAX_THREADS + 1), C1D_INVALID_ARG);
    ck_assert_int_eq(c1d_conv_set_threads(NULL, 2), C1D_INVALID_ARG);
    ck_assert_int_eq(c1d_conv_set_threads(conv, C1D_MAX_THREADS), C1D_OK);
    /* A tiny call still runs on one thread: its workspace is one thread's. */
    size_t ws_many, ws_one;
    ck_assert_int_eq(c1d_conv_workspace_size(conv, 1, 8, &ws_many), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_threads(conv, 1), C1D_OK);
    ck_assert_int_eq(c1d_conv_workspace_size(conv, 1, 8, &ws_one), C1D_OK);
    ck_assert_uint_eq(ws_many, ws_one);
    c1d_conv_destroy(conv);
}
END_TEST

/* ---- status paths: every failure leaves the output as it was ---- */

typedef struct fixture {
    c1d_conv *conv;
    float *x, *y;
    size_t n_out, ws_bytes;
} fixture;

static fixture make_fixture(c1d_config cfg, bool set_kernel) {
    fixture fx = {0};
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &fx.conv), C1D_OK);
    float w[3 * 4 * 8];
    uint64_t seed = 1;
    tu_fill_uniform(w, 3 * 4 * 8, &seed, -1, 1);
    if (set_kernel) ck_assert_int_eq(c1d_conv_set_kernel(fx.conv, w, 3, 4, 8), C1D_OK);
    size_t shape[3];
    ck_assert_int_eq(c1d_conv_output_shape(fx.conv, 2, 10, shape), C1D_OK);
    fx.n_out = shape[0] * shape[1] * shape[2];
    ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, 2, 10, &fx.ws_bytes), C1D_OK);
    fx.x = new_floats(2 * 10 * 4 + 8);
    tu_fill_uniform(fx.x, 2 * 10 * 4 + 8, &seed, -1, 1);
    fx.y = tu_canary_alloc(fx.n_out);
    return fx;
}

static void free_fixture(fixture *fx) {
    c1d_conv_destroy(fx->conv);
    free(fx->x);
    free(fx->y);
}

START_TEST(forward_status_paths) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.padding = C1D_PADDING_SAME;
    fixture fx = make_fixture(cfg, true);
    ASSERT_FAILS(c1d_conv_forward(NULL, 2, 10, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, NULL, fx.y, NULL, 0), C1D_INVALID_ARG, "input");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, fx.x, NULL, NULL, 0), C1D_INVALID_ARG, "output");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, (const float *)((const char *)fx.x + 1), fx.y, NULL, 0),
                 C1D_INVALID_ARG, "aligned");
    /* Workspace one byte short. */
    char *ws = malloc(fx.ws_bytes);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, fx.x, fx.y, ws, fx.ws_bytes - 1), C1D_INVALID_ARG,
                 "workspace_bytes");
    /* Overlaps: output on the input, shifted by one element; workspace on the output. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, fx.y + 1, fx.y, NULL, 0), C1D_ALIAS, "overlaps");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, fx.x, fx.y, fx.y, fx.ws_bytes), C1D_ALIAS, "workspace");
    /* Enormous shapes: refused before anything is allocated or touched. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, SIZE_MAX / 2, 10, fx.x, fx.y, NULL, 0), C1D_TOO_LARGE, "overflows");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, SIZE_MAX - 1, fx.x, fx.y, NULL, 0), C1D_TOO_LARGE, "steps");
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    /* And the layer still works with the exact workspace size. */
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 2, 10, fx.x, fx.y, ws, fx.ws_bytes), C1D_OK);
    ck_assert(tu_guard_intact(fx.y, fx.n_out));
    free(ws);
    free_fixture(&fx);
}
END_TEST

START_TEST(forward_before_kernel) {
    fixture fx = make_fixture(c1d_config_default(8, 3), false);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 10, fx.x, fx.y, NULL, 0), C1D_NOT_READY, "kernel");
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    free_fixture(&fx);
}
END_TEST

START_TEST(valid_too_short_is_rejected) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.dilation_rate = 4; /* dilated extent 9 */
    fixture fx = make_fixture(cfg, true);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 8, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "zero or negative");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 1, 0, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "steps=0");
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 2, 9, fx.x, fx.y, NULL, 0), C1D_OK);
    free_fixture(&fx);
}
END_TEST

/* steps = 0 with same/causal and batch = 0: success, empty output, nothing
 * written, NULL pointers allowed (Keras returns an empty tensor). */
START_TEST(empty_shapes) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.padding = _i ? C1D_PADDING_CAUSAL : C1D_PADDING_SAME;
    fixture fx = make_fixture(cfg, true);
    size_t shape[3], ws = 1;
    ck_assert_int_eq(c1d_conv_output_shape(fx.conv, 3, 0, shape), C1D_OK);
    ck_assert_uint_eq(shape[0], 3);
    ck_assert_uint_eq(shape[1], 0);
    ck_assert_uint_eq(shape[2], 8);
    ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, 3, 0, &ws), C1D_OK);
    ck_assert_uint_eq(ws, 0);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 3, 0, NULL, NULL, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 0, 10, NULL, NULL, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 0, 10, fx.x, fx.y, NULL, 0), C1D_OK);
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    free_fixture(&fx);
}
END_TEST

static Suite *forward_suite(void) {
    Suite *s = suite_create("forward");
    TCase *grid = tcase_create("grid");
    tcase_set_timeout(grid, 300);
    tcase_add_loop_test(grid, random_grid, 0, 3 * (int)N_FORCED);
    tcase_add_loop_test(grid, named_shapes, 0, (int)N_FORCED * (int)(sizeof named_cases / sizeof *named_cases));
    tcase_add_loop_test(grid, exact_tier, 0, 8);
    suite_add_tcase(s, grid);
    TCase *meta = tcase_create("metamorphic");
    tcase_add_loop_test(meta, layouts_agree, 0, 6);
    tcase_add_loop_test(meta, groups_are_separate_convolutions, 0, 2);
    tcase_add_loop_test(meta, causal_is_left_padded_valid, 0, 3);
    tcase_add_loop_test(meta, batch_equals_items, 0, 6);
    tcase_add_loop_test(meta, nan_reaches_its_receptive_field, 0, 3);
    tcase_add_test(meta, direct_follows_every_kernel_change);
    suite_add_tcase(s, meta);
    TCase *threads = tcase_create("threads");
    tcase_set_timeout(threads, 120);
    tcase_add_loop_test(threads, threads_do_not_change_bits, 0, 20);
    tcase_add_test(threads, threads_are_validated);
    suite_add_tcase(s, threads);
    TCase *status = tcase_create("status");
    tcase_add_test(status, forward_status_paths);
    tcase_add_test(status, forward_before_kernel);
    tcase_add_test(status, valid_too_short_is_rejected);
    tcase_add_loop_test(status, empty_shapes, 0, 2);
    suite_add_tcase(s, status);
    return s;
}

int main(void) {
    return tu_run_suite(forward_suite());
}
