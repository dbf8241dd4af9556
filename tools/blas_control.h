/* blas_control.h: what the programs around the library (the c1d tool,
 * c1d-bench, the thread tests) need to know about and set in the BLAS this
 * build links (meson -Dblas=openblas|blis): its name, build and core, and its
 * own thread count; and, through the BLAS's own header, its CBLAS API (as
 * src/blas.h does for the library). The library itself never touches the
 * BLAS's threads. */
#ifndef C1D_BLAS_CONTROL_H
#define C1D_BLAS_CONTROL_H

#include <stddef.h>

#ifdef C1D_BLAS_BLIS
#include <blis.h>
#else
#include <cblas.h>
#endif

/* "OpenBLAS" or "BLIS". */
const char *blas_control_name(void);

/* Writes the BLAS's build description into buf (len bytes, truncated;
 * OpenBLAS: openblas_get_config(); BLIS: "BLIS " and its version). */
void blas_control_describe(char *buf, size_t len);

/* The kernel set it chose for this CPU (OpenBLAS: its core name; BLIS: its
 * sub-configuration, e.g. "zen3"). */
const char *blas_control_core(void);

/* The threads the BLAS uses inside one call; setting n <= 0 is ignored. */
void blas_control_set_threads(int n);
int blas_control_threads(void);

#endif
