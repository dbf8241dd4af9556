/* layer.c: the Keras side of a layer object (spec sections 3, 6, 11, 12.4):
 * creation from a parsed config, get_config, compute_output_shape,
 * count_params, Keras's weight list and its trainability, get/set of one
 * weight, and save/load of the stored (merged) variables. */
#include <stdio.h>
#include <string.h>

#include "layer.h"

/* ---- Shapes ---- */

void c1d_shape_format(const c1d_shape *shape, char *buf, size_t size) {
    size_t used = 0;
    int n = snprintf(buf, size, "(");
    used = n > 0 ? (size_t)n : 0;
    for (size_t i = 0; i < shape->rank && used < size; i++) {
        n = snprintf(buf + used, size - used, "%s%zu", i ? ", " : "", shape->dim[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    if (used < size) snprintf(buf + used, size - used, shape->rank == 1 ? ",)" : ")");
}

bool c1d_shape_size(const c1d_shape *shape, size_t *size) {
    size_t n = 1;
    for (size_t i = 0; i < shape->rank; i++)
        if (!c1d_mul(n, shape->dim[i], &n)) return false;
    *size = n;
    return true;
}

/* The layer's name for messages: printable ASCII, at most 64 bytes. */
static void layer_name(const c1d_conv *conv, char *buf, size_t size) {
    const char *name = conv->keras ? c1d_keras_config_name(conv->keras) : "conv1d";
    size_t n = 0;
    for (; n < 64 && n + 1 < size && name[n]; n++) buf[n] = (name[n] >= 0x20 && name[n] < 0x7f) ? name[n] : '?';
    buf[n] = '\0';
}

/* ---- Keras's weight list ---- */

void c1d_layer_weights(const c1d_conv *conv, c1d_weight_ref refs[C1D_MAX_WEIGHTS], size_t *count) {
    const size_t k = conv->cfg.kernel_size, c = conv->c_in_g, f = conv->cfg.filters, r = conv->lora_rank;
    size_t n = 0;
    refs[n++] = (c1d_weight_ref){C1D_W_KERNEL, "kernel", {3, {k, c, f}}, r ? conv->kernel_base : conv->w,
                                 !conv->frozen && !conv->kernel_frozen};
    if (conv->b)
        refs[n++] = (c1d_weight_ref){C1D_W_BIAS, "bias", {1, {f}}, conv->b, !conv->frozen && !conv->bias_frozen};
    if (r) {
        refs[n++] = (c1d_weight_ref){C1D_W_LORA_A, "lora_kernel_a", {3, {k, c, r}}, conv->lora_a,
                                     !conv->frozen && !conv->lora_a_frozen};
        refs[n++] = (c1d_weight_ref){C1D_W_LORA_B, "lora_kernel_b", {2, {r, f}}, conv->lora_b,
                                     !conv->frozen && !conv->lora_b_frozen};
    }
    *count = n;
}

void c1d_layer_release(c1d_conv *conv) {
    c1d_keras_config_destroy(conv->keras);
    c1d_free(conv->kernel_base);
    c1d_free(conv->lora_a);
    c1d_free(conv->lora_b);
}

/* ---- Creation from a config, and get_config ---- */

c1d_status c1d_conv_create_from_keras(const c1d_keras_config *config, size_t in_channels, c1d_conv **out) {
    if (!config) return c1d_fail(C1D_INVALID_ARG, "config: expected a parsed Keras config, got NULL");
    if (!out) return c1d_fail(C1D_INVALID_ARG, "conv: expected a pointer to receive the layer, got NULL");
    c1d_config cfg;
    size_t recorded;
    c1d_status st = c1d_keras_config_get(config, &cfg, &recorded);
    if (st) return st;
    if (!in_channels && !recorded)
        return c1d_fail(C1D_INVALID_ARG,
                        "in_channels: the config records no input shape (build_config, batch_input_shape); pass "
                        "the input channel count, got 0");
    if (in_channels && recorded && in_channels != recorded)
        return c1d_fail(C1D_SHAPE_MISMATCH, "in_channels: %zu disagrees with the %zu input channels the config records",
                        in_channels, recorded);
    c1d_conv *conv;
    if ((st = c1d_conv_create(&cfg, in_channels ? in_channels : recorded, &conv))) return st;
    if ((st = c1d_keras_config_copy(config, &conv->keras))) goto fail;
    /* Keras's build: the kernel, then the bias, each from its initializer. */
    const c1d_shape kernel = {3, {cfg.kernel_size, conv->c_in_g, cfg.filters}}, bias = {1, {cfg.filters}};
    st = c1d_initializer_run(c1d_keras_config_object(config, C1D_SLOT_KERNEL_INITIALIZER), &kernel, conv->w,
                             "kernel_initializer");
    if (st) goto fail;
    conv->kernel_set = true;
    c1d_kernel_changed(conv);
    if (cfg.use_bias &&
        (st = c1d_initializer_run(c1d_keras_config_object(config, C1D_SLOT_BIAS_INITIALIZER), &bias, conv->b,
                                  "bias_initializer")))
        goto fail;
    if (!c1d_keras_config_trainable(config)) {
        /* Keras: a frozen layer's variables are created non-trainable too. */
        conv->frozen = conv->kernel_frozen = conv->bias_frozen = true;
    }
    const json_int_t rank = c1d_keras_config_lora_rank(config);
    if (rank > 0) {
        const c1d_keras_number alpha = c1d_keras_config_lora_alpha(config);
        if ((st = c1d_conv_enable_lora(conv, (size_t)rank, alpha.d, NULL, NULL))) goto fail;
        conv->lora_alpha_is_int = alpha.is_int;
    }
    *out = conv;
    return C1D_OK;
fail:
    c1d_conv_destroy(conv);
    return st;
}

c1d_status c1d_conv_get_keras_config(const c1d_conv *conv, c1d_keras_config **config) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!config) return c1d_fail(C1D_INVALID_ARG, "config: expected a pointer to receive the config, got NULL");
    c1d_keras_config *out;
    c1d_status st = conv->keras ? c1d_keras_config_copy(conv->keras, &out)
                                : c1d_keras_config_from_conv(&conv->cfg, conv->c_in, &out);
    if (st) return st;
    c1d_keras_number alpha = {.is_int = conv->lora_alpha_is_int, .d = conv->lora_alpha};
    alpha.i = conv->lora_alpha_is_int ? (json_int_t)conv->lora_alpha : 0;
    c1d_keras_config_set_state(out, conv->c_in, !conv->frozen, (json_int_t)conv->lora_rank, alpha);
    *config = out;
    return C1D_OK;
}

/* ---- Shapes and counts ---- */

c1d_status c1d_conv_compute_output_shape(const c1d_conv *conv, const size_t input_shape[3], size_t output_shape[3]) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!input_shape) return c1d_fail(C1D_INVALID_ARG, "input_shape: expected 3 sizes, got NULL");
    if (!output_shape) return c1d_fail(C1D_INVALID_ARG, "output_shape: expected room for 3 sizes, got NULL");
    const bool last = conv->cfg.data_format == C1D_CHANNELS_LAST;
    const size_t steps = input_shape[last ? 1 : 2];
    size_t l_out = C1D_UNKNOWN, pad_l;
    if (steps != C1D_UNKNOWN) {
        c1d_status st = c1d_output_length(&conv->cfg, conv->k_eff, steps, &l_out, &pad_l);
        if (st) return st;
    }
    output_shape[0] = input_shape[0];
    output_shape[last ? 1 : 2] = l_out;
    output_shape[last ? 2 : 1] = conv->cfg.filters;
    return C1D_OK;
}

c1d_status c1d_conv_count_params(const c1d_conv *conv, size_t *count) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!count) return c1d_fail(C1D_INVALID_ARG, "count: expected a pointer, got NULL");
    c1d_weight_ref refs[C1D_MAX_WEIGHTS];
    size_t n, total = 0;
    c1d_layer_weights(conv, refs, &n);
    for (size_t i = 0; i < n; i++) {
        size_t size = 0;
        c1d_shape_size(&refs[i].shape, &size); /* each weight fits the allocation cap */
        total += size;
    }
    *count = total;
    return C1D_OK;
}

/* ---- One weight ---- */

c1d_status c1d_conv_weights(const c1d_conv *conv, c1d_weight_info info[C1D_MAX_WEIGHTS], size_t *count) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!info) return c1d_fail(C1D_INVALID_ARG, "info: expected room for %d entries, got NULL", C1D_MAX_WEIGHTS);
    if (!count) return c1d_fail(C1D_INVALID_ARG, "count: expected a pointer, got NULL");
    c1d_weight_ref refs[C1D_MAX_WEIGHTS];
    size_t n;
    c1d_layer_weights(conv, refs, &n);
    for (size_t i = 0; i < n; i++) {
        c1d_weight_info w = {.name = refs[i].name, .rank = refs[i].shape.rank, .trainable = refs[i].trainable};
        for (size_t d = 0; d < w.rank; d++) w.shape[d] = refs[i].shape.dim[d];
        c1d_shape_size(&refs[i].shape, &w.size);
        info[i] = w;
    }
    *count = n;
    return C1D_OK;
}

/* The weight at `index`, or a failure naming the index. */
static c1d_status weight_at(const c1d_conv *conv, size_t index, c1d_weight_ref *ref, size_t *size) {
    c1d_weight_ref refs[C1D_MAX_WEIGHTS];
    size_t n;
    c1d_layer_weights(conv, refs, &n);
    if (index >= n)
        return c1d_fail(C1D_INVALID_ARG, "index: the layer has %zu weights (0 to %zu), got %zu", n, n - 1, index);
    *ref = refs[index];
    c1d_shape_size(&ref->shape, size);
    return C1D_OK;
}

static c1d_status check_pointer(const float *p, const char *what) {
    if (!p) return c1d_fail(C1D_INVALID_ARG, "%s: expected a pointer, got NULL", what);
    if ((uintptr_t)p % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "%s: pointer %p is not aligned for float", what, (const void *)p);
    return C1D_OK;
}

c1d_status c1d_conv_get_weight(const c1d_conv *conv, size_t index, float *values, size_t size) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    c1d_weight_ref ref = {0};
    size_t n = 0;
    c1d_status st = weight_at(conv, index, &ref, &n);
    if (st || (st = check_pointer(values, "values"))) return st;
    if (size < n)
        return c1d_fail(C1D_INVALID_ARG, "size: values has room for %zu floats; %s needs %zu", size, ref.name, n);
    if (ref.id == C1D_W_KERNEL && !conv->kernel_set)
        return c1d_fail(C1D_NOT_READY, "kernel: not set yet (c1d_conv_set_kernel or c1d_conv_set_weight)");
    memcpy(values, ref.data, n * sizeof(float));
    return C1D_OK;
}

c1d_status c1d_conv_set_weight(c1d_conv *conv, size_t index, const float *values, size_t rank, const size_t *shape) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    c1d_weight_ref ref = {0};
    size_t n = 0;
    c1d_status st = weight_at(conv, index, &ref, &n);
    if (st || (st = check_pointer(values, "values"))) return st;
    if (!shape && rank) return c1d_fail(C1D_INVALID_ARG, "shape: expected %zu dimensions, got NULL", rank);
    bool same = rank == ref.shape.rank;
    for (size_t d = 0; same && d < rank; d++) same = shape[d] == ref.shape.dim[d];
    if (!same) {
        c1d_shape given = {.rank = rank < C1D_SHAPE_MAX_RANK ? rank : C1D_SHAPE_MAX_RANK};
        for (size_t d = 0; d < given.rank; d++) given.dim[d] = shape[d];
        char want[96], got[96], name[72];
        c1d_shape_format(&ref.shape, want, sizeof want);
        layer_name(conv, name, sizeof name);
        c1d_shape_format(&given, got, sizeof got);
        return c1d_fail(C1D_SHAPE_MISMATCH,
                        "%s: Layer %s weight shape %s is not compatible with provided weight shape %s%s.", ref.name,
                        name, want, got,
                        rank > C1D_SHAPE_MAX_RANK ? " (first dimensions)" : "");
    }
    switch (ref.id) {
    case C1D_W_KERNEL:
        c1d_lora_store_kernel(conv, values);
        conv->kernel_set = true;
        break;
    case C1D_W_BIAS:
        memcpy(conv->b, values, n * sizeof(float));
        break;
    case C1D_W_LORA_A:
    case C1D_W_LORA_B:
        memcpy(ref.data, values, n * sizeof(float));
        c1d_lora_merge(conv);
        break;
    }
    return C1D_OK;
}

/* ---- Stored variables (save_own_variables / load_own_variables) ---- */

c1d_status c1d_conv_save_variables(const c1d_conv *conv, float *kernel, size_t kernel_size, float *bias,
                                   size_t bias_size) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    const size_t n = conv->kwc * conv->cfg.filters, f = conv->cfg.filters;
    c1d_status st = check_pointer(kernel, "kernel");
    if (st) return st;
    if (kernel_size < n)
        return c1d_fail(C1D_INVALID_ARG, "kernel_size: kernel has room for %zu floats; the kernel needs %zu",
                        kernel_size, n);
    if (conv->b) {
        if ((st = check_pointer(bias, "bias"))) return st;
        if (bias_size < f)
            return c1d_fail(C1D_INVALID_ARG, "bias_size: bias has room for %zu floats; the bias needs %zu", bias_size,
                            f);
    } else if (bias || bias_size) {
        return c1d_fail(C1D_INVALID_ARG, "bias: the layer has no bias (use_bias=false); pass NULL and 0");
    }
    if (!conv->kernel_set)
        return c1d_fail(C1D_NOT_READY, "kernel: not set yet (c1d_conv_set_kernel or c1d_conv_set_weight)");
    memcpy(kernel, conv->w, n * sizeof(float));
    if (conv->b) memcpy(bias, conv->b, f * sizeof(float));
    return C1D_OK;
}

c1d_status c1d_conv_load_variables(c1d_conv *conv, const float *kernel, size_t kernel_size, const float *bias,
                                   size_t bias_size) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    const size_t n = conv->kwc * conv->cfg.filters, f = conv->cfg.filters;
    c1d_status st = check_pointer(kernel, "kernel");
    if (st) return st;
    if (kernel_size != n)
        return c1d_fail(C1D_SHAPE_MISMATCH,
                        "kernel_size: the stored kernel has %zu floats; the layer's (%zu, %zu, %zu) has %zu",
                        kernel_size, conv->cfg.kernel_size, conv->c_in_g, f, n);
    if (conv->b) {
        if ((st = check_pointer(bias, "bias"))) return st;
        if (bias_size != f)
            return c1d_fail(C1D_SHAPE_MISMATCH, "bias_size: the stored bias has %zu floats; the layer's has %zu",
                            bias_size, f);
    } else if ((bias || bias_size) && !conv->lora_rank) {
        char name[72];
        layer_name(conv, name, sizeof name);
        /* Keras counts the stored variables only without LoRA (and ignores the extra one with it). */
        return c1d_fail(C1D_INVALID_ARG,
                        "bias: Layer '%s' expected 1 variables, but received 2 variables during loading. "
                        "Expected: ['kernel'] (the layer has use_bias=false)",
                        name);
    }
    if (conv->lora_rank) {
        memset(conv->lora_a, 0, conv->kwc * conv->lora_rank * sizeof(float));
        memset(conv->lora_b, 0, conv->lora_rank * f * sizeof(float));
    }
    c1d_lora_store_kernel(conv, kernel);
    conv->kernel_set = true;
    if (conv->b) memcpy(conv->b, bias, f * sizeof(float));
    return C1D_OK;
}

/* ---- Trainability ---- */

c1d_status c1d_conv_set_trainable(c1d_conv *conv, bool trainable) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    /* Keras's setter: the layer flag and every variable's flag. */
    conv->frozen = conv->kernel_frozen = conv->bias_frozen = conv->lora_a_frozen = conv->lora_b_frozen = !trainable;
    return C1D_OK;
}

c1d_status c1d_conv_get_trainable(const c1d_conv *conv, bool *trainable) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (!trainable) return c1d_fail(C1D_INVALID_ARG, "trainable: expected a pointer, got NULL");
    *trainable = !conv->frozen;
    return C1D_OK;
}
