/* timing.c: the clock and the measurement loop. See timing.h. */
#include "timing.h"

#include <stdlib.h>
#include <time.h>

double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *pa, const void *pb) {
    const double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

double bench_median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void bench_settle(double seconds) {
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

int bench_time_calls(bench_call call, void *ctx, size_t repeat, double min_time, bool warm_up,
                     bench_timing *out) {
    if (warm_up) {
        const double start = bench_now();
        size_t calls = 0;
        do {
            if (call(ctx)) return -1;
            calls++;
        } while (calls < 2 || bench_now() - start < min_time / 2);
    }
    double *per_call = malloc(repeat * sizeof *per_call);
    if (!per_call) return -1;
    for (size_t r = 0; r < repeat; r++) {
        /* Reading the clock after every call costs ~25 ns (vDSO), well
         * below the cost of the smallest calls measured here. */
        const double start = bench_now();
        double now;
        size_t calls = 0;
        do {
            if (call(ctx)) {
                free(per_call);
                return -1;
            }
            calls++;
        } while ((now = bench_now()) - start < min_time);
        per_call[r] = (now - start) / (double)calls;
        out->calls = calls;
    }
    out->repeat = repeat;
    out->min_s = out->max_s = per_call[0];
    for (size_t r = 1; r < repeat; r++) {
        if (per_call[r] < out->min_s) out->min_s = per_call[r];
        if (per_call[r] > out->max_s) out->max_s = per_call[r];
    }
    out->median_s = bench_median(per_call, repeat);
    free(per_call);
    return 0;
}
