/* machine.h: what the numbers were measured on, and the sgemm peak that
 * the GFLOP/s are compared with. */
#ifndef C1D_BENCH_MACHINE_H
#define C1D_BENCH_MACHINE_H

#include <stddef.h>

typedef struct bench_machine {
    char cpu[128];          /* "model name" of /proc/cpuinfo */
    long cpus;              /* online CPUs */
    char blas_name[16];     /* "OpenBLAS" or "BLIS" (meson -Dblas) */
    char blas_core[64];     /* the kernel set the BLAS chose (OpenBLAS core name, BLIS sub-configuration) */
    char blas_config[192];  /* its build description */
    const char *isa;        /* c1d_isa() */
    int threads;            /* OpenBLAS threads for the whole run */
    size_t peak_n;          /* the sgemm was peak_n^3 */
    size_t peak_runs;       /* timed runs (after one warm-up) */
    double peak_gflops;     /* its median GFLOP/s */
    double peak_lo, peak_hi; /* slowest and fastest run, GFLOP/s (a wide range means a busy machine) */
} bench_machine;

/* Sets the OpenBLAS thread count (threads > 0; 0 keeps OpenBLAS's own) and
 * fills *m, without the peak. */
void bench_machine_probe(bench_machine *m, int threads);

/* Times `runs` n^3 cblas_sgemm calls after one warm-up and stores the
 * median GFLOP/s in m. Returns 0, or -1 if out of memory. */
int bench_machine_sgemm_peak(bench_machine *m, size_t n, size_t runs);

#endif
