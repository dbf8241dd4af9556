/* internal.h: the layer object, the per-call plan and helpers shared by src/. */
#ifndef C1D_INTERNAL_H
#define C1D_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "c1d.h"
#include "kernels.h"

/* A forward call starts a thread only for this much work (about 30 us at
 * the GEMM rate of this machine, several times the cost of starting and
 * joining one thread). */
#define C1D_MIN_FLOP_PER_THREAD 3.0e6

/* Direct and depthwise paths with more than one thread: tiles are cut so
 * that each thread gets about this many (balance within ~1/4 of a tile),
 * but not below C1D_MIN_TILE_ROWS output steps (so that the per-tile work
 * stays well above the per-tile overhead). */
#define C1D_UNITS_PER_THREAD 4
#define C1D_MIN_TILE_ROWS 24

/* Alignment of every buffer c1d allocates (one AVX-512 vector / cache line). */
#define C1D_ALIGN ((size_t)64)

struct c1d_conv {
    c1d_config cfg;
    size_t c_in;         /* input channels */
    size_t c_in_g;       /* c_in / groups */
    size_t f_g;          /* filters / groups */
    size_t kwc;          /* kernel_size * c_in_g: GEMM reduction length, rows of w */
    size_t k_eff;        /* dilation_rate * (kernel_size - 1) + 1 */
    float *w;            /* [kernel_size][c_in_g][filters], 64-byte aligned */
    float *b;            /* [filters], zeros until set; NULL without use_bias */
    float *wp;           /* path direct only: w packed, see src/kernel_derived.c; NULL otherwise */
    bool w_nonfinite;    /* w holds a NaN or an Inf (src/kernel_derived.c): the depthwise path then adds the
                          * padded taps' 0 * w, which the other paths get from their zero columns */
    bool kernel_set;
    c1d_path path;          /* never C1D_PATH_AUTO: resolved at create and set_path */
    size_t threads;         /* most threads a forward call may use (c1d_conv_set_threads) */
    const char *path_reason;
    const c1d_kernels *kernels;

    /* ---- The Keras layer (src/layer.c, src/lora.c): all zero / NULL for a
     * layer from c1d_conv_create, which is a trainable layer without LoRA.
     * Trainability is kept as Keras keeps it: a layer flag plus one flag per
     * variable (set_trainable sets them all; LoRA freezes the base kernel),
     * stored negated so that zero means trainable. ---- */
    c1d_keras_config *keras;  /* the config the layer was created from (its own copy); NULL otherwise */
    bool frozen;              /* !layer.trainable */
    bool kernel_frozen, bias_frozen, lora_a_frozen, lora_b_frozen; /* !variable.trainable */
    size_t lora_rank;         /* 0: LoRA off */
    double lora_alpha;
    bool lora_alpha_is_int;   /* get_config writes lora_alpha as an int */
    float *kernel_base;       /* LoRA on: the base kernel [kernel_size][c_in_g][filters]; w holds the merged one */
    float *lora_a;            /* [kernel_size][c_in_g][lora_rank] */
    float *lora_b;            /* [lora_rank][filters] */
};

/* Stores a kernel [kernel_size][c_in_g][filters] as the layer's (base)
 * kernel: into w, or with LoRA on into kernel_base, w then recomputed as
 * the merged kernel. Cannot fail. */
void c1d_lora_store_kernel(c1d_conv *conv, const float *kernel);

/* What the layer derives from w (src/kernel_derived.c). c1d_pack_floats: the direct
 * path's packed kernel size in floats, false on overflow or beyond
 * C1D_MAX_ALLOC_BYTES. c1d_pack_for_path: allocates and packs it for
 * C1D_PATH_DIRECT, frees it for any other path; on failure (C1D_TOO_LARGE,
 * C1D_NOMEM, message set) the layer is unchanged. c1d_kernel_changed:
 * repacks w (when the layer has a packed copy) and recomputes w_nonfinite;
 * whatever changes w must call it. */
bool c1d_pack_floats(const c1d_conv *conv, size_t *floats);
c1d_status c1d_pack_for_path(c1d_conv *conv, c1d_path path);
void c1d_kernel_changed(c1d_conv *conv);

/* The depthwise path's padded taps for a kernel with NaN or Inf
 * (src/dwconv_padding.c): add 0 * w for every tap of output steps
 * [t0, t0 + rows) that lands in the zero padding. y as the dwconv kernels
 * write it: channels_last [rows][filters]; channels_first [filters][ldy]. */
void c1d_dwconv_padding_nwc(const c1d_conv *conv, size_t l_in, size_t pad_l, size_t t0, size_t rows, float *y);
void c1d_dwconv_padding_ncw(const c1d_conv *conv, size_t l_in, size_t pad_l, size_t t0, size_t cols, float *y,
                            size_t ldy);

/* Frees what the Keras-layer fields hold (called by c1d_conv_destroy). */
void c1d_layer_release(c1d_conv *conv);

/* Everything one forward call needs to know, derived from (layer, batch,
 * steps) by c1d_plan_make and shared by output_shape, workspace_size and
 * forward so that the three can never disagree. */
typedef struct c1d_plan {
    size_t batch, l_in, l_out;
    size_t in_floats, out_floats; /* element counts of input and output */
    size_t pad_l;
    size_t out_steps;    /* steps in the output: l_out, or l_out / 2 for glu under channels_first */
    size_t out_f;        /* channels in the output: filters, or filters / 2 for glu under channels_last */
    size_t tile;         /* output steps of one item per tile */
    size_t col_floats;   /* im2col tile: tile * kwc */
    size_t pre_floats;   /* pre-activation tile(s) for glu; 0 otherwise */
    size_t scratch_floats; /* sparsemax sort buffer; 0 otherwise */
    size_t thread_floats;  /* one thread's buffers: the three above, each 64-byte aligned */
    bool whole_items;      /* a work unit is a whole item (channels_first softmax-like, glu) */
    size_t tiles_per_item; /* work units per item */
    size_t units;          /* batch * tiles_per_item */
    size_t threads;        /* threads this call uses, 1 .. conv->threads */
    size_t workspace_bytes;
} c1d_plan;

/* Validates the call shape and fills *plan. Sets the thread's error message. */
c1d_status c1d_plan_make(const c1d_conv *conv, size_t batch, size_t steps, c1d_plan *plan);

/* Output length and left pad for a padding mode (Keras's table); fails for
 * a `valid` output length <= 0 and on size overflow. */
c1d_status c1d_output_length(const c1d_config *cfg, size_t k_eff, size_t steps, size_t *l_out, size_t *pad_l);

/* c1d's choice of path for a layer, and why. */
c1d_path c1d_path_choose(const c1d_conv *conv, const char **reason);

/* True for the activations that act on the whole last axis. */
bool c1d_activation_is_axiswise(c1d_activation a);

/* The thread's error message: printf-style, always returns `status`. */
c1d_status c1d_fail(c1d_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Kernel table for this CPU, built once (thread-safe). */
const c1d_kernels *c1d_kernels_get(void);

/* The one allocator every library allocation goes through: 64-byte aligned,
 * refuses more than C1D_MAX_ALLOC_BYTES, NULL on failure (no message). */
void *c1d_alloc(size_t bytes);
void c1d_free(void *p);

/* Checked size arithmetic: false on overflow. */
static inline bool c1d_mul(size_t a, size_t b, size_t *out) { return !__builtin_mul_overflow(a, b, out); }
static inline bool c1d_add(size_t a, size_t b, size_t *out) { return !__builtin_add_overflow(a, b, out); }

/* The one narrowing to a BLAS int; callers have checked with c1d_fits_int. */
static inline bool c1d_fits_int(size_t v) { return v <= (size_t)INT32_MAX; }
static inline int c1d_to_int(size_t v) { return (int)v; }

#endif
