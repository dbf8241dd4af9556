/* avx2_dwconv.h: the AVX2 depthwise kernels and the portable channels_first
 * loop compiled with AVX2 flags that they fall back to. */
#ifndef C1D_AVX2_DWCONV_H
#define C1D_AVX2_DWCONV_H

#include <stddef.h>

void c1d_dwconv_nwc__avx2(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                          size_t d, size_t pad_l, size_t t0, size_t rows, float *y);
void c1d_dwconv_ncw__avx2(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                          size_t d, size_t pad_l, size_t t0, size_t cols, float *y, size_t ldy);
void c1d_dwconv_ncw_portable__avx2(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw,
                                   size_t s, size_t d, size_t pad_l, size_t t0, size_t cols, float *y, size_t ldy);

#endif
