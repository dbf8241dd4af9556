/* regularizers.c: Keras's regularizers (spec section 9) and the losses a
 * layer adds: one per regularized trainable weight, and the activity loss
 * of a call divided by the batch size (Keras >= 3.14). Sums run in double
 * over the float32 values; Keras sums in float32, so its values may differ
 * in the last float32 digits. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "layer.h"

/* keras.config.epsilon(): ops.nn.normalize caps 1 / norm at 1 / epsilon. */
#define EPSILON 1e-7

static double factor_arg(const c1d_keras_object *reg, const char *key) {
    const c1d_keras_arg *a = c1d_keras_object_arg(reg, key);
    return a ? a->num.d : 0.0;
}

/* OrthogonalRegularizer: rows (or columns) L2-normalised as
 * keras.ops.normalize does (x * min(rsqrt(sum x^2), 1 / epsilon)), then
 * factor * 0.5 * sum_{i != j} |<v_i, v_j>| / (n (n - 1) / 2); NaN for
 * n = 1, as in Keras (0 / 0). */
static c1d_status orthogonal_loss(const c1d_keras_object *reg, const float *x, const c1d_shape *shape,
                                  const char *path, double *loss) {
    if (shape->rank != 2) {
        char dims[96];
        c1d_shape_format(shape, dims, sizeof dims);
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=%s", path, dims);
    }
    const bool rows = strcmp(c1d_keras_object_arg(reg, "mode")->choice, "rows") == 0;
    /* Vector v has `len` elements x[v * vstride + e * estride]. */
    const size_t count = rows ? shape->dim[0] : shape->dim[1], len = rows ? shape->dim[1] : shape->dim[0];
    const size_t vstride = rows ? shape->dim[1] : 1, estride = rows ? 1 : shape->dim[1];
    double *inv = count ? c1d_alloc(count * sizeof(double)) : NULL;
    if (count && !inv) return c1d_fail(C1D_NOMEM, "%s: out of memory for %zu norms", path, count);
    for (size_t v = 0; v < count; v++) {
        double ss = 0.0;
        for (size_t e = 0; e < len; e++) {
            const double a = (double)x[v * vstride + e * estride];
            ss += a * a;
        }
        inv[v] = fmin(1.0 / sqrt(ss), 1.0 / EPSILON);
    }
    double total = 0.0; /* sum over i != j of |<v_i, v_j>|: twice the sum over i < j */
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++) {
            double dot = 0.0;
            for (size_t e = 0; e < len; e++)
                dot += (double)x[i * vstride + e * estride] * (double)x[j * vstride + e * estride];
            total += 2.0 * fabs(dot * inv[i] * inv[j]);
        }
    c1d_free(inv);
    const double n = (double)count;
    *loss = factor_arg(reg, "factor") * 0.5 * total / (n * (n - 1.0) / 2.0);
    return C1D_OK;
}

c1d_status c1d_regularizer_loss(const c1d_keras_object *reg, const float *x, const c1d_shape *shape,
                                const char *path, double *loss) {
    const char *cls = c1d_keras_object_class(reg);
    if (strcmp(cls, "OrthogonalRegularizer") == 0) return orthogonal_loss(reg, x, shape, path, loss);
    size_t n;
    c1d_shape_size(shape, &n); /* the caller's weight or output: its size fits */
    double l1 = 0.0, l2 = 0.0;
    if (strcmp(cls, "L1") == 0) l1 = factor_arg(reg, "l1");
    else if (strcmp(cls, "L2") == 0) l2 = factor_arg(reg, "l2");
    else if (strcmp(cls, "L1L2") == 0) l1 = factor_arg(reg, "l1"), l2 = factor_arg(reg, "l2");
    /* The base class Regularizer adds 0. */
    double abs_sum = 0.0, sq_sum = 0.0;
    for (size_t i = 0; i < n && (l1 != 0.0 || l2 != 0.0); i++) {
        const double v = (double)x[i];
        abs_sum += fabs(v);
        sq_sum += v * v;
    }
    /* L1L2 skips a zero factor (`if self.l1:`), so 0 * inf never makes a NaN. */
    *loss = (l1 != 0.0 ? l1 * abs_sum : 0.0) + (l2 != 0.0 ? l2 * sq_sum : 0.0);
    return C1D_OK;
}

c1d_status c1d_conv_regularization_losses(const c1d_conv *conv, double losses[C1D_MAX_WEIGHTS],
                                          size_t weight_index[C1D_MAX_WEIGHTS], size_t *count) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!losses) return c1d_fail(C1D_INVALID_ARG, "losses: expected room for %d losses, got NULL", C1D_MAX_WEIGHTS);
    if (!count) return c1d_fail(C1D_INVALID_ARG, "count: expected a pointer, got NULL");
    c1d_weight_ref refs[C1D_MAX_WEIGHTS];
    size_t n, found = 0;
    double got[C1D_MAX_WEIGHTS] = {0};
    size_t index[C1D_MAX_WEIGHTS];
    c1d_layer_weights(conv, refs, &n);
    /* Keras walks trainable_weights: the layer's weight order, trainable ones only. */
    for (size_t i = 0; conv->keras && i < n; i++) {
        if (!refs[i].trainable) continue;
        const bool bias = refs[i].id == C1D_W_BIAS;
        const c1d_keras_object *reg =
            c1d_keras_config_object(conv->keras, bias ? C1D_SLOT_BIAS_REGULARIZER : C1D_SLOT_KERNEL_REGULARIZER);
        if (!reg->cls) continue;
        char path[64];
        snprintf(path, sizeof path, "%s (on %s)", bias ? "bias_regularizer" : "kernel_regularizer", refs[i].name);
        c1d_status st = c1d_regularizer_loss(reg, refs[i].data, &refs[i].shape, path, &got[found]);
        if (st) return st;
        index[found++] = i;
    }
    memcpy(losses, got, found * sizeof(double));
    if (weight_index) memcpy(weight_index, index, found * sizeof(size_t));
    *count = found;
    return C1D_OK;
}

c1d_status c1d_conv_activity_loss(const c1d_conv *conv, size_t batch, size_t steps, const float *output,
                                  double *loss, size_t *count) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!loss) return c1d_fail(C1D_INVALID_ARG, "loss: expected a pointer, got NULL");
    if (!count) return c1d_fail(C1D_INVALID_ARG, "count: expected a pointer, got NULL");
    size_t dims[3];
    c1d_status st = c1d_conv_output_shape(conv, batch, steps, dims);
    if (st) return st;
    const c1d_keras_object *reg = conv->keras ? c1d_keras_config_object(conv->keras, C1D_SLOT_ACTIVITY_REGULARIZER)
                                              : NULL;
    if (!reg || !reg->cls) {
        *loss = 0.0;
        *count = 0;
        return C1D_OK;
    }
    const c1d_shape shape = {3, {dims[0], dims[1], dims[2]}};
    const size_t n = dims[0] * dims[1] * dims[2]; /* c1d_plan_make checked it */
    if (n && !output) return c1d_fail(C1D_INVALID_ARG, "output: expected %zu floats, got NULL", n);
    if ((uintptr_t)output % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "output: pointer %p is not aligned for float", (const void *)output);
    double value;
    if ((st = c1d_regularizer_loss(reg, output, &shape, "activity_regularizer", &value))) return st;
    /* ops.divide_no_nan(loss, batch_size): 0 when the batch is empty. */
    *loss = batch ? value / (double)batch : 0.0;
    *count = 1;
    return C1D_OK;
}
