/* dwconv_portable_avx2.c: the portable depthwise loops (kernels/scalar/
 * dwconv_scalar.c) compiled with AVX2 flags, for the cases the hand-written
 * kernels in dwconv_avx2.c leave to them (m > 1; channels_first with a
 * stride). gcc vectorises their channel and time loops. */
#define C1D_ISA_SUFFIX avx2
#define c1d_dwconv_nwc c1d_dwconv_nwc_portable
#define c1d_dwconv_ncw c1d_dwconv_ncw_portable
#include "scalar/dwconv_scalar.c"
