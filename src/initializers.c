/* initializers.c: Keras 3's initializers (spec section 8) on a weight of
 * any shape: the conv kernel (kernel_size, in_channels / groups, filters),
 * the bias (filters,) and the LoRA factors.
 *
 * Fans follow keras.initializers' compute_fans: rank 0 -> (1, 1), rank 1
 * (n,) -> (n, n), rank 2 (a, b) -> (a, b), rank >= 3 -> receptive field
 * R = product of shape[:-2], fan_in = shape[-2] * R, fan_out = shape[-1] * R
 * (so K * C/G and K * F for the kernel). When a variance-scaling config
 * carries `input_axes` / `output_axes` (Keras >= 3.15), c1d reads them as
 * JAX's variance_scaling reads in_axis / out_axis: fan_in = product of the
 * input axes times the product of the axes in neither list, fan_out the
 * same with the output axes; an axis list left null defaults to -2
 * (input) or -1 (output).
 *
 * Random values come from random.c's Philox streams: element i of a tensor
 * is a function of (seed, i), so a seeded initializer gives the same
 * tensor every time. Values are computed in double and rounded to float32
 * once; bounds are enforced on the float32 values themselves:
 *   - uniform draws lie in [minval, maxval) (the float32 of each bound);
 *   - truncated normals are redrawn until |value - mean| <= 2 |stddev|.
 * Orthogonal uses LAPACK's dgeqrf / dorgqr (in double), from OpenBLAS or, in
 * BLIS builds, from the system LAPACK (meson.build).
 * STFT computes its angles in float32 as Keras does, its windows in double
 * as scipy does. */
#include <math.h>
#include <string.h>

#include "layer.h"

/* LAPACK (Fortran calling convention) from OpenBLAS, which exports it;
 * Debian ships no C header for these symbols. */
extern void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
                    const int *lwork, int *info);
extern void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau,
                    double *work, const int *lwork, int *info);

/* pi (M_PI is not C11). */
#define PI 3.14159265358979323846

/* Standard deviation of a standard normal truncated to [-2, 2] (Keras's constant). */
#define TRUNCATED_STDDEV 0.87962566103423978
/* Redraws of one truncated-normal element before falling back to the mean
 * (the chance of needing more than 8 is below 1e-10). */
#define MAX_ATTEMPTS 256u

static double number_arg(const c1d_keras_object *init, const char *key) {
    const c1d_keras_arg *a = c1d_keras_object_arg(init, key);
    return a ? a->num.d : 0.0;
}

static const char *choice_arg(const c1d_keras_object *init, const char *key) {
    const c1d_keras_arg *a = c1d_keras_object_arg(init, key);
    return a ? a->choice : NULL;
}

/* The seed an initializer was given, or a fresh one: Keras draws the seed
 * of an unseeded initializer when it is constructed, and c1d constructs
 * one per weight. A SeedGenerator with a seed starts from that seed. */
static uint64_t seed_of(const c1d_keras_object *init) {
    const c1d_keras_arg *a = c1d_keras_object_arg(init, "seed");
    if (a && a->seed.has_value) return (uint64_t)a->seed.value;
    return c1d_random_seed();
}

/* ---- Distributions ---- */

static void fill_uniform(uint64_t seed, float *v, size_t n, double lo, double hi) {
    const float lo_f = (float)lo, hi_f = (float)hi;
    if (!(lo_f < hi_f)) { /* an empty range: every backend returns minval */
        for (size_t i = 0; i < n; i++) v[i] = lo_f;
        return;
    }
    const float below_hi = nextafterf(hi_f, lo_f);
    for (size_t i = 0; i < n; i++) {
        const double u = c1d_random_uniform(seed, i);
        float f = (float)(lo * (1.0 - u) + hi * u); /* no overflow for bounds near DBL_MAX */
        if (!(f < hi_f)) f = below_hi;               /* rounding may reach maxval, which is exclusive */
        if (f < lo_f) f = lo_f;
        v[i] = f;
    }
}

static void fill_normal(uint64_t seed, float *v, size_t n, double mean, double stddev) {
    for (size_t i = 0; i < n; i++) v[i] = (float)(mean + stddev * c1d_random_normal(seed, i, 0));
}

/* Keras's truncated_normal: a normal redrawn outside 2 standard deviations,
 * with no correction of the spread. The bound is checked on the float32
 * value against the float32 mean, which the redraw makes exact. */
static void fill_truncated(uint64_t seed, float *v, size_t n, double mean, double stddev) {
    const float mean_f = (float)mean;
    const double bound = 2.0 * fabs(stddev);
    for (size_t i = 0; i < n; i++) {
        float f = mean_f;
        for (uint32_t attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const double z = c1d_random_normal(seed, i, attempt);
            if (fabs(z) > 2.0) continue;
            const float g = (float)((double)mean_f + stddev * z);
            if (fabs((double)g - (double)mean_f) <= bound) {
                f = g;
                break;
            }
        }
        v[i] = f;
    }
}

/* ---- Fans ---- */

/* Marks the axes of `axes` (None: the single axis `fallback`, if >= 0) in
 * mask; fails on an axis out of range or repeated. */
static c1d_status mark_axes(const c1d_keras_axes *axes, long long fallback, const c1d_shape *shape,
                            const char *path, const char *key, bool mask[C1D_SHAPE_MAX_RANK]) {
    long long list[C1D_KERAS_MAX_AXES];
    size_t count = 0;
    if (axes->kind == C1D_AXES_NONE) {
        if (fallback >= 0) list[count++] = fallback;
    } else if (axes->kind == C1D_AXES_INT) {
        list[count++] = (long long)axes->v[0];
    } else {
        for (size_t i = 0; i < axes->count; i++) list[count++] = (long long)axes->v[i];
    }
    const long long rank = (long long)shape->rank;
    char dims[96];
    c1d_shape_format(shape, dims, sizeof dims);
    for (size_t i = 0; i < count; i++) {
        long long a = list[i];
        if (a < -rank || a >= rank)
            return c1d_fail(C1D_INVALID_ARG, "%s.config.%s: axis %lld is out of bounds for the weight of shape %s",
                            path, key, a, dims);
        if (a < 0) a += rank;
        if (mask[a])
            return c1d_fail(C1D_INVALID_ARG, "%s.config.%s: axis %lld is repeated or also in the other axis list",
                            path, key, list[i]);
        mask[a] = true;
    }
    return C1D_OK;
}

static c1d_status compute_fans(const c1d_keras_object *init, const c1d_shape *shape, const char *path,
                               double *fan_in, double *fan_out) {
    const c1d_keras_arg *in_axes = c1d_keras_object_arg(init, "input_axes");
    const c1d_keras_arg *out_axes = c1d_keras_object_arg(init, "output_axes");
    const size_t r = shape->rank;
    const bool explicit_axes = (in_axes && in_axes->axes.kind != C1D_AXES_NONE) ||
                               (out_axes && out_axes->axes.kind != C1D_AXES_NONE);
    if (!explicit_axes) {
        double receptive = 1.0;
        for (size_t i = 0; r >= 3 && i < r - 2; i++) receptive *= (double)shape->dim[i];
        *fan_in = r == 0 ? 1.0 : r == 1 ? (double)shape->dim[0] : (double)shape->dim[r - 2] * receptive;
        *fan_out = r == 0 ? 1.0 : (double)shape->dim[r - 1] * receptive;
        return C1D_OK;
    }
    bool in_mask[C1D_SHAPE_MAX_RANK] = {false}, out_mask[C1D_SHAPE_MAX_RANK] = {false};
    c1d_status st = mark_axes(&in_axes->axes, (long long)r - 2, shape, path, "input_axes", in_mask);
    if (st) return st;
    /* An axis in both lists is refused: it would count twice. */
    bool both[C1D_SHAPE_MAX_RANK];
    memcpy(both, in_mask, sizeof both);
    if ((st = mark_axes(&out_axes->axes, (long long)r - 1, shape, path, "output_axes", both))) return st;
    for (size_t i = 0; i < r; i++) out_mask[i] = both[i] && !in_mask[i];
    double in = 1.0, out = 1.0, receptive = 1.0;
    for (size_t i = 0; i < r; i++) {
        const double d = (double)shape->dim[i];
        if (in_mask[i]) in *= d;
        else if (out_mask[i]) out *= d;
        else receptive *= d;
    }
    *fan_in = in * receptive;
    *fan_out = out * receptive;
    return C1D_OK;
}

/* ---- The variance-scaling family ---- */

typedef struct variance_spec {
    const char *name;
    double scale;
    const char *mode, *distribution;
} variance_spec;

static const variance_spec fixed_variance[] = {
    {"GlorotUniform", 1.0, "fan_avg", "uniform"},   {"GlorotNormal", 1.0, "fan_avg", "truncated_normal"},
    {"HeUniform", 2.0, "fan_in", "uniform"},        {"HeNormal", 2.0, "fan_in", "truncated_normal"},
    {"LecunUniform", 1.0, "fan_in", "uniform"},     {"LecunNormal", 1.0, "fan_in", "truncated_normal"},
};

static c1d_status fill_variance_scaling(const c1d_keras_object *init, const char *cls, const c1d_shape *shape,
                                        size_t n, float *v, const char *path) {
    variance_spec spec = {cls, number_arg(init, "scale"), choice_arg(init, "mode"), choice_arg(init, "distribution")};
    for (size_t i = 0; i < sizeof fixed_variance / sizeof fixed_variance[0]; i++)
        if (strcmp(cls, fixed_variance[i].name) == 0) spec = fixed_variance[i];
    if (!spec.mode || !spec.distribution)
        return c1d_fail(C1D_UNSUPPORTED, "%s: c1d has no initializer %s", path, cls);
    double fan_in, fan_out;
    c1d_status st = compute_fans(init, shape, path, &fan_in, &fan_out);
    if (st) return st;
    double scale = spec.scale;
    if (strcmp(spec.mode, "fan_in") == 0) scale /= fmax(1.0, fan_in);
    else if (strcmp(spec.mode, "fan_out") == 0) scale /= fmax(1.0, fan_out);
    else scale /= fmax(1.0, (fan_in + fan_out) / 2.0);
    const uint64_t seed = seed_of(init);
    if (strcmp(spec.distribution, "truncated_normal") == 0) {
        fill_truncated(seed, v, n, 0.0, sqrt(scale) / TRUNCATED_STDDEV);
    } else if (strcmp(spec.distribution, "untruncated_normal") == 0) {
        fill_normal(seed, v, n, 0.0, sqrt(scale));
    } else {
        const double limit = sqrt(3.0 * scale);
        fill_uniform(seed, v, n, -limit, limit);
    }
    return C1D_OK;
}

/* ---- Orthogonal ---- */

/* Keras: a max(R, F) x min(R, F) standard normal matrix (R = product of
 * shape[:-1], F = shape[-1]), Q of its QR decomposition with each column
 * multiplied by the sign of R's diagonal, transposed when R < F, times
 * gain. Computed in memory of its own; `out` (n floats) is written last. */
static c1d_status fill_orthogonal(const c1d_keras_object *init, const c1d_shape *shape, size_t n, float *out,
                                  const char *path) {
    char dims[96];
    c1d_shape_format(shape, dims, sizeof dims);
    if (shape->rank < 2)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: The tensor to initialize must be at least two-dimensional. Received: shape=%s of "
                        "rank %zu.",
                        path, dims, shape->rank);
    if (n == 0) return C1D_OK;
    const size_t cols = shape->dim[shape->rank - 1], rows = n / cols;
    const size_t m = rows > cols ? rows : cols, k = rows > cols ? cols : rows;
    size_t bytes;
    if (!c1d_fits_int(m) || !c1d_mul(n, sizeof(double), &bytes) || bytes > C1D_MAX_ALLOC_BYTES)
        return c1d_fail(C1D_TOO_LARGE, "%s: Orthogonal on shape %s needs a %zu x %zu double matrix, over c1d's limits",
                        path, dims, m, k);
    const int mi = c1d_to_int(m), ki = c1d_to_int(k);
    double *a = c1d_alloc(bytes);                      /* column-major m x k, lda = m */
    double *tau = c1d_alloc(2 * k * sizeof(double));   /* [k] reflector scales, then [k] signs of diag(R) */
    double *work = NULL;
    c1d_status st = C1D_OK;
    int info = 0;
    if (!a || !tau) {
        st = c1d_fail(C1D_NOMEM, "%s: out of memory for Orthogonal's %zu x %zu matrix", path, m, k);
        goto done;
    }
    double *sign = tau + k;
    const uint64_t seed = seed_of(init);
    for (size_t i = 0; i < n; i++) a[i] = c1d_random_normal(seed, i, 0);

    /* One workspace for both calls: the larger of the two queried sizes. */
    double query_qr = 0.0, query_q = 0.0;
    int lwork = -1;
    dgeqrf_(&mi, &ki, a, &mi, tau, &query_qr, &lwork, &info);
    if (info == 0) dorgqr_(&mi, &ki, &ki, a, &mi, tau, &query_q, &lwork, &info);
    const double need = fmax(fmax(query_qr, query_q), (double)k);
    if (info != 0 || !(need < (double)INT32_MAX)) {
        st = c1d_fail(C1D_TOO_LARGE, "%s: LAPACK workspace query for a %zu x %zu matrix failed (info %d)", path, m,
                      k, info);
        goto done;
    }
    lwork = (int)need;
    work = c1d_alloc((size_t)lwork * sizeof(double));
    if (!work) {
        st = c1d_fail(C1D_NOMEM, "%s: out of memory for LAPACK's workspace", path);
        goto done;
    }
    dgeqrf_(&mi, &ki, a, &mi, tau, work, &lwork, &info);
    for (size_t j = 0; info == 0 && j < k; j++) {
        const double d = a[j * m + j]; /* numpy's sign: -1, 0 or 1 (a zero pivot has probability 0) */
        sign[j] = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0;
    }
    if (info == 0) dorgqr_(&mi, &ki, &ki, a, &mi, tau, work, &lwork, &info);
    if (info != 0) {
        st = c1d_fail(C1D_INVALID_ARG, "%s: LAPACK failed on Orthogonal's %zu x %zu matrix (info %d)", path, m, k,
                      info);
        goto done;
    }
    /* Q[i][j] = a[j * m + i]. rows >= cols: out[r][f] = Q[r][f];
     * rows < cols: out = Q^T, out[r][f] = Q[f][r]. */
    const double gain = number_arg(init, "gain");
    for (size_t r = 0; r < rows; r++)
        for (size_t f = 0; f < cols; f++) {
            const size_t i = rows >= cols ? r : f, j = rows >= cols ? f : r;
            out[r * cols + f] = (float)(gain * (a[j * m + i] * sign[j]));
        }
done:
    c1d_free(work);
    c1d_free(tau);
    c1d_free(a);
    return st;
}

/* ---- STFT ---- */

/* scipy.signal.get_window(name, m, fftbins=periodic), for the windows that
 * need no parameter (keras_objects.c's list); `w` holds m + 1 doubles. A
 * periodic window is the symmetric one of length m + 1 without its last
 * point. Windows of length <= 1 are ones, as scipy's _len_guards has it. */
static const struct {
    const char *name;
    size_t terms;
    double a[5];
} cosine_sums[] = {
    {"hann", 2, {0.5, 0.5}},
    {"hamming", 2, {0.54, 0.46}},
    {"blackman", 3, {0.42, 0.5, 0.08}},
    {"blackmanharris", 4, {0.35875, 0.48829, 0.14128, 0.01168}},
    {"nuttall", 4, {0.3635819, 0.4891775, 0.1365995, 0.0106411}},
    {"flattop", 5, {0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368}},
};

static double sinc(double x) { return x == 0.0 ? 1.0 : sin(PI * x) / (PI * x); }

/* scipy's taylor(M, nbar=4, sll=30, norm=True). */
static void taylor_window(size_t big_m, double *w) {
    enum { NBAR = 4 };
    const double mm = (double)big_m;
    const double b = pow(10.0, 30.0 / 20.0), a = acosh(b) / PI;
    const double s2 = NBAR * NBAR / (a * a + (NBAR - 0.5) * (NBAR - 0.5));
    double fm[NBAR - 1];
    for (int mi = 0; mi < NBAR - 1; mi++) {
        const double m2 = (double)((mi + 1) * (mi + 1));
        double numer = mi % 2 == 0 ? 1.0 : -1.0, denom = 2.0;
        for (int j = 0; j < NBAR - 1; j++) {
            const double ma = (double)(j + 1);
            numer *= 1.0 - m2 / s2 / (a * a + (ma - 0.5) * (ma - 0.5));
            if (j != mi) denom *= 1.0 - m2 / (ma * ma);
        }
        fm[mi] = numer / denom;
    }
    double at_center = 1.0;
    for (int mi = 0; mi < NBAR - 1; mi++)
        at_center += 2.0 * fm[mi] * cos(2.0 * PI * (mi + 1) * ((mm - 1.0) / 2.0 - mm / 2.0 + 0.5) / mm);
    for (size_t i = 0; i < big_m; i++) {
        double v = 1.0;
        for (int mi = 0; mi < NBAR - 1; mi++)
            v += 2.0 * fm[mi] * cos(2.0 * PI * (mi + 1) * ((double)i - mm / 2.0 + 0.5) / mm);
        w[i] = v / at_center;
    }
}

static void window(const char *name, size_t m, bool periodic, double *w) {
    if (m <= 1) {
        for (size_t i = 0; i < m; i++) w[i] = 1.0;
        return;
    }
    const size_t big_m = periodic ? m + 1 : m;
    const double mm = (double)big_m, last = mm - 1.0;
    for (size_t c = 0; c < sizeof cosine_sums / sizeof cosine_sums[0]; c++) {
        if (strcmp(name, cosine_sums[c].name) != 0) continue;
        for (size_t i = 0; i < big_m; i++) {
            /* numpy.linspace(-pi, pi, M): its last point is exactly pi */
            const double fac = i + 1 == big_m ? PI : -PI + (double)i * (2.0 * PI / last);
            double v = 0.0;
            for (size_t t = 0; t < cosine_sums[c].terms; t++) v += cosine_sums[c].a[t] * cos((double)t * fac);
            w[i] = v;
        }
        return;
    }
    if (strcmp(name, "taylor") == 0) {
        taylor_window(big_m, w);
        return;
    }
    const size_t width = (size_t)floor(0.5 * last / 2.0); /* tukey, alpha = 0.5 */
    for (size_t i = 0; i < big_m; i++) {
        const double n = (double)i;
        const size_t mirror = i < big_m - 1 - i ? i : big_m - 1 - i; /* distance from the nearer end */
        double v = 1.0;
        if (strcmp(name, "triang") == 0) {
            const double j = (double)(mirror + 1);
            v = big_m % 2 == 0 ? (2.0 * j - 1.0) / mm : 2.0 * j / (mm + 1.0);
        } else if (strcmp(name, "bartlett") == 0) {
            v = n <= last / 2.0 ? 2.0 * n / last : 2.0 - 2.0 * n / last;
        } else if (strcmp(name, "parzen") == 0) {
            const double x = fabs(-last / 2.0 + n), r = x / (mm / 2.0);
            v = x <= last / 4.0 ? 1.0 - 6.0 * r * r + 6.0 * r * r * r : 2.0 * pow(1.0 - r, 3.0);
        } else if (strcmp(name, "bohman") == 0) {
            const double fac = fabs(-1.0 + 2.0 * n / last);
            v = (i == 0 || i + 1 == big_m) ? 0.0 : (1.0 - fac) * cos(PI * fac) + sin(PI * fac) / PI;
        } else if (strcmp(name, "barthann") == 0) {
            const double fac = fabs(n / last - 0.5);
            v = 0.62 - 0.48 * fac + 0.38 * cos(2.0 * PI * fac);
        } else if (strcmp(name, "cosine") == 0) {
            v = sin(PI / mm * (n + 0.5));
        } else if (strcmp(name, "exponential") == 0) {
            v = exp(-fabs(n - last / 2.0));
        } else if (strcmp(name, "tukey") == 0) {
            if (i <= width) v = 0.5 * (1.0 + cos(PI * (-1.0 + 2.0 * n / 0.5 / last)));
            else if (i >= big_m - width - 1) v = 0.5 * (1.0 + cos(PI * (-2.0 / 0.5 + 1.0 + 2.0 * n / 0.5 / last)));
        } else if (strcmp(name, "lanczos") == 0) {
            /* scipy mirrors the right half; sinc is even, so this is the same window */
            v = sinc(2.0 * (double)(big_m - 1 - mirror) / last - 1.0);
        } /* boxcar: ones */
        w[i] = v;
    }
}

/* Keras's STFTInitializer on (frame_length, 1, fft_length): DFT basis
 * kernels cos (real) or sin (imag) of -2 pi t f / ((F - 1) * 2), times the
 * window divided by its L2 (density) or L1 (spectrum) norm. */
static c1d_status fill_stft(const c1d_keras_object *init, const c1d_shape *shape, float *out, const char *path) {
    char dims[96];
    c1d_shape_format(shape, dims, sizeof dims);
    if (shape->rank != 3)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: STFT initializes a (frame_length, 1, fft_length) kernel; got shape=%s (Keras fails "
                        "unpacking it)",
                        path, dims);
    const size_t frames = shape->dim[0], channels = shape->dim[1], bins = shape->dim[2];
    if (channels != 1)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: STFT builds a kernel of shape (%zu, 1, %zu), which does not fit the weight of shape %s "
                        "(it needs in_channels / groups = 1)",
                        path, frames, bins, dims);
    if (bins < 2)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: STFT needs fft_length (filters) >= 2: its frequency step divides by (filters - 1) * 2, "
                        "which is 0 for shape=%s (Keras gives NaN)",
                        path, dims);
    const char *side = choice_arg(init, "side"), *name = choice_arg(init, "window");
    const char *scaling = choice_arg(init, "scaling");
    const c1d_keras_arg *periodic = c1d_keras_object_arg(init, "periodic");
    double *w = NULL;
    float scale = 1.0f;
    if (name) {
        size_t bytes;
        if (!c1d_mul(frames + 1, sizeof(double), &bytes) || !(w = c1d_alloc(bytes)))
            return c1d_fail(C1D_NOMEM, "%s: out of memory for a %zu-point window", path, frames);
        window(name, frames, periodic && periodic->flag, w);
        /* Keras converts the window to float32, then sums in float32; c1d sums those values in double. */
        double sum = 0.0;
        for (size_t t = 0; t < frames; t++) {
            const double wf = (double)(float)w[t];
            sum += scaling && strcmp(scaling, "density") == 0 ? wf * wf : fabs(wf);
        }
        if (scaling) scale = strcmp(scaling, "density") == 0 ? (float)sqrt(sum) : (float)sum;
    }
    const float pi_f = (float)PI; /* ops.arccos(-1) in float32 */
    const float fft = (float)((bins - 1) * 2);
    const bool real = !side || strcmp(side, "real") == 0;
    for (size_t t = 0; t < frames; t++)
        for (size_t f = 0; f < bins; f++) {
            const float freq = (float)f / fft, time = (float)t;
            const float arg = -2.0f * time * freq * pi_f; /* left to right, float32, as Keras */
            float k = (float)(real ? cos((double)arg) : sin((double)arg));
            if (w) k = k * (float)w[t] / scale;
            out[t * bins + f] = k;
        }
    c1d_free(w);
    return C1D_OK;
}

/* ---- Dispatch ---- */

c1d_status c1d_initializer_run(const c1d_keras_object *init, const c1d_shape *shape, float *values,
                               const char *path) {
    c1d_keras_object glorot;
    if (!init->cls) { /* Keras's add_weight: a float weight without initializer gets glorot_uniform */
        c1d_keras_object_default(C1D_KERAS_INITIALIZER, "GlorotUniform", &glorot);
        init = &glorot;
    }
    size_t n;
    char dims[96];
    c1d_shape_format(shape, dims, sizeof dims);
    if (!c1d_shape_size(shape, &n))
        return c1d_fail(C1D_TOO_LARGE, "%s: the shape %s has more elements than a size_t holds", path, dims);
    const char *cls = c1d_keras_object_class(init);
    if (strcmp(cls, "Zeros") == 0 || strcmp(cls, "Ones") == 0 || strcmp(cls, "Constant") == 0) {
        const float v = strcmp(cls, "Zeros") == 0 ? 0.0f : strcmp(cls, "Ones") == 0 ? 1.0f
                                                                                     : (float)number_arg(init, "value");
        for (size_t i = 0; i < n; i++) values[i] = v;
        return C1D_OK;
    }
    if (strcmp(cls, "Identity") == 0) {
        if (shape->rank != 2)
            return c1d_fail(C1D_INVALID_ARG,
                            "%s: Identity matrix initializer can only be used for 2D matrices. Received: shape=%s of "
                            "rank %zu.",
                            path, dims, shape->rank);
        const float gain = (float)number_arg(init, "gain");
        for (size_t r = 0; r < shape->dim[0]; r++)
            for (size_t c = 0; c < shape->dim[1]; c++) values[r * shape->dim[1] + c] = gain * (r == c ? 1.0f : 0.0f);
        return C1D_OK;
    }
    if (strcmp(cls, "RandomNormal") == 0) {
        fill_normal(seed_of(init), values, n, number_arg(init, "mean"), number_arg(init, "stddev"));
        return C1D_OK;
    }
    if (strcmp(cls, "TruncatedNormal") == 0) {
        fill_truncated(seed_of(init), values, n, number_arg(init, "mean"), number_arg(init, "stddev"));
        return C1D_OK;
    }
    if (strcmp(cls, "RandomUniform") == 0) {
        const double lo = number_arg(init, "minval"), hi = number_arg(init, "maxval");
        if (hi < lo)
            return c1d_fail(C1D_INVALID_ARG,
                            "%s.config.maxval: %.17g is below minval %.17g; Keras's backends disagree on such a range "
                            "(JAX returns minval, NumPy and TensorFlow draw from (maxval, minval]), so c1d refuses it",
                            path, hi, lo);
        fill_uniform(seed_of(init), values, n, lo, hi);
        return C1D_OK;
    }
    if (strcmp(cls, "Orthogonal") == 0) return fill_orthogonal(init, shape, n, values, path);
    if (strcmp(cls, "STFT") == 0) return fill_stft(init, shape, values, path);
    if (strcmp(cls, "Initializer") == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: the base class Initializer produces no values (Keras raises NotImplementedError: "
                        "Initializer subclasses must implement the `__call__()` method.)",
                        path);
    /* VarianceScaling, Glorot*, He*, Lecun*: what the class table leaves. */
    return fill_variance_scaling(init, cls, shape, n, values, path);
}

/* ---- Reading an initializer argument ---- */

#define MAX_INITIALIZER_TEXT ((size_t)65536)

c1d_status c1d_initializer_parse(const char *text, const char *fallback, const char *path, c1d_keras_object *obj) {
    const char *src = text ? text : fallback;
    const size_t length = strnlen(src, MAX_INITIALIZER_TEXT + 1);
    if (length > MAX_INITIALIZER_TEXT)
        return c1d_fail(C1D_TOO_LARGE, "%s: the initializer text is longer than %zu bytes", path,
                        MAX_INITIALIZER_TEXT);
    size_t start = 0;
    while (start < length && (src[start] == ' ' || src[start] == '\t' || src[start] == '\n' || src[start] == '\r'))
        start++;
    json_t *value;
    if (src[start] == '{') {
        json_error_t err;
        value = json_loadb(src + start, length - start, JSON_REJECT_DUPLICATES, &err);
        if (!value) {
            char reason[JSON_ERROR_TEXT_LENGTH];
            size_t i = 0;
            for (; err.text[i] && i + 1 < sizeof reason; i++)
                reason[i] = (err.text[i] >= 0x20 && err.text[i] < 0x7f) ? err.text[i] : '?';
            reason[i] = '\0';
            const bool oom = !err.text[0] || json_error_code(&err) == json_error_out_of_memory;
            return c1d_fail(oom ? C1D_NOMEM : C1D_PARSE, "%s: %s (line %d, column %d)", path,
                            err.text[0] ? reason : "out of memory", err.line, err.column);
        }
    } else {
        value = json_stringn(src, length);
        if (!value) {
            /* jansson fails alike on invalid UTF-8 and out of memory; ASCII is always valid UTF-8. */
            bool ascii = true;
            for (size_t i = start; i < length; i++) ascii = ascii && (unsigned char)src[i] < 0x80;
            if (ascii) return c1d_fail(C1D_NOMEM, "%s: out of memory reading the identifier", path);
            return c1d_fail(C1D_INVALID_ARG, "%s: the identifier is not valid UTF-8 (or memory ran out)", path);
        }
    }
    c1d_status st = c1d_keras_object_parse(C1D_KERAS_INITIALIZER, value, path, obj);
    json_decref(value);
    return st;
}

c1d_status c1d_initializer_fill(const char *initializer, const size_t *shape, size_t rank, float *values,
                                size_t size) {
    if (!initializer)
        return c1d_fail(C1D_INVALID_ARG, "initializer: expected an identifier or a JSON object, got NULL");
    if (rank > C1D_SHAPE_MAX_RANK)
        return c1d_fail(C1D_INVALID_ARG, "rank: expected 0 to %d dimensions, got %zu", C1D_SHAPE_MAX_RANK, rank);
    if (!shape && rank) return c1d_fail(C1D_INVALID_ARG, "shape: expected %zu dimensions, got NULL", rank);
    c1d_shape s = {.rank = rank};
    for (size_t i = 0; i < rank; i++) s.dim[i] = shape[i];
    size_t n;
    char dims[96];
    c1d_shape_format(&s, dims, sizeof dims);
    if (!c1d_shape_size(&s, &n))
        return c1d_fail(C1D_TOO_LARGE, "shape: %s has more elements than a size_t holds", dims);
    if (size < n)
        return c1d_fail(C1D_INVALID_ARG, "size: values has room for %zu floats; shape %s needs %zu", size, dims, n);
    if (!values && n) return c1d_fail(C1D_INVALID_ARG, "values: expected room for %zu floats, got NULL", n);
    if ((uintptr_t)values % _Alignof(float))
        return c1d_fail(C1D_INVALID_ARG, "values: pointer %p is not aligned for float", (void *)values);
    c1d_keras_object obj;
    c1d_status st = c1d_initializer_parse(initializer, NULL, "initializer", &obj);
    if (st) return st;
    st = c1d_initializer_run(&obj, &s, values, "initializer");
    c1d_keras_object_clear(&obj);
    return st;
}
