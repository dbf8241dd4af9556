/* blas_control.c: see blas_control.h. */
#include "blas_control.h"

#include <stdio.h>

#ifdef C1D_BLAS_BLIS
const char *blas_control_name(void) { return "BLIS"; }
void blas_control_describe(char *buf, size_t len) { snprintf(buf, len, "BLIS %s", bli_info_get_version_str()); }
const char *blas_control_core(void) { return bli_arch_string(bli_arch_query_id()); }
void blas_control_set_threads(int n) {
    if (n > 0) bli_thread_set_num_threads(n);
}
int blas_control_threads(void) {
    const dim_t n = bli_thread_get_num_threads();
    return n > 0 ? (int)n : 1; /* BLIS reports -1 until a count is set: it then runs one thread */
}

#else
const char *blas_control_name(void) { return "OpenBLAS"; }
void blas_control_describe(char *buf, size_t len) { snprintf(buf, len, "%s", openblas_get_config()); }
const char *blas_control_core(void) { return openblas_get_corename(); }
void blas_control_set_threads(int n) {
    if (n > 0) openblas_set_num_threads(n);
}
int blas_control_threads(void) { return openblas_get_num_threads(); }
#endif
