/* fuzz_conv_params.c: raw 64-bit parameter values -> validation and sizes
 * only: c1d_config_validate, c1d_conv_create, c1d_conv_set_threads,
 * c1d_conv_set_path, c1d_conv_output_shape, c1d_conv_workspace_size,
 * c1d_conv_compute_output_shape. Nothing is computed. Oracles:
 *   - every failure has a message and leaves the outputs untouched;
 *   - create fails with C1D_TOO_LARGE (never allocating) whenever the
 *     kernel would exceed C1D_MAX_ALLOC_BYTES or a BLAS int;
 *   - a reported workspace is within C1D_MAX_ALLOC_BYTES and an output
 *     shape's bytes do not overflow; the output length is Keras's (the
 *     naive reference's formula) whenever that formula is exact in 64 bits.
 * The harness builds a layer only when its kernel is at most 16 MiB, so
 * libFuzzer's -malloc_limit_mb=512 can only trip on an allocation c1d made
 * on its own. Input: 14 little-endian uint64 values (missing bytes are 0). */
#include <string.h>

#include "c1d.h"
#include "fuzz.h"
#include "reference.h"

#define MAX_BUILT_KERNEL_BYTES ((size_t)16 << 20)

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

static uint64_t next_u64(reader *r) {
    uint64_t v = 0;
    for (unsigned k = 0; k < 8; k++) {
        if (!r->left) break;
        r->left--;
        v |= (uint64_t)*r->p++ << (8 * k);
    }
    return v;
}

static void check_sizes(const c1d_conv *conv, const c1d_config *cfg, size_t c_in, size_t batch, size_t steps) {
    size_t shape[3] = {7, 7, 7}, ws = 7;
    c1d_status st = c1d_conv_output_shape(conv, batch, steps, shape);
    c1d_status st_ws = c1d_conv_workspace_size(conv, batch, steps, &ws);
    if (st != C1D_OK) {
        FUZZ_CHECK(shape[0] == 7 && shape[1] == 7 && shape[2] == 7, "output_shape wrote on failure");
        FUZZ_CHECK(c1d_last_error()[0] != '\0', "output_shape failed without a message");
    } else {
        size_t n = 0, bytes;
        const bool empty = shape[0] == 0 || shape[1] == 0 || shape[2] == 0;
        FUZZ_CHECK(empty || (!__builtin_mul_overflow(shape[0], shape[1], &n) &&
                             !__builtin_mul_overflow(n, shape[2], &n) && !__builtin_mul_overflow(n, sizeof(float), &bytes)),
                   "output shape (%zu, %zu, %zu) overflows", shape[0], shape[1], shape[2]);
        const bool last = cfg->data_format == C1D_CHANNELS_LAST;
        size_t steps_out = last ? shape[1] : shape[2], l_out, pad_l;
        /* The reference computes in long long: compare where that is exact. */
        const size_t lim = (size_t)1 << 30;
        if (steps < lim && cfg->kernel_size < lim && cfg->dilation_rate < lim && cfg->strides < lim &&
            cfg->activation != C1D_ACTIVATION_GLU) {
            FUZZ_CHECK(ref_output_length(cfg, steps, &l_out, &pad_l), "c1d accepted steps=%zu, Keras refuses", steps);
            FUZZ_CHECK(l_out == steps_out, "steps_out %zu, Keras %zu", steps_out, l_out);
        }
        FUZZ_CHECK(shape[0] == batch && (last ? shape[2] : shape[1]) <= cfg->filters, "shape (%zu, %zu, %zu)",
                   shape[0], shape[1], shape[2]);
    }
    if (st_ws == C1D_OK) {
        FUZZ_CHECK(ws <= C1D_MAX_ALLOC_BYTES, "workspace %zu above the cap", ws);
    } else {
        FUZZ_CHECK(ws == 7, "workspace_size wrote on failure");
    }
    /* Keras's compute_output_shape, with unknown dimensions too. */
    size_t in[3] = {batch, steps, c_in}, out[3] = {7, 7, 7};
    if (cfg->data_format == C1D_CHANNELS_FIRST) {
        in[1] = c_in;
        in[2] = steps;
    }
    if (c1d_conv_compute_output_shape(conv, in, out) != C1D_OK)
        FUZZ_CHECK(out[0] == 7 && out[1] == 7 && out[2] == 7, "compute_output_shape wrote on failure");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    c1d_config cfg;
    cfg.filters = next_u64(&r);
    cfg.kernel_size = next_u64(&r);
    cfg.strides = next_u64(&r);
    cfg.dilation_rate = next_u64(&r);
    cfg.groups = next_u64(&r);
    const size_t c_in = next_u64(&r), batch = next_u64(&r), steps = next_u64(&r);
    /* Enums from the full 32-bit range: out-of-range values must be refused. */
    cfg.padding = (c1d_padding)(unsigned)next_u64(&r);
    cfg.data_format = (c1d_data_format)(unsigned)next_u64(&r);
    cfg.activation = (c1d_activation)(unsigned)next_u64(&r);
    cfg.use_bias = next_u64(&r) & 1;
    const size_t threads = next_u64(&r), path = next_u64(&r);

    c1d_status valid = c1d_config_validate(&cfg);
    if (valid != C1D_OK) FUZZ_CHECK(c1d_last_error()[0] != '\0', "validate failed without a message");

    size_t kwc = 0, w_bytes = 0;
    const bool too_large = valid == C1D_OK && c_in != 0 && c_in % cfg.groups == 0 &&
                           (__builtin_mul_overflow(cfg.kernel_size, c_in / cfg.groups, &kwc) || kwc > 0x7fffffff ||
                            __builtin_mul_overflow(kwc, cfg.filters, &w_bytes) ||
                            __builtin_mul_overflow(w_bytes, sizeof(float), &w_bytes) || w_bytes > C1D_MAX_ALLOC_BYTES);
    c1d_conv *const sentinel = (c1d_conv *)(void *)&r;
    c1d_conv *conv = sentinel;
    if (valid != C1D_OK || c_in == 0 || c_in % cfg.groups != 0 || too_large) {
        c1d_status st = c1d_conv_create(&cfg, c_in, &conv);
        FUZZ_CHECK(st != C1D_OK && conv == sentinel, "create: %s", c1d_status_name(st));
        FUZZ_CHECK(!too_large || st == C1D_TOO_LARGE, "an oversized kernel gave %s", c1d_status_name(st));
        FUZZ_CHECK(valid == C1D_OK || st == valid, "create %s, validate %s", c1d_status_name(st), c1d_status_name(valid));
        return 0;
    }
    if (w_bytes > MAX_BUILT_KERNEL_BYTES) return 0;
    c1d_status st = c1d_conv_create(&cfg, c_in, &conv);
    FUZZ_CHECK(st == C1D_OK, "create failed: %s", c1d_last_error());
    check_sizes(conv, &cfg, c_in, batch, steps);
    if (c1d_conv_set_threads(conv, threads) == C1D_OK) check_sizes(conv, &cfg, c_in, batch, steps);
    if (c1d_conv_set_path(conv, (c1d_path)(unsigned)path) == C1D_OK) check_sizes(conv, &cfg, c_in, batch, steps);
    c1d_conv_destroy(conv);
    return 0;
}
