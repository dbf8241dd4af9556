/* constraints.c: Keras's weight constraints (spec section 10), applied in
 * place to the kernel and the bias as Keras's optimizer applies them after
 * each update.
 *
 * Norms are sqrt(sum w^2) over `axis` with keepdims (the other axes index
 * the groups that are scaled together), epsilon = 1e-7:
 *   MaxNorm     w * clip(norm, 0, max_value) / (eps + norm)
 *   MinMaxNorm  w * (rate * clip(norm, min, max) + (1 - rate) * norm) / (eps + norm)
 *   UnitNorm    w / (eps + norm)
 *   NonNeg      max(w, 0)
 *   Constraint  w
 * `clip` is numpy's, min(max(x, lo), hi). Norms and factors are computed
 * in double, each value rounded to float32 once. */
#include <math.h>
#include <string.h>

#include "layer.h"

/* keras.config.epsilon() */
#define EPSILON 1e-7

/* Which axes of `shape` a constraint reduces over: `axis` None means all
 * of them, an int one, a list those listed (an empty list none). */
static c1d_status reduced_axes(const c1d_keras_object *con, const c1d_shape *shape, const char *path,
                               bool reduce[C1D_SHAPE_MAX_RANK]) {
    const c1d_keras_arg *arg = c1d_keras_object_arg(con, "axis");
    const c1d_keras_axes *axes = &arg->axes;
    memset(reduce, 0, C1D_SHAPE_MAX_RANK * sizeof(bool));
    if (axes->kind == C1D_AXES_NONE) {
        for (size_t i = 0; i < shape->rank; i++) reduce[i] = true;
        return C1D_OK;
    }
    const size_t count = axes->kind == C1D_AXES_INT ? 1 : axes->count;
    const long long rank = (long long)shape->rank;
    char dims[96];
    c1d_shape_format(shape, dims, sizeof dims);
    for (size_t i = 0; i < count; i++) {
        const long long given = (long long)axes->v[i];
        if (given < -rank || given >= rank)
            return c1d_fail(C1D_INVALID_ARG,
                            "%s.config.axis: axis %lld is out of bounds for array of dimension %lld (the weight has "
                            "shape %s)",
                            path, given, rank, dims);
        const size_t a = (size_t)(given < 0 ? given + rank : given);
        if (reduce[a])
            return c1d_fail(C1D_INVALID_ARG, "%s.config.axis: duplicate value in 'axis' (%lld)", path, given);
        reduce[a] = true;
    }
    return C1D_OK;
}

/* The norm group of flat element e: its index with the reduced axes dropped. */
static size_t group_of(size_t e, const c1d_shape *shape, const bool reduce[C1D_SHAPE_MAX_RANK]) {
    size_t group = 0, scale = 1;
    for (size_t dd = shape->rank; dd > 0; dd--) { /* last axis first; d = dd - 1 never wraps */
        const size_t d = dd - 1;
        const size_t i = e % shape->dim[d];
        e /= shape->dim[d];
        if (!reduce[d]) {
            group += i * scale;
            scale *= shape->dim[d];
        }
    }
    return group;
}

/* A constraint ready to apply: checked against the weight's shape, with
 * the memory its norms need. */
typedef struct prepared {
    const c1d_keras_object *con; /* NULL: nothing to do */
    c1d_weight_ref ref;
    bool reduce[C1D_SHAPE_MAX_RANK];
    size_t groups;
    double *norms; /* [groups] */
} prepared;

static c1d_status prepare(const c1d_keras_object *con, const c1d_weight_ref *ref, const char *path, prepared *p) {
    memset(p, 0, sizeof *p);
    const char *cls = c1d_keras_object_class(con);
    if (!cls || !ref->trainable || strcmp(cls, "Constraint") == 0) return C1D_OK;
    p->con = con;
    p->ref = *ref;
    if (strcmp(cls, "NonNeg") == 0) return C1D_OK;
    c1d_status st = reduced_axes(con, &ref->shape, path, p->reduce);
    if (st) return st;
    p->groups = 1;
    for (size_t d = 0; d < ref->shape.rank; d++)
        if (!p->reduce[d]) p->groups *= ref->shape.dim[d];
    p->norms = c1d_alloc(p->groups * sizeof(double));
    if (!p->norms) return c1d_fail(C1D_NOMEM, "%s: out of memory for %zu norms", path, p->groups);
    return C1D_OK;
}

static double number_arg(const c1d_keras_object *con, const char *key) {
    return c1d_keras_object_arg(con, key)->num.d;
}

static double clip(double x, double lo, double hi) { return fmin(fmax(x, lo), hi); }

static void apply(prepared *p) {
    if (!p->con) return;
    float *w = p->ref.data;
    size_t n;
    c1d_shape_size(&p->ref.shape, &n);
    const char *cls = c1d_keras_object_class(p->con);
    if (strcmp(cls, "NonNeg") == 0) {
        for (size_t i = 0; i < n; i++) w[i] = w[i] < 0.0f ? 0.0f : w[i]; /* a NaN stays NaN, as np.maximum */
        return;
    }
    memset(p->norms, 0, p->groups * sizeof(double));
    for (size_t i = 0; i < n; i++) p->norms[group_of(i, &p->ref.shape, p->reduce)] += (double)w[i] * (double)w[i];
    for (size_t g = 0; g < p->groups; g++) {
        const double norm = sqrt(p->norms[g]);
        double desired;
        if (strcmp(cls, "MaxNorm") == 0) {
            desired = clip(norm, 0.0, number_arg(p->con, "max_value"));
        } else if (strcmp(cls, "MinMaxNorm") == 0) {
            const double rate = number_arg(p->con, "rate");
            desired = rate * clip(norm, number_arg(p->con, "min_value"), number_arg(p->con, "max_value")) +
                      (1.0 - rate) * norm;
        } else { /* UnitNorm */
            desired = 1.0;
        }
        p->norms[g] = desired / (EPSILON + norm); /* now the factor */
    }
    for (size_t i = 0; i < n; i++) w[i] = (float)((double)w[i] * p->norms[group_of(i, &p->ref.shape, p->reduce)]);
}

c1d_status c1d_conv_apply_constraints(c1d_conv *conv) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!conv->keras) return C1D_OK; /* a layer from c1d_conv_create has no constraint */
    c1d_weight_ref refs[C1D_MAX_WEIGHTS];
    size_t n;
    c1d_layer_weights(conv, refs, &n);
    /* Both are checked before either changes. */
    prepared kernel = {0}, bias = {0};
    c1d_status st = C1D_OK;
    if (conv->kernel_set)
        st = prepare(c1d_keras_config_object(conv->keras, C1D_SLOT_KERNEL_CONSTRAINT), &refs[0], "kernel_constraint",
                     &kernel);
    if (!st && conv->b)
        st = prepare(c1d_keras_config_object(conv->keras, C1D_SLOT_BIAS_CONSTRAINT), &refs[1], "bias_constraint",
                     &bias);
    if (!st) {
        apply(&kernel);
        apply(&bias);
        /* A kernel constraint excludes LoRA, but keep the merge right whatever changed;
         * and the direct path's packed copy of the kernel. */
        if (kernel.con && conv->lora_rank)
            c1d_lora_merge(conv); /* refreshes what derives from w too */
        else if (kernel.con)
            c1d_kernel_changed(conv);
    }
    c1d_free(kernel.norms);
    c1d_free(bias.norms);
    return st;
}
