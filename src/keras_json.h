/* keras_json.h: what keras_json.c (the layer config: parse, validate, emit)
 * and keras_objects.c (the objects a config nests: initializers,
 * regularizers, constraints, seeds, the dtype policy) share. Both read a
 * jansson tree that jansson has already checked for syntax; here every
 * value is checked against Keras's rules, never resolved or run. */
#ifndef C1D_KERAS_JSON_H
#define C1D_KERAS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* A Python number as a config holds it. Keras writes ints and floats
 * differently (MaxNorm's default max_value=2 is written `2`), so the kind
 * is kept for get_config. */
typedef struct c1d_keras_number {
    bool is_int;
    json_int_t i;  /* the value, when is_int */
    double d;      /* the value as a double, always */
} c1d_keras_number;

/* An axis argument: None, an int, or a list of ints (a constraint's
 * `axis`, a variance-scaling initializer's `input_axes` / `output_axes`).
 * Longer lists than C1D_KERAS_MAX_AXES are refused: a Conv1D weight has
 * rank 3 at most. */
#define C1D_KERAS_MAX_AXES 8
typedef enum c1d_keras_axes_kind { C1D_AXES_NONE, C1D_AXES_INT, C1D_AXES_LIST } c1d_keras_axes_kind;
typedef struct c1d_keras_axes {
    c1d_keras_axes_kind kind;
    size_t count;  /* C1D_AXES_LIST: entries of v */
    json_int_t v[C1D_KERAS_MAX_AXES];
} c1d_keras_axes;

/* A random initializer's `seed`: None, an int, or a serialized
 * keras.random.SeedGenerator (whose own seed may be None). */
typedef enum c1d_keras_seed_kind { C1D_SEED_NONE, C1D_SEED_INT, C1D_SEED_GENERATOR } c1d_keras_seed_kind;
typedef struct c1d_keras_seed {
    c1d_keras_seed_kind kind;
    bool has_value;    /* C1D_SEED_INT, or a generator with an int seed */
    json_int_t value;
    char *name;        /* C1D_SEED_GENERATOR: its name, from c1d_alloc */
} c1d_keras_seed;

/* One constructor argument of a nested object; which member is meaningful
 * depends on the argument's kind in the class table (keras_objects.c). */
typedef struct c1d_keras_arg {
    c1d_keras_number num;
    const char *choice;  /* a string argument: points into a static table; NULL for None */
    bool flag;
    c1d_keras_axes axes;
    c1d_keras_seed seed;
} c1d_keras_arg;

typedef enum c1d_keras_family {
    C1D_KERAS_INITIALIZER,
    C1D_KERAS_REGULARIZER,
    C1D_KERAS_CONSTRAINT,
} c1d_keras_family;

typedef struct c1d_keras_class c1d_keras_class;

/* Most arguments any allowed class takes (VarianceScaling: seed, scale,
 * mode, distribution, input_axes, output_axes). */
#define C1D_KERAS_MAX_ARGS 6

/* A nested object, or None (cls == NULL). */
typedef struct c1d_keras_object {
    const c1d_keras_class *cls;
    c1d_keras_arg arg[C1D_KERAS_MAX_ARGS];  /* in the class table's order */
} c1d_keras_object;

/* Reads an initializer / regularizer / constraint argument (null, a
 * string identifier, or a serialized object) as Keras 3's
 * `initializers.get()` etc. would. `path` names the argument in messages.
 * On failure *obj holds nothing that needs freeing. */
c1d_status c1d_keras_object_parse(c1d_keras_family family, const json_t *value, const char *path,
                                  c1d_keras_object *obj);
/* The class `name` with its default arguments, as a string identifier
 * gives it; false when the family has no such class. */
bool c1d_keras_object_default(c1d_keras_family family, const char *name, c1d_keras_object *obj);
/* The Keras 3.16 get_config() form (4-key dict, or null); NULL when out of memory. */
json_t *c1d_keras_object_to_json(c1d_keras_family family, const c1d_keras_object *obj);
/* Frees what an object owns (seed generator names) and makes it None. */
void c1d_keras_object_clear(c1d_keras_object *obj);

/* Checks a layer `dtype` (null, a policy name, or a serialized policy):
 * float32 passes, other policies Keras knows are C1D_UNSUPPORTED. */
c1d_status c1d_keras_dtype_parse(const json_t *value, const char *path);
/* The Keras 3.16 float32 DTypePolicy dict; NULL when out of memory. */
json_t *c1d_keras_dtype_to_json(void);

/* The keys of a serialized Keras object. */
typedef struct c1d_keras_envelope {
    const char *class_name;
    const json_t *config;           /* NULL when absent */
    const json_t *module;           /* NULL when absent; never JSON null (refused) */
    const char *registered_name;    /* NULL when absent or null */
} c1d_keras_envelope;

/* Reads {"class_name", "config", "module", "registered_name",
 * "shared_object_id"} (the 4-key and the legacy 2-key forms); `what` is
 * the family's word for Keras's messages ("initializer"). A `module: null`
 * (Keras: a custom class that was not registered) is C1D_UNSUPPORTED. */
c1d_status c1d_keras_envelope_read(const json_t *value, const char *path, const char *what,
                                   c1d_keras_envelope *env);

/* A short, ASCII-only rendering of a value for messages: JSON text,
 * truncated with "..." to fit `size` bytes (NUL included). */
void c1d_json_describe(const json_t *value, char *buf, size_t size);

/* Fails with C1D_INVALID_ARG naming the first key of `object` that is not
 * in the NULL-terminated `allowed` list. `owner` completes Keras's message
 * ("Conv1D", "GlorotUniform.__init__()"). */
c1d_status c1d_json_check_keys(const json_t *object, const char *const *allowed, const char *path,
                               const char *owner);

/* `path.key` (or `key` when path is empty) into buf, the key cut to
 * printable ASCII for messages. buf must not overlap path. */
void c1d_json_join(char *buf, size_t size, const char *path, const char *key);

/* Sets object[key] = value, taking ownership of value also on failure
 * (jansson's set_new does) and failing on a NULL value (out of memory). */
static inline bool c1d_json_put(json_t *object, const char *key, json_t *value) {
    return json_object_set_new(object, key, value) == 0;
}

/* Reads a JSON integer. Booleans are refused although Python's bool is an
 * int: Keras never writes `true` for a count, so one is a corrupt config. */
c1d_status c1d_json_read_int(const json_t *value, const char *path, json_int_t *out);

/* Copies a NUL-terminated string into memory from c1d_alloc; NULL when out of memory. */
char *c1d_keras_strdup(const char *s);

/* ---- Accessors for the layer (src/layer.c, src/lora.c, src/initializers.c,
 * src/regularizers.c, src/constraints.c): they read a parsed config's
 * validated objects instead of parsing anything again. ---- */

/* The nested objects of a Conv1D config, in keras_json.c's order. */
typedef enum c1d_keras_slot {
    C1D_SLOT_KERNEL_INITIALIZER,
    C1D_SLOT_BIAS_INITIALIZER,
    C1D_SLOT_KERNEL_REGULARIZER,
    C1D_SLOT_BIAS_REGULARIZER,
    C1D_SLOT_ACTIVITY_REGULARIZER,
    C1D_SLOT_KERNEL_CONSTRAINT,
    C1D_SLOT_BIAS_CONSTRAINT,
    C1D_SLOT_COUNT
} c1d_keras_slot;

/* The object in `slot` (cls == NULL for None). */
const c1d_keras_object *c1d_keras_config_object(const c1d_keras_config *config, c1d_keras_slot slot);
/* The layer name. */
const char *c1d_keras_config_name(const c1d_keras_config *config);
/* The config's `trainable`. */
bool c1d_keras_config_trainable(const c1d_keras_config *config);
/* `lora_rank` (0: off) and `lora_alpha` as the config holds them. */
json_int_t c1d_keras_config_lora_rank(const c1d_keras_config *config);
c1d_keras_number c1d_keras_config_lora_alpha(const c1d_keras_config *config);
/* Overwrites what a layer changes after it is created: the input channel
 * count, `trainable` and the LoRA keys (rank 0: off). */
void c1d_keras_config_set_state(c1d_keras_config *config, size_t in_channels, bool trainable, json_int_t lora_rank,
                                c1d_keras_number lora_alpha);
/* A deep copy (from c1d_alloc; free with c1d_keras_config_destroy). */
c1d_status c1d_keras_config_copy(const c1d_keras_config *config, c1d_keras_config **copy);
/* The config Keras's constructor gives `conv` with every other argument
 * left at its default (name "conv1d", glorot_uniform / zeros, no
 * regularizer or constraint, LoRA off). */
c1d_status c1d_keras_config_from_conv(const c1d_config *conv, size_t in_channels, c1d_keras_config **config);

/* The Keras class name of an object; NULL for None. */
const char *c1d_keras_object_class(const c1d_keras_object *obj);
/* The argument `key` of an object; NULL when its class has no such argument. */
const c1d_keras_arg *c1d_keras_object_arg(const c1d_keras_object *obj, const char *key);
/* A deep copy of an object into *dst (which holds nothing to free);
 * C1D_NOMEM leaves *dst as None. */
c1d_status c1d_keras_object_copy(const c1d_keras_object *src, c1d_keras_object *dst);

#endif
