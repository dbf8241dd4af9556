/* blas.h: the CBLAS header of the BLAS this build links (meson -Dblas):
 * OpenBLAS's <cblas.h>, or <blis.h>, which declares the same CBLAS API. */
#ifndef C1D_BLAS_H
#define C1D_BLAS_H

#ifdef C1D_BLAS_BLIS
#include <blis.h>
#else
#include <cblas.h>
#endif

#endif
