/// @file c1d.h
/// c1d: the Keras `Conv1D` layer (`keras.layers.Conv1D`, Keras 3 semantics) in C.
///
/// # Overview
/// A `c1d_conv` is one Conv1D layer: a `c1d_config` (every field named and
/// defaulted as the Keras constructor argument of the same name) plus the
/// number of input channels, then the weights in Keras layout:
///   - kernel `(kernel_size, in_channels / groups, filters)`, row-major,
///   - bias `(filters,)` (zeros until set, as Keras's default `bias_initializer`).
///
/// Inputs are `(batch, steps, channels)` for `C1D_CHANNELS_LAST` and
/// `(batch, channels, steps)` for `C1D_CHANNELS_FIRST`, float32, C order; the
/// output has the exact shape Keras outputs (see `c1d_conv_output_shape`).
///
/// Every fallible function returns a `c1d_status`. On failure it writes
/// nothing to its outputs, and `c1d_last_error()` gives a one-line message that
/// names the argument and its value (for example
/// `strides: expected an integer >= 1, got 0`).
///
/// The general engine unfolds the input (im2col) tile by tile along the
/// output length and runs one `cblas_sgemm` per group on each tile; faster
/// paths (direct depthwise, GEMM on the input in place, a register-blocked
/// direct convolution) replace those two steps where they fit (see
/// `c1d_path`). Then the bias and the activation are applied to the tile
/// while it is still in cache. The
/// workspace a call needs is bounded (see `c1d_conv_workspace_size`) and does
/// not grow with `steps` or `batch`.
///
/// # Example
/// @code
/// #include <c1d.h>
/// #include <stdio.h>
/// #include <stdlib.h>
///
/// int main(void) {
///     // Keras: Conv1D(filters=4, kernel_size=3, padding="same", activation="relu")
///     c1d_config cfg = c1d_config_default(4, 3);
///     cfg.padding = C1D_PADDING_SAME;
///     cfg.activation = C1D_ACTIVATION_RELU;
///
///     c1d_conv *conv = NULL;
///     if (c1d_conv_create(&cfg, 2, &conv) != C1D_OK) {   // 2 input channels
///         fprintf(stderr, "%s\n", c1d_last_error());
///         return 1;
///     }
///     float kernel[3 * 2 * 4];                  // (kernel_size, channels, filters)
///     for (int i = 0; i < 3 * 2 * 4; i++) kernel[i] = (float)(i % 5) - 2.0f;
///     float bias[4] = {0.5f, -0.5f, 0.0f, 1.0f};
///     c1d_conv_set_kernel(conv, kernel, 3, 2, 4);
///     c1d_conv_set_bias(conv, bias, 4);
///
///     float input[1 * 8 * 2];                   // (batch=1, steps=8, channels=2)
///     for (int i = 0; i < 16; i++) input[i] = (float)i / 16.0f;
///     size_t shape[3];
///     c1d_conv_output_shape(conv, 1, 8, shape); // {1, 8, 4}
///     float *output = malloc(shape[0] * shape[1] * shape[2] * sizeof(float));
///
///     // NULL workspace: the call allocates (and frees) what it needs.
///     if (c1d_conv_forward(conv, 1, 8, input, output, NULL, 0) != C1D_OK)
///         fprintf(stderr, "%s\n", c1d_last_error());
///     else
///         printf("y[0,0,:] = %g %g %g %g\n", output[0], output[1], output[2], output[3]);
///     free(output);
///     c1d_conv_destroy(conv);
///     return 0;
/// }
/// @endcode
///
/// # Threads
/// `c1d_conv_forward` takes a `const c1d_conv *`: any number of threads may
/// call it on one layer at once, each with its own output and workspace (or a
/// NULL workspace). The layer must not be modified (`c1d_conv_set_*`,
/// `c1d_conv_destroy`) while calls run. This relies on the BLAS allowing
/// concurrent `cblas_sgemm` calls, which OpenBLAS >= 0.3.7 does in both its
/// pthreads (Debian's default) and OpenMP builds. OpenBLAS threads inside each
/// call as well; an application that runs many calls in parallel should set
/// `OPENBLAS_NUM_THREADS=1` to avoid oversubscription. c1d never changes the
/// BLAS thread count itself, and never changes the floating-point environment
/// (MXCSR): if the caller enables flush-to-zero, OpenBLAS's pool threads may
/// still keep subnormals, so results on subnormal data can then depend on the
/// BLAS thread count.
#ifndef C1D_H
#define C1D_H

#include <stdbool.h>
#include <stddef.h>

#include "c1d_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Marks the library's public functions. Building the library defines
/// `C1D_BUILDING`; everything else is hidden (`-fvisibility=hidden`).
#if defined(C1D_BUILDING) && defined(__GNUC__)
#define C1D_API __attribute__((visibility("default")))
#else
#define C1D_API
#endif

/// Result of every fallible call. Values are stable: new codes are appended.
typedef enum c1d_status {
    C1D_OK = 0,              ///< Success.
    C1D_INVALID_ARG = 1,     ///< An argument is out of its domain (Keras would raise ValueError).
    C1D_SHAPE_MISMATCH = 2,  ///< Array shapes disagree (kernel, bias, channels).
    C1D_TOO_LARGE = 3,       ///< A size overflows, exceeds a cap, or does not fit a BLAS `int`.
    C1D_NOMEM = 4,           ///< An allocation failed.
    C1D_PARSE = 5,           ///< Malformed text or file (JSON, .npy).
    C1D_UNSUPPORTED = 6,     ///< Valid in Keras but not offered by c1d (e.g. a custom activation).
    C1D_IO = 7,              ///< A read or write failed.
    C1D_ALIAS = 8,           ///< Buffers that must be distinct overlap.
    C1D_NOT_READY = 9,       ///< The layer lacks something the call needs (the kernel).
} c1d_status;

/// Keras `padding`. Keras accepts any letter case; see `c1d_padding_from_name`.
typedef enum c1d_padding {
    C1D_PADDING_VALID = 0,   ///< No padding: `L_out = floor((L - d*(k-1) - 1) / s) + 1`.
    C1D_PADDING_SAME = 1,    ///< `L_out = ceil(L / s)`; total pad split with the odd element on the right.
    C1D_PADDING_CAUSAL = 2,  ///< `d*(k-1)` zeros on the left, whatever the stride; `L_out = ceil(L / s)`.
} c1d_padding;

/// Keras `data_format`.
typedef enum c1d_data_format {
    C1D_CHANNELS_LAST = 0,   ///< Input `(batch, steps, channels)`, output `(batch, steps_out, filters)`.
    C1D_CHANNELS_FIRST = 1,  ///< Input `(batch, channels, steps)`, output `(batch, filters, steps_out)`.
} c1d_data_format;

/// Keras 3 string activations (`keras.activations`), applied after the bias.
/// Elementwise unless marked; the marked ones act on the output's last axis,
/// which is `filters` under channels_last and the time axis under
/// channels_first, exactly as Keras does.
typedef enum c1d_activation {
    C1D_ACTIVATION_LINEAR = 0,        ///< `x` (Keras `None` means this).
    C1D_ACTIVATION_RELU,              ///< `max(x, 0)`.
    C1D_ACTIVATION_RELU6,             ///< `min(max(x, 0), 6)`.
    C1D_ACTIVATION_LEAKY_RELU,        ///< `x >= 0 ? x : 0.2 x`.
    C1D_ACTIVATION_ELU,               ///< `x > 0 ? x : exp(x) - 1`.
    C1D_ACTIVATION_SELU,              ///< `scale * (x > 0 ? x : alpha (exp(x) - 1))`.
    C1D_ACTIVATION_CELU,              ///< `max(x, 0) + expm1(min(x, 0))`.
    C1D_ACTIVATION_SIGMOID,           ///< `1 / (1 + exp(-x))`.
    C1D_ACTIVATION_HARD_SIGMOID,      ///< `clip(x / 6 + 0.5, 0, 1)` (Keras 3; tf.keras 2 used 0.2x + 0.5).
    C1D_ACTIVATION_SPARSE_SIGMOID,    ///< `clip((x + 1) / 2, 0, 1)`.
    C1D_ACTIVATION_LOG_SIGMOID,       ///< `-softplus(-x)`.
    C1D_ACTIVATION_SILU,              ///< `x * sigmoid(x)` (alias `swish`).
    C1D_ACTIVATION_HARD_SILU,         ///< `x * hard_sigmoid(x)` (alias `hard_swish`).
    C1D_ACTIVATION_GELU,              ///< Exact: `0.5 x (1 + erf(x / sqrt 2))`.
    C1D_ACTIVATION_TANH,              ///< `tanh(x)`.
    C1D_ACTIVATION_TANH_SHRINK,       ///< `x - tanh(x)`.
    C1D_ACTIVATION_HARD_TANH,         ///< `clip(x, -1, 1)`.
    C1D_ACTIVATION_SOFTPLUS,          ///< `log(1 + exp(x))`.
    C1D_ACTIVATION_SOFTSIGN,          ///< `x / (1 + |x|)`.
    C1D_ACTIVATION_SQUAREPLUS,        ///< `(x + sqrt(x^2 + 4)) / 2`.
    C1D_ACTIVATION_SPARSE_PLUS,       ///< 0 below -1, `(x + 1)^2 / 4` inside, `x` from 1.
    C1D_ACTIVATION_SOFT_SHRINK,       ///< `x - 0.5` above 0.5, `x + 0.5` below -0.5, else 0.
    C1D_ACTIVATION_HARD_SHRINK,       ///< `|x| > 0.5 ? x : 0`.
    C1D_ACTIVATION_EXPONENTIAL,       ///< `exp(x)`.
    C1D_ACTIVATION_MISH,              ///< `x * tanh(softplus(x))`.
    C1D_ACTIVATION_SOFTMAX,           ///< Last axis: `exp(x - max) / sum exp(x - max)`.
    C1D_ACTIVATION_LOG_SOFTMAX,       ///< Last axis: `x - max - log sum exp(x - max)`.
    C1D_ACTIVATION_SPARSEMAX,         ///< Last axis, as Keras computes it (tau = (sum of the support's cumulative sums - 1) / k).
    C1D_ACTIVATION_GLU,               ///< Last axis: halves it, `a * sigmoid(b)`; the axis must be even.
    C1D_ACTIVATION_COUNT_             ///< Number of activations (not an activation).
} c1d_activation;

/// A Conv1D configuration. Field names and defaults are Keras's
/// (`c1d_config_default` fills them in); there is no field for Keras's
/// `name`, `dtype` (float32 only) or the training-time arguments.
typedef struct c1d_config {
    size_t filters;               ///< Output channels, >= 1, divisible by `groups`.
    size_t kernel_size;           ///< Taps, >= 1.
    size_t strides;               ///< >= 1 (default 1); > 1 excludes `dilation_rate` > 1.
    c1d_padding padding;          ///< Default `C1D_PADDING_VALID`.
    c1d_data_format data_format;  ///< Default `C1D_CHANNELS_LAST`.
    size_t dilation_rate;         ///< >= 1 (default 1).
    size_t groups;                ///< >= 1 (default 1); divides `filters` and the input channels.
    c1d_activation activation;    ///< Default `C1D_ACTIVATION_LINEAR`.
    bool use_bias;                ///< Default true.
} c1d_config;

/// The opaque layer object.
typedef struct c1d_conv c1d_conv;

/// Library version string, e.g. "0.1.0" (same as `C1D_VERSION_STRING`).
C1D_API const char *c1d_version(void);

/// Name of a status code, e.g. "C1D_INVALID_ARG"; "unknown status" otherwise.
C1D_API const char *c1d_status_name(c1d_status status);

/// The message of the last failed call on this thread (thread-local; never
/// NULL; "" before any failure). Valid until the next failing call on the
/// same thread.
C1D_API const char *c1d_last_error(void);

/// Name of the vector instruction set the kernels use: "avx512", "avx2" or
/// "scalar". Chosen once from the CPU; the environment variable
/// `C1D_MAX_ISA` (one of those names) caps it.
C1D_API const char *c1d_isa(void);

/// A configuration with Keras's defaults: strides 1, valid padding,
/// channels_last, dilation_rate 1, groups 1, linear activation, use_bias.
C1D_API c1d_config c1d_config_default(size_t filters, size_t kernel_size);

/// Checks a configuration against Keras's constructor rules (positive sizes,
/// `filters % groups == 0`, not both `strides` and `dilation_rate` > 1, known
/// enum values) and c1d's size limits. C1D_INVALID_ARG or C1D_TOO_LARGE.
C1D_API c1d_status c1d_config_validate(const c1d_config *config);

/// Parses a Keras padding name, any letter case ("valid", "SAME", "Causal").
/// C1D_INVALID_ARG for anything else (including NULL).
C1D_API c1d_status c1d_padding_from_name(const char *name, c1d_padding *padding);

/// Parses a Keras data_format name, any letter case. C1D_INVALID_ARG otherwise.
C1D_API c1d_status c1d_data_format_from_name(const char *name, c1d_data_format *data_format);

/// Parses a Keras 3 activation name, case-sensitively as Keras does;
/// accepts the aliases "swish" and "hard_swish". "threshold" (which Keras
/// resolves but cannot call without extra arguments) and unknown names give
/// C1D_UNSUPPORTED.
C1D_API c1d_status c1d_activation_from_name(const char *name, c1d_activation *activation);

/// Keras name of a padding ("valid", "same", "causal"); NULL if out of range.
C1D_API const char *c1d_padding_name(c1d_padding padding);
/// Keras name of a data_format; NULL if out of range.
C1D_API const char *c1d_data_format_name(c1d_data_format data_format);
/// Canonical Keras 3 name of an activation ("silu", never "swish"); NULL if out of range.
C1D_API const char *c1d_activation_name(c1d_activation activation);

/// Creates a layer for inputs with `in_channels` channels (Keras builds the
/// layer from the input shape; c1d takes the channel count up front). The
/// bias starts at zeros; the kernel must be set before `c1d_conv_forward`.
/// On failure `*conv` is left unchanged.
C1D_API c1d_status c1d_conv_create(const c1d_config *config, size_t in_channels, c1d_conv **conv);

/// Frees a layer. NULL is a no-op.
C1D_API void c1d_conv_destroy(c1d_conv *conv);

/// The layer's configuration and input channel count (either may be NULL).
C1D_API c1d_status c1d_conv_get_config(const c1d_conv *conv, c1d_config *config, size_t *in_channels);

/// Copies the kernel, Keras layout `(kernel_size, in_channels_per_group,
/// filters)` row-major. The three sizes are the caller's declared shape and
/// must equal the layer's (C1D_SHAPE_MISMATCH otherwise).
C1D_API c1d_status c1d_conv_set_kernel(c1d_conv *conv, const float *kernel, size_t kernel_size,
                                       size_t in_channels_per_group, size_t filters);

/// Copies the bias, shape `(filters,)`. C1D_INVALID_ARG when the layer was
/// created with `use_bias = false`.
C1D_API c1d_status c1d_conv_set_bias(c1d_conv *conv, const float *bias, size_t filters);

/// The output shape Keras gives for an input of `batch` x `steps` (the
/// other input axis being the channels): `{batch, steps_out, filters}` for
/// channels_last, `{batch, filters, steps_out}` for channels_first. With the
/// `glu` activation the last axis is halved, as Keras's output really is
/// (Keras's `compute_output_shape` does not know this). Fails as
/// `c1d_conv_forward` would for that shape (e.g. `valid` with `steps` shorter
/// than the dilated kernel, or an odd last axis with `glu`).
C1D_API c1d_status c1d_conv_output_shape(const c1d_conv *conv, size_t batch, size_t steps, size_t shape[3]);

/// Bytes of workspace `c1d_conv_forward` needs for this input (0 when there
/// is nothing to compute). Bounded whatever `steps` and `batch` are: per
/// thread the call uses (see `c1d_conv_set_threads`) at most about
/// `3 * max(C1D_TILE_BYTES, 4 * kernel_size * in_channels / groups, 4 * filters)`
/// bytes, plus 64, except that `sparsemax` under channels_first adds
/// `4 * steps_out` bytes per thread (it sorts the whole time axis).
C1D_API c1d_status c1d_conv_workspace_size(const c1d_conv *conv, size_t batch, size_t steps, size_t *bytes);

/// Target size in bytes of one im2col tile; see `c1d_conv_workspace_size`.
#define C1D_TILE_BYTES ((size_t)2048 * 1024)

/// Upper bound on any single buffer c1d allocates or accepts as workspace
/// (1 GiB, as TFLite caps its arena); larger requests give C1D_TOO_LARGE.
#define C1D_MAX_ALLOC_BYTES ((size_t)1 << 30)

/// Runs the layer: `output = activation(conv(input, kernel) + bias)`.
///
/// - `input`: `batch * steps * in_channels` floats, layout per `data_format`.
/// - `output`: as many floats as `c1d_conv_output_shape` gives; it must not
///   overlap `input` or the workspace (C1D_ALIAS).
/// - `workspace`: NULL to let the call allocate and free its own, or a
///   caller buffer of at least `c1d_conv_workspace_size` bytes (any
///   alignment; `workspace_bytes` is checked).
/// - Pointers must be aligned for `float`; they may be NULL only when the
///   array they describe is empty (`batch == 0`, or `steps == 0` with `same`
///   or `causal` padding, which give an empty output exactly as Keras does).
///
/// On failure nothing is written to `output`.
C1D_API c1d_status c1d_conv_forward(const c1d_conv *conv, size_t batch, size_t steps, const float *input,
                                    float *output, void *workspace, size_t workspace_bytes);

/// How c1d computes a layer. c1d chooses at create time
/// (`C1D_PATH_AUTO`); `c1d_conv_path` reports the choice and the reason, and
/// `c1d_conv_set_path` forces a path, so that users and tests can compare
/// paths. Every path computes the same function (within the tolerances the
/// tests check); they differ in speed.
typedef enum c1d_path {
    C1D_PATH_AUTO = 0,         ///< Let c1d choose (the default).
    C1D_PATH_IM2COL_GEMM = 1,  ///< General: im2col tiles and one cblas_sgemm per group. Runs every layer.
    C1D_PATH_DEPTHWISE = 2,    ///< Direct loops, no GEMM; only for one input channel per group (depthwise, or 1 channel).
    C1D_PATH_GEMM_VIEW = 3,    ///< cblas_sgemm straight on the input, im2col only where a window touches the padding;
                               ///< channels_last with kernel_size 1, or with dilation_rate 1, groups 1 and
                               ///< kernel_size <= strides (windows that do not overlap); channels_first with
                               ///< kernel_size 1 and strides 1.
    C1D_PATH_DIRECT = 4,       ///< Direct ("implicit GEMM") register-blocked loops over the input, no im2col and
                               ///< no BLAS; channels_last only, any groups. The kernel is repacked in blocks of
                               ///< 16 filters per group when it is set (the layer holds a second, padded copy).
} c1d_path;

/// Name of a path ("auto", "im2col_gemm", "depthwise", "gemm_view", "direct"); NULL if out of range.
C1D_API const char *c1d_path_name(c1d_path path);

/// Forces how the layer is computed (`C1D_PATH_AUTO` restores c1d's
/// choice). C1D_UNSUPPORTED if the path cannot compute this layer; the
/// layer is then unchanged. `C1D_PATH_DIRECT` allocates its packed kernel
/// here (C1D_TOO_LARGE beyond `C1D_MAX_ALLOC_BYTES`, C1D_NOMEM). Not to be
/// called while forward calls run.
C1D_API c1d_status c1d_conv_set_path(c1d_conv *conv, c1d_path path);

/// The path forward calls will take and a one-line reason (static string).
/// Either output may be NULL.
C1D_API c1d_status c1d_conv_path(const c1d_conv *conv, c1d_path *path, const char **reason);

/// Most threads one forward call may use (`c1d_conv_set_threads`).
#define C1D_MAX_THREADS 64

/// Lets forward calls on this layer split their work over up to `threads`
/// threads (1 .. C1D_MAX_THREADS; the default is 1: the calling thread
/// only). A call starts only as many threads as its work pays for (about
/// 3 MFLOP each) and never more than it has tiles; the calling thread
/// works too. Results are bitwise the same for every thread count: the work
/// is split by output tiles, no reduction is split, and every output is
/// summed the same way whoever computes it (on the GEMM paths the tile
/// boundaries do not depend on the thread count; the direct and depthwise
/// paths, whose outputs do not depend on their tile, cut smaller tiles when
/// a call would give each thread fewer than about 4). Each thread calls `cblas_sgemm` itself, so with
/// `threads` > 1 set the BLAS to one thread (`OPENBLAS_NUM_THREADS=1` or
/// `openblas_set_num_threads(1)`), or the two will oversubscribe the cores.
/// The workspace depends on the thread count (see `c1d_conv_workspace_size`).
/// Not to be called while forward calls run.
C1D_API c1d_status c1d_conv_set_threads(c1d_conv *conv, size_t threads);

/// @name Keras configs as JSON (`get_config()` / `from_config()`)
/// A `c1d_keras_config` is a whole Keras Conv1D config: the forward-pass
/// fields (`c1d_config`) plus everything else Keras stores (name, trainable,
/// dtype, initializers, regularizers, constraints, LoRA keys, build shape),
/// validated as Keras 3's `from_config` would. Parsing never executes,
/// opens or fetches anything a config names.
/// @{

/// Opaque parsed Keras config.
typedef struct c1d_keras_config c1d_keras_config;

/// Parses a Keras Conv1D layer config from JSON text (`length` bytes, no
/// terminator needed): the bare `get_config()` dict, or the wrapped
/// `{"class_name": "Conv1D", "config": {...}}` forms written by Keras 3.x
/// and tf.keras 2.x. C1D_PARSE for malformed JSON, C1D_INVALID_ARG /
/// C1D_TOO_LARGE for values Keras would reject, C1D_UNSUPPORTED for what
/// c1d cannot honour (custom or lambda activations, other layer classes,
/// non-float32 dtype policies); the message names the key.
C1D_API c1d_status c1d_keras_config_parse(const char *json, size_t length, c1d_keras_config **config);

/// Frees a parsed config. NULL is a no-op.
C1D_API void c1d_keras_config_destroy(c1d_keras_config *config);

/// The forward-pass part of a parsed config, and the input channel count
/// the config records (`build_config.input_shape` or `batch_input_shape`;
/// 0 when it records none). Either output may be NULL.
C1D_API c1d_status c1d_keras_config_get(const c1d_keras_config *config, c1d_config *conv_config,
                                        size_t *in_channels);

/// Writes the Keras 3 `get_config()` JSON of a parsed config, every default
/// filled in, into a new NUL-terminated string (free it with `c1d_json_free`).
C1D_API c1d_status c1d_keras_config_to_json(const c1d_keras_config *config, char **json);

/// Frees a string returned by c1d. NULL is a no-op.
C1D_API void c1d_json_free(char *json);

/// @}

/// @name The Keras layer: initializers, regularizers, constraints, LoRA, weights
/// What a Keras `Conv1D` object does besides its forward pass. A layer made
/// from a parsed config (`c1d_conv_create_from_keras`) keeps that config:
/// its kernel and bias are initialized as Keras's `build()` initializes
/// them, its regularizers give the losses Keras adds, its constraints
/// project the weights as Keras's optimizer does after an update, and
/// `c1d_conv_get_keras_config` gives its `get_config()` back. A layer from
/// `c1d_conv_create` behaves as a Keras layer built with the default
/// arguments (no regularizer, no constraint) whose weights the caller sets.
///
/// Weights follow Keras's `layer.weights`: the kernel `(kernel_size,
/// in_channels / groups, filters)`, the bias `(filters,)` when `use_bias`,
/// and with LoRA on the factors `lora_kernel_a` `(kernel_size, in_channels /
/// groups, rank)` and `lora_kernel_b` `(rank, filters)`. With LoRA the
/// kernel weight is the frozen base kernel and the forward pass uses
/// `base + (lora_alpha / rank) * A @ B`, which c1d keeps merged (the
/// kernel that `c1d_conv_forward` reads is recomputed whenever the base
/// kernel or a factor changes). `c1d_conv_save_variables` gives the merged
/// kernel, as Keras saves it.
///
/// Random initializers draw from Philox4x32-10 (a counter-based generator,
/// Salmon et al. 2011) with Box-Muller normals: an explicit seed gives the
/// same values every time; without one, each initializer draws a seed when
/// it is used (once per layer), so two layers differ. The values follow
/// Keras's distributions exactly (bounds, truncation, fans) but cannot match
/// Keras's own random streams, which differ between its backends anyway.
///
/// These calls follow the rules of the header: a status, a message that
/// names the argument, nothing written on failure. The losses are computed
/// in double precision. None of them may run while forward calls run on
/// the same layer, except the `const` ones.
/// @{

/// A dimension Keras leaves unknown (`None`), in `c1d_conv_compute_output_shape`.
#define C1D_UNKNOWN ((size_t)-1)

/// Most weights a layer has: kernel, bias, and the two LoRA factors.
#define C1D_MAX_WEIGHTS 4

/// Creates a layer from a parsed Keras config, as Keras's `from_config`
/// followed by `build` does: the kernel and bias are filled by the config's
/// initializers (a `null` initializer means `glorot_uniform`, as Keras's
/// `add_weight` has it, for the bias too), `trainable` is the config's, and
/// a `lora_rank` enables LoRA (`he_uniform` A, zero B). `in_channels` is
/// the input channel count, or 0 to take the one the config records
/// (`build_config` / `batch_input_shape`); C1D_INVALID_ARG when neither
/// gives one, C1D_SHAPE_MISMATCH when both do and differ. The layer keeps
/// its own copy of the config. Initializer errors Keras raises at build
/// (`Identity` or `Orthogonal` on a shape of the wrong rank, `STFT` on more
/// than one channel per group) fail here, naming the initializer key.
C1D_API c1d_status c1d_conv_create_from_keras(const c1d_keras_config *config, size_t in_channels,
                                               c1d_conv **conv);

/// The layer's Keras `get_config()` as a new parsed config (free it with
/// `c1d_keras_config_destroy`; `c1d_keras_config_to_json` writes it): the
/// config the layer was made from with its current `trainable` and LoRA
/// keys, or for a layer from `c1d_conv_create` the Keras defaults around
/// its `c1d_config` (name "conv1d"). It records the layer's input channel
/// count.
C1D_API c1d_status c1d_conv_get_keras_config(const c1d_conv *conv, c1d_keras_config **config);

/// Keras's `compute_output_shape`. `input_shape` is `{batch, steps,
/// channels}` (channels_last) or `{batch, channels, steps}`
/// (channels_first); any entry may be `C1D_UNKNOWN`. An unknown batch or
/// step count gives `C1D_UNKNOWN` in the output; the channel entry is not
/// checked (Keras does not check it either). The output always has
/// `filters` channels, even for `glu`, whose real output has half as many
/// (`c1d_conv_output_shape` gives the real shape). A known step count too
/// short for `valid` padding fails as Keras fails.
C1D_API c1d_status c1d_conv_compute_output_shape(const c1d_conv *conv, const size_t input_shape[3],
                                                  size_t output_shape[3]);

/// Keras's `count_params()`: the elements of every weight, LoRA factors included.
C1D_API c1d_status c1d_conv_count_params(const c1d_conv *conv, size_t *count);

/// One weight of `layer.weights`.
typedef struct c1d_weight_info {
    const char *name;  ///< Keras's variable name: "kernel", "bias", "lora_kernel_a", "lora_kernel_b".
    size_t rank;       ///< Number of dimensions (3, 1, 3, 2).
    size_t shape[3];   ///< The dimensions; entries past `rank` are 0.
    size_t size;       ///< Elements (floats).
    bool trainable;    ///< In Keras's `trainable_weights` (false for all when the layer is not trainable).
} c1d_weight_info;

/// Keras's `layer.weights`, in its order: kernel, bias (if any), then
/// `lora_kernel_a`, `lora_kernel_b` (if LoRA is on). `*count` receives how
/// many entries of `info` were filled (2 to 4; 1 without bias). The
/// trainable ones are Keras's `trainable_weights`, the others its
/// `non_trainable_weights`.
C1D_API c1d_status c1d_conv_weights(const c1d_conv *conv, c1d_weight_info info[C1D_MAX_WEIGHTS], size_t *count);

/// Copies weight `index` of `c1d_conv_weights` (Keras's `get_weights()[index]`,
/// row-major) into `values`, which holds `size` floats (at least the
/// weight's size). With LoRA on, index 0 is the base kernel, as in Keras.
/// C1D_NOT_READY for the kernel of a layer from `c1d_conv_create` that was
/// never set.
C1D_API c1d_status c1d_conv_get_weight(const c1d_conv *conv, size_t index, float *values, size_t size);

/// Sets weight `index` of `c1d_conv_weights` (Keras's `set_weights` for one
/// weight). `rank` and `shape` declare the array's shape, which must equal
/// the weight's (C1D_SHAPE_MISMATCH otherwise, with Keras's message).
/// Setting the base kernel or a LoRA factor recomputes the merged kernel.
C1D_API c1d_status c1d_conv_set_weight(c1d_conv *conv, size_t index, const float *values, size_t rank,
                                       const size_t *shape);

/// Keras's `save_own_variables`: the kernel the layer computes with (the
/// merged one when LoRA is on) into `kernel` (room for `kernel_size`
/// floats) and the bias into `bias` (`bias_size` floats; NULL and 0 when
/// the layer has no bias). This is what a `.keras` / `.weights.h5` file stores.
C1D_API c1d_status c1d_conv_save_variables(const c1d_conv *conv, float *kernel, size_t kernel_size, float *bias,
                                           size_t bias_size);

/// Keras's `load_own_variables`: stored (merged) weights, `kernel_size`
/// and `bias_size` floats (`bias` NULL and 0 without bias). The kernel
/// becomes the base kernel; with LoRA on both factors are zeroed, so the
/// layer computes with exactly the stored kernel.
C1D_API c1d_status c1d_conv_load_variables(c1d_conv *conv, const float *kernel, size_t kernel_size,
                                           const float *bias, size_t bias_size);

/// Keras's `layer.trainable = trainable`: sets the layer flag and the flag
/// of every weight, as Keras does (so `true` also makes a LoRA base kernel
/// trainable again).
C1D_API c1d_status c1d_conv_set_trainable(c1d_conv *conv, bool trainable);

/// Keras's `layer.trainable`.
C1D_API c1d_status c1d_conv_get_trainable(const c1d_conv *conv, bool *trainable);

/// Fills `values` (`size` floats, at least the product of `shape`) as the
/// Keras initializer `initializer` does for a weight of shape
/// `shape[0 .. rank)` (rank 0 to 8). `initializer` is an identifier
/// ("he_normal", "Orthogonal") or a serialized initializer as JSON text
/// (`{"class_name": "VarianceScaling", "config": {"scale": 2.0, "seed": 3}}`),
/// read as a config's initializer is. Without a seed each call draws a new one.
C1D_API c1d_status c1d_initializer_fill(const char *initializer, const size_t *shape, size_t rank, float *values,
                                        size_t size);

/// Makes the seeds that unseeded initializers draw reproducible from now
/// on, as `keras.utils.set_random_seed` does (process-wide, thread-safe).
C1D_API void c1d_random_set_seed(unsigned long long seed);

/// The weight-regularization losses Keras adds to `layer.losses`: one per
/// trainable weight that has a regularizer, in `trainable_weights` order
/// (kernel, bias; with LoRA: bias, `lora_kernel_a`, `lora_kernel_b`, both
/// factors taking the kernel regularizer), none when the layer is not
/// trainable. `losses[i]` is the penalty of weight `weight_index[i]` (an
/// index of `c1d_conv_weights`; `weight_index` may be NULL); `*count`
/// receives how many were written. `OrthogonalRegularizer` fails on the
/// rank-3 kernel and the bias with Keras's message; on the rank-2
/// `lora_kernel_b` it gives Keras's value.
C1D_API c1d_status c1d_conv_regularization_losses(const c1d_conv *conv, double losses[C1D_MAX_WEIGHTS],
                                                  size_t weight_index[C1D_MAX_WEIGHTS], size_t *count);

/// The activity-regularization loss Keras (>= 3.14) adds on a call: the
/// activity regularizer of `output` (what `c1d_conv_forward` wrote for an
/// input of `batch` x `steps`), divided by `batch` (0 for an empty batch).
/// `*count` receives 1, or 0 (and `*loss` 0) when the layer has no
/// activity regularizer. `output` may be NULL when it is empty.
C1D_API c1d_status c1d_conv_activity_loss(const c1d_conv *conv, size_t batch, size_t steps, const float *output,
                                          double *loss, size_t *count);

/// Applies the kernel and bias constraints in place, as Keras's optimizer
/// does after each update: only to trainable weights (a frozen weight is
/// not updated, so not projected). Norms (`MaxNorm`, `MinMaxNorm`,
/// `UnitNorm`) are taken over `axis` (an int, a list, or null for all
/// axes; negative axes count from the end) with epsilon 1e-7. An axis out
/// of range or repeated fails before anything changes.
C1D_API c1d_status c1d_conv_apply_constraints(c1d_conv *conv);

/// Keras's `enable_lora(rank, lora_alpha, a_initializer, b_initializer)`,
/// with its checks in its order: a kernel constraint (C1D_INVALID_ARG,
/// "Lora is incompatible with kernel constraints. ..."), LoRA already on
/// ("lora is already enabled. This can only be done once per layer."),
/// then `rank >= 1`. `lora_alpha` must be finite (Keras's default, None,
/// is the rank). The initializers are as in `c1d_initializer_fill`; NULL
/// means Keras's defaults, "he_uniform" for A and "zeros" for B. The base
/// kernel becomes non-trainable, the factors trainable (unless the layer
/// is frozen).
C1D_API c1d_status c1d_conv_enable_lora(c1d_conv *conv, size_t rank, double lora_alpha, const char *a_initializer,
                                        const char *b_initializer);

/// The LoRA rank (0 when off) and alpha of a layer; either output may be NULL.
C1D_API c1d_status c1d_conv_get_lora(const c1d_conv *conv, size_t *rank, double *lora_alpha);

/// @}

#ifdef __cplusplus
}
#endif

#endif
