/* epilogue_scalar.c: bias addition and every Keras 3 activation, portable C.
 *
 * Each activation works in place on a contiguous vector y[0 .. n) in float32
 * with libm, following the formula Keras evaluates (Keras 3 activations and
 * their backend ops), so NaN and infinity behave as they do there: NaN
 * propagates except where Keras's own `where`-based formula maps it to 0
 * (soft_shrink, hard_shrink). softmax, log_softmax and sparsemax treat y as
 * the whole axis; the others are elementwise. No tail handling is needed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"

#define SELU_ALPHA 1.6732632423543772848170429916717f
#define SELU_SCALE 1.0507009873554804934193349852946f
#define INV_SQRT2 0.70710678118654752440f

void c1d_add_vector__scalar(float *y, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += b[i];
}

void c1d_add_scalar__scalar(float *y, float b, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += b;
}

/* Scalar building blocks shared by several activations. */
static inline float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

/* logaddexp(v, 0) = max(v, 0) + log1p(exp(-|v|)), stable for large |v|. */
static inline float softplusf(float v) { return (v > 0.0f ? v : 0.0f) + log1pf(expf(-fabsf(v))); }

static inline float hard_sigmoidf(float v) {
    float t = v / 6.0f + 0.5f;
    return t <= 0.0f ? 0.0f : (t >= 1.0f ? 1.0f : t);
}

/* One elementwise activation: ELEMENTWISE(name, expression in v). */
#define ELEMENTWISE(name, expr)                                          \
    void c1d_act_##name##__scalar(float *y, size_t n, float *s) { \
        (void)s;                                                         \
        for (size_t i = 0; i < n; i++) {                                 \
            float v = y[i];                                              \
            y[i] = (expr);                                               \
        }                                                                \
    }

void c1d_act_linear__scalar(float *y, size_t n, float *s) {
    (void)y;
    (void)n;
    (void)s;
}

/* Comparisons are written so that NaN falls through to v. */
ELEMENTWISE(relu, v < 0.0f ? 0.0f : v)
ELEMENTWISE(relu6, v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v))
ELEMENTWISE(leaky_relu, v >= 0.0f ? v : 0.2f * v)
ELEMENTWISE(elu, v > 0.0f ? v : expm1f(v))
ELEMENTWISE(selu, SELU_SCALE *(v > 0.0f ? v : SELU_ALPHA * expm1f(v)))
ELEMENTWISE(celu, v > 0.0f ? v : expm1f(v))
ELEMENTWISE(sigmoid, sigmoidf(v))
ELEMENTWISE(hard_sigmoid, hard_sigmoidf(v))
ELEMENTWISE(sparse_sigmoid, v <= -1.0f ? 0.0f : (v >= 1.0f ? 1.0f : 0.5f * (v + 1.0f)))
ELEMENTWISE(log_sigmoid, -softplusf(-v))
ELEMENTWISE(silu, v *sigmoidf(v))
ELEMENTWISE(hard_silu, v *hard_sigmoidf(v))
ELEMENTWISE(gelu, 0.5f * v * (1.0f + erff(v * INV_SQRT2)))
ELEMENTWISE(tanh, tanhf(v))
ELEMENTWISE(tanh_shrink, v - tanhf(v))
ELEMENTWISE(hard_tanh, v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v))
ELEMENTWISE(softplus, softplusf(v))
ELEMENTWISE(softsign, v / (1.0f + fabsf(v)))
ELEMENTWISE(squareplus, (v + sqrtf(v * v + 4.0f)) / 2.0f)
ELEMENTWISE(sparse_plus, v <= -1.0f ? 0.0f : (v < 1.0f ? 0.25f * (v + 1.0f) * (v + 1.0f) : v))
ELEMENTWISE(soft_shrink, v > 0.5f ? v - 0.5f : (v < -0.5f ? v + 0.5f : 0.0f))
ELEMENTWISE(hard_shrink, fabsf(v) > 0.5f ? v : 0.0f)
ELEMENTWISE(exponential, expf(v))
ELEMENTWISE(mish, v *tanhf(softplusf(v)))

/* Largest element, NaN if any element is NaN. */
static float max_or_nan(const float *y, size_t n) {
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!(y[i] <= m)) m = y[i];
    return m;
}

void c1d_act_softmax__scalar(float *y, size_t n, float *s) {
    (void)s;
    float m = max_or_nan(y, n);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        y[i] = expf(y[i] - m);
        sum += y[i];
    }
    float inv = (float)(1.0 / sum);
    for (size_t i = 0; i < n; i++) y[i] *= inv;
}

void c1d_act_log_softmax__scalar(float *y, size_t n, float *s) {
    (void)s;
    float m = max_or_nan(y, n);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += expf(y[i] - m);
    float shift = m + (float)log(sum);
    for (size_t i = 0; i < n; i++) y[i] -= shift;
}

static int descending(const void *a, const void *b) {
    float x = *(const float *)a, z = *(const float *)b;
    return (x < z) - (x > z);
}

/* Keras's sparsemax: z sorted descending, c_j its cumulative sums, support
 * {j : z_j - (c_j - 1)/j > 0} (1-based j), tau = (sum of c_j over the
 * support - 1) / |support|, y = max(y - tau, 0). Any NaN makes the whole
 * axis NaN (sorting NaN has no defined order). */
void c1d_act_sparsemax__scalar(float *y, size_t n, float *scratch) {
    if (n == 0) return;
    if (isnan(max_or_nan(y, n))) {
        for (size_t i = 0; i < n; i++) y[i] = NAN;
        return;
    }
    memcpy(scratch, y, n * sizeof(float));
    qsort(scratch, n, sizeof(float), descending);
    double c = 0.0, support_sum = 0.0;
    size_t k = 0;
    for (size_t j = 1; j <= n; j++) {
        c += scratch[j - 1];
        if ((double)scratch[j - 1] - (c - 1.0) / (double)j > 0.0) {
            support_sum += c;
            k++;
        }
    }
    float tau = (float)((support_sum - 1.0) / (double)k);
    for (size_t i = 0; i < n; i++) {
        float v = y[i] - tau;
        y[i] = v > 0.0f ? v : 0.0f;
    }
}

void c1d_glu__scalar(const float *a, const float *b, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = a[i] * sigmoidf(b[i]);
}

