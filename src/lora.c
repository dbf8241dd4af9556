/* lora.c: Keras's LoRA on the conv kernel (spec section 11).
 *
 * With LoRA on, the layer holds the frozen base kernel W (kernel_base),
 * the factors A (kernel_size, c_in_g, rank) and B (rank, filters), and in
 * w the merged kernel W + (lora_alpha / rank) * A @ B that the forward
 * pass reads. The merge is recomputed whenever W, A or B changes, so
 * forward.c never needs to know about LoRA. It is computed as Keras
 * computes the kernel property in float32: the product A @ B (one
 * cblas_sgemm), then scaled, then added to W. */
#include "blas.h"
#include <math.h>
#include <string.h>

#include "layer.h"

void c1d_lora_merge(c1d_conv *conv) {
    const size_t rows = conv->kwc, f = conv->cfg.filters;
    /* w: [rows][f] = A [rows][rank] @ B [rank][f]; GEMM m = rows, n = f, k = rank. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c1d_to_int(rows), c1d_to_int(f),
                c1d_to_int(conv->lora_rank), 1.0f, conv->lora_a, c1d_to_int(conv->lora_rank), conv->lora_b,
                c1d_to_int(f), 0.0f, conv->w, c1d_to_int(f));
    /* (lora_alpha / lora_rank) is a Python float; Keras multiplies the float32 product by it in float32. */
    const float scale = (float)(conv->lora_alpha / (double)conv->lora_rank);
    const size_t n = rows * f;
    for (size_t i = 0; i < n; i++) conv->w[i] = conv->kernel_base[i] + scale * conv->w[i];
    c1d_kernel_changed(conv);
}

void c1d_lora_store_kernel(c1d_conv *conv, const float *kernel) {
    const size_t bytes = conv->kwc * conv->cfg.filters * sizeof(float);
    if (!conv->lora_rank) {
        memcpy(conv->w, kernel, bytes);
        c1d_kernel_changed(conv);
        return;
    }
    memcpy(conv->kernel_base, kernel, bytes);
    c1d_lora_merge(conv);
}

/* Fills a factor with an initializer argument (NULL: `fallback`). */
static c1d_status init_factor(const char *text, const char *fallback, const char *path, const c1d_shape *shape,
                              float *values) {
    c1d_keras_object obj;
    c1d_status st = c1d_initializer_parse(text, fallback, path, &obj);
    if (st) return st;
    st = c1d_initializer_run(&obj, shape, values, path);
    c1d_keras_object_clear(&obj);
    return st;
}

c1d_status c1d_conv_enable_lora(c1d_conv *conv, size_t rank, double lora_alpha, const char *a_initializer,
                                const char *b_initializer) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    /* Keras's checks, in its order (the "not built" one cannot happen: a c1d layer is built). */
    if (conv->keras && c1d_keras_config_object(conv->keras, C1D_SLOT_KERNEL_CONSTRAINT)->cls)
        return c1d_fail(C1D_INVALID_ARG,
                        "kernel_constraint: Lora is incompatible with kernel constraints. In order to enable lora on "
                        "this layer, remove the `kernel_constraint` argument.");
    if (conv->lora_rank)
        return c1d_fail(C1D_INVALID_ARG, "lora_rank: lora is already enabled. This can only be done once per layer.");
    if (rank == 0)
        return c1d_fail(C1D_INVALID_ARG, "rank: expected an integer >= 1, got 0 (Keras would divide lora_alpha by 0)");
    if (!isfinite(lora_alpha))
        return c1d_fail(C1D_INVALID_ARG, "lora_alpha: expected a finite number, got %g", lora_alpha);
    const size_t k = conv->cfg.kernel_size, c = conv->c_in_g, f = conv->cfg.filters;
    size_t a_floats, a_bytes, b_floats, b_bytes;
    if (!c1d_fits_int(rank) || !c1d_mul(conv->kwc, rank, &a_floats) || !c1d_mul(a_floats, sizeof(float), &a_bytes) ||
        a_bytes > C1D_MAX_ALLOC_BYTES || !c1d_mul(rank, f, &b_floats) || !c1d_mul(b_floats, sizeof(float), &b_bytes) ||
        b_bytes > C1D_MAX_ALLOC_BYTES)
        return c1d_fail(C1D_TOO_LARGE,
                        "rank: %zu makes factors (%zu, %zu, %zu) and (%zu, %zu) beyond the %zu-byte allocation cap",
                        rank, k, c, rank, rank, f, C1D_MAX_ALLOC_BYTES);
    const size_t w_bytes = conv->kwc * f * sizeof(float);
    float *base = c1d_alloc(w_bytes), *a = c1d_alloc(a_bytes), *b = c1d_alloc(b_bytes);
    c1d_status st = C1D_OK;
    if (!base || !a || !b) {
        st = c1d_fail(C1D_NOMEM, "rank: out of memory allocating the LoRA factors of rank %zu", rank);
    } else {
        const c1d_shape a_shape = {.rank = 3, .dim = {k, c, rank}}, b_shape = {.rank = 2, .dim = {rank, f}};
        st = init_factor(a_initializer, "he_uniform", "a_initializer", &a_shape, a);
        if (!st) st = init_factor(b_initializer, "zeros", "b_initializer", &b_shape, b);
    }
    if (st) {
        c1d_free(base);
        c1d_free(a);
        c1d_free(b);
        return st;
    }
    /* An unset kernel (c1d_conv_create) has no values yet: its base is zeros until set. */
    if (conv->kernel_set) memcpy(base, conv->w, w_bytes);
    else memset(base, 0, w_bytes);
    conv->kernel_base = base;
    conv->lora_a = a;
    conv->lora_b = b;
    conv->lora_rank = rank;
    conv->lora_alpha = lora_alpha;
    conv->lora_alpha_is_int = lora_alpha == floor(lora_alpha) && fabs(lora_alpha) < 0x1.0p53;
    /* Keras: the base kernel is frozen; the new factors follow the layer. */
    conv->kernel_frozen = true;
    conv->lora_a_frozen = conv->frozen;
    conv->lora_b_frozen = conv->frozen;
    c1d_lora_merge(conv);
    return C1D_OK;
}

c1d_status c1d_conv_get_lora(const c1d_conv *conv, size_t *rank, double *lora_alpha) {
    if (!conv) return c1d_fail(C1D_INVALID_ARG, "conv: expected a layer, got NULL");
    if (rank) *rank = conv->lora_rank;
    if (lora_alpha) *lora_alpha = conv->lora_rank ? conv->lora_alpha : 0.0;
    return C1D_OK;
}
