/* reference.c: direct loops over the Keras Conv1D definition. See reference.h. */
#include "reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool ref_output_length(const c1d_config *cfg, size_t steps, size_t *l_out, size_t *pad_l) {
    const long long L = (long long)steps, K = (long long)cfg->kernel_size, s = (long long)cfg->strides;
    const long long d = (long long)cfg->dilation_rate, keff = d * (K - 1) + 1;
    long long out, left;
    if (cfg->padding == C1D_PADDING_VALID) {
        if (L - keff < 0) return false;
        out = (L - keff) / s + 1;
        left = 0;
    } else {
        out = (L + s - 1) / s; /* ceil(L / s) */
        if (cfg->padding == C1D_PADDING_CAUSAL) {
            left = d * (K - 1);
        } else {
            /* The test helper's form: P = max(keff - s, 0) if L % s == 0, else max(keff - L % s, 0). */
            long long P = (L % s == 0) ? keff - s : keff - L % s;
            if (P < 0) P = 0;
            left = P / 2;
        }
    }
    *l_out = (size_t)out;
    *pad_l = (size_t)left;
    return true;
}

/* Input element (item n, step i, channel c) in Keras layout. */
static float input_at(const c1d_config *cfg, const float *x, size_t c_in, size_t steps, size_t n, size_t i,
                      size_t c) {
    if (cfg->data_format == C1D_CHANNELS_LAST) return x[(n * steps + i) * c_in + c];
    return x[(n * c_in + c) * steps + i];
}

void ref_conv1d(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x, const float *w,
                const float *b, double *z, double *mag) {
    size_t l_out, pad_l;
    if (!ref_output_length(cfg, steps, &l_out, &pad_l)) return;
    const size_t F = cfg->filters, G = cfg->groups, cg = c_in / G, fg = F / G;
    for (size_t n = 0; n < batch; n++)
        for (size_t t = 0; t < l_out; t++)
            for (size_t f = 0; f < F; f++) {
                const size_t g = f / fg;
                double acc = b ? (double)b[f] : 0.0, m = b ? fabs((double)b[f]) : 0.0;
                for (size_t k = 0; k < cfg->kernel_size; k++) {
                    /* padded position t*s + k*d maps to input step t*s + k*d - pad_l */
                    long long i = (long long)(t * cfg->strides + k * cfg->dilation_rate) - (long long)pad_l;
                    const bool padded = i < 0 || i >= (long long)steps;
                    for (size_t c = 0; c < cg; c++) {
                        /* the zero padding is multiplied too: 0 * Inf is NaN, as in Keras */
                        double xv = padded ? 0.0 : (double)input_at(cfg, x, c_in, steps, n, (size_t)i, g * cg + c);
                        double p = xv * (double)w[(k * cg + c) * F + f];
                        acc += p;
                        m += fabs(p);
                    }
                }
                size_t o = cfg->data_format == C1D_CHANNELS_LAST ? (n * l_out + t) * F + f
                                                                 : (n * F + f) * l_out + t;
                z[o] = acc;
                if (mag) mag[o] = m;
            }
}

/* numpy's maximum/minimum: NaN if either argument is NaN (unlike fmax). */
static double np_maximum(double a, double b) { return isnan(a) || isnan(b) ? NAN : (a > b ? a : b); }
static double np_minimum(double a, double b) { return isnan(a) || isnan(b) ? NAN : (a < b ? a : b); }

static double sigmoid(double v) { return 1.0 / (1.0 + exp(-v)); }
static double softplus(double v) { return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v)); }
static double hard_sigmoid(double v) {
    double t = v / 6.0 + 0.5;
    return t <= 0 ? 0 : (t >= 1 ? 1 : t);
}

double ref_activation(c1d_activation a, double v) {
    const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
    switch (a) {
    case C1D_ACTIVATION_LINEAR: return v;
    case C1D_ACTIVATION_RELU: return v < 0 ? 0 : v;
    case C1D_ACTIVATION_RELU6: return v < 0 ? 0 : (v > 6 ? 6 : v);
    case C1D_ACTIVATION_LEAKY_RELU: return v >= 0 ? v : 0.2 * v;
    case C1D_ACTIVATION_ELU: return v > 0 ? v : expm1(v);
    case C1D_ACTIVATION_SELU: return v > 0 ? scale * v : scale * alpha * expm1(v);
    case C1D_ACTIVATION_CELU: return np_maximum(v, 0) + expm1(np_minimum(v, 0));
    case C1D_ACTIVATION_SIGMOID: return sigmoid(v);
    case C1D_ACTIVATION_HARD_SIGMOID: return hard_sigmoid(v);
    case C1D_ACTIVATION_SPARSE_SIGMOID: return v <= -1 ? 0 : (v >= 1 ? 1 : (v + 1) / 2);
    case C1D_ACTIVATION_LOG_SIGMOID: return -softplus(-v);
    case C1D_ACTIVATION_SILU: return v * sigmoid(v);
    case C1D_ACTIVATION_HARD_SILU: return v * hard_sigmoid(v);
    case C1D_ACTIVATION_GELU: return 0.5 * v * (1.0 + erf(v / sqrt(2.0)));
    case C1D_ACTIVATION_TANH: return tanh(v);
    case C1D_ACTIVATION_TANH_SHRINK: return v - tanh(v);
    case C1D_ACTIVATION_HARD_TANH: return v < -1 ? -1 : (v > 1 ? 1 : v);
    case C1D_ACTIVATION_SOFTPLUS: return softplus(v);
    case C1D_ACTIVATION_SOFTSIGN: return v / (1.0 + fabs(v));
    case C1D_ACTIVATION_SQUAREPLUS: return (v + sqrt(v * v + 4.0)) / 2.0;
    case C1D_ACTIVATION_SPARSE_PLUS: return v <= -1 ? 0 : (v >= 1 ? v : (v + 1) * (v + 1) / 4);
    case C1D_ACTIVATION_SOFT_SHRINK: return v > 0.5 ? v - 0.5 : (v < -0.5 ? v + 0.5 : 0);
    case C1D_ACTIVATION_HARD_SHRINK: return fabs(v) > 0.5 ? v : 0;
    case C1D_ACTIVATION_EXPONENTIAL: return exp(v);
    case C1D_ACTIVATION_MISH: return v * tanh(softplus(v));
    default: return NAN; /* axis-wise: see ref_activate */
    }
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Axis-wise activation of the contiguous axis v[0 .. n) into out. */
static void axis_activation(c1d_activation a, const double *v, size_t n, double *out) {
    if (a == C1D_ACTIVATION_GLU) {
        for (size_t i = 0; i < n / 2; i++) out[i] = v[i] * sigmoid(v[i + n / 2]);
        return;
    }
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++) m = fmax(m, v[i]);
    if (a == C1D_ACTIVATION_SOFTMAX || a == C1D_ACTIVATION_LOG_SOFTMAX) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += exp(v[i] - m);
        for (size_t i = 0; i < n; i++)
            out[i] = a == C1D_ACTIVATION_SOFTMAX ? exp(v[i] - m) / sum
                                                              : v[i] - m - log(sum);
        return;
    }
    /* sparsemax, Keras's form */
    double *srt = malloc(n * sizeof *srt);
    for (size_t i = 0; i < n; i++) srt[i] = v[i];
    qsort(srt, n, sizeof *srt, cmp_desc);
    double c = 0, csum = 0, k = 0;
    for (size_t j = 1; j <= n; j++) {
        c += srt[j - 1];
        if (srt[j - 1] - (c - 1) / (double)j > 0) {
            csum += c;
            k += 1;
        }
    }
    double tau = (csum - 1) / k;
    for (size_t i = 0; i < n; i++) out[i] = fmax(v[i] - tau, 0.0);
    free(srt);
}

bool ref_activation_is_axiswise(c1d_activation a) {
    return a == C1D_ACTIVATION_SOFTMAX || a == C1D_ACTIVATION_LOG_SOFTMAX || a == C1D_ACTIVATION_SPARSEMAX ||
           a == C1D_ACTIVATION_GLU;
}

bool ref_activation_is_monotone(c1d_activation a) {
    switch (a) {
    case C1D_ACTIVATION_SILU:
    case C1D_ACTIVATION_GELU:
    case C1D_ACTIVATION_MISH:
    case C1D_ACTIVATION_HARD_SILU:
    case C1D_ACTIVATION_HARD_SHRINK: return false;
    default: return true;
    }
}

double ref_activation_lipschitz(c1d_activation a) {
    switch (a) {
    case C1D_ACTIVATION_SILU: return 1.1;
    case C1D_ACTIVATION_GELU: return 1.13;
    case C1D_ACTIVATION_MISH: return 1.2;
    case C1D_ACTIVATION_HARD_SILU: return 1.5;
    default: return 1.0;
    }
}

bool ref_activation_is_exact(c1d_activation a) {
    return a == C1D_ACTIVATION_LINEAR || a == C1D_ACTIVATION_RELU || a == C1D_ACTIVATION_RELU6 ||
           a == C1D_ACTIVATION_HARD_TANH;
}

void ref_activate(const c1d_config *cfg, size_t batch, size_t l_out, const double *z, double *y) {
    const size_t F = cfg->filters;
    const c1d_activation a = cfg->activation;
    if (!ref_activation_is_axiswise(a)) {
        for (size_t i = 0; i < batch * l_out * F; i++) y[i] = ref_activation(a, z[i]);
        return;
    }
    const size_t half = a == C1D_ACTIVATION_GLU ? 2 : 1;
    for (size_t n = 0; n < batch; n++) {
        if (cfg->data_format == C1D_CHANNELS_LAST) /* last axis: filters */
            for (size_t t = 0; t < l_out; t++)
                axis_activation(a, z + (n * l_out + t) * F, F, y + (n * l_out + t) * (F / half));
        else /* last axis: time */
            for (size_t f = 0; f < F; f++)
                axis_activation(a, z + (n * F + f) * l_out, l_out, y + (n * F + f) * (l_out / half));
    }
}
