/* forward.c: the per-call plan and the tile loop
 *   im2col (one group of one tile) -> cblas_sgemm per group -> fused epilogue
 * (bias + activation on the tile while it is still in cache).
 *
 * Tiles are runs of output steps of one item. On the GEMM paths their
 * boundaries depend only on the layer and l_out: the batch is deliberately
 * not folded into the GEMM's rows, because OpenBLAS's sgemm results depend
 * on M (its small-matrix kernels sum in another order), and c1d guarantees
 * that a batch gives the same bits as its items run one by one. The direct
 * and depthwise paths give every output the same bits in any tile, so with
 * several threads their tiles also follow the batch and the thread count
 * (see c1d_plan_make).
 * channels_last: the Keras kernel [kw][c_in_g][f] is used as is: group g's B
 * operand starts at w + g*f_g with ldb = filters, and C is the output itself
 * (ldc = filters).
 * channels_first: the GEMM
 * computes y_g (f_g x tile) = w_g^T (f_g x kwc) * col (kwc x tile), reading
 * the same kernel transposed, and writes straight into the output rows.
 */
#include "blas.h"
#include <pthread.h>
#include <string.h>

#include "internal.h"

static size_t round_up16(size_t v) { return (v + 15) / 16 * 16; }
static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

c1d_status c1d_plan_make(const c1d_conv *conv, size_t batch, size_t steps, c1d_plan *p) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    const c1d_config *cfg = &conv->cfg;
    const size_t f = cfg->filters;
    memset(p, 0, sizeof *p);
    c1d_status st = c1d_output_length(cfg, conv->k_eff, steps, &p->l_out, &p->pad_l);
    if (st) return st;
    p->batch = batch;
    p->l_in = steps;
    p->out_steps = p->l_out;
    p->out_f = f;
    const bool glu = cfg->activation == C1D_ACTIVATION_GLU;
    const bool cl = cfg->data_format == C1D_CHANNELS_LAST;
    if (glu && cl) p->out_f = f / 2;
    if (glu && !cl) {
        if (p->l_out % 2)
            return c1d_fail(C1D_INVALID_ARG,
                            "activation: glu splits the last axis (steps under channels_first) in halves, so "
                            "it must be even; got %zu output steps for steps=%zu",
                            p->l_out, steps);
        p->out_steps = p->l_out / 2;
    }
    size_t in_bytes, out_bytes;
    if (!c1d_mul(batch, steps, &p->in_floats) || !c1d_mul(p->in_floats, conv->c_in, &p->in_floats) ||
        !c1d_mul(p->in_floats, sizeof(float), &in_bytes))
        return c1d_fail(C1D_TOO_LARGE, "input: batch * steps * channels (%zu * %zu * %zu) overflows", batch,
                        steps, conv->c_in);
    if (!c1d_mul(batch, p->out_steps, &p->out_floats) || !c1d_mul(p->out_floats, p->out_f, &p->out_floats) ||
        !c1d_mul(p->out_floats, sizeof(float), &out_bytes))
        return c1d_fail(C1D_TOO_LARGE, "output: batch * steps_out * filters (%zu * %zu * %zu) overflows",
                        batch, p->out_steps, p->out_f);
    if (!cl && !c1d_fits_int(p->l_out))
        return c1d_fail(C1D_TOO_LARGE, "steps: %zu output steps do not fit the BLAS int (channels_first)",
                        p->l_out);
    if (p->out_floats == 0) return C1D_OK; /* nothing to compute, no workspace */

    /* Tile: as many rows as keep one row-block of col or of the output within
     * C1D_TILE_BYTES, at least one. */
    const size_t wide = conv->kwc > f ? conv->kwc : f;
    const size_t axis = cl ? p->l_out : p->out_steps; /* the steps tiles cut */
    size_t per_tile = C1D_TILE_BYTES / (sizeof(float) * wide);
    if (per_tile == 0) per_tile = 1;
    p->tile = min_size(per_tile, axis);
    const bool whole_items = !cl && c1d_activation_is_axiswise(cfg->activation);
    if ((conv->path == C1D_PATH_DEPTHWISE || conv->path == C1D_PATH_DIRECT) && conv->threads > 1 && !whole_items) {
        /* On these paths a tile is only a unit of work: every output is
         * summed the same way whatever tile holds it (kernels.h), so the
         * tile may depend on the thread count and the batch without
         * changing a bit. With few items, cut each item so that every
         * thread gets about C1D_UNITS_PER_THREAD units (measured, w2v2-fe1
         * at 2 threads: 5 tiles split 3 + 2 -> 20.2 instead of 23.7 ms);
         * never larger than the tile above. */
        const size_t want = C1D_UNITS_PER_THREAD * conv->threads;
        const size_t per_item = (want + batch - 1) / batch;
        const size_t rows = (axis + per_item - 1) / per_item;
        p->tile = min_size(p->tile, rows > C1D_MIN_TILE_ROWS ? rows : C1D_MIN_TILE_ROWS);
    }
    p->col_floats = conv->path == C1D_PATH_DEPTHWISE || conv->path == C1D_PATH_DIRECT ? 0 : p->tile * conv->kwc;
    if (glu) p->pre_floats = cl ? p->tile * f : 2 * f * p->tile;
    if (cfg->activation == C1D_ACTIVATION_SPARSEMAX) p->scratch_floats = cl ? f : p->l_out;
    p->thread_floats = round_up16(p->col_floats) + round_up16(p->pre_floats) + round_up16(p->scratch_floats);

    /* Work units: one tile of one item, or a whole item when the activation
     * needs the whole time axis (channels_first softmax-like and glu). */
    p->whole_items = whole_items;
    p->tiles_per_item = p->whole_items ? 1 : (p->out_steps + p->tile - 1) / p->tile;
    p->units = batch * p->tiles_per_item; /* <= out_floats: no overflow */
    /* Threads: as many as asked, but each must get at least one unit and
     * C1D_MIN_FLOP_PER_THREAD of work, or waking it costs more than it saves. */
    double flop = 2.0 * (double)batch * (double)p->l_out * (double)f * (double)conv->kwc;
    size_t by_work = (size_t)(flop / C1D_MIN_FLOP_PER_THREAD);
    p->threads = min_size(min_size(conv->threads, p->units), by_work > 1 ? by_work : 1);

    size_t floats;
    if (!c1d_mul(p->thread_floats, p->threads, &floats) || !c1d_mul(floats, sizeof(float), &p->workspace_bytes) ||
        !c1d_add(p->workspace_bytes, C1D_ALIGN, &p->workspace_bytes) ||
        p->workspace_bytes > C1D_MAX_ALLOC_BYTES)
        return c1d_fail(C1D_TOO_LARGE, "workspace: the call needs more than the %zu-byte cap",
                        C1D_MAX_ALLOC_BYTES);
    return C1D_OK;
}

/* Buffers carved from the workspace; see c1d_plan. */
typedef struct tile_buffers {
    float *col;     /* channels_last [tile][kwc]; channels_first [kwc][tile] */
    float *pre;     /* glu only: channels_last [tile][f]; channels_first 2 x [f][tile] */
    float *scratch; /* sparsemax only: one whole last axis */
} tile_buffers;

/* dst[rows][f_g] (columns of group g, ldc = filters) = a[rows][kwc] (lda) * w_g[kwc][f_g]
 * (ldb = filters): m = rows, n = f_g, k = kwc. */
static void gemm_nwc(const c1d_conv *conv, size_t g, const float *a, size_t lda, size_t rows, float *dst) {
    const int f = c1d_to_int(conv->cfg.filters);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c1d_to_int(rows), c1d_to_int(conv->f_g),
                c1d_to_int(conv->kwc), 1.0f, a, c1d_to_int(lda), conv->w + g * conv->f_g, f, 0.0f,
                dst + g * conv->f_g, f);
}

/* Output steps [t0, t0 + rows) of group g through im2col: col [rows][kwc], ld = kwc. */
static void im2col_gemm_nwc(const c1d_conv *conv, const c1d_plan *p, const float *xn, size_t g, size_t t0,
                            size_t rows, float *col, float *dst) {
    const c1d_config *cfg = &conv->cfg;
    conv->kernels->im2col_nwc(xn + g * conv->c_in_g, p->l_in, conv->c_in, conv->c_in_g, cfg->kernel_size,
                              cfg->strides, cfg->dilation_rate, p->pad_l, t0, rows, col);
    gemm_nwc(conv, g, col, conv->kwc, rows, dst);
}

/* Pre-activation (no bias) of output steps [t0, t0 + rows) of one item into
 * dst [rows][filters]. */
static void tile_nwc(const c1d_conv *conv, const c1d_plan *p, const float *xn, size_t t0, size_t rows,
                     float *col, float *dst) {
    const c1d_config *cfg = &conv->cfg;
    const size_t f = cfg->filters, s = cfg->strides, t_end = t0 + rows;
    if (conv->path == C1D_PATH_DEPTHWISE) { /* c_in_g = 1: channels c = groups, m = f_g */
        conv->kernels->dwconv_nwc(xn, p->l_in, cfg->groups, conv->f_g, conv->w, cfg->kernel_size, s,
                                  cfg->dilation_rate, p->pad_l, t0, rows, dst);
        if (conv->w_nonfinite) c1d_dwconv_padding_nwc(conv, p->l_in, p->pad_l, t0, rows, dst);
        return;
    }
    if (conv->path == C1D_PATH_DIRECT) { /* wp: [groups][nb][kw][c_in_g][NR], nb = ceil(f_g / NR) */
        const size_t per_group = (conv->f_g + C1D_DIRECT_NR - 1) / C1D_DIRECT_NR * C1D_DIRECT_NR * conv->kwc;
        for (size_t g = 0; g < cfg->groups; g++)
            conv->kernels->direct_nwc(xn + g * conv->c_in_g, p->l_in, conv->c_in, conv->c_in_g,
                                      conv->wp + g * per_group, conv->f_g, cfg->kernel_size, s, cfg->dilation_rate,
                                      p->pad_l, t0, rows, dst + g * conv->f_g, f);
        return;
    }
    /* GEMM view: steps [in_lo, in_hi) read only inside the input, and there
     * the im2col row of step t is already in x, kwc floats from
     * x[t*s - pad_l][g*c_in_g], consecutive steps s*c_in >= kwc apart. */
    size_t in_lo = t_end, in_hi = t_end;
    if (conv->path == C1D_PATH_GEMM_VIEW) {
        in_lo = (p->pad_l + s - 1) / s;
        in_hi = p->l_in + p->pad_l >= conv->k_eff ? (p->l_in + p->pad_l - conv->k_eff) / s + 1 : 0;
        in_lo = in_lo < t0 ? t0 : (in_lo > t_end ? t_end : in_lo);
        in_hi = in_hi > t_end ? t_end : (in_hi < in_lo ? in_lo : in_hi);
    }
    for (size_t g = 0; g < cfg->groups; g++) {
        if (in_lo > t0) im2col_gemm_nwc(conv, p, xn, g, t0, in_lo - t0, col, dst);
        if (in_hi > in_lo)
            gemm_nwc(conv, g, xn + (in_lo * s - p->pad_l) * conv->c_in + g * conv->c_in_g, s * conv->c_in,
                     in_hi - in_lo, dst + (in_lo - t0) * f);
        if (t_end > in_hi) im2col_gemm_nwc(conv, p, xn, g, in_hi, t_end - in_hi, col, dst + (in_hi - t0) * f);
    }
}

/* channels_last: tile `tile` of item n, then its epilogue. */
static void unit_nwc(const c1d_conv *conv, const c1d_plan *p, const float *x, float *y, const tile_buffers *buf,
                     size_t n, size_t tile) {
    const c1d_kernels *kern = conv->kernels;
    const size_t f = conv->cfg.filters;
    const bool glu = conv->cfg.activation == C1D_ACTIVATION_GLU;
    const float *xn = x + n * p->l_in * conv->c_in; /* [l_in][c_in] */
    float *yn = y + n * p->l_out * p->out_f;        /* [l_out][out_f] */
    const size_t t0 = tile * p->tile, rows = min_size(p->tile, p->l_out - t0);
    float *dst = glu ? buf->pre : yn + t0 * f; /* [rows][f] */
    tile_nwc(conv, p, xn, t0, rows, buf->col, dst);
    const c1d_activation_fn act = kern->activation[conv->cfg.activation];
    for (size_t i = 0; i < rows; i++) {
        float *row = dst + i * f;
        if (conv->b) kern->add_vector(row, conv->b, f);
        if (glu)
            kern->glu(row, row + f / 2, yn + (t0 + i) * (f / 2), f / 2);
        else
            act(row, f, buf->scratch);
    }
}


/* Pre-activation (no bias) of output steps [t0, t0 + cols) of one item into
 * dst [filters][ldd]. */
static void tile_ncw(const c1d_conv *conv, const c1d_plan *p, const float *xn, size_t t0, size_t cols,
                     float *col, float *dst, size_t ldd) {
    const c1d_config *cfg = &conv->cfg;
    if (conv->path == C1D_PATH_DEPTHWISE) {
        conv->kernels->dwconv_ncw(xn, p->l_in, cfg->groups, conv->f_g, conv->w, cfg->kernel_size, cfg->strides,
                                  cfg->dilation_rate, p->pad_l, t0, cols, dst, ldd);
        if (conv->w_nonfinite) c1d_dwconv_padding_ncw(conv, p->l_in, p->pad_l, t0, cols, dst, ldd);
        return;
    }
    for (size_t g = 0; g < cfg->groups; g++) {
        const float *xg = xn + g * conv->c_in_g * p->l_in; /* [c_in_g][l_in] */
        const float *b = xg + t0;                         /* GEMM view (kernel_size 1, stride 1): ld = l_in */
        size_t ldb = p->l_in;
        if (conv->path != C1D_PATH_GEMM_VIEW) {
            /* col: [kwc][cols], ld = cols */
            conv->kernels->im2col_ncw(xg, p->l_in, conv->c_in_g, cfg->kernel_size, cfg->strides,
                                      cfg->dilation_rate, p->pad_l, t0, cols, col);
            b = col;
            ldb = cols;
        }
        /* y_g[f_g][cols] (ldc = ldd) = w_g^T[f_g][kwc] (w read with lda = f) * b[kwc][cols] (ldb):
         * m = f_g, n = cols, k = kwc. */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c1d_to_int(conv->f_g), c1d_to_int(cols),
                    c1d_to_int(conv->kwc), 1.0f, conv->w + g * conv->f_g, c1d_to_int(cfg->filters), b,
                    c1d_to_int(ldb), 0.0f, dst + g * conv->f_g * ldd, c1d_to_int(ldd));
    }
}

static void add_bias_rows(const c1d_conv *conv, float *dst, size_t ldd, size_t cols) {
    if (!conv->b) return;
    for (size_t f = 0; f < conv->cfg.filters; f++) conv->kernels->add_scalar(dst + f * ldd, conv->b[f], cols);
}

/* channels_first glu, one whole item: output step t gates pre-activation t
 * with pre-activation t + half, both computed tile by tile. */
static void item_ncw_glu(const c1d_conv *conv, const c1d_plan *p, const float *xn, float *yn,
                         const tile_buffers *buf) {
    const size_t f = conv->cfg.filters, half = p->out_steps;
    float *lo = buf->pre, *hi = buf->pre + f * p->tile; /* [f][tile] each */
    for (size_t t0 = 0; t0 < half; t0 += p->tile) {
        const size_t cols = min_size(p->tile, half - t0);
        tile_ncw(conv, p, xn, t0, cols, buf->col, lo, cols);
        tile_ncw(conv, p, xn, half + t0, cols, buf->col, hi, cols);
        add_bias_rows(conv, lo, cols, cols);
        add_bias_rows(conv, hi, cols, cols);
        for (size_t i = 0; i < f; i++) conv->kernels->glu(lo + i * cols, hi + i * cols, yn + i * half + t0, cols);
    }
}

/* channels_first: tile `tile` of item n (or the whole item, see c1d_plan). */
static void unit_ncw(const c1d_conv *conv, const c1d_plan *p, const float *x, float *y, const tile_buffers *buf,
                     size_t n, size_t tile) {
    const size_t f = conv->cfg.filters;
    const c1d_activation a = conv->cfg.activation;
    const float *xn = x + n * conv->c_in * p->l_in; /* [c_in][l_in] */
    float *yn = y + n * f * p->out_steps;           /* [f][out_steps] */
    if (a == C1D_ACTIVATION_GLU) {
        item_ncw_glu(conv, p, xn, yn, buf);
        return;
    }
    const c1d_activation_fn act = conv->kernels->activation[a];
    const size_t t_begin = p->whole_items ? 0 : tile * p->tile;
    const size_t t_end = p->whole_items ? p->l_out : min_size(t_begin + p->tile, p->l_out);
    for (size_t t0 = t_begin; t0 < t_end; t0 += p->tile) {
        const size_t cols = min_size(p->tile, t_end - t0);
        float *dst = yn + t0; /* [f][cols], ld = l_out */
        tile_ncw(conv, p, xn, t0, cols, buf->col, dst, p->l_out);
        add_bias_rows(conv, dst, p->l_out, cols);
        if (!p->whole_items)
            for (size_t i = 0; i < f; i++) act(dst + i * p->l_out, cols, buf->scratch);
    }
    /* softmax-like activations need the whole time axis of each filter. */
    if (p->whole_items)
        for (size_t i = 0; i < f; i++) act(yn + i * p->l_out, p->l_out, buf->scratch);
}

/* One thread's share of a call: work units [begin, end) with its own buffers. */
typedef struct worker {
    const c1d_conv *conv;
    const c1d_plan *plan;
    const float *x;
    float *y;
    tile_buffers buf;
    size_t begin, end;
} worker;

static void *run_worker(void *arg) {
    const worker *w = arg;
    const bool cl = w->conv->cfg.data_format == C1D_CHANNELS_LAST;
    for (size_t u = w->begin; u < w->end; u++) {
        const size_t n = u / w->plan->tiles_per_item, tile = u % w->plan->tiles_per_item;
        if (cl)
            unit_nwc(w->conv, w->plan, w->x, w->y, &w->buf, n, tile);
        else
            unit_ncw(w->conv, w->plan, w->x, w->y, &w->buf, n, tile);
    }
    return NULL;
}

/* Splits the units in contiguous chunks over p->threads threads (the caller
 * runs chunk 0). Every unit is computed the same way whoever runs it, so
 * results do not depend on the thread count. If a thread cannot be started,
 * the caller runs its chunk too: slower, never wrong. */
static void run_threads(const c1d_conv *conv, const c1d_plan *p, const float *x, float *y, float *base) {
    worker workers[C1D_MAX_THREADS];
    pthread_t ids[C1D_MAX_THREADS];
    bool started[C1D_MAX_THREADS] = {false};
    const size_t t = p->threads;
    for (size_t i = 0; i < t; i++) {
        float *mine = base + i * p->thread_floats;
        workers[i] = (worker){conv, p, x, y, {mine, NULL, NULL}, p->units * i / t, p->units * (i + 1) / t};
        workers[i].buf.pre = mine + round_up16(p->col_floats);
        workers[i].buf.scratch = workers[i].buf.pre + round_up16(p->pre_floats);
    }
    for (size_t i = 1; i < t; i++) started[i] = pthread_create(&ids[i], NULL, run_worker, &workers[i]) == 0;
    run_worker(&workers[0]);
    for (size_t i = 1; i < t; i++) {
        if (started[i])
            pthread_join(ids[i], NULL);
        else
            run_worker(&workers[i]);
    }
}

static bool overlaps(const void *a, size_t a_bytes, const void *b, size_t b_bytes) {
    uintptr_t a0 = (uintptr_t)a, b0 = (uintptr_t)b;
    return a0 < b0 + b_bytes && b0 < a0 + a_bytes;
}

c1d_status c1d_conv_forward(const c1d_conv *conv, size_t batch, size_t steps, const float *input, float *output,
                            void *workspace, size_t workspace_bytes) {
    c1d_plan p;
    c1d_status st = c1d_plan_make(conv, batch, steps, &p);
    if (st) return st;
    if (!conv->kernel_set)
        return c1d_fail(C1D_NOT_READY, "kernel: not set; call c1d_conv_set_kernel before c1d_conv_forward");
    if (p.out_floats == 0) return C1D_OK;
    const size_t in_bytes = p.in_floats * sizeof(float), out_bytes = p.out_floats * sizeof(float);
    if (!input) return c1d_fail(C1D_INVALID_ARG, "input: expected %zu floats, got NULL", p.in_floats);
    if (!output) return c1d_fail(C1D_INVALID_ARG, "output: expected room for %zu floats, got NULL", p.out_floats);
    if ((uintptr_t)input % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "input: pointer %p is not aligned for float", (const void *)input);
    if ((uintptr_t)output % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "output: pointer %p is not aligned for float", (void *)output);
    if (overlaps(input, in_bytes, output, out_bytes))
        return c1d_fail(C1D_ALIAS, "output: overlaps input (output %p, %zu bytes; input %p, %zu bytes)",
                        (void *)output, out_bytes, (const void *)input, in_bytes);
    void *owned = NULL;
    if (workspace) {
        if (workspace_bytes < p.workspace_bytes)
            return c1d_fail(C1D_INVALID_ARG, "workspace_bytes: expected at least %zu, got %zu", p.workspace_bytes,
                            workspace_bytes);
        if (overlaps(workspace, p.workspace_bytes, input, in_bytes) ||
            overlaps(workspace, p.workspace_bytes, output, out_bytes))
            return c1d_fail(C1D_ALIAS, "workspace: overlaps the input or the output");
    } else {
        workspace = owned = c1d_alloc(p.workspace_bytes);
        if (!owned)
            return c1d_fail(C1D_NOMEM, "workspace: out of memory allocating %zu bytes", p.workspace_bytes);
    }
    float *base = (float *)(((uintptr_t)workspace + C1D_ALIGN - 1) & ~(uintptr_t)(C1D_ALIGN - 1));
    run_threads(conv, &p, input, output, base);
    c1d_free(owned);
    return C1D_OK;
}
