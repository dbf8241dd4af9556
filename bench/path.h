/* path.h: which code path c1d chose for a problem, and why. */
#ifndef C1D_BENCH_PATH_H
#define C1D_BENCH_PATH_H

#include <stddef.h>

#include "c1d.h"

typedef struct bench_path {
    const char *name;   /* c1d_path_name(), e.g. "im2col_gemm" */
    const char *reason; /* static text from c1d_conv_path */
} bench_path;

/* c1d's path for the layer and its reason, as c1d_conv_path reports them. */
bench_path bench_path_of(const c1d_conv *conv);

#endif
