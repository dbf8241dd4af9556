/* dwconv_portable_avx2.c: the portable channels_first depthwise loop
 * (kernels/scalar/dwconv_scalar.c) compiled with AVX2 flags, for the case the
 * hand-written kernels in dwconv_avx2.c leave to it (a stride > 1). gcc
 * vectorises its time loop. */
#define C1D_ISA_SUFFIX avx2
#define C1D_DWCONV_NCW_ONLY
#define c1d_dwconv_ncw c1d_dwconv_ncw_portable
#include "scalar/dwconv_scalar.c"
