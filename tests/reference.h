/* reference.h: a naive Conv1D written from the Keras definition (spec
 * sections 3, 4, 5 and 7), in double precision. It shares no code with src/
 * or kernels/ (only the c1d_config type and enum values of the public
 * header), so tests and the benchmark can judge c1d against it. */
#ifndef C1D_REFERENCE_H
#define C1D_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "c1d.h"

/* Keras output length and left pad; false when Keras would reject the
 * shape (valid padding with steps shorter than the dilated kernel). */
bool ref_output_length(const c1d_config *cfg, size_t steps, size_t *l_out, size_t *pad_l);

/* Pre-activation output z = bias + sum of taps, in Keras layout
 * (channels_last [batch][l_out][f], channels_first [batch][f][l_out]), and
 * mag = |bias| + sum |w * x| over the same terms (for tolerances).
 * x in Keras input layout; w [kernel_size][c_in/groups][filters]; b [filters]
 * or NULL. z and mag hold batch * l_out * filters doubles (mag may be NULL). */
void ref_conv1d(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x, const float *w,
                const float *b, double *z, double *mag);

/* Keras activation of one element (elementwise activations only). */
double ref_activation(c1d_activation a, double v);

/* softmax, log_softmax, sparsemax and glu: they act on a whole axis. */
bool ref_activation_is_axiswise(c1d_activation a);

/* Facts about the elementwise activations that tolerances build on:
 * monotone (false for silu, gelu, mish, hard_silu and hard_shrink);
 * a Lipschitz bound (max |f'| rounded up: silu 1.1, gelu 1.13, mish 1.2,
 * hard_silu 1.5; 1 otherwise); exact (linear, relu, relu6 and hard_tanh:
 * their float32 formula does not round). */
bool ref_activation_is_monotone(c1d_activation a);
double ref_activation_lipschitz(c1d_activation a);
bool ref_activation_is_exact(c1d_activation a);

/* Applies cfg->activation to z (pre-activation, Keras layout, l_out steps)
 * giving y in the layout Keras outputs (glu halves the last axis). */
void ref_activate(const c1d_config *cfg, size_t batch, size_t l_out, const double *z, double *y);

#endif
