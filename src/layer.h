/* layer.h: what the Keras-layer files share (src/random.c,
 * src/initializers.c, src/regularizers.c, src/constraints.c, src/lora.c,
 * src/layer.c). Weights are described by a small shape record so that one
 * routine serves the kernel, the bias and the LoRA factors, and messages
 * print shapes as Python does: (3, 2, 4), (4,). */
#ifndef C1D_LAYER_H
#define C1D_LAYER_H

#include <stdint.h>

#include "keras_json.h"

/* The shape of one weight; rank <= C1D_SHAPE_MAX_RANK. */
#define C1D_SHAPE_MAX_RANK 8
typedef struct c1d_shape {
    size_t rank;
    size_t dim[C1D_SHAPE_MAX_RANK];
} c1d_shape;

/* "(3, 2, 4)", "(4,)", "()" into buf. */
void c1d_shape_format(const c1d_shape *shape, char *buf, size_t size);
/* Product of the dimensions; false on overflow. */
bool c1d_shape_size(const c1d_shape *shape, size_t *size);

/* The weights of a layer in Keras's `layer.weights` order. */
typedef enum c1d_weight_id { C1D_W_KERNEL, C1D_W_BIAS, C1D_W_LORA_A, C1D_W_LORA_B } c1d_weight_id;
typedef struct c1d_weight_ref {
    c1d_weight_id id;
    const char *name;  /* Keras's variable name */
    c1d_shape shape;
    float *data;       /* the stored values: the base kernel, the bias, a factor */
    bool trainable;    /* in trainable_weights */
} c1d_weight_ref;
/* Fills refs[0 .. *count) for the layer (C1D_MAX_WEIGHTS at most). */
void c1d_layer_weights(const c1d_conv *conv, c1d_weight_ref refs[C1D_MAX_WEIGHTS], size_t *count);

/* ---- random.c: Philox4x32-10 and the seeds of unseeded initializers ---- */

/* One Philox4x32-10 block: out = philox(ctr, key). */
void c1d_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);
/* A fresh seed for an unseeded initializer (thread-safe). */
uint64_t c1d_random_seed(void);
/* Element `index` of a stream: a double uniform in [0, 1), and a standard
 * normal (Box-Muller); `attempt` selects further independent draws for the
 * same element (rejection sampling). */
double c1d_random_uniform(uint64_t seed, uint64_t index);
double c1d_random_normal(uint64_t seed, uint64_t index, uint32_t attempt);

/* ---- initializers.c ---- */

/* Fills `values` (shape's size) as the initializer `init` does for a weight
 * of that shape (None: glorot_uniform, as Keras's add_weight). `path` names
 * the argument in messages ("kernel_initializer"). Nothing is written on
 * failure. */
c1d_status c1d_initializer_run(const c1d_keras_object *init, const c1d_shape *shape, float *values,
                               const char *path);
/* Reads an initializer argument: NULL gives `fallback` (an identifier); an
 * identifier, or JSON text starting with '{', is read as a config's
 * initializer is. *obj must be cleared with c1d_keras_object_clear. */
c1d_status c1d_initializer_parse(const char *text, const char *fallback, const char *path, c1d_keras_object *obj);

/* ---- regularizers.c ---- */

/* The penalty of regularizer `reg` (not None) on x (shape's size). */
c1d_status c1d_regularizer_loss(const c1d_keras_object *reg, const float *x, const c1d_shape *shape,
                                const char *path, double *loss);

/* ---- lora.c ---- */

/* Recomputes w = kernel_base + (lora_alpha / lora_rank) * A @ B (LoRA on). */
void c1d_lora_merge(c1d_conv *conv);

#endif
