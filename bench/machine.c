/* machine.c: CPU, BLAS and ISA description, and the sgemm peak. */
#include "machine.h"

#include "blas_control.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c1d.h"
#include "problem.h"
#include "timing.h"

/* The first "model name" line of /proc/cpuinfo, or "unknown CPU". */
static void cpu_model(char *buf, size_t len) {
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        const char *v = strchr(line, ':');
        if (!v) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
        break;
    }
    fclose(f);
}

void bench_machine_probe(bench_machine *m, int threads) {
    memset(m, 0, sizeof *m);
    if (threads > 0) blas_control_set_threads(threads);
    m->threads = blas_control_threads();
    cpu_model(m->cpu, sizeof m->cpu);
    m->cpus = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(m->blas_name, sizeof m->blas_name, "%s", blas_control_name());
    snprintf(m->blas_core, sizeof m->blas_core, "%s", blas_control_core());
    blas_control_describe(m->blas_config, sizeof m->blas_config);
    m->isa = c1d_isa();
}

typedef struct sgemm_ctx {
    int n;
    const float *a, *b;
    float *c;
} sgemm_ctx;

static int sgemm_call(void *p) {
    const sgemm_ctx *s = p;
    /* C (n x n) = A (n x n) * B (n x n), all row-major */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s->n, s->n, s->n, 1.0f, s->a, s->n, s->b, s->n, 0.0f,
                s->c, s->n);
    return 0;
}

int bench_machine_sgemm_peak(bench_machine *m, size_t n, size_t runs) {
    float *a = aligned_alloc(64, n * n * sizeof *a);
    float *b = aligned_alloc(64, n * n * sizeof *b);
    float *c = aligned_alloc(64, n * n * sizeof *c);
    int rc = -1;
    if (a && b && c) {
        uint64_t state = 7;
        bench_fill_uniform(a, n * n, &state);
        bench_fill_uniform(b, n * n, &state);
        sgemm_ctx ctx = {(int)n, a, b, c};
        bench_timing t;
        /* One warm-up call, then one call per measurement. */
        if (sgemm_call(&ctx) == 0 && bench_time_calls(sgemm_call, &ctx, runs, 0.0, false, &t) == 0) {
            m->peak_n = n;
            m->peak_runs = runs;
            const double flop = 2.0 * (double)n * (double)n * (double)n;
            m->peak_gflops = flop / t.median_s * 1e-9;
            m->peak_lo = flop / t.max_s * 1e-9;
            m->peak_hi = flop / t.min_s * 1e-9;
            rc = 0;
        }
    }
    free(a);
    free(b);
    free(c);
    return rc;
}
