/* peers_onednn.c: oneDNN's forward convolution (Debian libdnnl 2.6, C API)
 * on the bench's problem, for `--peers`.
 *
 * Every variant takes the input and gives the output in the Keras layout
 * the c1d call uses, so both libraries do the same job: the plain variants
 * hand oneDNN that layout (nwc/ncw, or nhwc/nchw with height 1); the
 * blocked ones let oneDNN choose its own and include the two reorders in
 * the timed call. The weights are reordered to the layout oneDNN prefers,
 * once, outside the timed loop. The activation is fused as eltwise post-ops
 * where oneDNN has it; otherwise oneDNN computes (and is timed on) the
 * linear convolution, and the report says so. The 1D description and the
 * 2D one with height 1 (where oneDNN has its depthwise kernels) are both
 * tried; each variant is checked against the reference, then timed, and
 * the fastest is reported. */
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"
#include "timing.h"

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

const char *bench_peers_name(void) {
    static char name[32];
    const dnnl_version_t *v = dnnl_version();
    snprintf(name, sizeof name, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
    return name;
}

int bench_peers_init(int threads, char *err, size_t err_len) {
    if (threads > 0) omp_set_num_threads(threads);
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success)
        return fail(err, err_len, "oneDNN: cannot create a CPU engine and stream");
    return 0;
}

void bench_peers_finish(void) {
    if (stream) dnnl_stream_destroy(stream);
    if (engine) dnnl_engine_destroy(engine);
    stream = NULL;
    engine = NULL;
}

/* One eltwise post-op: scale * alg(x; alpha, beta). */
typedef struct eltwise {
    dnnl_alg_kind_t alg;
    float alpha, beta, scale;
} eltwise;

/* The Keras activation as oneDNN eltwise post-ops: the number of ops (0
 * for linear), or -1 when oneDNN has no equivalent. */
static int activation_ops(c1d_activation a, eltwise ops[2]) {
    const float selu_alpha = 1.67326324f, selu_scale = 1.05070099f;
    switch (a) {
    case C1D_ACTIVATION_LINEAR: return 0;
    case C1D_ACTIVATION_RELU: ops[0] = (eltwise){dnnl_eltwise_relu, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_LEAKY_RELU: ops[0] = (eltwise){dnnl_eltwise_relu, 0.2f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_RELU6: ops[0] = (eltwise){dnnl_eltwise_clip, 0.0f, 6.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_HARD_TANH: ops[0] = (eltwise){dnnl_eltwise_clip, -1.0f, 1.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_ELU:
    case C1D_ACTIVATION_CELU: /* celu with Keras's alpha = 1 is elu */
        ops[0] = (eltwise){dnnl_eltwise_elu, 1.0f, 0.0f, 1.0f};
        return 1;
    case C1D_ACTIVATION_SELU: ops[0] = (eltwise){dnnl_eltwise_elu, selu_alpha, 0.0f, selu_scale}; return 1;
    case C1D_ACTIVATION_SIGMOID: ops[0] = (eltwise){dnnl_eltwise_logistic, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_HARD_SIGMOID: /* clip(x / 6 + 0.5, 0, 1) */
        ops[0] = (eltwise){dnnl_eltwise_linear, 1.0f / 6.0f, 0.5f, 1.0f};
        ops[1] = (eltwise){dnnl_eltwise_clip, 0.0f, 1.0f, 1.0f};
        return 2;
    case C1D_ACTIVATION_SPARSE_SIGMOID: /* clip((x + 1) / 2, 0, 1) */
        ops[0] = (eltwise){dnnl_eltwise_linear, 0.5f, 0.5f, 1.0f};
        ops[1] = (eltwise){dnnl_eltwise_clip, 0.0f, 1.0f, 1.0f};
        return 2;
    case C1D_ACTIVATION_LOG_SIGMOID: ops[0] = (eltwise){dnnl_eltwise_logsigmoid, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_SILU: ops[0] = (eltwise){dnnl_eltwise_swish, 1.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_HARD_SILU: ops[0] = (eltwise){dnnl_eltwise_hardswish, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_GELU: ops[0] = (eltwise){dnnl_eltwise_gelu_erf, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_TANH: ops[0] = (eltwise){dnnl_eltwise_tanh, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_SOFTPLUS: ops[0] = (eltwise){dnnl_eltwise_soft_relu, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_EXPONENTIAL: ops[0] = (eltwise){dnnl_eltwise_exp, 0.0f, 0.0f, 1.0f}; return 1;
    case C1D_ACTIVATION_MISH: ops[0] = (eltwise){dnnl_eltwise_mish, 0.0f, 0.0f, 1.0f}; return 1;
    default: return -1;
    }
}

/* A ready oneDNN convolution: the primitive, the memories of its
 * arguments, and (blocked variants) the reorders between the Keras layout
 * and the layout oneDNN chose for input and output. */
typedef struct onednn_conv {
    dnnl_primitive_t prim, to_src, from_dst; /* reorders NULL for plain layouts */
    dnnl_memory_t user_src, user_dst;        /* the problem's input and the output buffer */
    dnnl_memory_t src, weights, bias, dst;   /* the convolution's own (src = user_src when plain) */
    char impl[64];
} onednn_conv;

static void conv_destroy(onednn_conv *c) {
    dnnl_primitive_t prims[3] = {c->prim, c->to_src, c->from_dst};
    for (int i = 0; i < 3; i++)
        if (prims[i]) dnnl_primitive_destroy(prims[i]);
    dnnl_memory_t mems[6] = {c->user_src, c->user_dst, c->src, c->weights, c->bias, c->dst};
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++)
            if (mems[j] == mems[i]) mems[i] = NULL; /* src/dst may be the user memories */
    for (int i = 0; i < 6; i++)
        if (mems[i]) dnnl_memory_destroy(mems[i]);
    memset(c, 0, sizeof *c);
}

static dnnl_status_t reorder_run(dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    return dnnl_primitive_execute(r, stream, 2, args);
}

/* One timed call: Keras-layout input to Keras-layout output. */
static int conv_execute(void *ctx) {
    onednn_conv *c = ctx;
    dnnl_exec_arg_t args[4] = {
        {DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, c->weights}, {DNNL_ARG_DST, c->dst}, {DNNL_ARG_BIAS, c->bias}};
    if (c->to_src && reorder_run(c->to_src, c->user_src, c->src) != dnnl_success) return -1;
    if (dnnl_primitive_execute(c->prim, stream, c->bias ? 4 : 3, args) != dnnl_success) return -1;
    if (c->from_dst && reorder_run(c->from_dst, c->dst, c->user_dst) != dnnl_success) return -1;
    return dnnl_stream_wait(stream) == dnnl_success ? 0 : -1;
}

/* A reorder primitive from one layout to another. */
static dnnl_status_t reorder_create(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                                    dnnl_primitive_t *r) {
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&rpd, from, engine, to, engine, NULL);
    if (st == dnnl_success) st = dnnl_primitive_create(r, rpd);
    if (rpd) dnnl_primitive_desc_destroy(rpd);
    return st;
}

/* Copies the user weights into the layout the primitive wants (once). */
static dnnl_status_t weights_prepare(const dnnl_memory_desc_t *user_md, float *user, const dnnl_memory_desc_t *want,
                                     dnnl_memory_t *out) {
    dnnl_memory_t from = NULL;
    dnnl_status_t st = dnnl_memory_create(&from, user_md, engine, user);
    if (st != dnnl_success || dnnl_memory_desc_equal(user_md, want)) {
        *out = from;
        return st;
    }
    dnnl_primitive_t reorder = NULL;
    st = dnnl_memory_create(out, want, engine, DNNL_MEMORY_ALLOCATE);
    if (st == dnnl_success) st = reorder_create(user_md, want, &reorder);
    if (st == dnnl_success) st = reorder_run(reorder, from, *out);
    if (st == dnnl_success) st = dnnl_stream_wait(stream);
    if (reorder) dnnl_primitive_destroy(reorder);
    dnnl_memory_destroy(from);
    return st;
}

/* The memory descriptors of one description of the problem. */
typedef struct conv_mds {
    int nd;                              /* 3 (1D) or 4 (2D, height 1) */
    dnnl_memory_desc_t src, dst, w_user, w_any, bias;
} conv_mds;

static dnnl_status_t mds_init(const bench_problem *p, bool two_d, conv_mds *m) {
    const c1d_config *cfg = &p->cfg;
    const bool cl = cfg->data_format == C1D_CHANNELS_LAST;
    const dnnl_dim_t N = (dnnl_dim_t)p->batch, C = (dnnl_dim_t)p->c_in, W = (dnnl_dim_t)p->steps;
    const dnnl_dim_t F = (dnnl_dim_t)cfg->filters, OW = (dnnl_dim_t)p->l_out, G = (dnnl_dim_t)cfg->groups;
    const dnnl_dim_t K = (dnnl_dim_t)cfg->kernel_size, CG = (dnnl_dim_t)p->c_in_g, FG = (dnnl_dim_t)p->f_g;
    m->nd = two_d ? 4 : 3;
    /* Activations (N, C, [1,] W) in nwc/ncw or nhwc/nchw; the Keras kernel
     * [K][CG][F] (F = G * FG) seen through strides as ([G,] O, I, [1,] K). */
    const dnnl_dims_t src1 = {N, C, W}, dst1 = {N, F, OW}, src2 = {N, C, 1, W}, dst2 = {N, F, 1, OW};
    const dnnl_format_tag_t tag = two_d ? (cl ? dnnl_nhwc : dnnl_nchw) : (cl ? dnnl_nwc : dnnl_ncw);
    dnnl_status_t st = dnnl_memory_desc_init_by_tag(&m->src, m->nd, two_d ? src2 : src1, dnnl_f32, tag);
    if (st == dnnl_success) st = dnnl_memory_desc_init_by_tag(&m->dst, m->nd, two_d ? dst2 : dst1, dnnl_f32, tag);
    dnnl_dims_t wd, ws;
    int wn = 0;
    if (G > 1) {
        wd[wn] = G, ws[wn++] = FG;
    }
    wd[wn] = FG, ws[wn++] = 1;
    wd[wn] = CG, ws[wn++] = F;
    if (two_d) wd[wn] = 1, ws[wn++] = K * CG * F;
    wd[wn] = K, ws[wn++] = CG * F;
    if (st == dnnl_success) st = dnnl_memory_desc_init_by_strides(&m->w_user, wn, wd, dnnl_f32, ws);
    if (st == dnnl_success) st = dnnl_memory_desc_init_by_tag(&m->w_any, wn, wd, dnnl_f32, dnnl_format_tag_any);
    const dnnl_dims_t b_dims = {F};
    if (st == dnnl_success) st = dnnl_memory_desc_init_by_tag(&m->bias, 1, b_dims, dnnl_f32, dnnl_a);
    return st;
}

/* Describes the problem to oneDNN, 1D or 2D with height 1, with input and
 * output in the Keras layout (plain) or in the layout oneDNN prefers
 * (blocked, with reorders), and `n_ops` post-ops; the output lands in dst.
 * A blocked request for which oneDNN keeps the plain layouts sets *same. */
static dnnl_status_t conv_create(const bench_problem *p, bool two_d, bool blocked, const eltwise *ops, int n_ops,
                                 float *dst, onednn_conv *c, bool *same) {
    const c1d_config *cfg = &p->cfg;
    const dnnl_dim_t S = (dnnl_dim_t)cfg->strides, D = (dnnl_dim_t)cfg->dilation_rate - 1; /* 0 = dense */
    const dnnl_dim_t PL = (dnnl_dim_t)p->pad_l, PR = (dnnl_dim_t)p->pad_r;
    const dnnl_dims_t strides2 = {1, S}, dilates2 = {0, D}, pl2 = {0, PL}, pr2 = {0, PR};
    const dnnl_dims_t strides1 = {S}, dilates1 = {D}, pl1 = {PL}, pr1 = {PR};
    conv_mds m;
    dnnl_memory_desc_t src_any, dst_any;
    dnnl_convolution_desc_t cd;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    memset(c, 0, sizeof *c);
    *same = false;

    dnnl_status_t st = mds_init(p, two_d, &m);
    if (st == dnnl_success && blocked)
        st = dnnl_memory_desc_init_by_tag(&src_any, m.nd, m.src.dims, dnnl_f32, dnnl_format_tag_any);
    if (st == dnnl_success && blocked)
        st = dnnl_memory_desc_init_by_tag(&dst_any, m.nd, m.dst.dims, dnnl_f32, dnnl_format_tag_any);
    if (st == dnnl_success)
        st = dnnl_dilated_convolution_forward_desc_init(
            &cd, dnnl_forward_inference, dnnl_convolution_direct, blocked ? &src_any : &m.src, &m.w_any,
            cfg->use_bias ? &m.bias : NULL, blocked ? &dst_any : &m.dst, two_d ? strides2 : strides1,
            two_d ? dilates2 : dilates1, two_d ? pl2 : pl1, two_d ? pr2 : pr1);
    if (st == dnnl_success) st = dnnl_primitive_attr_create(&attr);
    if (st == dnnl_success && n_ops > 0) {
        dnnl_post_ops_t po = NULL;
        st = dnnl_post_ops_create(&po);
        for (int i = 0; st == dnnl_success && i < n_ops; i++)
            st = dnnl_post_ops_append_eltwise(po, ops[i].scale, ops[i].alg, ops[i].alpha, ops[i].beta);
        if (st == dnnl_success) st = dnnl_primitive_attr_set_post_ops(attr, po);
        if (po) dnnl_post_ops_destroy(po);
    }
    if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &cd, attr, engine, NULL);
    const dnnl_memory_desc_t *src_md = &m.src, *dst_md = &m.dst;
    if (st == dnnl_success) {
        const char *impl = "?";
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
        snprintf(c->impl, sizeof c->impl, "%s", impl);
        src_md = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
        dst_md = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
        *same = blocked && dnnl_memory_desc_equal(src_md, &m.src) && dnnl_memory_desc_equal(dst_md, &m.dst);
        st = weights_prepare(&m.w_user, p->w, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0),
                             &c->weights);
    }
    if (st == dnnl_success) st = dnnl_memory_create(&c->user_src, &m.src, engine, p->x);
    if (st == dnnl_success) st = dnnl_memory_create(&c->user_dst, &m.dst, engine, dst);
    c->src = c->user_src;
    c->dst = c->user_dst;
    if (st == dnnl_success && !dnnl_memory_desc_equal(src_md, &m.src)) {
        st = dnnl_memory_create(&c->src, src_md, engine, DNNL_MEMORY_ALLOCATE);
        if (st == dnnl_success) st = reorder_create(&m.src, src_md, &c->to_src);
    }
    if (st == dnnl_success && !dnnl_memory_desc_equal(dst_md, &m.dst)) {
        st = dnnl_memory_create(&c->dst, dst_md, engine, DNNL_MEMORY_ALLOCATE);
        if (st == dnnl_success) st = reorder_create(dst_md, &m.dst, &c->from_dst);
    }
    if (st == dnnl_success && cfg->use_bias) st = dnnl_memory_create(&c->bias, &m.bias, engine, p->b);
    if (st == dnnl_success) st = dnnl_primitive_create(&c->prim, pd);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success) conv_destroy(c);
    return st;
}

/* The descriptions tried, in order. */
#define VARIANTS 4
static const struct variant {
    bool two_d, blocked;
    const char *layout; /* the description, as reported */
} variants[VARIANTS] = {
    {false, false, "1d"},
    {false, true, "1d blocked"},
    {true, false, "2d-h1"},
    {true, true, "2d-h1 blocked"},
};

/* One variant: create, run once, check, time. ok false with a reason in
 * `why` when oneDNN cannot run it (or, blocked, keeps the plain layout). */
typedef struct variant_run {
    bool ok;
    char why[64];
    char impl[64];
    double max_error;
    bench_timing t;
} variant_run;

static int run_variant(const bench_problem *p, const bench_reference *ref, const struct variant *v,
                       const eltwise *ops, int n_ops, c1d_activation checked_as, float *dst, size_t repeat,
                       double min_time, variant_run *out) {
    onednn_conv c;
    bool same;
    memset(out, 0, sizeof *out);
    dnnl_status_t st = conv_create(p, v->two_d, v->blocked, ops, n_ops, dst, &c, &same);
    if (st != dnnl_success) {
        snprintf(out->why, sizeof out->why, "%s", st == dnnl_unimplemented ? "unimplemented" : dnnl_status2str(st));
        return 0;
    }
    if (same) {
        snprintf(out->why, sizeof out->why, "keeps the plain layout");
        conv_destroy(&c);
        return 0;
    }
    snprintf(out->impl, sizeof out->impl, "%s", c.impl);
    int rc = conv_execute(&c);
    if (rc == 0) {
        out->max_error = bench_check_elementwise(ref, p, checked_as, dst);
        rc = bench_time_calls(conv_execute, &c, repeat, min_time, true, &out->t);
    }
    conv_destroy(&c);
    out->ok = rc == 0;
    return rc;
}

int bench_peers_run(const bench_problem *p, const bench_reference *ref, size_t repeat, double min_time,
                    bench_peer *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    eltwise ops[2];
    const c1d_activation act = p->cfg.activation;
    const int n_ops = activation_ops(act, ops);
    const bool fused = n_ops >= 0;
    /* Unfused: oneDNN computes the linear convolution and is checked as such. */
    const c1d_activation checked_as = fused ? act : C1D_ACTIVATION_LINEAR;
    float *dst = malloc((p->lin_floats ? p->lin_floats : 1) * sizeof *dst);
    if (!dst) return fail(err, err_len, "%s: out of memory for oneDNN's output", p->shape->name);
    variant_run runs[VARIANTS];
    int rc = 0, best = -1;
    for (int i = 0; rc == 0 && i < VARIANTS; i++) {
        rc = run_variant(p, ref, &variants[i], ops, fused ? n_ops : 0, checked_as, dst, repeat, min_time, &runs[i]);
        if (rc == 0 && runs[i].ok) {
            if (best < 0 || runs[i].t.median_s < runs[best].t.median_s) best = i;
            if (runs[i].max_error > out->max_error) out->max_error = runs[i].max_error;
        }
    }
    free(dst);
    if (rc) return fail(err, err_len, "%s: oneDNN failed while running", p->shape->name);
    if (best < 0) {
        snprintf(out->note, sizeof out->note, "oneDNN cannot run this shape (1d: %s; 2d-h1: %s)", runs[0].why,
                 runs[2].why);
        return 0;
    }
    const variant_run *b = &runs[best];
    out->measured = true;
    out->ms = b->t.median_s * 1e3;
    out->min_ms = b->t.min_s * 1e3;
    out->max_ms = b->t.max_s * 1e3;
    snprintf(out->layout, sizeof out->layout, "%s", variants[best].layout);
    /* desc: every variant, fastest first. */
    size_t len = 0;
    len += (size_t)snprintf(out->desc, sizeof out->desc, "%s %s %.4g ms%s", variants[best].layout, b->impl,
                            out->ms, variants[best].blocked ? " (incl. input/output reorders)" : "");
    for (int i = 0; i < VARIANTS && len < sizeof out->desc; i++) {
        if (i == best) continue;
        if (runs[i].ok)
            len += (size_t)snprintf(out->desc + len, sizeof out->desc - len, "; %s %s %.4g ms", variants[i].layout,
                                    runs[i].impl, runs[i].t.median_s * 1e3);
        else
            len += (size_t)snprintf(out->desc + len, sizeof out->desc - len, "; %s %s", variants[i].layout,
                                    runs[i].why);
    }
    if (n_ops > 0 && len < sizeof out->desc)
        snprintf(out->desc + len, sizeof out->desc - len, "; %s fused as %d eltwise post-op%s",
                 c1d_activation_name(act), n_ops, n_ops > 1 ? "s" : "");
    if (!fused)
        snprintf(out->note, sizeof out->note,
                 "no fused activation: oneDNN has no %s post-op, so it is timed without it", c1d_activation_name(act));
    return 0;
}
